"""Next.js-style response helpers and a throwable API error for WSGI, on werkzeug."""

from ._cors import Cors
from ._errors import ApiError, error_response_for
from ._handler import api_handler
from ._methods import api_methods
from ._request import ApiRequest
from ._response import ApiResponse
from ._routes import routes

__version__ = "0.1.0.dev0"

__all__ = [
    "ApiError",
    "ApiRequest",
    "ApiResponse",
    "Cors",
    "__version__",
    "api_handler",
    "api_methods",
    "error_response_for",
    "routes",
]
