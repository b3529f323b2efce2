"""Next.js-style response helpers and a throwable API error for WSGI, on werkzeug."""

from typing import TYPE_CHECKING, Any

from ._cors import Cors
from ._errors import ApiError, error_response_for
from ._events import Event, encode_event
from ._handler import api_handler
from ._methods import api_methods
from ._options import ApiOptions
from ._ready_middleware import AccessLog, RequestId
from ._request import ApiRequest
from ._response import ApiResponse

if TYPE_CHECKING:
    from ._openapi_entry import openapi
    from ._routes import routes

__version__ = "0.2.0"

__all__ = [
    "AccessLog",
    "ApiError",
    "ApiOptions",
    "ApiRequest",
    "ApiResponse",
    "Cors",
    "Event",
    "RequestId",
    "__version__",
    "api_handler",
    "api_methods",
    "encode_event",
    "error_response_for",
    "openapi",
    "routes",
]


def __getattr__(name: str) -> Any:
    """Import ``routes`` on first use.

    PERF: file-system routes need ``pathlib`` and the import machinery, which cost
    milliseconds at start-up to an app of single handlers that never uses them.
    """
    if name == "routes":
        from ._routes import routes

        globals()["routes"] = routes
        return routes
    if name == "openapi":
        from ._openapi_entry import openapi

        globals()["openapi"] = openapi
        return openapi
    raise AttributeError(f"module 'nextresp' has no attribute {name!r}")
