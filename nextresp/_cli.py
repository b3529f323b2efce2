"""The command line: ``nextresp routes`` prints a tree, ``nextresp dev`` serves it."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ._middleware import name_of

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from ._routes import RoutesApp

DEFAULT_DIRECTORIES = ("api", "pages/api")
DEFAULT_PORT = 3000


class _Parser(argparse.ArgumentParser):
    """argparse, with each usage error on one line (status 2, as argparse exits)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nextresp",
        description="Serve a directory of route files as Next.js serves pages/api.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, summary in (
        ("routes", "print the routes of DIR in the order they are matched"),
        ("dev", "serve DIR on 127.0.0.1, restarting when a file changes"),
    ):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument(
            "directory",
            nargs="?",
            metavar="DIR",
            help="the route directory (default: api if it exists, else pages/api)",
        )
        command.add_argument(
            "--prefix", help="the URL prefix (default: / and the directory's name)"
        )
        if name == "dev":
            command.add_argument(
                "--port",
                type=_port,
                default=DEFAULT_PORT,
                help=f"the port to listen on (default: {DEFAULT_PORT})",
            )
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:  # isdigit() leaves no sign
        raise argparse.ArgumentTypeError(
            f"expected a port number from 0 to 65535, not {text!r}"
        )
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nextresp`` with ``argv`` (the process's arguments by default)."""
    parser = _parser()
    args = parser.parse_args(argv)
    directory: str | None = args.directory
    if directory is None:
        directory = next((d for d in DEFAULT_DIRECTORIES if Path(d).is_dir()), None)
        if directory is None:
            parser.error(
                "expected a route directory, but neither ./api nor ./pages/api exists;"
                " pass DIR"
            )
    # As gunicorn and flask do: route files import the project's modules from here.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    if args.command == "routes":
        app = _load(directory, args.prefix)
        if app is None:
            return 1
        print(format_table(app))
        return 0
    from werkzeug.serving import is_running_from_reloader

    # werkzeug's reloader runs this twice: the first process watches the files and
    # starts the second, which serves; the app the first is given never answers.
    if is_running_from_reloader():
        served = dev_app(directory, args.prefix, args.port)
    else:
        served = _Broken(directory)
    _serve(served, directory, args.port)
    return 0


def _load(directory: str, prefix: str | None) -> RoutesApp | None:
    """Build the app, or print why it cannot be built on one line and return None."""
    from ._routes import routes

    try:
        return routes(directory, prefix=prefix)
    except (ImportError, OSError, TypeError, ValueError) as exc:
        print(f"nextresp: error: {exc}", file=sys.stderr)
        return None


def format_table(app: RoutesApp) -> str:
    """Return the routes of ``app`` as ``nextresp routes`` prints them."""
    rows: list[tuple[str, ...]] = [("Route", "Methods", "File")]
    base = app.table.directory.parent
    for route in app.table.routes:
        methods = app.handlers[route].methods
        shown = "ANY" if methods is None else ", ".join(methods)
        rows.append((route.pattern, shown, route.file.relative_to(base).as_posix()))
    if any(handler.use for handler in app.handlers.values()):  # outermost first
        rows = [(*row, "Middleware") for row in rows[:1]] + [
            (*row, ", ".join(map(name_of, app.handlers[route].use)) or "-")
            for row, route in zip(rows[1:], app.table.routes, strict=True)
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]])
        for row in rows
    ]
    rule = [*("-" * w for w in widths), "-" * len(rows[0][-1])]
    lines.insert(1, "  ".join(rule))
    return "\n".join(lines)


def dev_app(directory: str, prefix: str | None, port: int) -> WSGIApplication:
    """Return the app ``nextresp dev`` serves, having printed its table and URL.

    A tree that cannot be loaded prints why instead of the table, and is served by an
    app that answers 500 until the fixed file is saved (the reloader restarts then).
    """
    app = _load(directory, prefix)
    if app is not None:
        print(format_table(app), flush=True)
    print(f"nextresp dev: serving {directory} on http://127.0.0.1:{port}", flush=True)
    return app or _Broken(directory)


def _serve(app: WSGIApplication, directory: str, port: int) -> None:
    """Serve ``app`` with werkzeug's development server and reloader."""
    from werkzeug.serving import run_simple

    # werkzeug says itself, and exits with status 1, when the port is taken.
    run_simple("127.0.0.1", port, app, use_reloader=True, extra_files=[directory])


class _Broken:
    """Answer every request 500 while the tree cannot be imported."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        body = (
            f"The routes in {self.directory} could not be loaded; the error is in the"
            " terminal. Save the fixed file to reload.\n"
        ).encode()
        start_response(
            "500 Internal Server Error",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]
