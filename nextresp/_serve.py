"""``nextresp serve``: the production server's command line, built from ours.

Strategy: the command ends by replacing its own process with the server's
(``os.execv``), so that the server is the process a container or a supervisor
signals, and ``SIGTERM`` reaches it directly. The options of a route tree (prefix,
body limit, CORS) travel to the server's workers in one environment variable, read
by :func:`tree_app`, the factory both servers import.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ._cors import Cors
    from ._routes import RoutesApp

TREE_ENV = "NEXTRESP_SERVE_TREE"
TREE_FACTORY = "nextresp._serve:tree_app"
# The server each extra brings, in the order `nextresp serve` looks for them.
EXTRAS = {"granian": "serve", "gunicorn": "gunicorn"}


@dataclass(frozen=True)
class ServeConfig:
    """What ``nextresp serve`` asks of the server, whichever it is.

    ``app`` is ``module:attr``, or None for the route tree described in
    ``TREE_ENV``. Seconds are whole: both servers take them so.
    """

    server: str
    app: str | None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    threads: int = 8
    keep_alive: int = 5
    graceful_timeout: int = 10
    access_log: bool = False
    extra: tuple[str, ...] = ()


def server_command(config: ServeConfig) -> list[str]:
    """Return the command line that runs ``config``'s server with its settings."""
    if config.server == "granian":
        return _granian(config)
    return _gunicorn(config)


def _granian(config: ServeConfig) -> list[str]:
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws"]
    command += ["--host", config.host, "--port", str(config.port)]
    command += ["--workers", str(config.workers)]
    # WSGI runs each request on a blocking thread: an event stream holds one while
    # it is open, as under gunicorn's gthread worker.
    command += ["--blocking-threads", str(config.threads)]
    # granian waits for the next request's headers this long on an idle
    # keep-alive connection (and on a slow client's headers).
    command += ["--http1-header-read-timeout", str(config.keep_alive * 1000)]
    # On SIGTERM, requests under way have this long before their worker is killed.
    command += ["--workers-kill-timeout", str(config.graceful_timeout)]
    command.append("--respawn-failed-workers")  # as gunicorn's arbiter does
    command.append("--access-log" if config.access_log else "--no-access-log")
    if config.app is None:
        command.append("--factory")
    command += config.extra
    command.append(config.app or TREE_FACTORY)
    return command


def _gunicorn(config: ServeConfig) -> list[str]:
    host = f"[{config.host}]" if ":" in config.host else config.host
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{config.port}"]
    command += ["--workers", str(config.workers)]
    worker = "gthread" if config.threads > 1 else "sync"
    command += ["--worker-class", worker, "--threads", str(config.threads)]
    command += ["--keep-alive", str(config.keep_alive)]
    command += ["--graceful-timeout", str(config.graceful_timeout)]
    if config.access_log:
        command += ["--access-logfile", "-"]
    if _gunicorn_has_control_socket():
        # One path per user by default: a second server on the machine would fail.
        command.append("--no-control-socket")
    command += config.extra
    command.append(config.app or f"{TREE_FACTORY}()")
    return command


def _gunicorn_has_control_socket() -> bool:
    """Tell whether the installed gunicorn opens a control socket (25.1 and later)."""
    try:
        major, minor = (int(part) for part in version("gunicorn").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return False
    return (major, minor) >= (25, 1)


def app_error(target: str) -> str | None:
    """Return why ``module:attr`` cannot be served (one line), or None.

    Imported here once, before the server starts, so that a typo is one line and
    status 1, not a worker failing to boot until the server gives up. An
    attribute that is an expression (gunicorn's ``create_app()``) is left to it.
    """
    import importlib

    module_name, _, attr = target.partition(":")
    if not attr.isidentifier():
        return None
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # the app's own import error, whatever it is
        return f"cannot import {module_name}: {type(exc).__name__}: {exc}"
    if not callable(getattr(module, attr, None)):
        return (
            f"expected {target} to be a WSGI application, but {module_name} has no"
            f" callable {attr}"
        )
    return None


def installed(server: str) -> bool:
    """Tell whether ``server`` can be imported here."""
    try:
        return importlib.util.find_spec(server) is not None
    except ValueError:  # a module set to None in sys.modules: importing it fails
        return False


def missing_server(wanted: str | None) -> str | None:
    """Return why no server can run (one line naming the extra), or None."""
    if wanted is not None:
        if installed(wanted):
            return None
        return f"{wanted} is not installed: pip install 'nextresp[{EXTRAS[wanted]}]'"
    if any(installed(server) for server in EXTRAS):
        return None
    return (
        "no server is installed: pip install 'nextresp[serve]' for granian,"
        " or 'nextresp[gunicorn]'"
    )


def default_server() -> str:
    """Return granian when it is installed, else gunicorn."""
    return next((s for s in EXTRAS if installed(s)), "gunicorn")


def cores() -> int:
    """Return the number of cores this process may run on (a container's share)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - macOS and Windows


def default_threads() -> int:
    """Return 8, or fewer on a small machine: 2 per core plus 1.

    Enough for a few event streams and slow upstream calls per worker; granian
    warns about more than 2 per core plus 1, which spend memory and switches.
    """
    return min(8, 2 * cores() + 1)


@dataclass(frozen=True)
class TreeOptions:
    """A route tree and the options of :func:`routes` the command line gave it.

    ``None`` (and no origins) leaves the option to :func:`routes`'s default. The
    directory is absolute: the server's workers may start elsewhere.
    """

    directory: str
    prefix: str | None = None
    body_limit: str | None = None
    cors_origins: tuple[str, ...] = ()
    cors_credentials: bool = False

    def cors(self) -> Cors | None:
        """Return the tree's :class:`Cors` (raises as ``Cors`` does), or None."""
        from ._cors import Cors

        if not self.cors_origins:
            return None
        return Cors(self.cors_origins, credentials=self.cors_credentials)

    def build(self) -> RoutesApp:
        """Build the tree (raises as :func:`routes` does)."""
        from ._routes import routes

        given: dict[str, Any] = {"prefix": self.prefix, "cors": self.cors()}
        if self.body_limit is not None:
            given["body_limit"] = self.body_limit
        return routes(self.directory, **given)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> TreeOptions:
        fields = json.loads(text)
        fields["cors_origins"] = tuple(fields["cors_origins"])
        return cls(**fields)


def tree_app() -> RoutesApp:
    """Build the tree ``nextresp serve`` was given: the factory its server imports."""
    text = os.environ.get(TREE_ENV)
    if text is None:
        raise RuntimeError(
            f"{TREE_FACTORY} serves the tree `nextresp serve DIR` describes in"
            f" ${TREE_ENV}; start it with `nextresp serve`, not on its own"
        )
    return TreeOptions.from_json(text).build()


def run(config: ServeConfig, tree: TreeOptions | None) -> NoReturn:
    """Replace this process with the server ``config`` describes."""
    if tree is not None:
        os.environ[TREE_ENV] = tree.to_json()
    command = server_command(config)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)
