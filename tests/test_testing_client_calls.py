"""``nextresp.testing.Client``: each method's default path, HEAD's options, uploads."""

from __future__ import annotations

import io
from typing import Any

import pytest

from nextresp import api_handler
from nextresp.testing import Client


def seen(req: Any, res: Any) -> None:
    """Answer the method, path, query and X-Test header, in a header and the body."""
    query = req.query_string.decode()
    text = f"{req.method} {req.path} ?{query} {req.headers.get('X-Test')}"
    res.set_header("X-Seen", text).send(text)


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete", "options"])
def test_each_method_goes_to_the_root_without_a_path(method: str) -> None:
    r = getattr(Client(api_handler(seen)), method)()
    assert (r.status, r.text) == (200, f"{method.upper()} / ? None")


def test_head_goes_to_the_root_without_a_path() -> None:
    r = Client(api_handler(seen)).head()
    assert (r.status, r.headers["X-Seen"], r.data) == (200, "HEAD / ? None", b"")


def test_head_sends_its_options() -> None:
    r = Client(api_handler(seen)).head(
        "/items", query={"page": "2"}, headers={"X-Test": "yes"}
    )
    assert (r.status, r.headers["X-Seen"], r.data) == (
        200,
        "HEAD /items ?page=2 yes",
        b"",
    )


def uploads(req: Any, res: Any) -> None:
    res.json({name: [f.filename, f.read().decode()] for name, f in req.files.items()})


def test_a_file_object_without_a_name_is_uploaded_under_its_field_name() -> None:
    r = Client(api_handler(uploads)).post("/", files={"report": io.BytesIO(b"data")})
    assert (r.status, r.json) == (200, {"report": ["report", "data"]})


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"raw", "bytes"), ("raw", "str"), ([("a", "1")], "list")],
    ids=["bytes", "str", "pairs"],
)
def test_data_beside_files_that_is_not_a_mapping_is_named_by_its_type(
    data: Any, kind: str
) -> None:
    with pytest.raises(TypeError) as info:
        Client(api_handler(uploads)).post("/", data=data, files={"f": ("a", b"a")})
    assert str(info.value) == (
        f"with files=, data must be a mapping of form fields, not {kind}"
    )
