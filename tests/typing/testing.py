"""Checked by ``mypy --strict``: the test client's calls and answers are typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any, assert_type

from werkzeug.datastructures import Headers

from nextresp import api_handler
from nextresp.testing import Client, Problem, ReceivedEvent, Result


@api_handler
def handler(req: Any, res: Any) -> None:
    res.json({"ok": True})


def requests(directory: Path) -> None:
    client = Client(handler, headers={"X-A": "1"}, cookies={"s": "1"}, timeout=2)
    assert_type(client.get("/", query={"a": ["1", "2"]}), Result)
    assert_type(client.post("/", json={"a": 1}, cookies={"b": "2"}), Result)
    assert_type(client.put("/", data=b"x", content_type="text/plain"), Result)
    assert_type(client.patch("/", files={"f": ("a.txt", b"a", "text/plain")}), Result)
    assert_type(client.request("PROPFIND", "/", environ={"REMOTE_ADDR": "x"}), Result)
    assert_type(Client(directory, prefix="/api").cookies, dict[str, str])


def answers(r: Result) -> None:
    assert_type(r.status, int)
    assert_type(r.headers, Headers)
    assert_type(r.content_type, str | None)
    assert_type(r.data, bytes)
    assert_type(r.text, str)
    assert_type(r.json, Any)
    assert_type(r.problem, Problem)
    assert_type(r.problem.detail, str | None)
    assert_type(r.events(limit=3, timeout=1.0), list[ReceivedEvent])
    assert_type(r.lines(limit=1), list[Any])
