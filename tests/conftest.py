"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Map, Rule
from werkzeug.test import TestResponse
from werkzeug.wrappers import Request, Response

from nextresp._handler import ApiHandler

from .send_file_support import write_data
from .support import Call, call_wsgi

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def werkzeug_app(handler: ApiHandler, rule: str) -> Any:
    """A werkzeug app calling ``handler(request, **values)`` for ``rule``."""
    url_map = Map([Rule(rule, endpoint=handler)])

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        endpoint, values = url_map.bind_to_environ(request.environ).match()
        response: Response = endpoint(request, **values)
        return response

    return app


def flask_app(handler: ApiHandler, rule: str) -> Any:
    """A Flask app with ``handler`` as the view for ``rule``, for every method."""
    flask = pytest.importorskip("flask")
    app = flask.Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = True  # as bare WSGI: nothing swallows them
    app.add_url_rule(rule, view_func=handler, methods=ALL_METHODS)
    return app


HOSTS = {
    "wsgi": lambda handler, rule: handler,
    "werkzeug": werkzeug_app,
    "flask": flask_app,
}


@pytest.fixture(params=list(HOSTS))
def host(request: pytest.FixtureRequest) -> str:
    """The name of the host each test using ``call`` runs under."""
    name: str = request.param
    return name


@pytest.fixture
def call(host: str) -> Call:
    """Send one request to an ``api_handler`` mounted in ``host``.

    ``call(handler, "GET", "/items/7", rule="/items/<int:id>")``: ``rule`` is the
    route the werkzeug and Flask hosts mount the handler at (the path by default).
    """

    def call(
        handler: ApiHandler,
        method: str = "GET",
        path: str = "/",
        *,
        rule: str | None = None,
        **kwargs: Any,
    ) -> TestResponse:
        app = HOSTS[host](handler, rule or path.partition("?")[0])
        return call_wsgi(app, method, path, **kwargs)

    return call


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A file for ``res.send_file``: ``DATA``, modified at ``MODIFIED``."""
    return write_data(tmp_path)
