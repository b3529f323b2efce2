"""Helpers for the tests: every app under test is wrapped in ``wsgiref.validate``."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.validate import validator

from werkzeug.test import Client, TestResponse

Call = Callable[..., TestResponse]


def call_wsgi(
    app: Any, method: str = "GET", path: str = "/", **kwargs: Any
) -> TestResponse:
    """Send one request to ``app`` through the PEP 3333 validator.

    ``use_cookies=False`` sends a ``Cookie`` header given in ``headers`` as it is.
    """
    client = Client(validator(app), use_cookies=kwargs.pop("use_cookies", True))
    return client.open(path, method=method, buffered=True, **kwargs)


def fetch(
    address: str, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[http.client.HTTPResponse, bytes]:
    """Send one request to a live server on ``address`` and read the whole answer."""
    connection = http.client.HTTPConnection(address, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


ROOT = Path(__file__).resolve().parent.parent


def run_mypy(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``mypy --strict`` on ``code`` as a user's project would, from the root."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file=", "--strict", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


_ESCAPE = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|.)")


def plain_id(value: object) -> str:
    """Return ``repr(value)`` as a test id that pytest leaves as it is.

    Each escape is written in angle brackets (``'a<r><n>'``, ``'caf<xe9>'``). pytest
    escapes any other id, and escapes it again each time one process collects
    the tests anew (as the mutation tester's fork server does); the test can then no
    longer be run by its id.
    """
    return _ESCAPE.sub(
        lambda m: "<backslash>" if m[1] == "\\" else f"<{m[1]}>", ascii(value)
    )


@contextmanager
def gunicorn(app: str, *options: str) -> Iterator[tuple[str, list[str]]]:
    """Serve ``app`` ("module:attr") with gunicorn on a free port of 127.0.0.1.

    Yields ``host:port`` and the list that collects gunicorn's log lines, which a
    thread keeps reading so that the log pipe never fills.
    """
    import threading

    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--bind=127.0.0.1:0",
            "--no-control-socket",
            "--log-level=info",
            *options,
            app,
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stderr is not None
    log: list[str] = []
    address = None
    for line in process.stderr:
        log.append(line)
        if "Listening at: http://" in line:
            address = line.split("http://")[1].split()[0]
            break
    reader = threading.Thread(target=log.extend, args=(process.stderr,), daemon=True)
    reader.start()
    try:
        assert address is not None, "gunicorn did not start:\n" + "".join(log)
        yield address, log
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
        process.stderr.close()


# The servers `nextresp serve` runs, each a live fixture's parameter.
SERVERS = ["gunicorn", "granian"]
# What each server logs once it has started: gunicorn listens before its workers
# boot, and its socket queues the first requests; each of granian's workers opens
# its own socket (SO_REUSEPORT), after this line: `listening()` waits for it.
_READY = {"gunicorn": "Listening at: http://", "granian": "Started worker-"}


def listening(port: int, process: subprocess.Popen[str]) -> bool:
    """Wait up to 20 s until a connection to ``port`` is accepted."""
    import socket
    import time

    deadline = time.monotonic() + 20
    while process.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        except ConnectionRefusedError:
            time.sleep(0.02)
        else:
            return True
    return False


def free_port() -> int:
    """Return a port of 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    """A server ``nextresp serve`` started: its process, ``host:port`` and log."""

    process: subprocess.Popen[str]
    address: str
    log: list[str]


@contextmanager
def live_server(
    app: str,
    server: str = "gunicorn",
    *,
    workers: int = 1,
    threads: int = 1,
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
) -> Iterator[tuple[str, list[str]]]:
    """Serve ``app`` (a directory or "module:attr") with ``nextresp serve``.

    ``options`` go to the server as they are (after ``--``). Yields ``host:port``
    and the list that collects the server's log lines, which a thread keeps
    reading so that the log pipe never fills. The server is stopped by its PID.
    """
    with served(
        app, server, workers=workers, threads=threads, env=env, options=options
    ) as running:
        yield running.address, running.log


@contextmanager
def served(
    app: str,
    server: str,
    *,
    workers: int = 1,
    threads: int = 1,
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
    serve_options: tuple[str, ...] = (),
    graceful_timeout: int = 5,
) -> Iterator[Served]:
    """Start ``nextresp serve`` as :func:`live_server` does; yield the :class:`Served`.

    ``serve_options`` are ``nextresp serve``'s own (``--cors-origin``...). A test
    may stop the server itself (``process.terminate()``); else it is stopped here.
    """
    import threading

    for _attempt in range(5):  # granian cannot pick a free port itself: retry
        port = 0 if server == "gunicorn" else free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nextresp",
                "serve",
                app,
                f"--server={server}",
                "--host=127.0.0.1",
                f"--port={port}",
                f"--workers={workers}",
                f"--threads={threads}",
                f"--graceful-timeout={graceful_timeout}",
                *serve_options,
                "--",
                *options,
            ],
            cwd=ROOT,
            stderr=subprocess.STDOUT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        assert process.stdout is not None
        log: list[str] = []
        ready = False
        for line in process.stdout:
            log.append(line)
            if "Listening at: http://" in line and server == "gunicorn":
                port = int(line.split("http://")[1].split()[0].rsplit(":", 1)[1])
            if _READY[server] in line:
                ready = True
                break
        if ready and listening(port, process):
            break
        ready = False
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
    reader = threading.Thread(target=log.extend, args=(process.stdout,), daemon=True)
    reader.start()
    try:
        assert ready, f"{server} did not start:\n" + "".join(log)
        yield Served(process, f"127.0.0.1:{port}", log)
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=10)
        process.stdout.close()
