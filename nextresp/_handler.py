"""``api_handler``: run ``def handler(req, res)`` and fold its errors into the answer.

``ApiHandler`` is the fold: it runs the handler on a fresh ``res`` and turns whatever
the handler raises into the answer, keeping the headers already set on ``res``. How
each host calls it is ``_hosts``'s; which methods reach it is ``_method_guard``'s.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Coroutine, Iterable, Mapping
from typing import Any, Concatenate, Unpack, overload

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from ._compress import compress
from ._cors import add_cors_headers, answer_preflight
from ._errors import ApiError, UnsendableHeader, error_response, error_response_for
from ._headers import keep_lines, lines_of
from ._hosts import Hosted, names_of
from ._input_plan import unresolved_return
from ._method_guard import admitted, check_methods, refuse_method
from ._middleware import Step, compose, is_async
from ._options import ApiOptions, OptionAttributes, OptionKeywords, options_of
from ._request import ApiRequest
from ._response import AfterCallback, ApiResponse, ResponseAlreadySent
from ._validation import typed

#: A handler: ``handler(req, res, **route_params)`` returning None or ``res``.
#: Typed so that mypy refuses a function that cannot take ``(req, res)``.
HandlerFunc = Callable[Concatenate[Any, Any, ...], object]

logger = logging.getLogger("nextresp")


class ApiHandler(OptionAttributes, Hosted):
    """A handler function wrapped for every host; made by :func:`api_handler`.

    Call it as a WSGI application, ``handler(environ, start_response)``; as a
    werkzeug endpoint, ``handler(request, **values)``, which returns the response; or
    as a Flask view, ``handler(**values)``, which answers ``flask.request``.
    """

    #: The route pattern ``routes()`` serves the handler at, for its middleware.
    route: str | None = None

    def __init__(
        self,
        func: HandlerFunc,
        options: ApiOptions,
        methods: tuple[str, ...] | None = None,
    ) -> None:
        functools.update_wrapper(self, func)
        self.func = func
        module, qualname = names_of(func)
        # Hosts name views after them (Flask's endpoint is the view's __name__).
        self.__qualname__ = qualname
        self.__name__ = qualname.rpartition(".")[2]
        self.name = qualname if module is None else f"{module}.{qualname}"
        #: How the handler answers: see :class:`ApiOptions`.
        self.options = options
        #: The methods the handler answers, or None for any.
        self.methods = methods
        self._allowed = None if methods is None else admitted(methods)
        # PERF: api_methods' function for each method, called without the dispatch
        # between (a call, and the route parameters made into keywords once more).
        by_method = getattr(func, "by_method", None)
        if isinstance(by_method, dict):
            self._direct = by_method
        #: The middleware composed around the guard and the handler, or None.
        self._chain: Step | None = None
        if options.use:
            self._chain = compose(
                options.use,
                self._run if self._allowed is None else self._guarded_run,
                self._guarded_run_async,
                sync_inner=self._guarded_run_in_loop,
                handler_is_async=_is_async_handler(func),
                handler_name=self.name,
            )

    def __repr__(self) -> str:
        return f"<api_handler {self.name}>"

    #: The function that answers each method, where it is known before the call.
    _direct: Mapping[str, HandlerFunc] = {}

    def _respond(self, req: ApiRequest, route_params: dict[str, Any]) -> Response:
        options = self.options
        cors = options.cors
        # PERF: only an OPTIONS request can be a preflight; the others skip the call.
        if cors is not None and req.method == "OPTIONS":
            preflight = answer_preflight(
                cors, req.environ, self.methods, options.response_class
            )
            if preflight is not None:
                return preflight
        if route_params:
            req.route_params = route_params
        limit = options.body_limit
        if limit is not None and (
            req.max_content_length is None or req.max_content_length > limit
        ):
            req.max_content_length = limit
        res = options.response_class.blank()
        if req.environ.get("wsgi.url_scheme") == "https":
            res._https = True
        if not options.etag:
            res.auto_etag = False
        response: Response = res
        try:
            if self._chain is not None:
                if self.route is not None:
                    req.environ["nextresp.route"] = self.route
                self._chain(req, res, route_params)
            elif self._allowed is not None and req.method not in self._allowed:
                refuse_method(req, res, self.methods or ())
            else:
                # PERF: _run, inlined.
                func = self._direct.get(req.method, self.func)
                returned = func(req, res, **route_params)
                if returned is not None or res._finished_by is None:
                    self._settle(req, res, returned)
        except ApiError as exc:
            # PERF: what error_response_for() does with an ApiError, with the lines
            # set on res kept as the answer is made, rather than merged after it.
            problem = error_response(
                exc.code,
                exc.detail,
                exc.headers,
                req.environ,
                problem_details=options.problem_details,
                extra=exc.extra,
                response_class=options.response_class,
                carried=res.headers._list,
            )
            response = hand_over(res, problem)
        except HTTPException as exc:
            response = self._http_error(req, res, exc)
        except Exception as exc:
            response = self._unexpected(req, res, exc)
        if options.compress:
            compress(response, req.environ)
        if cors is not None:
            add_cors_headers(cors, lines_of(response.headers), req.environ)
        return response

    def _http_error(
        self, req: ApiRequest, res: ApiResponse, exc: HTTPException
    ) -> Response:
        """Answer a werkzeug exception; one whose headers would be malformed on the
        wire is a bug of the app's, answered as one."""
        options = self.options
        try:
            error = error_response_for(
                exc,
                req.environ,
                problem_details=options.problem_details,
                response_class=options.response_class,
            )
        except UnsendableHeader as bad_header:
            return self._unexpected(req, res, bad_header)
        return fold(res, error)

    def _unexpected(
        self, req: ApiRequest, res: ApiResponse, exc: Exception
    ) -> Response:
        """Answer an exception other than ``HTTPException``: mapped, or a 500."""
        options = self.options
        status = _mapped_status(options.errors, exc) if options.errors else None
        if status is None:
            if options.on_error is not None:
                _report(options.on_error, exc, req, self.name)
            if options.propagate_exceptions:
                raise exc
            if isinstance(exc, ResponseAlreadySent) and res._finished_by is not None:
                # As in Next.js and Express: the first answer stands.
                logger.exception(
                    "%s for %s %s called a helper after the response was finished;"
                    " the first response was sent",
                    self.name,
                    req.method,
                    req.path,
                )
                return res
            logger.exception(
                "unhandled exception in %s for %s %s", self.name, req.method, req.path
            )
            status = 500
        error = error_response(
            status,
            None,
            [],
            req.environ,
            problem_details=options.problem_details,
            response_class=options.response_class,
            carried=res.headers._list,
        )
        return hand_over(res, error)

    def _guarded_run(
        self, req: ApiRequest, res: ApiResponse, route_params: dict[str, Any]
    ) -> None:
        """Refuse a method the handler does not take, else run it: a chain's core."""
        if self._allowed is not None and req.method not in self._allowed:
            refuse_method(req, res, self.methods or ())
        else:
            self._run(req, res, route_params)

    async def _guarded_run_async(
        self, req: ApiRequest, res: ApiResponse, route_params: dict[str, Any]
    ) -> None:
        """`_guarded_run` inside a chain that is a coroutine: the handler is awaited."""
        if self._allowed is not None and req.method not in self._allowed:
            refuse_method(req, res, self.methods or ())
            return
        returned = self.func(req, res, **route_params)
        if returned is not None and inspect.iscoroutine(returned):
            returned = await returned
        self._check(req, res, returned)

    def _guarded_run_in_loop(
        self, req: ApiRequest, res: ApiResponse, route_params: dict[str, Any]
    ) -> None:
        """`_guarded_run` under a sync middleware inside an async one: no loop to run
        an ``async def`` handler on (``compose`` refuses those it can see)."""
        if self._allowed is not None and req.method not in self._allowed:
            refuse_method(req, res, self.methods or ())
            return
        returned = self.func(req, res, **route_params)
        if returned is not None and inspect.iscoroutine(returned):
            returned.close()
            raise TypeError(
                f"{self.name}() is async def but runs under a sync middleware inside"
                " an async one, which cannot await it; make that middleware async def"
            )
        self._check(req, res, returned)

    def _run(
        self, req: ApiRequest, res: ApiResponse, route_params: dict[str, Any]
    ) -> None:
        """Call the handler (as a task, if it is ``async def``) and check its result."""
        self._settle(req, res, self.func(req, res, **route_params))

    def _settle(self, req: ApiRequest, res: ApiResponse, returned: object) -> None:
        """Run a coroutine the handler returned, then check what it returned."""
        if returned is not None and inspect.iscoroutine(returned):
            returned = _run_coroutine(returned)
        self._check(req, res, returned)

    def _check(self, req: ApiRequest, res: ApiResponse, returned: object) -> None:
        """Refuse a value returned besides ``res``; warn of a response never sent."""
        if returned is not None and returned is not res:
            instead = _instead_of_returning(self.func)
            raise TypeError(f"{self.name}() returned {returned!r}; {instead}")
        if res._finished_by is None and type(res.response) is list and not res.response:
            logger.warning(
                "%s returned for %s %s without sending a response; answering %s with"
                " an empty body (finish it with res.json(), res.send() or res.end())",
                self.name,
                req.method,
                req.path,
                res.status_code,
            )


