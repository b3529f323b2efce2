"""mypy catches the request-side mistakes a new user makes, and accepts the right forms.

Each planted mistake is on its own line; the test names the lines mypy must flag,
and a second program of correct forms must pass ``mypy --strict`` untouched.
"""

from __future__ import annotations

import textwrap

import pytest

from .support import run_mypy

MISTAKES = textwrap.dedent(
    """\
    from nextresp import ApiRequest, ApiResponse, Cors, api_handler, api_methods

    def one(req: ApiRequest) -> None: ...
    def none() -> None: ...
    def send_set(req: ApiRequest, res: ApiResponse) -> None:
        res.json({1, 2})
    def send_object(req: ApiRequest, res: ApiResponse) -> None:
        res.json([object()])
    api_handler(one)
    api_handler(methods=["GET"])(none)
    api_methods(GET=one)
    Cors("https://app.example.com")
    """
)


def test_mypy_flags_each_planted_mistake() -> None:
    pytest.importorskip("mypy")
    result = run_mypy(MISTAKES)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    lines = sorted({int(line.split(":")[1]) for line in errors})
    assert lines == [6, 8, 9, 10, 11, 12], result.stdout


CORRECT = textwrap.dedent(
    """\
    import functools
    from typing import Any, TypedDict

    from nextresp import ApiRequest, ApiResponse, Cors, api_handler, api_methods

    def bare(req, res):  # type: ignore[no-untyped-def]
        res.json({"ok": True})

    def one_param(req: ApiRequest, res: ApiResponse, id: int) -> None:
        people = [{"id": str(id)}]
        res.json(people)
        res.json((1, 2.5, "three", None, True))
        res.json({"nested": {"list": [[1], {"a": None}]}})
        res.json(req.query)
        res.json(req.body)

    async def keywords(req: ApiRequest, res: ApiResponse, **params: str) -> ApiResponse:
        return res.json(params)

    def extra(req: ApiRequest, res: ApiResponse, greeting: str) -> None:
        res.json(greeting)

    class Todo(TypedDict):
        id: int
        title: str

    def typed_dicts(req: ApiRequest, res: ApiResponse) -> None:
        todo: Todo = {"id": 1, "title": "Buy milk"}
        res.json(todo)
        res.json([todo])
        res.json({"todos": [todo]})

    class Callable:
        def __call__(self, req: ApiRequest, res: ApiResponse) -> None:
            res.json(None)

    def anything(*args: Any) -> None: ...

    api_handler(bare)
    api_handler(one_param)
    api_handler(methods=["GET"])(keywords)
    api_handler(functools.partial(extra, greeting="hi"))
    api_handler(Callable())
    api_handler(anything)
    api_methods(GET=one_param, POST=keywords)
    Cors(["https://app.example.com"])
    Cors(("https://app.example.com",))
    Cors({"https://app.example.com"})
    Cors(frozenset({"https://app.example.com"}))
    Cors("*")
    """
)


def test_mypy_accepts_the_correct_forms() -> None:
    pytest.importorskip("mypy")
    result = run_mypy(CORRECT)
    assert result.returncode == 0, result.stdout
