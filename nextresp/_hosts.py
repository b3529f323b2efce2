"""Host dispatch: one handler object answering as a WSGI app, a werkzeug endpoint and
a Flask view.

Each host calls an app its own way; ``Hosted`` tells the three apart by their
arguments and brings each to the same ``_respond(req, route_params)``, which the
handler class implements.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from ._request import ApiRequest, api_request_class
from ._response import ApiResponse

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment


class Hosted:
    """Call it as a WSGI application, ``handler(environ, start_response)``; as a
    werkzeug endpoint, ``handler(request, **values)``, which returns the response; or
    as a Flask view, ``handler(**values)``, which answers ``flask.request``.
    """

    #: How logs and messages name the handler: ``module.qualified_name``.
    name: str

    def _respond(self, req: ApiRequest, route_params: dict[str, Any]) -> Response:
        """Answer ``req``: the handler's own work, whatever the host."""
        raise NotImplementedError

    def __call__(self, *args: Any, **route_params: Any) -> Any:
        if len(args) == 2 and isinstance(args[0], dict) and not route_params:
            environ, start_response = args
            req = ApiRequest.lazy(environ)
            if self._params_from_path is not None:  # see _find_params_from_path
                route_params = self._params_from_path(environ)
            try:
                response = self._respond(req, route_params)
            finally:
                if "files" in req.__dict__:  # uploads were parsed: close their files
                    req.close()
            # PERF: what werkzeug's Response.__call__ does, one call fewer.
            app_iter, status, headers = response.get_wsgi_response(environ)
            start_response(status, headers)
            return app_iter
        if len(args) == 1 and isinstance(args[0], Request):
            return self.respond(args[0], **route_params)
        if not args:
            return self.respond(flask_request(self), **route_params)
        raise TypeError(
            f"{self!r} is called as a WSGI app (environ, start_response), as a"
            " werkzeug endpoint (request, **values) or as a Flask view (**values),"
            f" not with {len(args)} positional arguments"
        )

    def _find_params_from_path(self, environ: WSGIEnvironment) -> dict[str, Any]:
        """Find, on the first bare WSGI call, where route parameters come from.

        A host that routes by file and passes no parameters (Vercel's Python runtime
        calling the ``app`` of ``api/users/[id].py``) leaves them in the path: when a
        module under a bracketed path exports this handler as ``app``, later calls
        take them from matching the path against that file's pattern; otherwise
        there is nothing to find and later calls skip this.
        """
        from ._file_route import file_route

        route = file_route(self)
        self._params_from_path = None if route is None else route.params
        return {} if route is None else route.params(environ)

    # PERF: a method until the first bare WSGI call decides; then None (one attribute
    # read per request) or the file route's look-up.
    _params_from_path: Callable[..., dict[str, Any]] | None = _find_params_from_path

    def respond(self, req: Request, **route_params: Any) -> Response:
        """Run the handler for ``req`` and return the finished response.

        An ``HTTPException`` (``ApiError`` among them) becomes the response, keeping
        the headers set on ``res``; any other exception becomes a bare 500 and is
        logged, unless ``propagate_exceptions`` is set.
        """
        host_class = type(req)
        req.__class__ = api_request_class(host_class)
        stream = req.__dict__.get("stream")
        if stream is not None and getattr(stream, "_pos", None) == 0:
            # The host made werkzeug's stream, under its own limit, and read none of
            # it: made again on first use, under the handler's body_limit.
            del req.__dict__["stream"]
        try:
            response = self._respond(req, route_params)  # type: ignore[arg-type]
        finally:
            req.__class__ = host_class
        # Finish it now: Flask turns it into its own class before sending it.
        if isinstance(response, ApiResponse):
            response.finalize(req.environ)
        return response


def names_of(func: Callable[..., object]) -> tuple[str | None, str]:
    """Return the module and qualified name of any callable, for logs and messages.

    Functions and methods name themselves; a ``functools.partial`` is named after
    what it wraps, and any other callable object after its class. Hosts name views
    after them (Flask's endpoint is the view's ``__name__``).
    """
    target: object = func
    while isinstance(target, functools.partial):
        target = target.func
    named = target if hasattr(target, "__qualname__") else type(target)
    return getattr(named, "__module__", None), getattr(named, "__qualname__", "")


def flask_request(handler: object) -> Request:
    """Return the request of the Flask view ``handler`` is running as."""
    try:
        import flask
    except ImportError:
        flask = None  # type: ignore[assignment]
    if flask is None or not flask.has_request_context():
        raise TypeError(
            f"{handler!r} was called with no request: call it as a WSGI app"
            " (environ, start_response), as a werkzeug endpoint (request, **values),"
            " or as a Flask view inside a request"
        )
    request: Request = flask.request._get_current_object()  # type: ignore[attr-defined]
    return request
