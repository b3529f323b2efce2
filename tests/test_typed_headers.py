"""Typed headers: ``headers: Model`` and ``req.headers_as(Model)``, everywhere.

A field reads the header of its name with ``-`` for ``_`` (``x_token`` reads
``X-Token``), whatever the case the client sent; an error names the header,
never the value sent in it.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any, ClassVar

import msgspec
import pydantic
import pytest

from nextresp import ApiRequest, ApiResponse, api_handler, api_methods, routes
from nextresp._input_plan import header_names
from nextresp._schema_libs import adapter_for
from nextresp.testing import Client

from .validation_models import AUTHS, PydanticAuth, PydanticPaging, auth_summary

TYPE = "https://nextresp.readthedocs.io/en/latest/validation.html"
TITLE = "The request's input is not valid"
SECRET = "hunter2-secret"
INT_ERROR = "Input should be a valid integer, unable to parse string as an integer"
ROUTE_FILE = """\
from __future__ import annotations

from tests.validation_models import {model}, auth_summary


def GET(req, res, headers: {model}):
    res.json(auth_summary(headers))
"""
PLACES = ["api_handler", "api_methods", "routes"]


def library(adapter: str) -> str:
    chosen = type(adapter_for(AUTHS[adapter])).__name__
    return "msgspec" if chosen == "MsgspecAdapter" else "pydantic"


def app_for(adapter: str, place: str, tmp_path: Path, **options: Any) -> Any:
    model = AUTHS[adapter]

    def get(req: ApiRequest, res: ApiResponse, headers: Any) -> None:
        res.json(auth_summary(headers))

    get.__annotations__["headers"] = model
    if place == "api_handler":
        return api_handler(methods=["GET"], **options)(get)
    if place == "api_methods":
        return api_methods(GET=get, **options)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "index.py").write_text(ROUTE_FILE.format(model=model.__name__))
    return routes(tmp_path / "api", prefix="/", **options)


@pytest.fixture(params=[(a, p) for a in AUTHS for p in PLACES], ids="-".join)
def served(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Client]:
    adapter, place = request.param
    return adapter, Client(app_for(adapter, place, tmp_path))


def problem(detail: str, errors: list[dict[str, str]], status: int = 422) -> Any:
    return {
        "type": TYPE,
        "title": TITLE,
        "status": status,
        "detail": detail,
        "errors": errors,
    }


def test_headers_reach_the_function_as_its_model(served: tuple[str, Client]) -> None:
    _, client = served
    sent = {"X-Token": "abc", "X-Retries": "3", "Accept-Language": "en, fr"}
    result = client.get("/", headers=sent)
    assert (result.status, result.json) == (
        200,
        {"token": "abc", "retries": 3, "languages": ["en", "fr"]},
    )


def test_header_names_match_whatever_their_case(served: tuple[str, Client]) -> None:
    _, client = served
    result = client.get("/", headers={"x-TOKEN": "abc", "x-retries": "2"})
    assert (result.status, result.json) == (
        200,
        {"token": "abc", "retries": 2, "languages": []},
    )


def test_a_missing_header_is_422_naming_the_header(served: tuple[str, Client]) -> None:
    adapter, client = served
    result = client.get("/")
    detail = {
        "pydantic": "Field required",
        "msgspec": "Object missing required field `x_token`",
    }[library(adapter)]
    assert result.status == 422
    assert result.headers["Content-Type"] == "application/problem+json"
    assert result.json == problem(
        "The headers have 1 error", [{"detail": detail, "header": "X-Token"}]
    )


def test_a_secret_in_a_wrong_typed_header_is_never_echoed(
    served: tuple[str, Client], caplog: pytest.LogCaptureFixture
) -> None:
    adapter, client = served
    caplog.set_level(logging.DEBUG)
    result = client.get("/", headers={"X-Token": "abc", "X-Retries": SECRET})
    detail = {"pydantic": INT_ERROR, "msgspec": "Expected `int`, got `str`"}
    assert result.status == 422
    assert result.json == problem(
        "The headers have 1 error",
        [{"detail": detail[library(adapter)], "header": "X-Retries"}],
    )
    assert SECRET not in result.text
    assert SECRET not in caplog.text


def test_validation_status_400_applies_to_headers(tmp_path: Path) -> None:
    client = Client(app_for("pydantic", "routes", tmp_path, validation_status=400))
    result = client.get("/")
    assert result.status == 400
    assert result.json == problem(
        "The headers have 1 error",
        [{"detail": "Field required", "header": "X-Token"}],
        status=400,
    )


@api_handler(methods=["GET"])
def late(req: ApiRequest, res: ApiResponse) -> None:
    res.json(auth_summary(req.headers_as(PydanticAuth)))


def test_headers_as_validates_late() -> None:
    client = Client(late)
    assert client.get("/", headers={"X-Token": "t"}).json == {
        "token": "t",
        "retries": 0,
        "languages": [],
    }
    result = client.get("/", headers={"X-Retries": "x"})
    assert result.status == 422
    assert result.json == problem(
        "The headers have 2 errors",
        [
            {"detail": "Field required", "header": "X-Token"},
            {"detail": INT_ERROR, "header": "X-Retries"},
        ],
    )


@api_handler(methods=["GET"])
def paged(
    req: ApiRequest, res: ApiResponse, query: PydanticPaging, headers: PydanticAuth
) -> None:
    res.json({"page": query.page, "token": headers.x_token})


def test_query_and_header_errors_come_in_one_answer_query_first() -> None:
    result = Client(paged).get("/", query="page=x")
    assert result.status == 422
    assert result.json == problem(
        "The request has 2 errors",
        [
            {"detail": INT_ERROR, "parameter": "page"},
            {"detail": "Field required", "header": "X-Token"},
        ],
    )
    ok = Client(paged).get("/", query="page=2", headers={"X-Token": "t"})
    assert (ok.status, ok.json) == (200, {"page": 2, "token": "t"})


@api_handler(methods=["GET"])
def every_header(req: ApiRequest, res: ApiResponse, headers: dict[str, str]) -> None:
    res.json({"token": headers["x-token"], "count": len(headers) > 1})


def test_a_model_without_fields_reads_every_header_by_lower_case_name() -> None:
    result = Client(every_header).get("/", headers={"X-Token": "t"})
    assert (result.status, result.json) == (200, {"token": "t", "count": True})


AUTH_NAMES = [
    ("x_token", "X-Token"),
    ("x_retries", "X-Retries"),
    ("accept_language", "Accept-Language"),
]


class Renamed(pydantic.BaseModel):
    user_agent: str = pydantic.Field(alias="ua_string")


class MsgspecRenamed(msgspec.Struct, rename={"token": "X-Api-Key"}):
    token: str


@dataclasses.dataclass
class WithClassVar:
    x_token: str
    scheme: ClassVar[str] = "Bearer"


@pytest.mark.parametrize(
    ("model", "names"),
    [
        *[(model, AUTH_NAMES) for model in AUTHS.values()],
        (Renamed, [("ua_string", "Ua-String")]),
        (MsgspecRenamed, [("X-Api-Key", "X-Api-Key")]),
        (WithClassVar, [("x_token", "X-Token")]),
        (dict[str, str], []),
    ],
    ids=[*AUTHS, "pydantic-alias", "msgspec-rename", "class-var", "no-fields"],
)
def test_each_field_reads_the_header_of_its_name(
    model: Any, names: list[tuple[str, str]]
) -> None:
    assert list(header_names(model)) == names


def test_a_route_parameter_cannot_be_named_headers(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "[headers].py").write_text(
        "def GET(req, res, **params):\n    pass\n"
    )
    with pytest.raises(ValueError, match=r"^api/") as raised:
        routes(tmp_path / "api")
    assert str(raised.value) == (
        "api/[headers].py: expected a parameter name other than 'headers', which the"
        " handler takes as its own argument; rename [headers]"
    )


def test_a_headers_annotation_a_library_cannot_take_is_refused_at_decoration() -> None:
    def get(req: ApiRequest, res: ApiResponse, headers: object) -> None: ...

    get.__annotations__["headers"] = type("Plain", (), {})
    with pytest.raises(TypeError) as raised:
        api_handler(get)
    assert str(raised.value).startswith(
        "test_a_headers_annotation_a_library_cannot_take_is_refused_at_decoration"
        ".<locals>.get() parameter headers: cannot validate"
    )


class RenamedLanguages(msgspec.Struct, rename="kebab"):
    accept_language: list[str] = []


class AliasedLanguages(pydantic.BaseModel):
    languages: list[str] = pydantic.Field(default=[], alias="accept_language")
    key: str = pydantic.Field(validation_alias="x_api_key")


def test_a_list_field_under_a_rename_or_an_alias_splits_its_header() -> None:
    @api_handler
    def renamed(req: ApiRequest, res: ApiResponse, headers: RenamedLanguages) -> None:
        res.json(headers.accept_language)

    @api_handler
    def aliased(req: ApiRequest, res: ApiResponse, headers: AliasedLanguages) -> None:
        res.json({"languages": headers.languages, "key": headers.key})

    sent = {"Accept-Language": "en, fr", "X-Api-Key": "k1"}
    assert Client(renamed).get("/", headers=sent).json == ["en", "fr"]
    answer = Client(aliased).get("/", headers=sent)
    assert answer.json == {"languages": ["en", "fr"], "key": "k1"}
    missing = Client(aliased).get("/", headers={"Accept-Language": "en"})
    assert missing.problem["errors"] == [
        {"detail": "Field required", "header": "X-Api-Key"}
    ]


class AliasedTags(pydantic.BaseModel):
    tags: list[str] = pydantic.Field(default=[], alias="tag")


def test_a_query_list_field_under_an_alias_takes_every_value() -> None:
    @api_handler
    def tagged(req: ApiRequest, res: ApiResponse, query: AliasedTags) -> None:
        res.json(query.tags)

    assert Client(tagged).get("/?tag=a&tag=b").json == ["a", "b"]


def test_a_renamed_msgspec_field_reads_the_header_of_its_new_name() -> None:
    @api_handler(methods=["GET"])
    def get(req: ApiRequest, res: ApiResponse, headers: MsgspecRenamed) -> None:
        res.json({"token": headers.token})

    result = Client(get).get("/", headers={"x-api-key": "k"})
    assert (result.status, result.json) == (200, {"token": "k"})
