"""Next.js-style response helpers and a throwable API error for WSGI, on werkzeug."""

from ._errors import ApiError, error_response_for
from ._events import Event, encode_event
from ._handler import api_handler
from ._methods import api_methods
from ._request import ApiRequest
from ._response import ApiResponse
from ._routes import routes

__version__ = "0.2.0"

__all__ = [
    "ApiError",
    "ApiRequest",
    "ApiResponse",
    "Event",
    "__version__",
    "api_handler",
    "api_methods",
    "encode_event",
    "error_response_for",
    "routes",
]
