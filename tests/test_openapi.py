"""The OpenAPI document: made from the routes, their signatures and their options."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

import nextresp
from nextresp import routes
from nextresp.testing import Client

from .openapi_tree.models import TodoGone
from .support import ROOT

TREE = ROOT / "tests" / "openapi_tree" / "api"
EXAMPLES = ROOT / "examples" / "api"
PROBLEM = {"$ref": "#/components/schemas/Problem"}
VALIDATION = {"$ref": "#/components/schemas/ValidationProblem"}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return nextresp.openapi(TREE, title="Todos", version="2.1.0")


def problem(description: str, schema: dict[str, Any] = PROBLEM) -> dict[str, Any]:
    content = {"application/problem+json": {"schema": schema}}
    return {"description": description, "content": content}


def json_answer(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# -- the document is valid OpenAPI 3.1 -------------------------------------------


@pytest.mark.parametrize("tree", [TREE, EXAMPLES], ids=["every-feature", "examples"])
def test_the_document_is_valid_openapi_3_1(tree: Path) -> None:
    document = nextresp.openapi(tree)
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "API", "version": "0.1.0"}


def test_title_and_version_are_the_callers(doc: dict[str, Any]) -> None:
    assert doc["info"] == {"title": "Todos", "version": "2.1.0"}


# -- paths and operations ----------------------------------------------------------


def test_paths_follow_the_tree_in_match_order(doc: dict[str, Any]) -> None:
    assert list(doc["paths"]) == [
        "/api/events",
        "/api/health",
        "/api/lines",
        "/api/other/anything",
        "/api/other/search",
        "/api/todos",
        "/api/docs/{slug}",
        "/api/files",
        "/api/files/{path}",
        "/api/todos/{id}",
    ]


def test_operations_are_the_method_functions(doc: dict[str, Any]) -> None:
    # In the order of Next.js's HTTP_METHODS, as the functions are looked up.
    assert list(doc["paths"]["/api/todos/{id}"]) == ["get", "delete", "patch"]
    assert list(doc["paths"]["/api/todos"]) == ["get", "post"]


def test_a_handler_with_methods_documents_those(doc: dict[str, Any]) -> None:
    assert list(doc["paths"]["/api/other/search"]) == ["get"]


def test_a_handler_for_any_method_documents_the_five_that_take_a_body_or_not(
    doc: dict[str, Any],
) -> None:
    assert list(doc["paths"]["/api/other/anything"]) == [
        "get",
        "post",
        "put",
        "patch",
        "delete",
    ]


def test_operation_ids_are_the_method_and_the_path_words(doc: dict[str, Any]) -> None:
    ids = [
        (path, method, operation["operationId"])
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if path.startswith("/api/todos")
    ]
    assert ids == [
        ("/api/todos", "get", "get_api_todos"),
        ("/api/todos", "post", "post_api_todos"),
        ("/api/todos/{id}", "get", "get_api_todos_id"),
        ("/api/todos/{id}", "delete", "delete_api_todos_id"),
        ("/api/todos/{id}", "patch", "patch_api_todos_id"),
    ]


def test_operation_ids_that_would_repeat_get_a_number(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    for name in ("a-b.py", "a_b.py", "a.b.py"):
        (tmp_path / "api" / name).write_text("def GET(req, res): ...\n")
    document = nextresp.openapi(tmp_path / "api")
    ids = [item["get"]["operationId"] for item in document["paths"].values()]
    assert sorted(ids) == ["get_api_a_b", "get_api_a_b_2", "get_api_a_b_3"]


def test_summary_and_description_come_from_the_docstring(doc: dict[str, Any]) -> None:
    health = doc["paths"]["/api/health"]["get"]
    assert health["summary"] == "Tell that the service is up."
    assert health["description"] == "Load balancers call this every few seconds."
    assert doc["paths"]["/api/todos"]["post"]["summary"] == "Add a todo."
    assert "summary" not in doc["paths"]["/api/lines"]["get"]
    assert "description" not in doc["paths"]["/api/todos"]["post"]


# -- parameters ----------------------------------------------------------------------


def test_a_typed_route_parameter_has_its_type(doc: dict[str, Any]) -> None:
    assert doc["paths"]["/api/todos/{id}"]["get"]["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    ]


@pytest.mark.parametrize(
    ("annotation", "schema"),
    [
        ("int", {"type": "integer"}),
        ("float", {"type": "number"}),
        ("str", {"type": "string"}),
        ("uuid.UUID", {"type": "string", "format": "uuid"}),
        ("", {"type": "string"}),
    ],
    ids=["int", "float", "str", "uuid", "untyped"],
)
def test_route_parameter_schemas(
    tmp_path: Path, annotation: str, schema: dict[str, str]
) -> None:
    (tmp_path / "api").mkdir()
    typed = f"key: {annotation}" if annotation else "key"
    source = f"import uuid\ndef GET(req, res, {typed}): ...\n"
    (tmp_path / "api" / "[key].py").write_text(source)
    document = nextresp.openapi(tmp_path / "api")
    (parameter,) = document["paths"]["/api/{key}"]["get"]["parameters"]
    assert parameter == {
        "name": "key",
        "in": "path",
        "required": True,
        "schema": schema,
    }


def test_a_catch_all_is_one_parameter_that_says_so(doc: dict[str, Any]) -> None:
    assert doc["paths"]["/api/docs/{slug}"]["get"]["parameters"] == [
        {
            "name": "slug",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "Catch-all: one or more path segments, joined by /",
        }
    ]


def test_an_optional_catch_all_is_two_paths(doc: dict[str, Any]) -> None:
    assert "parameters" not in doc["paths"]["/api/files"]["get"]
    assert doc["paths"]["/api/files/{path}"]["get"]["parameters"] == [
        {
            "name": "path",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "Optional catch-all: one or more path segments, joined by /",
        }
    ]
    assert doc["paths"]["/api/files"]["get"]["operationId"] == "get_api_files"
    assert doc["paths"]["/api/files/{path}"]["get"]["operationId"] == (
        "get_api_files_path"
    )


def test_a_typed_query_is_one_parameter_per_field(doc: dict[str, Any]) -> None:
    assert doc["paths"]["/api/todos"]["get"]["parameters"] == [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"default": 1, "title": "Page", "type": "integer"},
        },
        {
            "name": "tags",
            "in": "query",
            "required": False,
            "schema": {
                "default": [],
                "items": {"type": "string"},
                "title": "Tags",
                "type": "array",
            },
        },
    ]
    assert doc["paths"]["/api/other/search"]["get"]["parameters"] == [
        {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "default": 10},
        },
    ]


# -- request bodies ------------------------------------------------------------------


def test_a_typed_body_is_the_request_body(doc: dict[str, Any]) -> None:
    assert doc["paths"]["/api/todos"]["post"]["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": ref("TodoIn")}},
    }


def test_a_request_schema_has_no_defaults_so_generators_keep_fields_optional(
    doc: dict[str, Any],
) -> None:
    schemas = doc["components"]["schemas"]
    assert schemas["TodoIn"] == {
        "properties": {
            "title": {"title": "Title", "type": "string"},
            "done": {"title": "Done", "type": "boolean"},
        },
        "required": ["title"],
        "title": "TodoIn",
        "type": "object",
    }
    assert schemas["TodoPatch"]["required"] == []
    assert "TodoInInput" not in schemas


def test_a_type_read_as_a_body_and_sent_as_an_answer_has_two_schemas(
    tmp_path: Path,
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "note.py").write_text(
        "import pydantic\n"
        "class Note(pydantic.BaseModel):\n"
        "    text: str\n"
        "    pinned: bool = False\n"
        "def PUT(req, res, body: Note) -> Note:\n"
        "    return body\n"
    )
    doc = nextresp.openapi(tmp_path / "api")
    put = doc["paths"]["/api/note"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == ref(
        "NoteInput"
    )
    assert put["responses"]["200"] == json_answer(ref("Note"))
    schemas = doc["components"]["schemas"]
    assert schemas["NoteInput"]["properties"]["pinned"] == {
        "title": "Pinned",
        "type": "boolean",
    }
    assert schemas["Note"]["properties"]["pinned"] == {
        "default": False,
        "title": "Pinned",
        "type": "boolean",
    }
    assert not [name for name in schemas if "\x00" in name]


def test_a_body_with_a_default_is_not_required(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "note.py").write_text(
        "def POST(req, res, body: list[int] | None = None): ...\n"
    )
    body = nextresp.openapi(tmp_path / "api")["paths"]["/api/note"]["post"]
    assert body["requestBody"]["required"] is False


# -- responses -------------------------------------------------------------------------


def test_a_returned_value_is_documented_under_the_status_set_before_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "notes.py").write_text(
        "def POST(req, res, body: list[int]) -> list[int]:\n"
        "    res.status(201)\n"
        "    return body\n"
    )
    doc = nextresp.openapi(tmp_path / "api")
    responses = doc["paths"]["/api/notes"]["post"]["responses"]
    assert responses["201"] == {
        "description": "Created",
        "content": {
            "application/json": {
                "schema": {"items": {"type": "integer"}, "type": "array"}
            }
        },
    }
    assert "200" not in responses


def test_the_return_annotation_is_the_200_schema(doc: dict[str, Any]) -> None:
    responses = doc["paths"]["/api/todos/{id}"]["get"]["responses"]
    assert responses["200"] == json_answer(ref("Todo"))
    assert doc["paths"]["/api/todos"]["get"]["responses"]["200"] == json_answer(
        {"items": ref("Todo"), "type": "array"}
    )


def test_response_schemas_list_fields_with_defaults_as_sent(
    doc: dict[str, Any],
) -> None:
    todo = doc["components"]["schemas"]["Todo"]
    assert todo["properties"]["tags"] == {
        "default": [],
        "items": ref("Tag"),
        "title": "Tags",
        "type": "array",
    }
    assert doc["components"]["schemas"]["Tag"]["required"] == ["name"]


def test_a_body_read_documents_the_problems_nextresp_sends(doc: dict[str, Any]) -> None:
    responses = doc["paths"]["/api/todos"]["post"]["responses"]
    assert {
        status: value for status, value in responses.items() if status != "200"
    } == {
        "400": problem("Bad Request"),
        "413": problem("Content Too Large"),
        "415": problem("Unsupported Media Type"),
        "422": problem("Unprocessable Content", VALIDATION),
    }


def test_a_typed_query_documents_422_only(doc: dict[str, Any]) -> None:
    responses = doc["paths"]["/api/todos"]["get"]["responses"]
    assert list(responses) == ["200", "422"]
    assert responses["422"] == problem("Unprocessable Content", VALIDATION)


def test_a_typed_route_parameter_documents_404(doc: dict[str, Any]) -> None:
    assert doc["paths"]["/api/docs/{slug}"]["get"]["responses"]["404"] == problem(
        "Not Found"
    )


TODO_GONE = {
    "anyOf": [
        PROBLEM,
        {
            "allOf": [
                PROBLEM,
                {"type": "object", "properties": {"type": {"enum": [TodoGone.type]}}},
            ]
        },
    ]
}


def test_a_status_or_an_error_class_raised_in_the_function_is_documented(
    doc: dict[str, Any],
) -> None:
    # raise ApiError(404, ...) and raise TodoGone("Deleted"), a class declaring
    # code = 410 and its type, found by name in the route file's module.
    responses = doc["paths"]["/api/todos/{id}"]["get"]["responses"]
    assert list(responses) == ["200", "404", "410"]
    assert responses["404"] == problem("Not Found")
    assert responses["410"] == problem("Gone", TODO_GONE)


def test_a_raised_name_that_is_no_error_class_with_a_status_is_left_out(
    tmp_path: Path,
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "thing.py").write_text(
        "import errno\n"
        "from werkzeug.exceptions import HTTPException, NotFound\n"
        "class Oops(Exception):\n"
        "    code = 418\n"
        "def GET(req, res):\n"
        "    if req.args.get('a'):\n"
        "        raise NotFound()\n"
        "    if req.args.get('b'):\n"
        "        raise HTTPException()\n"
        "    if req.args.get('c'):\n"
        "        raise Missing('no')\n"
        "    if req.args.get('d'):\n"
        "        raise errno.EPERM\n"
        "    raise Oops()\n"
    )
    responses = nextresp.openapi(tmp_path / "api")["paths"]["/api/thing"]["get"][
        "responses"
    ]
    # NotFound (404) and Oops (an Exception whose code is 418) are documented; an
    # HTTPException without a code, an unknown name and an int are not.
    assert list(responses) == ["200", "404", "418"]


def test_raises_lists_statuses_and_error_classes_with_their_type(
    doc: dict[str, Any],
) -> None:
    responses = doc["paths"]["/api/other/search"]["get"]["responses"]
    assert list(responses) == ["200", "410", "422", "429"]
    assert responses["410"] == problem("Gone", TODO_GONE)
    assert responses["429"] == problem("Too Many Requests")


def test_responses_option_replaces_the_guess(doc: dict[str, Any]) -> None:
    assert doc["paths"]["/api/other/search"]["get"]["responses"]["200"] == json_answer(
        {
            "additionalProperties": {
                "anyOf": [{"type": "string"}, {"type": "integer"}]
            },
            "type": "object",
        }
    )


def test_responses_none_is_an_answer_without_a_body(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "ping.py").write_text(
        "from nextresp import api_methods\n"
        "def ping(req, res):\n    res.status(204).end()\n"
        "app = api_methods(POST=ping, responses={201: list[int], 204: None})\n"
    )
    responses = nextresp.openapi(tmp_path / "api")["paths"]["/api/ping"]["post"]
    assert responses["responses"] == {
        "201": {
            "description": "Created",
            "content": {
                "application/json": {
                    "schema": {"items": {"type": "integer"}, "type": "array"}
                }
            },
        },
        "204": {"description": "No Content"},
    }


def test_a_success_status_set_in_the_function_is_the_answer(
    doc: dict[str, Any],
) -> None:
    assert doc["paths"]["/api/todos/{id}"]["delete"]["responses"] == {
        "204": {"description": "No Content"},
        "404": problem("Not Found"),
    }


def test_a_function_that_says_nothing_answers_any_json(doc: dict[str, Any]) -> None:
    assert doc["paths"]["/api/other/anything"]["get"]["responses"] == {
        "200": {"description": "OK", "content": {"application/json": {}}}
    }


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("/api/events", "text/event-stream"), ("/api/lines", "application/x-ndjson")],
    ids=["sse", "ndjson"],
)
def test_a_stream_is_recognised_from_the_source(
    doc: dict[str, Any], path: str, media_type: str
) -> None:
    assert doc["paths"][path]["get"]["responses"] == {
        "200": {
            "description": "OK",
            "content": {media_type: {"schema": {"type": "string"}}},
        }
    }


def test_problem_details_false_documents_text_problems(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "[n].py").write_text("def GET(req, res, n: int): ...\n")
    app = routes(tmp_path / "api", problem_details=False)
    responses = nextresp.openapi(app)["paths"]["/api/{n}"]["get"]["responses"]
    assert responses["404"] == {
        "description": "Not Found",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }


def test_validation_status_400_documents_either_problem(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "sum.py").write_text(
        "def POST(req, res, body: list[int]): ...\n"
    )
    app = routes(tmp_path / "api", validation_status=400)
    responses = nextresp.openapi(app)["paths"]["/api/sum"]["post"]["responses"]
    assert list(responses) == ["200", "400", "413", "415"]
    assert responses["400"] == problem("Bad Request", {"anyOf": [VALIDATION, PROBLEM]})


def test_the_problem_schemas_are_shared_components(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert schemas["Problem"]["required"] == ["type", "title", "status"]
    assert schemas["ValidationProblem"]["allOf"][0] == PROBLEM
    assert schemas["ValidationProblem"]["allOf"][1]["required"] == ["errors"]
    assert schemas["ValidationError"]["required"] == ["detail"]


def test_two_models_of_one_name_both_keep_their_schema(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    for name, field in (("a", "x: int"), ("b", "y: str")):
        (tmp_path / "api" / f"{name}.py").write_text(
            "import pydantic\n"
            f"class Item(pydantic.BaseModel):\n    {field}\n"
            "def GET(req, res) -> Item: ...\n"
        )
    document = nextresp.openapi(tmp_path / "api")
    schemas = document["components"]["schemas"]
    assert schemas["Item"]["required"] == ["x"]
    assert schemas["Item2"]["required"] == ["y"]
    assert document["paths"]["/api/b"]["get"]["responses"]["200"] == json_answer(
        ref("Item2")
    )
    validate(document)


def test_each_call_returns_a_new_dict(doc: dict[str, Any]) -> None:
    again = nextresp.openapi(TREE, title="Todos", version="2.1.0")
    again["components"]["schemas"]["Todo"]["required"].append("x")
    assert nextresp.openapi(TREE, title="Todos", version="2.1.0") == doc


def test_the_document_does_not_depend_on_where_the_tree_is(tmp_path: Path) -> None:
    # pydantic orders classes of one name by their modules' names, which hold a
    # hash of the file's absolute path: six places give both orders.
    documents = []
    for place in ("aaa", "zzz", "one", "two", "three", "four"):
        api = tmp_path / place / "api"
        (api / "sub").mkdir(parents=True)
        for name, field in (("zeta", "x: int"), ("sub/alpha", "y: str")):
            (api / f"{name}.py").write_text(
                "import pydantic\n"
                f"class Item(pydantic.BaseModel):\n    {field}\n"
                "def POST(req, res, body: Item) -> Item: ...\n"
            )
        documents.append(json.dumps(nextresp.openapi(api)))
    assert len(set(documents)) == 1
    document = json.loads(documents[0])
    # The names follow the order the routes are tried: /api/sub/alpha, then /api/zeta.
    assert list(document["paths"]) == ["/api/sub/alpha", "/api/zeta"]
    assert document["components"]["schemas"]["Item"]["required"] == ["y"]
    assert document["components"]["schemas"]["Item2"]["required"] == ["x"]
    assert "nextresp_route" not in documents[0]


def test_a_type_without_a_json_schema_is_described_and_the_tree_still_loads(
    tmp_path: Path,
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "job.py").write_text(
        "from collections.abc import Callable\nimport pydantic\n"
        "class Job(pydantic.BaseModel):\n"
        "    run: Callable[[], int] | None = None\n    name: str\n"
        "def POST(req, res, body: Job) -> Job:\n    return body\n"
    )
    document = nextresp.openapi(routes(tmp_path / "api"))
    validate(document)
    described = {
        "description": "No JSON Schema: Cannot generate a JsonSchema for"
        " core_schema.CallableSchema"
    }
    operation = document["paths"]["/api/job"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == (
        described
    )
    assert operation["responses"]["200"] == json_answer(described)


# -- typed headers and query fields, as a request sends them -------------------------


def test_typed_headers_are_header_parameters_under_the_headers_names(
    tmp_path: Path,
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "me.py").write_text(
        "import pydantic\n"
        "class Auth(pydantic.BaseModel):\n"
        "    x_token: str\n"
        "    accept_language: list[str] = []\n"
        "def GET(req, res, headers: Auth):\n"
        "    res.json({})\n"
    )
    document = nextresp.openapi(tmp_path / "api")
    get = document["paths"]["/api/me"]["get"]
    assert get["parameters"] == [
        {
            "name": "X-Token",
            "in": "header",
            "required": True,
            "schema": {"title": "X Token", "type": "string"},
        },
        {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "schema": {
                "default": [],
                "items": {"type": "string"},
                "title": "Accept Language",
                "type": "array",
            },
        },
    ]
    assert get["responses"]["422"] == problem("Unprocessable Content", VALIDATION)
    error = document["components"]["schemas"]["ValidationError"]
    assert error["properties"]["header"] == {
        "type": "string",
        "description": "The header's name",
    }
    validate(document)


def test_query_parameters_are_named_as_validated_and_computed_fields_left_out(
    tmp_path: Path,
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "find.py").write_text(
        "import pydantic\n"
        "class Find(pydantic.BaseModel):\n"
        "    term: str = pydantic.Field(validation_alias='q')\n"
        "    page: int = 1\n"
        "    @pydantic.computed_field\n"
        "    @property\n"
        "    def offset(self) -> int:\n"
        "        return (self.page - 1) * 10\n"
        "def GET(req, res, query: Find):\n"
        "    res.json({'term': query.term, 'offset': query.offset})\n"
    )
    app = routes(tmp_path / "api")
    parameters = nextresp.openapi(app)["paths"]["/api/find"]["get"]["parameters"]
    assert [(p["name"], p["required"]) for p in parameters] == [
        ("q", True),
        ("page", False),
    ]
    assert parameters[1]["schema"] == {"default": 1, "title": "Page", "type": "integer"}
    answer = Client(app).get("/api/find?q=milk&page=3")
    assert answer.json == {"term": "milk", "offset": 20}


def test_two_types_of_one_name_read_and_sent_each_keep_both_schemas(
    tmp_path: Path,
) -> None:
    api = tmp_path / "api"
    (api / "b").mkdir(parents=True)
    for file, field in (("a.py", "x: int = 1"), ("b/c.py", "y: str = ''")):
        (api / file).write_text(
            "import pydantic\n"
            f"class Note(pydantic.BaseModel):\n    {field}\n"
            "def PUT(req, res, body: Note) -> Note:\n    return body\n"
        )
    document = nextresp.openapi(api)
    schemas = document["components"]["schemas"]
    seen = set()
    for item in document["paths"].values():
        put = item["put"]
        for schema in (
            put["requestBody"]["content"]["application/json"]["schema"],
            put["responses"]["200"]["content"]["application/json"]["schema"],
        ):
            name = schema["$ref"].rpartition("/")[2]
            assert name in schemas
            seen.add(name)
    assert len(seen) == 4  # two answers, two requests: no schema shared by mistake
    assert "\\u0000" not in json.dumps(document)
    validate(document)
