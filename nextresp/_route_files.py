"""Route files: import each file of a route tree once and make the handler it answers
through, or say, naming the file, what it must hold instead."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import inspect
import os
import re
import sys
from pathlib import Path
from types import ModuleType

from ._handler import ApiHandler, handler_for
from ._methods import METHODS, methods_handler
from ._middleware import Middleware, check_middleware
from ._options import ApiOptions

_NOT_IN_NAME = re.compile(r"\W", re.ASCII)


def middleware_of(file: Path, display: str) -> tuple[Middleware, ...]:
    """Return the middleware a ``_middleware.py`` defines, or say what it must hold."""
    module = load(file, display)
    found = getattr(module, "middleware", None)
    if found is None:
        raise ValueError(
            f"{display}: expected middleware = [...] or def middleware(req, res,"
            " call_next), not a module that defines neither"
        )
    if callable(found) and not isinstance(found, type):
        return (found,)
    try:
        return check_middleware(found)
    except TypeError as exc:
        raise TypeError(f"{display}: {exc}") from None


def module_name(file: Path) -> str:
    """Return the name a route file is imported as: stable, unique, from its path.

    The last three parts of the path, ``api/users/[id].py`` say, become
    ``nextresp_route_api_users__id__`` and eight hex digits of the hash of the
    absolute path follow, so two trees never share a module and
    every process that imports the file (each gunicorn worker) names it alike.
    """
    absolute = os.path.abspath(file)
    digest = hashlib.sha1(absolute.encode("utf-8", "surrogateescape")).hexdigest()
    parts = Path(absolute).with_suffix("").parts[-3:]
    stem = _NOT_IN_NAME.sub("_", "_".join(parts))
    return f"nextresp_route_{stem}_{digest[:8]}"


def load(file: Path, display: str) -> ModuleType:
    """Import a route file under `module_name`, registered in ``sys.modules``."""
    name = module_name(file)
    spec = importlib.util.spec_from_file_location(name, file)
    # A .py file always has a spec and a loader.
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs, as an import does: dataclasses and pickle look
    # classes up in sys.modules by their __module__.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException as exc:
        del sys.modules[name]
        if not isinstance(exc, Exception):
            raise
        raise ImportError(
            f"{display}: expected the route file to import, not to raise"
            f" {type(exc).__name__}: {exc}",
            name=name,
            path=str(file),
        ) from exc
    return module


def check_parameters(module: ModuleType, display: str, params: tuple[str, ...]) -> None:
    """Refuse a file whose method function cannot take one of its route parameters.

    ``def GET(req, res)`` in ``[id].py`` would fail with a TypeError on every
    request; the tree refuses it when it loads instead.
    """
    for method in METHODS:
        func = getattr(module, method, None)
        try:
            signature = inspect.signature(func)  # type: ignore[arg-type]
        except (TypeError, ValueError):  # not a function, or a builtin
            continue
        taken = signature.parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in taken):
            continue
        names = {
            p.name for p in taken if p.kind not in (p.POSITIONAL_ONLY, p.VAR_POSITIONAL)
        }
        for name in params:
            if name not in names:
                raise ValueError(
                    f"{display}: expected {method} to take the route parameter"
                    f" {name!r}, as in def {method}(req, res, {name}) or"
                    f" def {method}(req, res, **params)"
                )


def handler_of(module: ModuleType, display: str, options: ApiOptions) -> ApiHandler:
    """Return the handler a route module answers through, or say why there is none."""
    functions = {m: getattr(module, m) for m in METHODS if hasattr(module, m)}
    exported = {n: getattr(module, n) for n in ("app", "handler") if hasattr(module, n)}
    if len({id(value) for value in exported.values()}) > 1:
        raise ValueError(
            f"{display}: expected one of app and handler, not both; keep app"
        )
    if functions and exported:
        raise ValueError(
            f"{display}: expected functions named after methods or"
            f" {' and '.join(exported)}, not both ({', '.join(functions)} and"
            f" {' and '.join(exported)}); keep one way of answering"
        )
    if functions:
        try:
            return methods_handler(functions, options)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{display}: {exc}") from None
    if not exported:
        raise ValueError(
            f"{display}: expected functions named after methods (def GET(req, res))"
            " or app = api_handler(...), not a module that answers no request"
        )
    name, value = next(iter(exported.items()))
    if isinstance(value, ApiHandler):
        # It keeps the options it was built with, but for the tree's CORS,
        # middleware and on_error: what the whole tree sets must not skip a file
        # silently. The tree's middleware runs outside the file's own.
        own = value.options
        cors = own.cors if own.cors is not None else options.cors
        on_error = own.on_error if own.on_error is not None else options.on_error
        if cors is not own.cors or on_error is not own.on_error or options.use:
            adjusted = dataclasses.replace(
                own, cors=cors, on_error=on_error, use=options.use + own.use
            )
            return handler_for(value.func, adjusted, value.methods)
        return value
    if inspect.isclass(value) or not callable(value):
        raise ValueError(
            f"{display}: expected {name} to be an api_handler or a function"
            f" def {name}(req, res), not {value!r}"
        )
    return handler_for(value, options)
