"""Next.js-style response helpers and a throwable API error for WSGI, on werkzeug."""

from ._errors import ApiError
from ._handler import api_handler
from ._request import ApiRequest
from ._response import ApiResponse

__version__ = "0.1.0.dev0"

__all__ = ["ApiError", "ApiRequest", "ApiResponse", "__version__", "api_handler"]
