"""Fixtures shared by the test modules."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import TestResponse

from nextresp._handler import ApiHandler

from .support import Call, call_wsgi


@pytest.fixture
def call() -> Call:
    """Call an ``api_handler`` as a bare WSGI app: ``call(handler, "GET", "/")``."""

    def call(
        handler: ApiHandler, method: str = "GET", path: str = "/", **kwargs: Any
    ) -> TestResponse:
        return call_wsgi(handler, method, path, **kwargs)

    return call
