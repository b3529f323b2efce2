"""A stand-in for Vercel's Python runtime: how it picks a function file's entry point,
and how it calls a WSGI ``app``, written after the runtime's published source (its
``vc_init.py``), which is not published as a package.

The rules reproduced:

- the file is imported by path, under a name of the runtime's, registered in
  ``sys.modules``, with the deployment's root first on ``sys.path``;
- a module with a variable ``handler`` (or ``Handler``) is served through it, and it
  must be a ``http.server.BaseHTTPRequestHandler`` subclass, else the function fails
  to start;
- otherwise a module with ``app`` is served through it: as ASGI if ``app`` or its
  ``__call__`` is a coroutine function, else as WSGI;
- otherwise the function fails to start: "Missing variable handler or app";
- the WSGI environ is built from the raw request line and headers: ``PATH_INFO`` is the
  path as sent (not percent-decoded) and there is no ``SCRIPT_NAME``; every header also
  becomes an ``HTTP_`` variable; no route parameters are passed;
- the status and headers are sent as given, each body chunk written and flushed as it
  comes, and the body's ``close()`` called at the end.

The platform's own plumbing (its IPC socket, log forwarding, internal headers) is left
out: it does not touch the application.
"""

from __future__ import annotations

import importlib.util
import inspect
import io
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any


class FunctionFailed(Exception):
    """The runtime would refuse to start the function; the message is its own."""


def load(file: Path, name: str) -> ModuleType:
    """Import a function file as the runtime does."""
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def entry_point(module: ModuleType) -> tuple[str, Any]:
    """Return how the runtime serves ``module``: ``("http", class)``, ``("wsgi", app)``
    or ``("asgi", app)``; raise FunctionFailed where it would exit."""
    names = dir(module)
    if "handler" in names or "Handler" in names:
        base = module.handler if "handler" in names else module.Handler
        if not (isinstance(base, type) and issubclass(base, BaseHTTPRequestHandler)):
            raise FunctionFailed("Handler must inherit from BaseHTTPRequestHandler")
        return "http", base
    if "app" in names:
        app = module.app
        if inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(
            app.__call__
        ):
            return "asgi", app
        return "wsgi", app
    raise FunctionFailed("Missing variable `handler` or `app` in file")


def _latin1(text: str) -> str:
    return text.encode("utf-8").decode("latin-1", "replace")


def wsgi_request_handler(app: Any) -> type[BaseHTTPRequestHandler]:
    """Return the request handler class the runtime serves a WSGI ``app`` with."""

    class Handler(BaseHTTPRequestHandler):
        def handle_one_request(self) -> None:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self.handle_request()

        def handle_request(self) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length", 0))
            environ: dict[str, Any] = {
                "CONTENT_LENGTH": str(length),
                "CONTENT_TYPE": self.headers.get("content-type", ""),
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "REMOTE_ADDR": self.headers.get(
                    "x-forwarded-for", self.headers.get("x-real-ip")
                ),
                "REQUEST_METHOD": self.command,
                "SERVER_NAME": self.headers.get("host", "lambda"),
                "SERVER_PORT": self.headers.get("x-forwarded-port", "80"),
                "SERVER_PROTOCOL": "HTTP/1.1",
                "wsgi.errors": sys.stderr,
                "wsgi.input": io.BytesIO(self.rfile.read(length)),
                "wsgi.multiprocess": False,
                "wsgi.multithread": False,
                "wsgi.run_once": False,
                "wsgi.url_scheme": self.headers.get("x-forwarded-proto", "http"),
                "wsgi.version": (1, 0),
            }
            for key, value in environ.items():
                if isinstance(value, str):
                    environ[key] = _latin1(value)
            for name, value in self.headers.items():
                environ["HTTP_" + name.replace("-", "_").upper()] = value

            def start_response(
                status: str, headers: list[tuple[str, str]], exc_info: Any = None
            ) -> Any:
                self.send_response(int(status.split(" ")[0]))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                return self.wfile.write

            body = app(environ, start_response)
            try:
                for chunk in body:
                    if chunk:
                        self.wfile.write(chunk)
                        self.wfile.flush()
            finally:
                if hasattr(body, "close"):
                    body.close()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the tests read answers, not access logs

    return Handler


@contextmanager
def serve(file: Path, name: str) -> Iterator[str]:
    """Start ``file`` as a Vercel function on 127.0.0.1; yield ``host:port``."""
    module = load(file, name)
    try:
        kind, target = entry_point(module)
        assert kind == "wsgi", f"{file} would be served as {kind}, not WSGI"
        server = ThreadingHTTPServer(("127.0.0.1", 0), wsgi_request_handler(target))
        thread = threading.Thread(
            target=server.serve_forever, args=(0.01,), daemon=True
        )
        thread.start()
        try:
            host, port = server.server_address[:2]
            yield f"{host!s}:{port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(10)
    finally:
        del sys.modules[name]
