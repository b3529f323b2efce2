"""Helpers for the tests: every app under test is wrapped in ``wsgiref.validate``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from wsgiref.validate import validator

from werkzeug.test import Client, TestResponse

Call = Callable[..., TestResponse]


def call_wsgi(
    app: Any, method: str = "GET", path: str = "/", **kwargs: Any
) -> TestResponse:
    """Send one request to ``app`` through the PEP 3333 validator."""
    client = Client(validator(app))
    return client.open(path, method=method, buffered=True, **kwargs)
