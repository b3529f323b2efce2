"""The package's shape: small modules in floors, each importing only the floors below.

``FLOORS`` is the architecture, bottom first, as docs/architecture.md draws it. A new
module must take its place here, and an import that climbs (a module reading one
above it, even inside a function) fails the test that names both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .support import ROOT

PACKAGE = ROOT / "nextresp"

#: Every module of the package, bottom floor first.
FLOORS = [
    # values and rules that know nothing of requests
    "_sizes",
    "_status",
    "_headers",
    "_finite_numbers",
    "_json",
    "_json_depth",
    "_json_read",
    "_cookies",
    "_etag",
    "_redirects",
    "_events",
    "_async",
    "_pulls",
    # bodies and the finishing path, then what a handler calls
    "_bodies",
    "_event_stream",
    "_compress",
    "_framing",
    "_streams",
    "_ndjson",
    "_ai_parts",
    "_ai_stream",
    "_send_file",
    "_delivery",
    "_response",
    "_problem_members",
    "_errors",
    # typed input: schema adapters, a signature's plan, the plan run on a request
    "_schemas",
    "_schema_libs",
    "_openapi_source",
    "_openapi_schemas",
    "_input_plan",
    "_validation",
    "_request",
    "_cors",
    "_middleware",
    "_ready_middleware",
    "_options",
    # the route table: a directory scanned, paths matched
    "_route_table",
    "_route_scan",
    "_file_route",
    # the fold and the entry points
    "_method_guard",
    "_hosts",
    "_handler",
    "_methods",
    "_openapi",
    "_route_files",
    "_routes",
    "_openapi_entry",
    "_serve",
    "_dev",
    "_cli",
    "flask",
    "ai",
    "redis",
    "schemas",
    "__init__",
    "__main__",
]

MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 250


def _sources() -> dict[str, ast.Module]:
    return {
        path.stem: ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.glob("*.py"))
    }


def _imported(tree: ast.Module) -> set[str]:
    """The package's modules ``tree`` imports, at any depth (lazy imports too)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:  # from . import _json
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("nextresp."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("nextresp."):
                    found.add(alias.name.split(".")[1])
    return found


def test_every_module_has_a_floor() -> None:
    assert sorted(_sources()) == sorted(FLOORS)


@pytest.mark.parametrize("module", FLOORS)
def test_a_module_imports_only_floors_below_it(module: str) -> None:
    floor = FLOORS.index(module)
    above = sorted(
        name for name in _imported(_sources()[module]) if FLOORS.index(name) >= floor
    )
    assert above == [], f"{module} imports {above}, on its floor or above"


@pytest.mark.parametrize("module", FLOORS)
def test_a_module_is_small_enough_to_hold_in_mind(module: str) -> None:
    lines = (PACKAGE / f"{module}.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_MODULE_LINES


@pytest.mark.parametrize("module", FLOORS)
def test_a_class_is_small_enough_to_hold_in_mind(module: str) -> None:
    for node in ast.walk(_sources()[module]):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno is not None
            size = node.end_lineno - node.lineno + 1
            assert size <= MAX_CLASS_LINES, f"{module}.{node.name}: {size} lines"


def test_the_floors_are_those_the_architecture_page_draws() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = [
        line.split("`")[1].removesuffix(".py")
        for line in page.splitlines()
        if line.startswith("| `") and ".py`" in line.split("|")[1]
    ]
    assert listed == FLOORS


def _calls_in(module: str) -> set[str]:
    return {
        node.func.id
        for node in ast.walk(_sources()[module])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }


@pytest.mark.parametrize("module", ["_routes", "_methods"])
def test_options_travel_down_without_climbing_back_to_an_entry_point(
    module: str,
) -> None:
    # routes() and api_methods() check their keywords once, into ApiOptions, and
    # hand that object to the functions below the other entry points: none calls
    # back up into a keyword-taking api_handler() or api_methods().
    assert {"api_handler", "api_methods"} & _calls_in(module) == set()
    assert "options_of" in _calls_in(module)


def test_the_floor_test_reads_every_kind_of_import(tmp_path: Path) -> None:
    tree = ast.parse(
        "from . import _json\n"
        "from ._headers import lines_of\n"
        "import nextresp._status\n"
        "from nextresp._cors import Cors\n"
        "def later():\n"
        "    from ._async import run\n"
    )
    assert _imported(tree) == {"_json", "_headers", "_status", "_cors", "_async"}
