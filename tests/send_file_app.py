"""Live: ``res.send_file`` under a real server (tests/test_send_file_live.py).

``SEND_FILE_ROOT`` names the folder of files; ``/files/<name>`` is the documented
recipe for a file named by the client, ``/whole/<name>`` sends one with a name
built the same way and nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

from werkzeug.security import safe_join

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

ROOT = os.environ.get("SEND_FILE_ROOT", ".")


@api_handler
def download(req: ApiRequest, res: ApiResponse) -> None:
    name = req.path.removeprefix("/files/")
    path = safe_join(ROOT, name)
    if path is None:
        raise ApiError(404)
    res.send_file(path)


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return download(environ, start_response)  # type: ignore[no-any-return]
