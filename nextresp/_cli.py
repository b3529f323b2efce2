"""The command line: ``nextresp routes`` prints a tree, ``openapi`` its document;
``dev`` and ``serve`` serve it."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import _dev, _serve
from ._sizes import parse_size

if TYPE_CHECKING:
    from ._routes import RoutesApp

DEFAULT_DIRECTORIES = ("api", "pages/api")
EXIT_STATUS = """\
exit status: 0 when done; 1 when the route tree is refused, the app cannot be
imported or no server is installed (the reason on one line); 2 for a usage error."""
OPENAPI_EPILOG = """\
In CI, fail when the committed document no longer matches the routes:
  nextresp openapi api --check openapi.json

exit status: 0 when done (or FILE is up to date); 1 when the route tree is
refused or FILE is stale or unreadable (the reason on one line); 2 for a usage
error."""
SERVE_EPILOG = (
    """\
Arguments after -- go to the server as they are, e.g.
  nextresp serve api -- --max-requests 10000   (gunicorn)

"""
    + EXIT_STATUS
)
COMMANDS = {
    "routes": "print the routes of DIR in the order they are matched",
    "openapi": "print the OpenAPI 3.1 document of DIR as JSON",
    "dev": "serve DIR on 127.0.0.1, restarting when a file changes",
    "serve": "serve TARGET (DIR or module:app) in production, with granian or gunicorn",
}


#: The document's title and version when none is given.
_OPENAPI_DEFAULTS = {"title": "API", "version": "0.1.0"}


class _Parser(argparse.ArgumentParser):
    """argparse, with each usage error on one line (status 2, as argparse exits)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> tuple[_Parser, dict[str, _Parser]]:
    parser = _Parser(
        prog="nextresp",
        description="Serve a directory of route files as Next.js serves pages/api.",
        epilog=EXIT_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {}
    for name, summary in COMMANDS.items():
        command = commands.add_parser(
            name,
            help=summary,
            description=summary,
            epilog={"serve": SERVE_EPILOG, "openapi": OPENAPI_EPILOG}.get(
                name, EXIT_STATUS
            ),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parsers[name] = command
        if name == "serve":
            command.add_argument(
                "target",
                nargs="?",
                metavar="TARGET",
                help="a route directory (default: api, else pages/api) or module:app",
            )
        else:
            command.add_argument(
                "directory",
                nargs="?",
                metavar="DIR",
                help="the route directory (default: api if it exists, else pages/api)",
            )
        command.add_argument(
            "--prefix", help="the URL prefix (default: / and the directory's name)"
        )
        if name not in ("routes", "openapi"):
            _tree_options(command)
    _serve_options(parsers["serve"])
    _openapi_options(parsers["openapi"])
    parsers["dev"].add_argument(
        "--port",
        type=_port,
        default=_dev.DEFAULT_PORT,
        help=f"the port to listen on (default: {_dev.DEFAULT_PORT})",
    )
    return parser, parsers


def _tree_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--body-limit",
        type=_size,
        metavar="SIZE",
        help="the largest request body, as 1mb or 500kb (default: 1mb)",
    )
    command.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let pages of ORIGIN (or *) call the tree; repeat for more origins",
    )
    command.add_argument(
        "--cors-credentials",
        action="store_true",
        help="let those pages send cookies and read the answers",
    )


def _openapi_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--title",
        default=_OPENAPI_DEFAULTS["title"],
        help="the API's title (default: %(default)s)",
    )
    command.add_argument(
        "--version",
        default=_OPENAPI_DEFAULTS["version"],
        help="the API's version, not nextresp's (default: %(default)s)",
    )
    command.add_argument(
        "--check",
        metavar="FILE",
        help="print nothing; exit 1 if FILE is not the document the tree makes now",
    )


def _serve_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--server",
        choices=list(_serve.EXTRAS),
        help="the WSGI server (default: granian if installed, else gunicorn)",
    )
    command.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: %(default)s)",
    )
    command.add_argument(
        "--port", type=_port, default=8000, help="the port (default: %(default)s)"
    )
    command.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="worker processes (default: one per core)",
    )
    command.add_argument(
        "--threads",
        type=_positive,
        metavar="N",
        help="threads per worker; each open event stream holds one (default: 8,"
        " or 2 per core plus 1 if fewer)",
    )
    command.add_argument(
        "--keep-alive",
        type=_positive,
        default=5,
        metavar="SECONDS",
        help="how long an idle connection stays open (default: 5)",
    )
    command.add_argument(
        "--graceful-timeout",
        type=_positive,
        default=10,
        metavar="SECONDS",
        help="on SIGTERM, how long requests under way may finish (default: 10)",
    )
    command.add_argument(
        "--access-log", action="store_true", help="log each request (default: off)"
    )


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:  # isdigit() leaves no sign
        raise argparse.ArgumentTypeError(
            f"expected a port number from 0 to 65535, not {text!r}"
        )
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(
            f"expected a whole number above 0, not {text!r}"
        )
    return int(text)


