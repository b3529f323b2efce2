"""The Next.js examples, ported: every endpoint of the demo app, in process."""

from __future__ import annotations

from wsgiref.validate import validator

import pytest

from examples.api._people import PEOPLE
from examples.app import app
from nextresp.testing import Client

client = Client(validator(app))  # the demo keeps no cookies: one client serves all

LUKE = {
    "id": "1",
    "name": "Luke Skywalker",
    "height": "172",
    "mass": "77",
    "hair_color": "blond",
    "skin_color": "fair",
    "eye_color": "blue",
    "gender": "male",
}


def test_people_lists_all_ten_in_order() -> None:
    r = client.get("/api/people")
    assert r.status == 200
    people = r.json
    assert [p["id"] for p in people] == [str(i) for i in range(1, 11)]
    assert people[0] == LUKE
    assert list(people[0]) == list(LUKE)
    assert people[9]["name"] == "Obi-Wan Kenobi"
    assert people == PEOPLE


def test_person_by_id() -> None:
    r = client.get("/api/people/1")
    assert (r.status, r.json) == (200, LUKE)
    assert client.get("/api/people/3").json["skin_color"] == "white, blue"


@pytest.mark.parametrize("id", ["11", "01", "luke", "0"])
def test_unknown_person_is_404_with_message(id: str) -> None:
    r = client.get(f"/api/people/{id}")
    assert r.status == 404
    assert r.json == {"message": f"User with id: {id} not found."}


def test_users_list() -> None:
    r = client.get("/api/users")
    assert (r.status, r.data) == (200, b'[{"id":1},{"id":2},{"id":3}]')


def test_user_get() -> None:
    r = client.get("/api/user/42")
    assert (r.status, r.json) == (200, {"id": 42, "name": "User 42"})


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("?name=Ada", "Ada"),
        ("", "User 7"),
        ("?name=", "User 7"),
        ("?name=%C3%89va", "Éva"),
    ],
    ids=["named", "absent", "empty", "non-ascii"],
)
def test_user_put_takes_name_from_the_query(query: str, name: str) -> None:
    r = client.put(f"/api/user/7{query}")
    assert (r.status, r.json) == (200, {"id": 7, "name": name})


@pytest.mark.parametrize("method", ["POST", "DELETE", "PATCH"])
def test_user_other_methods_are_405_with_allow(method: str) -> None:
    r = client.request(method, "/api/user/7", headers={"Accept": "text/plain"})
    assert r.status == 405
    assert r.headers["Allow"] == "GET, HEAD, OPTIONS, PUT"
    assert r.data == f"Method {method} Not Allowed".encode()


@pytest.mark.parametrize("path", ["/api/user/abc", "/api/user/-1", "/api/nothing"])
def test_non_numeric_ids_and_unknown_paths_are_404_problems(path: str) -> None:
    assert client.get(path).problem == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
    }


def test_people_accepts_only_get_and_head() -> None:
    assert client.head("/api/people").status == 200
    r = client.post("/api/people")
    assert (r.status, r.headers["Allow"]) == (405, "GET")


def test_user_options_lists_the_methods() -> None:
    r = client.options("/api/user/7")
    assert (r.status, r.headers["Allow"], r.data) == (
        204,
        "GET, HEAD, OPTIONS, PUT",
        b"",
    )


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/api/people/", "/api/people"),
        ("/api/user/7/?name=Ada", "/api/user/7?name=Ada"),
        ("/api//hello/", "/api/hello"),
    ],
)
def test_other_spellings_are_redirected_308(path: str, location: str) -> None:
    r = client.get(path)
    assert (r.status, r.headers["Location"], r.data) == (308, location, b"")


def test_the_tree_serves_every_example() -> None:
    assert [route.pattern for route in app.table.routes] == [
        "/api/chat",
        "/api/cookies",
        "/api/cors",
        "/api/hello",
        "/api/people",
        "/api/rate-limit",
        "/api/thing",
        "/api/todos",
        "/api/users",
        "/api/webhook",
        "/api/people/[id]",
        "/api/todos/[id]",
        "/api/user/[id]",
    ]
