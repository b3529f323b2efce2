"""``nextresp.flask.init_app``: a Flask app's own errors in nextresp's format."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from typing import Any

import pytest
from werkzeug.wrappers import Response

from nextresp import ApiError, ApiResponse, api_handler

from .support import call_wsgi

flask = pytest.importorskip("flask")
from nextresp.flask import init_app  # noqa: E402

PROBLEM = "application/problem+json"
TEXT = "text/plain; charset=utf-8"


def problem(code: int, title: str, detail: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": code}
    if detail is not None:
        body["detail"] = detail
    return body


def make_app(**config: Any) -> Any:
    app = flask.Flask(__name__)
    app.config.update(PROPAGATE_EXCEPTIONS=False, **config)

    @app.get("/items")
    def items() -> Any:
        return {"items": []}

    @app.get("/forbidden")
    def forbidden() -> Any:
        flask.abort(403)

    @app.get("/forbidden/why")
    def forbidden_why() -> Any:
        flask.abort(403, "Members only")

    @app.get("/teapot")
    def teapot() -> Any:
        flask.abort(Response("short and stout", 418, content_type="text/csv"))

    @app.get("/taken")
    def taken() -> Any:
        raise ApiError(409, "Name taken", headers={"Retry-After": "5"})

    @app.get("/crash")
    def crash() -> Any:
        raise LookupError("secret detail")

    @app.route("/view", methods=["GET", "POST"])
    @api_handler(methods=["GET"])
    def view(req: Any, res: ApiResponse) -> None:
        res.json({"view": True})

    init_app(app)
    return app


def exact(r: Any, code: int, body: dict[str, Any], **extra: str) -> None:
    """Assert a problem-details answer, with exactly its headers and ``extra``."""
    data = json.dumps(body, separators=(",", ":")).encode()
    assert (r.status_code, r.data) == (code, data)
    assert sorted(r.headers.items()) == sorted(
        [
            ("Content-Type", PROBLEM),
            ("Content-Length", str(len(data))),
            ("X-Content-Type-Options", "nosniff"),
            ("Vary", "Accept"),
            *extra.items(),
        ]
    )


def test_routing_404() -> None:
    r = call_wsgi(make_app(), "GET", "/nothing")
    exact(r, 404, problem(404, "Not Found"))  # as routes() answers: no stock sentence


def test_routing_405_with_allow() -> None:
    r = call_wsgi(make_app(), "POST", "/items")
    # As routes() answers: the method named, Allow sorted (werkzeug's routing lists
    # the methods in the order of a set).
    exact(
        r,
        405,
        problem(405, "Method Not Allowed", "Method POST Not Allowed"),
        Allow="GET, HEAD, OPTIONS",
    )


def test_abort_with_a_code() -> None:
    r = call_wsgi(make_app(), "GET", "/forbidden")
    exact(r, 403, problem(403, "Forbidden"))


def test_abort_with_a_message() -> None:
    r = call_wsgi(make_app(), "GET", "/forbidden/why")
    exact(r, 403, problem(403, "Forbidden", "Members only"))


def test_abort_with_a_response_sends_that_response() -> None:
    r = call_wsgi(make_app(), "GET", "/teapot")
    assert (r.status_code, r.data, r.headers["Content-Type"]) == (
        418,
        b"short and stout",
        "text/csv",
    )
    assert "Vary" not in r.headers


def test_api_error_in_a_plain_view() -> None:
    r = call_wsgi(make_app(), "GET", "/taken")
    exact(r, 409, problem(409, "Conflict", "Name taken"), **{"Retry-After": "5"})


def test_a_text_client_gets_text() -> None:
    r = call_wsgi(make_app(), "GET", "/taken", headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (409, b"Name taken")
    assert sorted(r.headers.items()) == [
        ("Content-Length", "10"),
        ("Content-Type", TEXT),
        ("Retry-After", "5"),
        ("Vary", "Accept"),
        ("X-Content-Type-Options", "nosniff"),
    ]


def test_problem_details_false_is_text_for_everyone() -> None:
    app = flask.Flask(__name__)
    init_app(app, problem_details=False)
    r = call_wsgi(app, "GET", "/nothing")
    assert (r.status_code, r.data) == (404, b"Not Found")
    assert r.headers["Content-Type"] == TEXT
    assert "Vary" not in r.headers


def test_unexpected_exception_is_a_logged_bare_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app()
    seen: list[BaseException] = []

    def record(sender: Any, exception: BaseException, **extra: Any) -> None:
        seen.append(exception)

    flask.got_request_exception.connect(record, app)
    try:
        with caplog.at_level(logging.ERROR):
            r = call_wsgi(app, "GET", "/crash")
    finally:
        flask.got_request_exception.disconnect(record, app)
    exact(r, 500, problem(500, "Internal Server Error"))
    assert b"secret" not in r.data
    [record_] = caplog.records
    assert (record_.name, record_.getMessage()) == (
        "nextresp",
        "unhandled exception in crash for GET /crash",
    )
    assert record_.exc_info is not None
    assert type(record_.exc_info[1]) is LookupError
    assert [type(e) for e in seen] == [LookupError]


def test_an_unexpected_exception_is_text_for_a_text_client() -> None:
    r = call_wsgi(make_app(), "GET", "/crash", headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (500, b"Internal Server Error")
    assert r.headers["Content-Type"] == TEXT


def test_an_unexpected_exception_is_text_without_problem_details() -> None:
    app = flask.Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/crash")
    def crash() -> Any:
        raise LookupError("secret detail")

    init_app(app, problem_details=False)
    r = call_wsgi(app, "GET", "/crash")
    assert (r.status_code, r.data) == (500, b"Internal Server Error")
    assert r.headers["Content-Type"] == TEXT


def test_an_exception_flask_wraps_itself_is_a_bare_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app()

    @app.after_request
    def fail(response: Any) -> Any:
        raise LookupError("secret detail")

    with caplog.at_level(logging.ERROR):
        r = call_wsgi(app, "GET", "/items")
    exact(r, 500, problem(500, "Internal Server Error"))
    # Flask logged it (and the second failure, of the hook on the error response).
    assert [record.name for record in caplog.records] == [app.logger.name] * 2


@pytest.mark.parametrize(
    "config",
    [{"PROPAGATE_EXCEPTIONS": True}, {"PROPAGATE_EXCEPTIONS": None, "TESTING": True}],
    ids=["propagate", "testing"],
)
def test_unexpected_exceptions_propagate_when_flask_says_so(
    config: dict[str, Any],
) -> None:
    app = make_app()
    app.config.update(config)
    with pytest.raises(LookupError, match="secret detail"):
        call_wsgi(app, "GET", "/crash")


def test_an_api_handler_view_answers_as_before() -> None:
    app = make_app()
    assert call_wsgi(app, "GET", "/view").data == b'{"view":true}'
    r = call_wsgi(app, "POST", "/view")
    exact(
        r,
        405,
        problem(405, "Method Not Allowed", "Method POST Not Allowed"),
        Allow="GET",
    )


# -- the app's own error handlers still win ------------------------------------------


def test_the_apps_handler_for_a_code_wins() -> None:
    app = make_app()
    app.register_error_handler(404, lambda e: ("own 404", 404))
    r = call_wsgi(app, "GET", "/nothing")
    assert (r.status_code, r.data) == (404, b"own 404")
    assert call_wsgi(app, "GET", "/forbidden").headers["Content-Type"] == PROBLEM


def test_the_apps_handler_for_a_class_wins() -> None:
    app = make_app()
    app.register_error_handler(ApiError, lambda e: (f"own {e.code}", e.code))
    app.register_error_handler(LookupError, lambda e: ("own lookup", 503))
    assert call_wsgi(app, "GET", "/taken").data == b"own 409"
    r = call_wsgi(app, "GET", "/crash")
    assert (r.status_code, r.data) == (503, b"own lookup")
    assert call_wsgi(app, "GET", "/nothing").headers["Content-Type"] == PROBLEM


def test_init_app_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match=r"^init_app expected a Flask app, not 3$"):
        init_app(3)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError,
        match=r"^init_app option problem_details must be True or False, not 'no'$",
    ):
        init_app(flask.Flask(__name__), problem_details="no")  # type: ignore[arg-type]


class TitleOnly(ApiResponse):
    """Renders every error as ``{"message": title}``."""

    def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
        return json.dumps({"message": problem["title"]}).encode(), "application/json"


def test_the_response_class_renders_the_bare_500() -> None:
    app = flask.Flask(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/crash")
    def crash() -> Any:
        raise LookupError("secret detail")

    init_app(app, response_class=TitleOnly)
    r = call_wsgi(app, "GET", "/crash")
    assert (r.status_code, r.data) == (500, b'{"message": "Internal Server Error"}')
    assert r.headers["Content-Type"] == "application/json"


class LoopPerCall(flask.Flask):
    """Runs async code on a loop of its own, where Flask would need asgiref."""

    def ensure_sync(self, func: Any) -> Any:
        if inspect.iscoroutinefunction(func):
            return lambda *args, **kwargs: asyncio.run(func(*args, **kwargs))
        return func


def test_an_async_receiver_of_got_request_exception_runs_as_the_app_runs_async() -> (
    None
):
    app = LoopPerCall(__name__)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/crash")
    def crash() -> Any:
        raise LookupError("secret detail")

    init_app(app)
    seen: list[BaseException] = []

    async def record(sender: Any, exception: BaseException, **extra: Any) -> None:
        seen.append(exception)

    flask.got_request_exception.connect(record, app)
    try:
        r = call_wsgi(app, "GET", "/crash")
    finally:
        flask.got_request_exception.disconnect(record, app)
    exact(r, 500, problem(500, "Internal Server Error"))
    assert [type(e) for e in seen] == [LookupError]


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        pytest.param(
            {"etags": False},
            TypeError,
            "init_app() got an unexpected keyword argument 'etags'; its options are"
            " problem_details, response_class, cors and options=",
            id="unknown-keyword",
        ),
        pytest.param(
            {"options": {"etag": False}},
            TypeError,
            "init_app option options must be an ApiOptions, as in"
            " options=ApiOptions(etag=False), not {'etag': False}",
            id="options-not-an-api-options",
        ),
        pytest.param(
            {"problem_details": "api_handler option"},
            TypeError,
            "init_app option problem_details must be True or False, not"
            " 'api_handler option'",
            id="the-value-quoted-as-given",
        ),
    ],
)
def test_init_app_names_itself_in_what_it_refuses(
    keywords: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        init_app(flask.Flask(__name__), **keywords)
    assert str(raised.value) == message
