"""``api_methods``: one function per HTTP method, as the App Router's route handlers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack

from ._handler import ApiHandler, HandlerFunc, handler_for
from ._hosts import names_of
from ._method_guard import answer_options
from ._options import OPTION_NAMES, ApiOptions, OptionKeywords, options_of
from ._validation import INPUT_ATTRIBUTE, typed

if TYPE_CHECKING:
    from ._request import ApiRequest
    from ._response import ApiResponse

#: The methods a route may answer, as Next.js's ``HTTP_METHODS`` lists them.
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH")


class MethodKeywords(OptionKeywords, total=False):
    """What ``api_methods`` takes: a function per method, and the options."""

    GET: HandlerFunc
    HEAD: HandlerFunc
    OPTIONS: HandlerFunc
    POST: HandlerFunc
    PUT: HandlerFunc
    DELETE: HandlerFunc
    PATCH: HandlerFunc


class MethodDispatch:
    """Call the function given for the request's method; the handler of `api_methods`.

    HEAD goes to GET's function when none is given for HEAD; OPTIONS, when none is
    given for it, is answered 204 with ``Allow``. Every other method reaches this
    object only if it has a function: the method guard of ``ApiHandler`` refuses the
    rest with 405 before.
    """

    def __init__(self, functions: dict[str, HandlerFunc], allow: tuple[str, ...]):
        # Each function's typed input was planned apart: nothing to plan here.
        setattr(self, INPUT_ATTRIBUTE, True)
        #: The functions, by method name.
        self.functions = functions
        #: The methods answered, in the order ``Allow`` lists them.
        self.allow = allow
        #: The function each method calls, HEAD's included: ``ApiHandler`` calls it
        #: directly, and this object only for what it answers itself (OPTIONS).
        self.by_method = dict(functions)
        if "HEAD" not in functions and "GET" in functions:
            self.by_method["HEAD"] = functions["GET"]
        first = next(iter(functions.values()))
        self.__module__ = names_of(first)[0] or __name__
        # The last part of each name only: Flask names a view's endpoint after this
        # qualified name, and refuses dots there.
        names = (
            f"{method}={names_of(func)[1].rpartition('.')[2]}"
            for method, func in functions.items()
        )
        self.__qualname__ = f"api_methods({', '.join(names)})"

    def __call__(self, req: ApiRequest, res: ApiResponse, **params: Any) -> object:
        func = self.functions.get(req.method)
        if func is None and req.method == "HEAD":
            func = self.functions["GET"]  # werkzeug drops the body of a HEAD answer
        if func is None:  # OPTIONS: the guard lets only the methods in allow through
            answer_options(res, self.allow)
            return None
        return func(req, res, **params)


def api_methods(
    *, options: ApiOptions | None = None, **keywords: Unpack[MethodKeywords]
) -> ApiHandler:
    """Answer each HTTP method with its own function: ``api_methods(GET=get_user)``.

    Each function is ``def get_user(req, res, **route_params)``, or ``async def``,
    and answers as an :func:`api_handler` does. As the App Router's route handlers
    do, HEAD is answered by GET's function with the body dropped, OPTIONS (unless
    given) is answered 204 with ``Allow``, and any other method is 405 with
    ``Allow``. ``Allow`` lists the methods answered in alphabetical order, HEAD and
    OPTIONS among them. The options are those of :func:`api_handler` but
    ``methods``, which the keyword names give.
    """
    given = {name: value for name, value in keywords.items() if name in OPTION_NAMES}
    functions = {n: f for n, f in keywords.items() if n not in OPTION_NAMES}
    return methods_handler(functions, options_of(options, given, "api_methods"))


def methods_handler(functions: Mapping[str, object], options: ApiOptions) -> ApiHandler:
    """Return the handler of ``api_methods(**functions)`` with checked ``options``."""
    checked: dict[str, HandlerFunc] = {}
    for name, func in functions.items():
        _check_function(name, func)
        checked[name] = typed(func, options.validation_status, (name,))  # type: ignore[arg-type]
    if not checked:
        raise ValueError(
            "api_methods needs at least one method, as in api_methods(GET=get_user)"
        )
    answered = set(checked) | {"OPTIONS"}
    if "GET" in checked:
        answered.add("HEAD")
    allow = tuple(sorted(answered))
    return handler_for(MethodDispatch(checked, allow), options, allow)


def _check_function(name: str, func: object) -> None:
    """Refuse a name that is not a method, or a value that is not a plain function."""
    if name not in METHODS:
        if name == "methods":
            fix = "name each method as a keyword instead: api_methods(GET=get_user)"
        elif name.upper() in METHODS:
            fix = f"write {name.upper()}={_shown(func)}: method names are upper-case"
        else:
            fix = f"the methods are {', '.join(METHODS)} and the options {OPTION_NAMES}"
        raise ValueError(
            f"api_methods expected a method name or an option, not {name!r}; {fix}"
        )
    if isinstance(func, ApiHandler):
        raise TypeError(
            f"api_methods {name} expected a function def {name}(req, res), not the"
            f" api_handler {func!r}; pass the function it wraps, {func.name}"
        )
    if not callable(func) or isinstance(func, type):
        raise TypeError(
            f"api_methods {name} expected a function def {name}(req, res), not {func!r}"
        )


def _shown(func: object) -> str:
    return getattr(func, "__name__", None) or repr(func)
