"""What the tests of OpenAPI schemas and names share: a tree written from sources,
its document (checked against the OpenAPI specification), and reading it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openapi_spec_validator import validate

import nextresp
from nextresp import routes

#: A model pydantic validates but writes no schema of: beside it, every other type of
#: the tree is made alone rather than in the one pass.
JOB = (
    "from collections.abc import Callable\nimport pydantic\n"
    "class Job(pydantic.BaseModel):\n"
    "    run: Callable[[], int] | None = None\n"
    "def POST(req, res, body: Job) -> Job:\n    return body\n"
)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def document_of(tmp_path: Path, files: dict[str, str]) -> dict[str, Any]:
    """The document of a tree of route files written from ``files``' sources."""
    (tmp_path / "api").mkdir()
    for name, source in files.items():
        (tmp_path / "api" / name).write_text(source)
    document = nextresp.openapi(routes(tmp_path / "api"))
    validate(document)
    return document


def bodies(operation: dict[str, Any]) -> tuple[Any, Any]:
    """The schema of the request's body and of the 200's."""
    request = operation["requestBody"]["content"]["application/json"]["schema"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    return request, answer


def own_components(document: dict[str, Any]) -> dict[str, Any]:
    """The components of the tree's own types, without the problems nextresp adds."""
    shared = {"Problem", "ValidationError", "ValidationProblem"}
    schemas = document["components"]["schemas"]
    return {name: body for name, body in schemas.items() if name not in shared}
