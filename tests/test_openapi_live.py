"""Live: the served OpenAPI document becomes a typed TypeScript client that works.

openapi-typescript turns the document a real gunicorn serves into types; ``tsc
--strict`` type-checks a client (tests/openapi_client/client.ts) that calls each
route of the test tree with openapi-fetch, a misuse marked ``@ts-expect-error``
among them; node then runs it against the same server. The npm packages pinned in
tests/openapi_client/package.json are installed on first use into build/, outside
the source tree. A machine without node skips, saying so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from .support import ROOT, gunicorn

NODE = shutil.which("node")
NPM = shutil.which("npm")
CLIENT = ROOT / "tests" / "openapi_client"
# The npm packages' cache: under build/, which neither git nor the sdist holds.
PACKAGES = ROOT / "build" / "openapi-client-node"
pytestmark = pytest.mark.skipif(
    NODE is None or NPM is None,
    reason="node and npm are not installed: openapi-typescript and tsc cannot run",
)


def run(args: list[str], cwd: Path) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """Install the pinned packages into the cache when they are not there yet."""
    wanted = (CLIENT / "package.json").read_text()
    manifest = PACKAGES / "package.json"
    installed = PACKAGES / "node_modules" / ".bin" / "tsc"
    if not (installed.exists() and manifest.read_text() == wanted):
        PACKAGES.mkdir(parents=True, exist_ok=True)
        manifest.write_text(wanted)
        assert NPM is not None
        run([NPM, "install", "--no-audit", "--no-fund", "--loglevel=error"], PACKAGES)
    return PACKAGES / "node_modules"


@pytest.fixture(scope="module")
def server(node_modules: Path) -> Iterator[str]:
    with gunicorn("tests.openapi_app:app", "--workers=1", "--threads=4") as (
        address,
        _log,
    ):
        yield address


@pytest.fixture(scope="module")
def project(
    server: str, node_modules: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A TypeScript project: the served document's types and the client."""
    root = tmp_path_factory.mktemp("client")
    with urllib.request.urlopen(f"http://{server}/api/openapi.json") as answer:
        document = json.loads(answer.read())
    validate(document)
    (root / "openapi.json").write_text(json.dumps(document))
    for name in ("client.ts", "tsconfig.json", "package.json"):
        shutil.copy(CLIENT / name, root / name)
    (root / "node_modules").symlink_to(node_modules)
    bin_dir = node_modules / ".bin"
    run([str(bin_dir / "openapi-typescript"), "openapi.json", "-o", "api.d.ts"], root)
    return root


def test_openapi_typescript_types_the_document(project: Path) -> None:
    types = (project / "api.d.ts").read_text()
    assert 'get: operations["get_api_todos_id"];' in types
    assert '"/api/docs/{slug}": {' in types
    assert '"text/event-stream": string;' in types


def test_the_client_type_checks_strictly(project: Path, node_modules: Path) -> None:
    # client.ts holds a call that must not compile, marked @ts-expect-error: tsc
    # fails if the types let it through.
    assert run([str(node_modules / ".bin" / "tsc"), "-p", "."], project) == ""


def test_the_typed_client_calls_each_route(
    project: Path, node_modules: Path, server: str
) -> None:
    if not (project / "out" / "client.js").exists():
        run([str(node_modules / ".bin" / "tsc"), "-p", "."], project)
    assert NODE is not None
    output = run([NODE, "out/client.js", f"http://{server}"], project)
    seen: dict[str, Any] = json.loads(output)
    assert seen == {
        "health": [200, True, "1.0"],
        "list": [200, 2],
        "create": [200, "ship", False],
        "invalid": [422, 422, "#/title"],
        "read": [200, 7],
        "missing": [404, 404, "No such todo"],
        "gone": [410, "https://example.com/problems/todo-gone"],
        "patch": [200, True],
        "delete": [204],
        "docs": [200, "guide", 1],
        "files": [200, [], ["photos"]],
        "search": [200, "docs", 10],
        "events": [200, "text/event-stream"],
        "lines": [200, '{"n":1}\n{"n":2}\n'],
        "anything": [200, {"method": "PUT"}],
    }