def fold(res: ApiResponse, error: Response) -> Response:
    """Answer with ``error``, keeping the headers already set on ``res``.

    The headers that described the discarded body go with it; where ``error``
    sets a header too, its value wins, except ``Vary``, whose fields add up.
    """
    set_on_res = res.headers._list  # lines_of(), inlined on the hot path
    if set_on_res:
        lines = lines_of(error.headers)
        own = set()
        for name, _ in lines:  # PERF: a loop, not a set comprehension's frame
            own.add(name.lower())
        keep_lines(lines, set_on_res, own)
    return hand_over(res, error)


def hand_over(res: ApiResponse, error: Response) -> Response:
    """Make ``error``, whose headers are folded, the answer in place of ``res``.

    Work queued by ``res.after()`` moves to ``error``; what ``res`` must close
    (a file, a stream) is closed.
    """
    if res._on_close:
        callbacks = res._on_close
        carried = [c for c in callbacks if type(c) is AfterCallback]
        if carried:
            callbacks[:] = [c for c in callbacks if type(c) is not AfterCallback]
            error._on_close.extend(carried)
    if res._on_close or type(res.response) is not list:  # a body to close
        res.close()
    res._answer = error
    return error


class CorsHandler(ApiHandler):
    """An `ApiHandler` whose options hold a `Cors`: it answers CORS preflights itself
    and gives every other answer, errors included, the headers `Cors` says.

    The work is in `ApiHandler._respond`, which does none without a `Cors`; this
    class tells Flask to route OPTIONS to the handler.
    """

    # Flask reads these on a view: OPTIONS reaches the handler, whatever methods the
    # rule lists, instead of Flask's automatic answer, which knows nothing of CORS.
    required_methods = ("OPTIONS",)
    provide_automatic_options = False


