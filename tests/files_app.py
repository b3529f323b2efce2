"""Sent files under gunicorn, served bare: ``wsgiref.validate`` wraps the body, which
would hide a file from the server's ``sendfile()``.

``/file?skip=read`` (or ``readline``, ``peek``) reads part of the file before sending
the rest; the same under ``/flask/`` and ``/werkzeug/``, whose hosts register a close
callback after the view returned. ``/stats`` counts the reads made while sending (none
when the server used ``sendfile()``), the close callbacks registered and those that ran.
"""

from __future__ import annotations

import atexit
import io
import os
import tempfile
import threading
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

import flask
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from nextresp import ApiRequest, ApiResponse, api_handler

#: 20,000 bytes: larger than a buffered reader's read-ahead (4,096 or 8,192 bytes).
DATA = bytes(range(256)) * 78 + bytes(range(32))

_counts = {"reads": 0, "registered": 0, "cleanups": 0}
_lock = threading.Lock()


def _count(name: str) -> None:
    with _lock:
        _counts[name] += 1


class CountingReader(io.BufferedReader):
    """A buffered file that counts the reads made after it was sent."""

    sent = False

    def read(self, size: int | None = -1, /) -> bytes:
        if self.sent:
            _count("reads")
        return super().read(size)


_fd, _name = tempfile.mkstemp(prefix="nextresp-files-", suffix=".bin")
with os.fdopen(_fd, "wb") as _out:
    _out.write(DATA)
atexit.register(os.unlink, _name)


@api_handler
def send_the_rest(req: ApiRequest, res: ApiResponse, **_values: Any) -> None:
    file = CountingReader(io.FileIO(_name, "rb"))
    skip = req.query.get("skip", "")
    if skip == "read":
        file.read(5)
    elif skip == "readline":
        file.readline()  # up to the first b"\n": byte 10 of DATA
    elif skip == "peek":
        file.peek(5)  # reads ahead without moving the position
    file.sent = True
    res.send(file)


def cleanup() -> None:
    _count("cleanups")


flask_app = flask.Flask(__name__)
flask_app.add_url_rule("/flask/file", view_func=send_the_rest)


@flask_app.after_request
def register_cleanup(response: flask.Response) -> flask.Response:
    _count("registered")
    response.call_on_close(cleanup)
    return response


_werkzeug_map = Map([Rule("/werkzeug/file", endpoint=send_the_rest)])


@Request.application  # type: ignore[arg-type]
def werkzeug_app(request: Request) -> Response:
    endpoint, values = _werkzeug_map.bind_to_environ(request.environ).match()
    response: Response = endpoint(request, **values)
    _count("registered")
    response.call_on_close(cleanup)
    return response


@api_handler
def stats(req: ApiRequest, res: ApiResponse) -> None:
    with _lock:
        res.json(dict(_counts))


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    if path.startswith("/flask/"):
        return flask_app(environ, start_response)
    if path.startswith("/werkzeug/"):
        return werkzeug_app(environ, start_response)
    if path == "/stats":
        return stats(environ, start_response)
    return send_the_rest(environ, start_response)
