"""``nextresp dev``: serve a route tree with werkzeug's reloader, as ``next dev``."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._input_plan import input_models
from ._methods import MethodDispatch
from ._middleware import name_of

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from ._handler import ApiHandler
    from ._routes import RoutesApp
    from ._serve import TreeOptions

# Not 3000, the port of the Next.js front end a tree often serves; 8000, as
# `nextresp serve`, gunicorn, granian and uvicorn listen by default.
DEFAULT_PORT = 8000
# werkzeug's reloader restarts the process it serves from when it exits so.
RESTART = 3
# A dotted name in a type's repr: its last part is shown.
_DOTTED = re.compile(r"\b(?:\w+\.)+(\w+)")


def load(tree: TreeOptions) -> RoutesApp | None:
    """Build the tree, or print why it cannot be built on one line and return None."""
    try:
        return tree.build()
    except (ImportError, OSError, TypeError, ValueError) as exc:
        print(f"nextresp: error: {exc}", file=sys.stderr)
        return None


def run(tree: TreeOptions, directory: str, port: int) -> None:
    """Serve the tree with werkzeug's development server and reloader."""
    from werkzeug.serving import is_running_from_reloader, run_simple

    # werkzeug's reloader runs this twice: the first process watches the files and
    # starts the second, which serves; the app the first is given never answers.
    if is_running_from_reloader():
        served = dev_app(tree, directory, port)
        watch_tree(directory)
    else:
        served = Broken(directory)
    # werkzeug says itself, and exits with status 1, when the port is taken.
    run_simple("127.0.0.1", port, served, use_reloader=True, extra_files=[directory])


def dev_app(tree: TreeOptions, directory: str, port: int) -> WSGIApplication:
    """Return the app ``nextresp dev`` serves, having printed its table and URL.

    A tree that cannot be loaded prints why instead of the table, and is served by an
    app that answers 500 until the fixed file is saved (the reloader restarts then).
    """
    app = load(tree)
    if app is not None:
        print(format_table(app), flush=True)
    print(f"nextresp dev: serving {directory} on http://127.0.0.1:{port}", flush=True)
    return app or Broken(directory)


def format_table(app: RoutesApp) -> str:
    """Return the routes of ``app`` as ``nextresp routes`` prints them.

    A tree with typed input gets a column naming each route's models
    (``POST body TodoIn``); one with middleware a last column naming each route's,
    outermost first.
    """
    rows: list[tuple[str, ...]] = [("Route", "Methods", "File")]
    base = app.table.directory.parent
    for route in app.table.routes:
        methods = app.handlers[route].methods
        shown = "ANY" if methods is None else ", ".join(methods)
        rows.append((route.pattern, shown, route.file.relative_to(base).as_posix()))
    inputs = [input_of(app.handlers[route]) for route in app.table.routes]
    if any(inputs):
        rows = [(*rows[0], "Input")] + [
            (*row, shown or "-") for row, shown in zip(rows[1:], inputs, strict=True)
        ]
    if any(handler.use for handler in app.handlers.values()):
        rows = [(*rows[0], "Middleware")] + [
            (*row, ", ".join(map(name_of, app.handlers[route].use)) or "-")
            for row, route in zip(rows[1:], app.table.routes, strict=True)
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    rule = (*("-" * width for width in widths), "-" * len(rows[0][-1]))
    lines = [
        "  ".join([*map(str.ljust, row[:-1], widths), row[-1]])
        for row in [rows[0], rule, *rows[1:]]
    ]
    return "\n".join(lines)


def input_of(handler: ApiHandler) -> str:
    """Name the models a handler's functions take: ``GET query Paging; POST body
    TodoIn`` (the method only for ``api_methods`` functions); empty if none."""
    dispatch = handler.func
    functions: dict[str, Any] = (
        dispatch.functions
        if isinstance(dispatch, MethodDispatch)
        else {"": handler.func}
    )
    shown = []
    for method, func in functions.items():
        models = ", ".join(
            f"{name} {_type_name(model)}" for name, model in input_models(func)
        )
        if models:
            shown.append(f"{method} {models}".lstrip())
    return "; ".join(shown)


def _type_name(model: Any) -> str:
    if isinstance(model, type):
        return model.__qualname__
    return _DOTTED.sub(r"\1", repr(model))


def route_files(directory: str) -> set[str]:
    """Return the paths of the Python files under ``directory``."""
    return {
        os.path.join(root, name)
        for root, _dirs, names in os.walk(directory)
        for name in names
        if name.endswith(".py")
    }


def watch_tree(directory: str, interval: float = 0.5) -> threading.Thread:
    """Restart the server when a route file is added or removed, in a thread.

    werkzeug's reloader restarts on a change to a file it knows: an imported
    module, a file it saw when it started. A new route file is neither, and
    ``next dev`` serves it at once.
    """
    known = route_files(directory)

    def loop() -> None:
        while route_files(directory) == known:
            time.sleep(interval)
        print(f"nextresp dev: files added to or removed from {directory}", flush=True)
        os._exit(RESTART)  # as werkzeug's own reloader ends the process it serves from

    watcher = threading.Thread(target=loop, name="nextresp-dev-watch", daemon=True)
    watcher.start()
    return watcher


class Broken:
    """Answer every request with a 500 problem while the tree cannot be loaded.

    The detail says where to look, never what failed: the error is in the
    terminal, not on the wire.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        from werkzeug.exceptions import InternalServerError

        from ._errors import error_response_for

        error = InternalServerError(
            f"The routes in {self.directory} could not be loaded; the error is in the"
            " terminal. Save the fixed file to reload."
        )
        response = error_response_for(error, environ)
        return response(environ, start_response)
