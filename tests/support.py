"""Helpers for the tests: every app under test is wrapped in ``wsgiref.validate``."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
