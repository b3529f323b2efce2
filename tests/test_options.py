"""``ApiOptions``: one checked value for every entry point, shared and adjusted."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from nextresp import ApiError, ApiOptions, ApiResponse, Cors, api_handler, api_methods
from nextresp import routes as serve_routes

from .support import call_wsgi, run_mypy

APP = "https://app.example.com"
EVIL = "https://evil.example"


class NextjsResponse(ApiResponse):
    def error_body(self, problem: dict[str, Any], /) -> tuple[bytes, str]:
        return json.dumps({"message": problem["title"]}).encode(), "application/json"


def refuse(req: Any, res: ApiResponse) -> None:
    raise ApiError(403)


def test_the_defaults_are_those_of_a_bare_api_handler() -> None:
    options = ApiOptions()
    assert options.body_limit == 1024 * 1024
    assert options.etag is True
    assert options.problem_details is True
    assert options.propagate_exceptions is False
    assert options.response_class is ApiResponse
    assert options.cors is None
    assert api_handler(refuse).options == options


def test_a_size_is_kept_as_bytes() -> None:
    assert ApiOptions(body_limit="2mb").body_limit == 2 * 1024 * 1024
    assert ApiOptions(body_limit="2mb") == ApiOptions(body_limit=2 * 1024 * 1024)


def test_options_are_frozen() -> None:
    options = ApiOptions()
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.etag = False  # type: ignore[misc]


@pytest.mark.parametrize(
    ("keywords", "error", "message"),
    [
        (
            {"etag": "no"},
            TypeError,
            "api_handler option etag must be True or False, not 'no'",
        ),
        (
            {"body_limit": -1},
            ValueError,
            "api_handler option body_limit must be a number of bytes (an int >= 0),"
            " a size such as '1mb' or '500kb', or None, not -1",
        ),
        (
            {"response_class": dict},
            TypeError,
            "api_handler option response_class must be a subclass of ApiResponse,"
            " not <class 'dict'>",
        ),
    ],
    ids=["etag", "body_limit", "response_class"],
)
def test_a_bad_value_is_refused_where_the_options_are_made(
    keywords: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        ApiOptions(**keywords)
    assert str(raised.value) == message


def test_shared_options_reach_every_entry_point(tmp_path: Path) -> None:
    shared = ApiOptions(problem_details=False, response_class=NextjsResponse)
    handler = api_handler(options=shared)(refuse)
    methods = api_methods(GET=refuse, options=shared)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "no.py").write_text(
        "from nextresp import ApiError\n\ndef GET(req, res):\n    raise ApiError(403)\n"
    )
    tree = serve_routes(tmp_path / "api", options=shared)
    for app, path in ((handler, "/"), (methods, "/"), (tree, "/api/no")):
        response = call_wsgi(app, "GET", path)
        assert response.status_code == 403
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert response.get_data() == b"Forbidden"
    assert tree.options is shared
    assert tree.handlers[tree.table.routes[0]].options is shared


def test_keywords_beside_options_adjust_that_one_handler() -> None:
    shared = ApiOptions(body_limit="1kb", etag=False)
    handler = api_handler(options=shared, body_limit="2kb")(refuse)
    assert handler.options == ApiOptions(body_limit=2048, etag=False)
    assert shared.body_limit == 1024  # the shared value is unchanged


def test_an_option_is_still_an_attribute_of_what_it_configures() -> None:
    cors = Cors([APP])
    handler = api_handler(body_limit="1kb", cors=cors, etag=False)(refuse)
    assert handler.body_limit == 1024
    assert handler.etag is False
    assert handler.problem_details is True
    assert handler.propagate_exceptions is False
    assert handler.response_class is ApiResponse
    assert handler.cors is cors


def test_an_unknown_keyword_names_the_options() -> None:
    with pytest.raises(TypeError) as raised:
        api_handler(etags=False)  # type: ignore[call-arg]
    assert str(raised.value) == (
        "api_handler() got an unexpected keyword argument 'etags'; its options are"
        " body_limit, etag, problem_details, propagate_exceptions, response_class,"
        " cors, compress, validation_status, use, on_error, errors, responses,"
        " raises"
    )


def test_options_must_be_an_api_options() -> None:
    with pytest.raises(TypeError) as raised:
        serve_routes(".", options={"etag": False})  # type: ignore[arg-type]
    assert str(raised.value) == (
        "routes option options must be an ApiOptions, as in"
        " options=ApiOptions(etag=False), not {'etag': False}"
    )


# -- Flask: the options that shape an app's error answers ------------------------------

flask = pytest.importorskip("flask")


def flask_app(**keywords: Any) -> Any:
    from nextresp.flask import init_app

    app = flask.Flask(__name__)
    app.config.update(PROPAGATE_EXCEPTIONS=False)

    @app.get("/items")
    def items() -> Any:
        return {"items": []}

    init_app(app, **keywords)
    return app


def test_init_app_renders_routing_errors_with_the_response_class() -> None:
    app = flask_app(response_class=NextjsResponse)
    response = call_wsgi(app, "GET", "/nothing")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert response.get_data() == b'{"message": "Not Found"}'


def test_init_app_gives_error_answers_the_cors_headers_of_an_allowed_origin() -> None:
    app = flask_app(cors=Cors([APP]))
    allowed = call_wsgi(app, "GET", "/nothing", headers={"Origin": APP})
    assert allowed.status_code == 404
    assert allowed.headers["Access-Control-Allow-Origin"] == APP
    assert allowed.headers.getlist("Vary") == ["Accept, Origin"]
    refused = call_wsgi(app, "GET", "/nothing", headers={"Origin": EVIL})
    assert refused.status_code == 404
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_init_app_takes_shared_options() -> None:
    shared = ApiOptions(response_class=NextjsResponse, body_limit="2mb")
    app = flask_app(options=shared)
    response = call_wsgi(app, "POST", "/items")
    assert response.status_code == 405
    assert response.get_data() == b'{"message": "Method Not Allowed"}'


@pytest.mark.parametrize("option", ["body_limit", "etag", "propagate_exceptions"])
def test_init_app_refuses_options_that_belong_to_a_handler(option: str) -> None:
    value: object = 10 if option == "body_limit" else True
    with pytest.raises(TypeError) as raised:
        flask_app(**{option: value})
    assert str(raised.value) == (
        f"init_app option {option} applies to a handler, not to a whole Flask app;"
        " the app-wide options are problem_details, response_class, cors (give"
        f" {option} to api_handler, or use Flask's own configuration)"
    )


MISTAKES = """
from nextresp import ApiOptions, api_handler, api_methods

def get(req: object, res: object) -> None: ...

api_handler(etag="no")
api_methods(get=get)
ApiOptions(body_limit=[1])
"""


def test_mypy_catches_a_wrong_option_at_every_entry_point() -> None:
    pytest.importorskip("mypy")
    result = run_mypy(MISTAKES)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["6", "7", "8"], result.stdout
