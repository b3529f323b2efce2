"""Middleware: ``def mw(req, res, call_next)``, composed once into a chain.

A handler's middleware is composed when the handler is built (at decoration, or when
``routes()`` loads its tree), never per request; a handler without middleware runs
exactly as before. The chain runs inside the fold, so what a middleware sets on
``res`` survives an error answer, and it never touches the body.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._request import ApiRequest
    from ._response import ApiResponse

#: A middleware: ``mw(req, res, call_next)``; ``call_next()`` runs the rest of the
#: chain and the handler (``await call_next()`` in an ``async def`` middleware).
Middleware = Callable[..., Any]
#: One step of a composed chain: ``step(req, res, route_params)``.
Step = Callable[["ApiRequest", "ApiResponse", dict[str, Any]], Any]
AsyncStep = Callable[
    ["ApiRequest", "ApiResponse", dict[str, Any]], Coroutine[Any, Any, Any]
]


def is_async(func: object) -> bool:
    """Tell whether calling ``func`` makes a coroutine: ``async def``, or its
    ``__call__`` is, or it wraps one (``functools.wraps``: a typed-input handler)."""
    if callable(func):
        func = inspect.unwrap(func)
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
        getattr(func, "__call__", None)  # noqa: B004 (an object's async __call__)
    )


def name_of(func: object) -> str:
    """Name a middleware as messages and ``nextresp routes`` show it."""
    name = getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
    if isinstance(name, str):
        return name
    return type(func).__qualname__ + "()"


def check_middleware(use: object, option: str = "use") -> tuple[Middleware, ...]:
    """Return ``use`` as a tuple of middleware, or raise naming the bad value."""
    if isinstance(use, str | bytes) or not isinstance(use, Iterable):
        raise TypeError(
            f"api_handler option {option} must be a list of middleware functions"
            f" def mw(req, res, call_next), as in {option}=[timing], not {use!r}"
        )
    checked = tuple(use)
    for mw in checked:
        if not callable(mw) or isinstance(mw, type):
            hint = (
                f"; call it: {mw.__name__}()"
                if isinstance(mw, type)
                else ", as in use=[timing]"
            )
            raise TypeError(
                f"api_handler option {option} holds {mw!r}, which is not a middleware"
                f" function def mw(req, res, call_next){hint}"
            )
    return checked


def compose(
    use: tuple[Middleware, ...],
    inner: Step,
    async_inner: AsyncStep,
    *,
    sync_inner: Step,
    handler_is_async: bool,
    handler_name: str,
) -> Step:
    """Compose ``use`` (outermost first) around the handler into one step.

    ``inner`` runs the handler synchronously (running an ``async def`` one on the
    thread's loop); ``async_inner`` awaits it, for a chain that is already a
    coroutine; ``sync_inner`` calls it inside such a coroutine, refusing a
    coroutine it cannot await.

    Strategy: the sync middleware before the first ``async def`` one run as plain
    calls; from that one inwards the chain is one coroutine, run once by
    ``_async.run``, so ``asyncio`` is loaded only for chains that need it. A sync
    middleware inside an async one must run its rest synchronously, so that rest
    may hold no ``async def`` middleware nor an ``async def`` handler: such a chain
    is refused here.
    """
    first_async = next((i for i, mw in enumerate(use) if is_async(mw)), None)
    if first_async is None:
        return _sync_chain(use, inner)
    outer, rest = use[:first_async], use[first_async:]
    sync_tail_start = next(
        (i for i, mw in enumerate(rest) if not is_async(mw)), len(rest)
    )
    awaited, tail = rest[:sync_tail_start], rest[sync_tail_start:]
    if tail:
        around = awaited[-1]
        inner_async = next((i for i, mw in enumerate(tail) if is_async(mw)), None)
        if inner_async is not None:
            sync_mw = name_of(tail[inner_async - 1])
            what = f"the async middleware {name_of(tail[inner_async])}"
        elif handler_is_async:
            sync_mw = name_of(tail[-1])
            what = f"the async def handler {handler_name}"
        if inner_async is not None or handler_is_async:
            raise TypeError(
                f"the sync middleware {sync_mw} runs inside the async middleware"
                f" {name_of(around)} and around {what}, which it cannot await; make"
                f" {sync_mw} async def, or list it before {name_of(around)}"
            )
    if tail:
        async_step: AsyncStep = _as_coroutine(_sync_chain(tail, sync_inner))
    else:
        async_step = async_inner
    for mw in reversed(awaited):
        async_step = _async_layer(_callable_of(mw), async_step)
    return (
        _sync_chain(outer, _run_chain(async_step)) if outer else _run_chain(async_step)
    )


def _callable_of(mw: Middleware) -> Middleware:
    # PERF: an object's bound __call__ is called directly, without a lookup per call.
    if inspect.isfunction(mw) or inspect.ismethod(mw):
        return mw
    # mypy narrows mw to a function here: getattr keeps the type it declares.
    call: Middleware = getattr(mw, "__call__")  # noqa: B004, B009
    return call


def _sync_chain(use: tuple[Middleware, ...], inner: Step) -> Step:
    """Compose sync middleware around ``inner``: one step, one frame of ours."""
    partial = functools.partial
    first = _callable_of(use[0])
    rest = tuple(_callable_of(mw) for mw in reversed(use[1:]))

    # PERF: each call_next is a partial of the next middleware, made per request
    # in one loop, rather than a wrapper function per layer: one frame of ours
    # per request instead of one per layer.
    def chain(req: ApiRequest, res: ApiResponse, params: dict[str, Any]) -> None:
        call_next = partial(inner, req, res, params)
        for mw in rest:
            call_next = partial(mw, req, res, call_next)
        first(req, res, call_next)

    return chain


def _async_layer(mw: Middleware, step: AsyncStep) -> AsyncStep:
    partial = functools.partial

    async def layer(req: ApiRequest, res: ApiResponse, params: dict[str, Any]) -> None:
        await mw(req, res, partial(step, req, res, params))

    return layer


def _as_coroutine(step: Step) -> AsyncStep:
    async def layer(req: ApiRequest, res: ApiResponse, params: dict[str, Any]) -> None:
        step(req, res, params)

    return layer


def _run_chain(step: AsyncStep) -> Step:
    def layer(req: ApiRequest, res: ApiResponse, params: dict[str, Any]) -> None:
        from ._async import run  # asyncio is imported by chains that need it only

        run(step(req, res, params))

    return layer
