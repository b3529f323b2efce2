"""``api_handler``: run ``def handler(req, res)`` as a WSGI app and fold its errors."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, overload

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from ._errors import ApiError, error_response
from ._headers import REPRESENTATION_HEADERS
from ._response import ApiResponse

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

#: A handler: ``handler(req, res, **route_params)`` returning None or ``res``.
HandlerFunc = Callable[..., object]

logger = logging.getLogger("nextresp")


class ApiHandler:
    """A handler function wrapped as a WSGI application; made by :func:`api_handler`."""

    def __init__(
        self,
        func: HandlerFunc,
        *,
        etag: bool,
        problem_details: bool,
        propagate_exceptions: bool,
    ) -> None:
        functools.update_wrapper(self, func)
        self.func = func
        self.etag = etag
        self.problem_details = problem_details
        self.propagate_exceptions = propagate_exceptions

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        response = self.respond(Request(environ))
        return response(environ, start_response)

    def __repr__(self) -> str:
        return f"<api_handler {self.func.__module__}.{self.func.__qualname__}>"

    def respond(self, req: Request, **route_params: object) -> Response:
        """Run the handler for ``req`` and return the finished response.

        An ``HTTPException`` (``ApiError`` among them) becomes the response, keeping
        the headers set on ``res``; any other exception becomes a bare 500 and is
        logged, unless ``propagate_exceptions`` is set.
        """
        res = ApiResponse()
        if not self.etag:
            res.auto_etag = False
        try:
            returned = self.func(req, res, **route_params)
            if returned is not None and returned is not res:
                raise TypeError(
                    f"{self.func.__qualname__}() returned {returned!r}; an api_handler"
                    " answers through res (res.json(...), res.send(...)) and returns"
                    " None or res"
                )
        except HTTPException as exc:
            return self._fold(res, exc, req.environ)
        except Exception:
            if self.propagate_exceptions:
                raise
            logger.exception(
                "unhandled exception in %s for %s %s",
                self.func.__qualname__,
                req.method,
                req.path,
            )
            res.close()
            return error_response(
                500, None, [], req.environ, problem_details=self.problem_details
            )
        return res.finalize(req.environ)

    def _fold(
        self, res: ApiResponse, exc: HTTPException, environ: WSGIEnvironment
    ) -> Response:
        """Answer with ``exc``, keeping the headers already set on ``res``.

        The headers that described the discarded body go with it; where ``exc`` sets
        a header too, its value wins.
        """
        error = self._error_response(exc, environ)
        own = {name.lower() for name, _ in error.headers}
        error.headers.extend(
            (name, value)
            for name, value in res.headers
            if name.lower() not in REPRESENTATION_HEADERS and name.lower() not in own
        )
        res.close()
        return error

    def _error_response(self, exc: HTTPException, environ: WSGIEnvironment) -> Response:
        if isinstance(exc, ApiError):
            return error_response(
                exc.code,
                exc.detail,
                exc.headers,
                environ,
                problem_details=self.problem_details,
            )
        code = exc.code
        if exc.response is not None or code is None or not 400 <= code <= 599:
            # A response the exception built itself, or a redirect (werkzeug's
            # RequestRedirect): werkzeug renders it.
            return exc.get_response(environ)
        return error_response(
            code,
            exc.description,
            exc.get_headers(environ),
            environ,
            problem_details=self.problem_details,
        )


@overload
def api_handler(func: HandlerFunc, /) -> ApiHandler: ...


@overload
def api_handler(
    *,
    etag: bool = True,
    problem_details: bool = True,
    propagate_exceptions: bool = False,
) -> Callable[[HandlerFunc], ApiHandler]: ...


def api_handler(
    func: HandlerFunc | None = None,
    /,
    *,
    etag: bool = True,
    problem_details: bool = True,
    propagate_exceptions: bool = False,
) -> ApiHandler | Callable[[HandlerFunc], ApiHandler]:
    """Turn ``def handler(req, res): ...`` into a WSGI application.

    ``req`` is a werkzeug ``Request`` and ``res`` an :class:`ApiResponse`. Use it bare
    (``@api_handler``) or with options:

    - ``etag=False``: no automatic ``ETag`` and no automatic 304.
    - ``problem_details=False``: every error body is plain text, never JSON.
    - ``propagate_exceptions=True``: unexpected exceptions propagate to the server
      or middleware (debuggers, error reporters) instead of becoming a bare 500.
    """
    for option, value in (
        ("etag", etag),
        ("problem_details", problem_details),
        ("propagate_exceptions", propagate_exceptions),
    ):
        if not isinstance(value, bool):
            raise TypeError(
                f"api_handler option {option} must be True or False, not {value!r}"
            )

    def decorate(func: HandlerFunc) -> ApiHandler:
        if not callable(func):
            raise TypeError(
                f"api_handler decorates a function def handler(req, res), not"
                f" {func!r}; write @api_handler or @api_handler(etag=False)"
            )
        return ApiHandler(
            func,
            etag=etag,
            problem_details=problem_details,
            propagate_exceptions=propagate_exceptions,
        )

    return decorate if func is None else decorate(func)
