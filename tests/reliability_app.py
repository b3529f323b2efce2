"""The app the reliability tests serve under gunicorn: one path per way to answer.

``/stats`` reports what the worker did (streams and files closed, open descriptors,
resident memory) so that tests can check it from outside.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from wsgiref.types import StartResponse, WSGIEnvironment
from wsgiref.validate import validator

from werkzeug.exceptions import MethodNotAllowed
from werkzeug.wrappers import Request

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

SECRET = "secret-token-7f3a at /srv/app/settings.py"
DATA = Path(tempfile.gettempdir()) / f"nextresp-reliability-{os.getpid()}.bin"
DATA.write_bytes(os.urandom(200_000))
atexit.register(DATA.unlink, missing_ok=True)

closed = {"stream": 0, "file": 0}
_lock = threading.Lock()


def _count(kind: str) -> None:
    with _lock:
        closed[kind] += 1


class TrackedFile:
    """A binary file that counts its closing."""

    def __init__(self) -> None:
        self._file = DATA.open("rb")

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
            _count("file")


def _chunks(count: int, fail_after: int | None = None) -> Iterator[bytes]:
    try:
        for i in range(count):
            if fail_after is not None and i == fail_after:
                raise RuntimeError(SECRET)
            yield b"x" * 1024 + f"{i}\n".encode()
    finally:
        _count("stream")


@api_handler
def answer(req: ApiRequest, res: ApiResponse, kind: str) -> None:
    """Answer in the way ``kind`` names."""
    tag = req.query.get("tag", "")
    if tag:
        res.set_header("X-Tag", tag)
    if kind == "json":
        res.json({"tag": tag, "n": [1, 2.5, None], "text": "café"})
    elif kind == "text":
        res.send(f"tag {tag}")
    elif kind == "bytes":
        res.send(b"\x00\x01\x02")
    elif kind == "empty":
        res.end()
    elif kind == "no-content":
        res.status(204).send("dropped")
    elif kind == "redirect":
        res.redirect(303, f"/see/{tag}/é")
    elif kind == "stream":
        res.send(_chunks(50))
    elif kind == "stream-fails":
        res.send(_chunks(50, fail_after=3))
    elif kind == "file":
        res.send(TrackedFile())  # type: ignore[arg-type]
    elif kind == "api-error":
        res.set_cookie("session", "s1")
        raise ApiError(409, "bad\r\nSet-Cookie: stolen=1", headers={"Retry-After": "1"})
    elif kind == "werkzeug-error":
        raise MethodNotAllowed(valid_methods=["GET"])
    elif kind == "crash":
        res.set_header("X-Half", "done")
        raise KeyError(SECRET)
    elif kind == "body":
        body = req.body
        res.json({"type": type(body).__name__, "size": len(body or b"")})
    elif kind == "cookie":
        res.set_cookie("c", "a\r\nX-Injected: 1; b=\x00")
        res.send("ok")
    elif kind == "hostile":
        refused = []
        for value in ("a\r\nX-Injected: 1", "a\nb", "a\x00", "snow ☃"):
            try:
                res.set_header("X-Hostile", value)
            except ValueError:
                refused.append(value)
        res.json({"refused": len(refused)})
    else:
        raise ApiError(404, f"no kind {kind!r}")


def stats(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Report the worker's counters, open descriptors and resident memory as JSON.

    The resident set is read after a collection and after the C allocator handed
    back its free memory, so that it counts what is alive rather than what peak load
    once took.
    """
    import ctypes
    import gc
    import json

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm") as statm:
        rss = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    body = json.dumps(
        {
            "pid": os.getpid(),
            "fds": len(os.listdir("/proc/self/fd")),
            "rss": rss,
            **closed,
        }
    ).encode()
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """``/stats``, or ``/<kind>`` answered by ``answer`` as a werkzeug endpoint."""
    path = environ["PATH_INFO"]
    if path == "/stats":
        return stats(environ, start_response)
    response = answer(Request(environ), kind=path.strip("/"))
    return response(environ, start_response)  # type: ignore[no-any-return]


#: What gunicorn serves: every exchange is checked against PEP 3333 on the way out.
app = validator(_app)