def _size(text: str) -> str:
    if parse_size(text) is None:
        raise argparse.ArgumentTypeError(
            f"expected a size such as 1mb, 500kb or 65536, not {text!r}"
        )
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nextresp`` with ``argv`` (the process's arguments by default).

    Return 0 when done and 1 for a route tree that is refused; exit with status 2
    for a usage error (argparse's convention).
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if args_list[:1] == ["serve"] and "--" in args_list:  # server options, as given
        at = args_list.index("--")
        args_list, extra = args_list[:at], args_list[at + 1 :]
    parser, parsers = _parser()
    args = parser.parse_args(args_list)
    command = parsers[args.command]
    target: str | None = args.target if args.command == "serve" else args.directory
    if args.command == "serve" and target is not None and _is_app(target):
        if args.prefix or args.body_limit or args.cors_origin or args.cors_credentials:
            command.error(
                f"--prefix, --body-limit and --cors-* shape a route directory, not"
                f" {target}: pass them to routes() in that module"
            )
        if os.getcwd() not in sys.path:  # as for a tree, and as gunicorn does
            sys.path.insert(0, os.getcwd())
        error = _serve.app_error(target)
        if error is not None:
            print(f"{command.prog}: error: {error}", file=sys.stderr)
            return 1
        return _run_server(args, command, None, target, extra)
    directory = _directory(target, command)
    # As gunicorn and flask do: route files import the project's modules from here.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    tree = _serve.TreeOptions(
        os.path.abspath(directory),
        prefix=args.prefix,
        body_limit=getattr(args, "body_limit", None),
        cors_origins=tuple(getattr(args, "cors_origin", ())),
        cors_credentials=getattr(args, "cors_credentials", False),
    )
    if args.command in ("routes", "openapi"):
        app = _dev.load(tree)
        if app is None:
            return 1
        if args.command == "openapi":
            return _openapi(app, args, directory)
        print(_dev.format_table(app))
        return 0
    _check_cors(tree, command)
    if args.command == "dev":
        _dev.run(tree, directory, args.port)
        return 0
    if _dev.load(tree) is None:  # one line and status 1, not a worker failing to boot
        return 1
    return _run_server(args, command, tree, None, extra)


def _openapi(app: RoutesApp, args: argparse.Namespace, directory: str) -> int:
    """Print the tree's document, or check that ``--check FILE`` holds it."""
    try:
        document = app.openapi(title=args.title, version=args.version)
    except (TypeError, ValueError) as exc:
        print(f"nextresp openapi: error: {exc}", file=sys.stderr)
        return 1
    if args.check is None:
        # UTF-8 whatever the terminal's encoding: the file is read back as UTF-8.
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode())
        sys.stdout.buffer.flush()
        return 0
    given = [directory]
    for option in ("prefix", "title", "version"):
        value = getattr(args, option)
        if value is not None and value != _OPENAPI_DEFAULTS.get(option):
            given += [f"--{option}", value]
    command = shlex.join(["nextresp", "openapi", *given])
    regenerate = f"regenerate it with {command} > {shlex.quote(args.check)}"
    try:
        committed = json.loads(Path(args.check).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "not JSON"
        print(
            f"nextresp openapi: error: {args.check} cannot be read ({reason});"
            f" {regenerate}",
            file=sys.stderr,
        )
        return 1
    if committed != document:
        print(
            f"nextresp openapi: error: {args.check} is stale: it is not the document"
            f" the routes make now; {regenerate}",
            file=sys.stderr,
        )
        return 1
    return 0


def _is_app(target: str) -> bool:
    """Tell ``module:app`` from a directory (which wins if both could be meant)."""
    return ":" in target and not Path(target).is_dir()


def _directory(given: str | None, command: argparse.ArgumentParser) -> str:
    """Return the route directory to serve, or exit with a usage error."""
    if given is None:
        found = next((d for d in DEFAULT_DIRECTORIES if Path(d).is_dir()), None)
        if found is None:
            command.error(
                "expected a route directory, but neither ./api nor ./pages/api exists;"
                " pass DIR"
            )
        return found
    path = Path(given)
    if path.is_dir():
        return given
    if path.exists():
        command.error(f"expected a route directory, not the file {given!r}")
    what = "a route directory"
    if command.prog.endswith("serve"):
        what += " or module:app"
    command.error(f"expected {what}, not {given!r}, which does not exist")


def _check_cors(tree: _serve.TreeOptions, command: argparse.ArgumentParser) -> None:
    """Refuse a CORS configuration ``Cors`` refuses, as a usage error."""
    if tree.cors_credentials and not tree.cors_origins:
        command.error("--cors-credentials needs at least one --cors-origin")
    try:
        tree.cors()
    except (TypeError, ValueError) as exc:
        command.error(f"--cors-origin: {exc}")


def _run_server(
    args: argparse.Namespace,
    command: argparse.ArgumentParser,
    tree: _serve.TreeOptions | None,
    app: str | None,
    extra: list[str],
) -> int:
    """Replace this process with the server; return 1 if none is installed."""
    missing = _serve.missing_server(args.server)
    if missing is not None:
        print(f"{command.prog}: error: {missing}", file=sys.stderr)
        return 1
    config = _serve.ServeConfig(
        server=args.server or _serve.default_server(),
        app=app,
        host=args.host,
        port=args.port,
        workers=args.workers or _serve.cores(),
        threads=args.threads or _serve.default_threads(),
        keep_alive=args.keep_alive,
        graceful_timeout=args.graceful_timeout,
        access_log=args.access_log,
        extra=tuple(extra),
    )
    _serve.run(config, tree)