def handler_for(
    func: HandlerFunc, options: ApiOptions, methods: tuple[str, ...] | None = None
) -> ApiHandler:
    """Wrap ``func`` in the handler class its options call for.

    A ``func`` taking a typed ``body``, ``query`` or route parameter is read
    once, here, into the plan its requests run (see ``_validation.typed``).
    """
    if not callable(func):
        raise TypeError(
            f"api_handler decorates a function def handler(req, res), not"
            f" {func!r}; write @api_handler or @api_handler(etag=False)"
        )
    func = typed(func, options.validation_status, methods)
    return (ApiHandler if options.cors is None else CorsHandler)(func, options, methods)


@overload
def api_handler(func: HandlerFunc, /) -> ApiHandler: ...


@overload
def api_handler(
    *,
    methods: Iterable[str] | None = None,
    options: ApiOptions | None = None,
    **keywords: Unpack[OptionKeywords],
) -> Callable[[HandlerFunc], ApiHandler]: ...


def api_handler(
    func: HandlerFunc | None = None,
    /,
    *,
    methods: Iterable[str] | None = None,
    options: ApiOptions | None = None,
    **keywords: Unpack[OptionKeywords],
) -> ApiHandler | Callable[[HandlerFunc], ApiHandler]:
    """Turn ``def handler(req, res, **route_params)`` into a WSGI application.

    ``req`` is an :class:`ApiRequest` and ``res`` an :class:`ApiResponse`; the
    handler may be ``async def``. Use it bare (``@api_handler``) or with options:

    - ``methods=["GET", "PUT"]``: other methods get 405 with ``Allow``; HEAD is
      allowed where GET is, and OPTIONS is answered 204 with ``Allow``.
    - the options of :class:`ApiOptions` as keywords (``body_limit="2mb"``,
      ``etag=False``, ``problem_details=False``, ``propagate_exceptions=True``,
      ``response_class=...``, ``cors=Cors([...])``, ``use=[middleware]``,
      ``on_error=report``, ``errors={LookupError: 404}``), or a shared
      ``options=ApiOptions(...)``, which keywords given beside it adjust.
    """
    checked = options_of(options, keywords, "api_handler")
    allowed = None if methods is None else check_methods(methods)

    def decorate(func: HandlerFunc) -> ApiHandler:
        return handler_for(func, checked, allowed)

    return decorate if func is None else decorate(func)


def _instead_of_returning(func: HandlerFunc) -> str:
    """Say how to answer instead of returning a value, for the TypeError."""
    annotation = unresolved_return(func)
    if annotation is not None:
        return (
            f"its return annotation {annotation!r} could not be resolved when the"
            " handler was made (a name defined after it, or imported only under"
            " TYPE_CHECKING), so nothing is sent; define the type before the"
            " handler, or answer through res"
        )
    return (
        "an api_handler answers through res (res.json(...), res.send(...)) and"
        " returns None or res; to send a returned value as JSON, annotate its"
        " type (-> Todo)"
    )


def _is_async_handler(func: HandlerFunc) -> bool:
    """Tell whether ``func`` is known, before a call, to make a coroutine."""
    functions = getattr(func, "functions", None)  # api_methods' dispatch
    if isinstance(functions, dict):
        return any(is_async(f) for f in functions.values())
    return is_async(func)


def _mapped_status(errors: Mapping[type[Exception], int], exc: Exception) -> int | None:
    """Return the status ``errors`` maps ``exc`` to: the nearest class wins."""
    for cls in type(exc).__mro__:
        status = errors.get(cls)
        if status is not None:
            return status
    return None


def _report(
    hook: Callable[..., object], exc: Exception, req: ApiRequest, name: str
) -> None:
    """Call ``on_error(exc, req)``; an exception there is logged, never answered."""
    try:
        hook(exc, req)
    except Exception:
        logger.exception("on_error raised while reporting an exception in %s", name)


def _run_coroutine(coroutine: Coroutine[Any, Any, object]) -> object:
    """Run an ``async def`` handler's coroutine; see ``_async.run``.

    ``asyncio`` costs milliseconds to import: only apps with such handlers pay it.
    """
    global _run_coroutine
    from ._async import run

    _run_coroutine = run
    return run(coroutine)
