"""Benchmark the OpenAPI document of a 200-route tree with typed bodies.

    python benchmarks/openapi.py            # 7 fresh processes, 50 later calls each
    python benchmarks/openapi.py --smoke    # one process, a few calls

The tree (written to a temporary directory) has 100 folders, each with an
``index.py`` (GET with a typed query, POST with a typed body) and an ``[id].py``
(GET with an ``int`` id returning a model, PUT with a typed body): 200 routes,
400 operations, 300 pydantic models of their own (each file defines its own, as
route files do), with a nested model shared by all. Loading the tree
(``routes()``) is not timed; then ``nextresp.openapi(app)`` is:

- the first call in a fresh process, when each model's schema is written once;
- a later call, from the schemas kept.

Each figure is a median over the processes (or the calls), with its spread
(min to max). Wall-clock time, on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FOLDERS = 100
INDEX = '''\
import pydantic

from shared import Address


class Paging{n}(pydantic.BaseModel):
    page: int = 1
    tags: list[str] = []


class Item{n}In(pydantic.BaseModel):
    name: str
    price: float
    quantity: int = 1
    address: Address | None = None


class Item{n}(Item{n}In):
    id: int


def GET(req, res, query: Paging{n}) -> list[Item{n}]:
    """List the items of folder {n}."""
    return []


def POST(req, res, body: Item{n}In) -> Item{n}:
    """Add an item."""
    return Item{n}(id=1, **body.model_dump())
'''
ONE = '''\
import pydantic

from shared import Address


class Item{n}Out(pydantic.BaseModel):
    id: int
    name: str
    address: Address


class Item{n}Patch(pydantic.BaseModel):
    name: str | None = None


def GET(req, res, id: int) -> Item{n}Out:
    """Read one item."""
    raise LookupError(id)


def PUT(req, res, id: int, body: Item{n}Patch) -> None:
    res.status(204).end()
'''
SHARED = """\
import pydantic


class Address(pydantic.BaseModel):
    street: str
    city: str
"""


def write_tree(root: Path) -> Path:
    (root / "shared.py").write_text(SHARED)
    for n in range(FOLDERS):
        folder = root / "api" / f"items{n}"
        folder.mkdir(parents=True)
        (folder / "index.py").write_text(INDEX.replace("{n}", str(n)))
        (folder / "[id].py").write_text(ONE.replace("{n}", str(n)))
    return root / "api"


def measure(directory: Path, calls: int) -> dict[str, object]:
    """Load the tree, then time the first and the later calls, in milliseconds."""
    sys.path.insert(0, str(directory.parent))
    import nextresp

    started = time.perf_counter()
    app = nextresp.routes(directory)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    document = nextresp.openapi(app)
    first = time.perf_counter() - started
    later = []
    for _ in range(calls):
        started = time.perf_counter()
        nextresp.openapi(app)
        later.append(time.perf_counter() - started)
    operations = sum(len(item) for item in document["paths"].values())
    return {
        "routes": len(app.handlers),
        "operations": operations,
        "load_ms": loaded * 1000,
        "first_ms": first * 1000,
        "later_ms": statistics.median(later) * 1000,
    }


def spread(values: list[float]) -> str:
    return (
        f"{statistics.median(values):6.1f} ms"
        f" (min {min(values):.1f}, max {max(values):.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one brief process")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child), args.calls)))
        return
    processes = 1 if args.smoke else 7
    with tempfile.TemporaryDirectory() as temporary:
        directory = write_tree(Path(temporary))
        runs = []
        for _ in range(processes):  # a fresh process each: a cold first call
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(directory), "--calls", "50"],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(done.stdout))
    first = runs[0]
    print(
        f"{first['routes']} routes, {first['operations']} operations,"
        f" {processes} fresh processes"
    )
    for key, label in (
        ("load_ms", "routes() (not the document)"),
        ("first_ms", "openapi(), first call"),
        ("later_ms", "openapi(), later calls"),
    ):
        print(f"{label:30} {spread([run[key] for run in runs])}")


if __name__ == "__main__":
    main()
