"""The demo app under gunicorn, each answer naming the worker that gave it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment
from wsgiref.validate import validator

from examples.app import app as demo


def _app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    def start(status: str, headers: list[tuple[str, str]], *args: object) -> object:
        return start_response(status, [*headers, ("X-Worker", str(os.getpid()))])

    return demo(environ, start)  # type: ignore[arg-type]


app = validator(_app)
