"""The app the live tests serve under gunicorn: the demo app plus paths to probe."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from wsgiref.types import StartResponse, WSGIEnvironment
from wsgiref.validate import validator

from werkzeug.wrappers import Request

from examples.app import app as demo_app
from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

DATA_FILE = Path(__file__).with_name("live_app.py")


@api_handler
def crash(req: Request, res: ApiResponse) -> None:
    res.set_header("X-Partial", "1")
    raise LookupError("secret detail /srv/app.py")


@api_handler
def stream(req: Request, res: ApiResponse) -> None:
    def chunks() -> Iterator[bytes]:
        for i in range(3):
            yield f"chunk {i}\n".encode()

    res.send(chunks())


@api_handler
def file(req: Request, res: ApiResponse) -> None:
    res.send(DATA_FILE.open("rb"))


@api_handler
async def slow(req: ApiRequest, res: ApiResponse) -> None:
    await asyncio.sleep(0.01)
    if req.method == "DELETE":
        res.set_header("WWW-Authenticate", "Basic")
        raise ApiError(401, "Authentication required")
    res.json({"tag": req.query.get("tag"), "thread": threading.get_ident()})


@api_handler
def moved(req: Request, res: ApiResponse) -> None:
    res.redirect(301, "/api/h\xe9llo")


PROBES = {"/probe/crash": crash, "/probe/stream": stream, "/probe/file": file}
PROBES["/probe/moved"] = moved
PROBES["/probe/async"] = slow


def _app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    probe = PROBES.get(environ["PATH_INFO"], demo_app)
    return probe(environ, start_response)


app = validator(_app)
