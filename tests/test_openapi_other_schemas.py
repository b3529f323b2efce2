"""OpenAPI schemas from outside pydantic's one pass: registered adapters, msgspec
types that are no class, a ``responses=`` type no library takes; and the names
pydantic's pass gives classes that share a name."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

import nextresp
import nextresp._schemas
from nextresp import _openapi_schemas
from nextresp._schemas import _factories

from .openapi_support import JOB, bodies, document_of, own_components, ref

# Each type's adapter is registered by the route file, as an application would.
SHOP = '''
from nextresp.schemas import InvalidInput, register_adapter


class Order:
    """Written by a library nextresp does not know."""


class Money(Order):
    pass


class Blob(Order):
    pass


class Secret(Order):
    pass


class Adapter:  # validates nothing, and writes no schema
    def decode_json(self, data, /):
        raise InvalidInput([((), "Not taken")])

    def convert(self, values, /):
        raise InvalidInput([((), "Not taken")])


class OrderAdapter(Adapter):
    def json_schema(self, ref_template):
        return {
            "type": "object",
            "properties": {
                "note": True,
                "count": {"type": "integer", "default": 1},
                "price": {"$ref": ref_template.format(model="Price")},
            },
            "required": ["price"],
            "$defs": {"Price": {"type": "string", "pattern": "^[0-9]+[.][0-9]{2}$"}},
        }


class MoneyAdapter(Adapter):
    def json_schema(self, ref_template, output):
        return {"type": "string", "description": "as sent" if output else "as read"}


class SecretAdapter(Adapter):
    def json_schema(self, ref_template, output):
        raise NotImplementedError


ADAPTERS = {
    Order: OrderAdapter(),
    Money: MoneyAdapter(),
    Blob: Adapter(),
    Secret: SecretAdapter(),
}
register_adapter(lambda model: ADAPTERS.get(model) if isinstance(model, type) else None)


def POST(req, res, body: Order) -> Order:
    return body


def PUT(req, res, body: Money) -> Money:
    return body


def PATCH(req, res, body: Blob) -> Blob:
    return body


def DELETE(req, res, body: Secret) -> Secret:
    return body
'''


class Plain:
    """A class no schema library takes: a ``responses=`` type is not validated."""

    def __init__(self, x: int) -> None:
        self.x = x


def test_registered_adapters_write_the_schemas_of_their_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nextresp._schemas, "_factories", list(_factories))
    document = document_of(tmp_path, {"shop.py": SHOP})
    shop = document["paths"]["/api/shop"]
    # A class whose schema is an object is a component, read without its defaults.
    assert bodies(shop["post"]) == (ref("OrderInput"), ref("Order"))
    # Written in the direction asked, when json_schema takes it.
    assert bodies(shop["put"]) == (
        {"type": "string", "description": "as read"},
        {"type": "string", "description": "as sent"},
    )
    # No json_schema: any JSON.
    assert bodies(shop["patch"]) == ({}, {})
    described = {"description": "No JSON Schema: NotImplementedError"}
    assert bodies(shop["delete"]) == (described, described)
    price = {"type": "string", "pattern": "^[0-9]+[.][0-9]{2}$"}
    assert own_components(document) == {
        "OrderInput": {
            "type": "object",
            "properties": {
                "note": True,
                "count": {"type": "integer"},
                "price": ref("Price"),
            },
            "required": ["price"],
        },
        "Price": price,
        "Order": {
            "type": "object",
            "properties": {
                "note": True,
                "count": {"type": "integer", "default": 1},
                "price": ref("Price"),
            },
            "required": ["price"],
        },
    }


def test_a_responses_type_no_library_takes_is_described_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_openapi_schemas, "_kept", {})
    plain = (
        "from nextresp import api_handler\n"
        "from tests.test_openapi_other_schemas import Plain\n"
        "def show(req, res):\n    res.json({'x': 1})\n"
        "app = api_handler(show, methods=['GET'], responses={200: Plain})\n"
    )
    document = document_of(tmp_path, {"plain.py": plain})
    answer = document["paths"]["/api/plain"]["get"]["responses"]["200"]
    with pytest.raises(pydantic.PydanticSchemaGenerationError) as pydantics:
        pydantic.TypeAdapter(Plain)
    assert answer["content"]["application/json"]["schema"] == {
        "description": f"cannot validate {Plain!r} (pydantic:"
        f" {str(pydantics.value).splitlines()[0]}; msgspec: msgspec does not know"
        f" the type {Plain!r}); annotate with a model, a dataclass or a TypedDict,"
        " or register an adapter with nextresp.schemas.register_adapter"
    }


def test_msgspec_types_that_are_no_class_are_schemas_not_components(
    tmp_path: Path,
) -> None:
    tags = (
        "import msgspec\n"
        "class Tag(msgspec.Struct):\n    name: str\n"
        "def POST(req, res, body: list[Tag]) -> Tag | None:\n"
        "    return body[0] if body else None\n"
    )
    document = document_of(tmp_path, {"tags.py": tags})
    assert bodies(document["paths"]["/api/tags"]["post"]) == (
        {"type": "array", "items": ref("Tag")},
        {"anyOf": [ref("Tag"), {"type": "null"}]},
    )
    assert own_components(document) == {
        "Tag": {
            "title": "Tag",
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
        }
    }


def test_a_nested_class_named_as_another_is_named_after_its_own_name(
    tmp_path: Path,
) -> None:
    items = (
        "import pydantic\n"
        "class Item(pydantic.BaseModel):\n    x: int\n"
        "class Shapes:\n"
        "    class Item(pydantic.BaseModel):\n        y: int\n"
        "def POST(req, res, body: Item) -> Item:\n    return body\n"
        "def PUT(req, res, body: Shapes.Item) -> Shapes.Item:\n    return body\n"
    )
    document = document_of(tmp_path, {"items.py": items})
    item = document["paths"]["/api/items"]
    assert bodies(item["post"]) == (ref("Item"), ref("Item"))
    assert bodies(item["put"]) == (ref("Item2"), ref("Item2"))
    assert own_components(document) == {
        "Item": {
            "properties": {"x": {"title": "X", "type": "integer"}},
            "required": ["x"],
            "title": "Item",
            "type": "object",
        },
        "Item2": {
            "properties": {"y": {"title": "Y", "type": "integer"}},
            "required": ["y"],
            "title": "Item",
            "type": "object",
        },
    }


def test_a_generic_model_keeps_the_name_pydantic_gives_it(tmp_path: Path) -> None:
    pages = (
        "from typing import Generic, TypeVar\nimport pydantic\n"
        "T = TypeVar('T')\n"
        "class Page(pydantic.BaseModel, Generic[T]):\n    items: list[T]\n"
        "def POST(req, res, body: Page[list[int]]) -> Page[list[int]]:\n"
        "    return body\n"
    )
    document = document_of(tmp_path, {"pages.py": pages})
    name = "Page_list_int__"
    assert bodies(document["paths"]["/api/pages"]["post"]) == (ref(name), ref(name))
    assert own_components(document) == {
        name: {
            "properties": {
                "items": {
                    "items": {"items": {"type": "integer"}, "type": "array"},
                    "title": "Items",
                    "type": "array",
                }
            },
            "required": ["items"],
            "title": "Page[list[int]]",
            "type": "object",
        }
    }


GENERIC = (
    "from typing import Generic, TypeVar\nimport pydantic\n"
    "T = TypeVar('T')\n"
    "class Page(pydantic.BaseModel, Generic[T]):\n    items: list[T]\n"
    "def POST(req, res, body: Page[int]) -> Page[int]:\n    return body\n"
)


@pytest.mark.parametrize(
    "files",
    [{"pages.py": GENERIC}, {"job.py": JOB, "pages.py": GENERIC}],
    ids=["one-pass", "made-alone"],
)
def test_a_generic_models_name_is_the_same_however_it_is_made(
    tmp_path: Path, files: dict[str, str]
) -> None:
    document = document_of(tmp_path, files)  # valid: no brackets in names
    page = ref("Page_int_")
    assert bodies(document["paths"]["/api/pages"]["post"]) == (page, page)


def test_classes_a_factory_makes_under_one_name_are_numbered_after_it(
    tmp_path: Path,
) -> None:
    pages = (
        "import pydantic\n"
        "def page_of(kind):\n"
        "    class Page(pydantic.BaseModel):\n        items: list[kind]\n"
        "    return Page\n"
        "Numbers, Words = page_of(int), page_of(str)\n"
        "def POST(req, res, body: Numbers) -> Numbers:\n    return body\n"
        "def PUT(req, res, body: Words) -> Words:\n    return body\n"
    )
    document = document_of(tmp_path, {"pages.py": pages})
    operations = document["paths"]["/api/pages"]
    assert bodies(operations["post"]) == (ref("Page"), ref("Page"))
    assert bodies(operations["put"]) == (ref("Page2"), ref("Page2"))
    assert sorted(own_components(document)) == ["Page", "Page2"]


def test_three_classes_of_one_name_beside_another_are_numbered_in_order(
    tmp_path: Path,
) -> None:
    items = (
        "import pydantic\n"
        "class Item(pydantic.BaseModel):\n    x: int\n"
        "class Shapes:\n"
        "    class Item(pydantic.BaseModel):\n        y: int\n"
        "class Tools:\n"
        "    class Item(pydantic.BaseModel):\n        z: int\n"
        "class Box(pydantic.BaseModel):\n    item: Shapes.Item\n"
        "def POST(req, res, body: Item) -> Item:\n    return body\n"
        "def PUT(req, res, body: Box) -> Box:\n    return body\n"
        "def PATCH(req, res, body: Tools.Item) -> Tools.Item:\n    return body\n"
    )
    document = document_of(tmp_path, {"items.py": items})
    item = document["paths"]["/api/items"]
    assert bodies(item["post"]) == (ref("Item"), ref("Item"))
    assert bodies(item["put"]) == (ref("Box"), ref("Box"))
    assert bodies(item["patch"]) == (ref("Item3"), ref("Item3"))
    components = own_components(document)
    assert sorted(components) == ["Box", "Item", "Item2", "Item3"]
    assert components["Box"]["properties"]["item"] == ref("Item2")
    assert components["Item2"]["properties"] == {"y": {"title": "Y", "type": "integer"}}


def test_a_type_read_and_sent_alike_is_one_component_with_what_it_holds(
    tmp_path: Path,
) -> None:
    notes = (
        "import pydantic\n"
        "class Tag(pydantic.BaseModel):\n    name: str\n"
        "class Note(pydantic.BaseModel):\n    tag: Tag\n"
        "def POST(req, res, body: Note) -> Note:\n    return body\n"
    )
    document = document_of(tmp_path, {"notes.py": notes})
    assert bodies(document["paths"]["/api/notes"]["post"]) == (ref("Note"), ref("Note"))
    assert sorted(own_components(document)) == ["Note", "Tag"]


def test_a_request_schema_is_named_apart_from_every_name_already_taken(
    tmp_path: Path,
) -> None:
    # `Todo`'s request schema drops a default, so it is named apart from the
    # answer's; `TodoInput` is already a class of the tree, read and sent.
    todos = (
        "import pydantic\n"
        "class Todo(pydantic.BaseModel):\n    done: bool = False\n"
        "class TodoInput(pydantic.BaseModel):\n    title: str = ''\n"
        "def POST(req, res, body: Todo) -> Todo:\n    return body\n"
        "def PUT(req, res, body: TodoInput) -> TodoInput:\n    return body\n"
    )
    document = document_of(tmp_path, {"todos.py": todos})
    todo = document["paths"]["/api/todos"]
    assert bodies(todo["post"]) == (ref("TodoInput_2"), ref("Todo"))
    assert bodies(todo["put"]) == (ref("TodoInputInput"), ref("TodoInput"))
    assert sorted(own_components(document)) == [
        "Todo",
        "TodoInput",
        "TodoInputInput",
        "TodoInput_2",
    ]


@pytest.mark.parametrize("files", [{}, {"job.py": JOB}], ids=["one-pass", "made-alone"])
def test_same_named_types_of_two_files_each_get_their_own_request_schema(
    tmp_path: Path, files: dict[str, str]
) -> None:
    # The same names however the schemas are made.
    def todo(field: str) -> str:
        return (
            "import pydantic\n"
            f"class Todo(pydantic.BaseModel):\n    {field}: bool = False\n"
            "def POST(req, res, body: Todo) -> Todo:\n    return body\n"
        )

    files = {**files, "a.py": todo("done"), "b.py": todo("open")}
    document = document_of(tmp_path, files)
    assert bodies(document["paths"]["/api/a"]["post"]) == (
        ref("TodoInput"),
        ref("Todo"),
    )
    assert bodies(document["paths"]["/api/b"]["post"]) == (
        ref("Todo2Input"),
        ref("Todo2"),
    )
    components = own_components(document)
    assert sorted(components) == ["Todo", "Todo2", "Todo2Input", "TodoInput"]
    assert list(components["Todo2Input"]["properties"]) == ["open"]


@pytest.mark.parametrize(
    ("first", "second", "names"),
    [
        ("todo", "todo_input", ("TodoInput", "TodoInputInput")),
        ("todo_input", "todo", ("TodoInput_2", "TodoInput")),
    ],
    ids=["sent-type-first", "read-only-type-first"],
)
def test_a_request_schema_never_takes_the_name_of_another(
    tmp_path: Path, first: str, second: str, names: tuple[str, str]
) -> None:
    # `Todo` is read and sent, and drops a default when read: its request schema
    # is named apart. `TodoInput` is only read: it keeps its name unless the
    # other took it first.
    sources = {
        "todo": "import pydantic\n"
        "class Todo(pydantic.BaseModel):\n    done: bool = False\n"
        "def POST(req, res, body: Todo) -> Todo:\n    return body\n",
        "todo_input": "import pydantic\n"
        "class TodoInput(pydantic.BaseModel):\n    title: str = ''\n"
        "def POST(req, res, body: TodoInput) -> None: ...\n",
    }
    document = document_of(tmp_path, {"a.py": sources[first], "b.py": sources[second]})
    paths = {first: "/api/a", second: "/api/b"}
    todo, todo_input = names
    post = document["paths"][paths["todo"]]["post"]
    assert bodies(post) == (ref(todo), ref("Todo"))
    read_only = document["paths"][paths["todo_input"]]["post"]["requestBody"]
    assert read_only["content"]["application/json"]["schema"] == ref(todo_input)
    assert sorted(own_components(document)) == sorted(["Todo", todo, todo_input])
