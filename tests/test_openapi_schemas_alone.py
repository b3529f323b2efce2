"""A pydantic type's schema made on its own, when a type pydantic cannot describe
fails the tree's one pass: as a request sends it and as an answer holds it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nextresp
from nextresp import routes

# A type pydantic validates but writes no schema of: every type read (and every type
# sent) beside it is then made on its own.
JOB = (
    "from collections.abc import Callable\nimport pydantic\n"
    "class Job(pydantic.BaseModel):\n"
    "    run: Callable[[], int] | None = None\n"
    "def POST(req, res, body: Job) -> Job:\n    return body\n"
)
PRICE = (
    "import decimal\nimport pydantic\n"
    "class Tag(pydantic.BaseModel):\n    name: str\n"
    "class Price(pydantic.BaseModel):\n"
    "    amount: decimal.Decimal\n    tag: Tag\n"
    "def PUT(req, res, body: Price) -> Price:\n    return body\n"
)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def document_of(tmp_path: Path, files: dict[str, str]) -> dict[str, Any]:
    (tmp_path / "api").mkdir()
    for name, source in files.items():
        (tmp_path / "api" / name).write_text(source)
    return nextresp.openapi(routes(tmp_path / "api"))


def test_a_type_made_alone_is_read_as_validated_and_sent_as_serialized(
    tmp_path: Path,
) -> None:
    document = document_of(tmp_path, {"job.py": JOB, "price.py": PRICE})
    put = document["paths"]["/api/price"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == ref("Price")
    answer = put["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == ref("Price2")
    schemas = document["components"]["schemas"]
    tag = {"$ref": "#/components/schemas/Tag"}
    assert schemas["Price"] == {
        "properties": {
            "amount": {
                "anyOf": [{"type": "number"}, {"type": "string"}],
                "title": "Amount",
            },
            "tag": tag,
        },
        "required": ["amount", "tag"],
        "title": "Price",
        "type": "object",
    }
    assert schemas["Price2"] == {
        "properties": {"amount": {"title": "Amount", "type": "string"}, "tag": tag},
        "required": ["amount", "tag"],
        "title": "Price",
        "type": "object",
    }
    assert schemas["Tag"] == {
        "properties": {"name": {"title": "Name", "type": "string"}},
        "required": ["name"],
        "title": "Tag",
        "type": "object",
    }


def test_a_request_schema_pydantic_refuses_is_described_not_taken_from_the_answer(
    tmp_path: Path,
) -> None:
    odd = (
        "import pydantic\n"
        "class Odd(pydantic.BaseModel):\n"
        "    n: int\n"
        "    @classmethod\n"
        "    def __get_pydantic_json_schema__(cls, core_schema, handler):\n"
        "        if handler.mode == 'validation':\n"
        "            raise TypeError('no schema for requests')\n"
        "        return handler(core_schema)\n"
        "def POST(req, res, body: Odd) -> Odd:\n    return body\n"
    )
    document = document_of(tmp_path, {"odd.py": odd})
    post = document["paths"]["/api/odd"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "description": "No JSON Schema: no schema for requests"
    }
    answer = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == ref("Odd")
    assert document["components"]["schemas"]["Odd"] == {
        "properties": {"n": {"title": "N", "type": "integer"}},
        "required": ["n"],
        "title": "Odd",
        "type": "object",
    }
