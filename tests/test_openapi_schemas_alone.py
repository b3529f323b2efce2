"""A pydantic type's schema made on its own, when a type pydantic cannot describe
fails the tree's one pass: as a request sends it and as an answer holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .openapi_support import JOB, document_of, ref

PRICE = (
    "import decimal\nimport pydantic\n"
    "class Tag(pydantic.BaseModel):\n    name: str\n"
    "class Price(pydantic.BaseModel):\n"
    "    amount: decimal.Decimal\n    tag: Tag\n"
    "def PUT(req, res, body: Price) -> Price:\n    return body\n"
)


@pytest.mark.parametrize(
    "files",
    [{"job.py": JOB, "price.py": PRICE}, {"price.py": PRICE}],
    ids=["made-alone", "made-in-one-pass"],
)
def test_a_type_read_and_written_differently_is_two_components(
    tmp_path: Path, files: dict[str, str]
) -> None:
    document = document_of(tmp_path, files)
    put = document["paths"]["/api/price"]["put"]
    request = put["requestBody"]["content"]["application/json"]["schema"]
    assert request == ref("PriceInput")
    answer = put["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == ref("Price")
    schemas = document["components"]["schemas"]
    tag = ref("Tag")  # read and written alike: one component for both
    assert schemas["PriceInput"] == {
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
    assert schemas["Price"] == {
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
    assert not {"Price2", "TagInput"} & set(schemas)


def test_a_type_holding_one_read_and_written_differently_is_two_components_too(
    tmp_path: Path,
) -> None:
    order = (
        "import decimal\nimport pydantic\n"
        "class Line(pydantic.BaseModel):\n    price: decimal.Decimal\n"
        "class Order(pydantic.BaseModel):\n    lines: list[Line]\n"
        "class Receipt(pydantic.BaseModel):\n    order: Order\n"
        "def POST(req, res, body: Order) -> Receipt:\n"
        "    return Receipt(order=body)\n"
    )
    document = document_of(tmp_path, {"order.py": order})
    schemas = document["components"]["schemas"]
    assert sorted(schemas) == [
        "Line",
        "LineInput",
        "Order",
        "OrderInput",
        "Problem",
        "Receipt",
        "ValidationError",
        "ValidationProblem",
    ]
    lines = schemas["OrderInput"]["properties"]["lines"]
    assert lines["items"] == ref("LineInput")
    assert schemas["Order"]["properties"]["lines"]["items"] == ref("Line")


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
