"""Instructions per request, counted by valgrind's callgrind: numbers a busy machine
does not move.

Timings on a shared machine wander by tens of percent; the number of instructions a
request executes does not (the same interpreter, code and input give the same count,
whatever else runs). Each workload is run twice in a fresh interpreter under
callgrind, once with ``WARM`` requests and once with ``WARM + COUNT``; the difference,
divided by ``COUNT``, is what one request costs, start-up and first-call work
excluded.

    python benchmarks/instructions.py            # every workload, nextresp and Falcon
    python benchmarks/instructions.py seed-get   # one workload

Needs ``valgrind`` (Debian's package) and the ``bench`` requirements (Falcon). Run it
from the root of a checkout: the ``routes-*`` workloads serve ``examples/api``, the
``tree-*`` ones the 33-route tree of ``routes.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WARM = 200
COUNT = 2000

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def _seed(peer: str) -> WSGIApp:
    from benchmarks import peers

    if peer == "nextresp":
        return peers.nextresp_peer()["/"]
    return peers.falcon_app()


def _examples_tree(peer: str) -> WSGIApp:
    import nextresp

    sys.path.insert(0, str(ROOT))

    return nextresp.routes(ROOT / "examples" / "api")


def _seed_three_middleware(peer: str) -> WSGIApp:
    from benchmarks import middleware

    if peer == "nextresp":
        return middleware.apps()["nextresp 3 no-op"]  # type: ignore[no-any-return]
    return middleware.falcon_with_components()  # type: ignore[no-any-return]


def _seed_request_id(peer: str) -> WSGIApp:
    from benchmarks import middleware

    return middleware.apps()["nextresp RequestId"]  # type: ignore[no-any-return]


def _routes_tree(peer: str) -> WSGIApp:
    """The 33-route tree of ``routes.py``, with CORS, served by ``peer``."""
    import tempfile

    from benchmarks import routes

    if peer == "falcon":
        return routes.falcon_app()
    return routes.nextresp_tree(Path(tempfile.mkdtemp()))


def _seed_async(peer: str) -> WSGIApp:
    from benchmarks import peers

    return peers.nextresp_peer(run="async" if peer == "nextresp" else "sleep")["/"]


_TREE = {"nextresp": _routes_tree, "falcon": _routes_tree}
# What a preflight adds to the request's environ.
_PREFLIGHT = {
    "HTTP_ORIGIN": "https://app.example.com",
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type",
}
EXTRA_ENVIRON = {"tree-cors-preflight": _PREFLIGHT}

# workload: (method, path, {peer: app factory})
WORKLOADS: dict[str, tuple[str, str, dict[str, Callable[[str], WSGIApp]]]] = {
    "seed-get": ("GET", "/", {"nextresp": _seed, "falcon": _seed}),
    "seed-delete-401": ("DELETE", "/", {"nextresp": _seed, "falcon": _seed}),
    "seed-get-3mw": (
        "GET",
        "/",
        {"nextresp": _seed_three_middleware, "falcon": _seed_three_middleware},
    ),
    "seed-get-reqid": ("GET", "/", {"nextresp": _seed_request_id}),
    "routes-static": ("GET", "/api/users", {"nextresp": _examples_tree}),
    "routes-dynamic": ("GET", "/api/user/7", {"nextresp": _examples_tree}),
    "routes-404": ("GET", "/api/nothing/here", {"nextresp": _examples_tree}),
    # "nextresp" is the async def handler, "sleep(0)" the one that awaits once.
    "seed-get-async": ("GET", "/", {"nextresp": _seed_async, "sleep(0)": _seed_async}),
    "tree-dynamic": ("GET", "/api/users/42/posts/7", _TREE),
    "tree-deepest": ("GET", "/api/orgs/acme/teams/core/members/alice", _TREE),
    "tree-static": ("GET", "/api/users", _TREE),
    "tree-catch-all": ("GET", "/api/files/a/b/c.txt", _TREE),
    "tree-404": ("GET", "/api/nothing/here", _TREE),
    "tree-308": ("GET", "/api//users", _TREE),
    "tree-cors-preflight": ("OPTIONS", "/api/users", _TREE),
}


def _start_response(status: str, headers: Any, exc_info: Any = None) -> None:
    return None


def child(workload: str, peer: str, count: int) -> None:
    """Answer ``count`` requests of ``workload`` with ``peer``'s app, under valgrind."""
    from benchmarks.bench import Workload, environ

    method, path, apps = WORKLOADS[workload]
    app = apps[peer](peer)
    request = Workload(workload, method, path, 0, None, "µs", count, count)
    extra = EXTRA_ENVIRON.get(workload, {})
    for _ in range(count):
        body = app({**environ(request), **extra}, _start_response)
        for _chunk in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()


_COLLECTED = re.compile(rb"Collected : (\d+)")


def _instructions(workload: str, peer: str, count: int) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        workload,
        peer,
        str(count),
    ]
    # A fixed hash seed: set and dict layouts, and so the counts, are then the same
    # in every run.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, check=True, env=env)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count for {workload} {peer}")
    return int(found.group(1))


def per_request(workload: str, peer: str) -> float:
    """Return the instructions one request of ``workload`` costs ``peer``."""
    warm = _instructions(workload, peer, WARM)
    full = _instructions(workload, peer, WARM + COUNT)
    return (full - warm) / COUNT


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", default=list(WORKLOADS))
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))  # benchmarks, and the examples' own imports
        workload, peer, count = args.child
        child(workload, peer, int(count))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    print(f"{'workload':<20} {'peer':<10} {'instructions':>14}  ratio to Falcon")
    for workload in args.workloads:
        counts = {peer: per_request(workload, peer) for peer in WORKLOADS[workload][2]}
        falcon = counts.get("falcon")
        for peer, count in counts.items():
            ratio = "" if falcon is None else f"{count / falcon:.3f}"
            print(f"{workload:<20} {peer:<10} {count:>14,.0f}  {ratio}", flush=True)


if __name__ == "__main__":
    main()
