"""The todos example: typed input in a route tree, answered as the docs say."""

from __future__ import annotations

from collections.abc import Iterator
from wsgiref.validate import validator

import pytest

from examples.api._todos import TODOS
from examples.app import app
from nextresp.testing import Client

client = Client(validator(app))
INVALID = "https://nextresp.readthedocs.io/en/latest/validation.html"


@pytest.fixture(autouse=True)
def no_todos() -> Iterator[None]:
    TODOS.clear()
    yield
    TODOS.clear()


def test_a_created_todo_is_201_with_its_location_and_reads_back() -> None:
    r = client.post("/api/todos", json={"title": "Buy milk"})
    assert (r.status, r.headers["Location"]) == (201, "/api/todos/1")
    assert r.headers["Content-Type"] == "application/json"
    assert r.data == b'{"id":1,"title":"Buy milk","done":false}'
    assert client.get("/api/todos/1").json == {
        "id": 1,
        "title": "Buy milk",
        "done": False,
    }


def test_the_list_is_paged_and_filtered_by_its_query() -> None:
    for title in ("a", "b", "c", "d"):
        client.post("/api/todos", json={"title": title, "done": title in "bd"})
    assert [t["title"] for t in client.get("/api/todos").json] == ["a", "b", "c", "d"]
    page = client.get("/api/todos?limit=2&offset=1")
    assert [t["id"] for t in page.json] == [2, 3]
    assert [t["title"] for t in client.get("/api/todos?done=true").json] == ["b", "d"]
    assert [t["title"] for t in client.get("/api/todos?done=false").json] == ["a", "c"]


def test_a_body_that_does_not_fit_is_422_with_every_error_and_no_input() -> None:
    r = client.post("/api/todos", json={"title": "", "done": "secret-token-42"})
    assert r.status == 422
    assert r.headers["Content-Type"] == "application/problem+json"
    assert r.json == {
        "type": INVALID,
        "title": "The request's input is not valid",
        "status": 422,
        "detail": "The request body has 2 errors",
        "errors": [
            {"detail": "String should have at least 1 character", "pointer": "#/title"},
            {
                "detail": "Input should be a valid boolean, unable to interpret input",
                "pointer": "#/done",
            },
        ],
    }
    assert b"secret-token-42" not in r.data
    assert client.get("/api/todos").json == []


def test_a_query_that_does_not_fit_names_each_parameter() -> None:
    r = client.get("/api/todos?limit=0&offset=-1")
    assert r.status == 422
    assert r.problem["errors"] == [
        {"detail": "Input should be greater than or equal to 1", "parameter": "limit"},
        {"detail": "Input should be greater than or equal to 0", "parameter": "offset"},
    ]


def test_a_patch_changes_only_the_fields_it_sets() -> None:
    client.post("/api/todos", json={"title": "Buy milk"})
    r = client.patch("/api/todos/1", json={"done": True})
    assert (r.status, r.json) == (200, {"id": 1, "title": "Buy milk", "done": True})
    r = client.patch("/api/todos/1", json={"title": "Buy oat milk"})
    assert r.json == {"id": 1, "title": "Buy oat milk", "done": True}


def test_a_deleted_todo_is_204_then_gone() -> None:
    client.post("/api/todos", json={"title": "Buy milk"})
    r = client.delete("/api/todos/1")
    assert (r.status, r.data) == (204, b"")
    assert "Content-Type" not in r.headers
    gone = client.get("/api/todos/1")
    assert (gone.status, gone.problem["detail"]) == (404, "There is no todo 1")
    assert client.delete("/api/todos/1").status == 404
    assert client.patch("/api/todos/1", json={"done": True}).status == 404


@pytest.mark.parametrize("id", ["x", "1.5", "%201", "1e3"])
def test_an_id_that_is_not_an_integer_names_no_todo(id: str) -> None:
    r = client.get(f"/api/todos/{id}")
    assert (r.status, r.data) == (
        404,
        b'{"type":"about:blank","title":"Not Found","status":404}',
    )


def test_other_methods_are_405_with_allow() -> None:
    r = client.put("/api/todos/1", json={"title": "x"})
    assert (r.status, r.headers["Allow"]) == (405, "DELETE, GET, HEAD, OPTIONS, PATCH")
    r = client.delete("/api/todos")
    assert (r.status, r.headers["Allow"]) == (405, "GET, HEAD, OPTIONS, POST")


def test_the_openapi_document_names_the_models() -> None:
    import nextresp

    document = nextresp.openapi(app)
    create = document["paths"]["/api/todos"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TodoIn"
    }
    assert create["responses"]["201"] == {
        "description": "Created",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Todo"}}
        },
    }
    assert "200" not in create["responses"]
    parameters = document["paths"]["/api/todos/{id}"]["get"]["parameters"]
    assert parameters[0]["name"] == "id"
    assert parameters[0]["schema"] == {"type": "integer"}
