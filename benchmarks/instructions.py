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
import functools
import io
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WARM = 200
COUNT = 2000

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]
#: Answers one request of a workload (or sends one stream of events).
Serve = Callable[[], None]


@dataclass(frozen=True)
class Counted:
    """A workload: how each peer answers one request, and the peer it is measured by.

    ``compare`` is ``"ratio"`` (a peer's count over the base's, as against Falcon) or
    ``"over"`` (the count a peer adds to the base's, as ``async def`` over ``def``).
    ``per`` is what one request is made of (the events of a stream), for counts per
    unit; heavy requests take fewer rounds.
    """

    peers: Mapping[str, Callable[[], Serve]]
    base: str | None = "falcon"
    compare: str = "ratio"
    warm: int = WARM
    count: int = COUNT
    per: int = 1


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
    # routes() imports every route's module as it builds the tree: the files may go.
    with tempfile.TemporaryDirectory() as directory:
        return routes.nextresp_tree(Path(directory))


_BENCH_NAMES = {
    "def": "nextresp",
    "async def": "nextresp async",
    "sleep(0)": "nextresp sleep(0)",
}


def _bench_peer(path: str) -> Callable[[str], WSGIApp]:
    """``bench.py``'s app for ``path`` of the peer named (nextresp's ``def`` handlers
    for ``"def"``, its ``async def`` ones for ``"async def"`` and ``"sleep(0)"``)."""

    def app(peer: str) -> WSGIApp:
        from benchmarks import peers

        return peers.peers()[_BENCH_NAMES.get(peer, peer)][path]

    return app


def _answering(
    factory: Callable[[str], WSGIApp],
    peer: str,
    method: str,
    path: str,
    body_of: Callable[[], bytes] = bytes,
    extra: Mapping[str, str] | None = None,
) -> Serve:
    """Answer ``method path`` with ``peer``'s app, in process (the body ``body_of()``,
    ``extra`` added to the environ). The environ is made for each request, as a
    server makes it: the counts include that, the same for every peer."""
    from benchmarks.bench import Workload, environ

    app = factory(peer)
    body = body_of()
    request = Workload(path, method, path, 0, None, "µs", 0, 0, body)
    added = dict(extra or {})

    def serve() -> None:
        env = {**environ(request), **added}
        if body:
            env["wsgi.input"] = io.BytesIO(body)
        result = app(env, _start_response)
        for _chunk in result:
            pass
        close = getattr(result, "close", None)
        if close is not None:
            close()

    return serve


def _gunicorn_sync_worker(peer: str) -> Serve:
    """A ``GET /`` answered by gunicorn's sync worker with ``bench.py``'s ``peer``, in
    process: the request's bytes parsed from a socket, the answer written back, the
    socket closed. What the worker itself spends is the same for every peer."""
    from gunicorn.config import Config  # type: ignore[import-untyped]
    from gunicorn.glogging import Logger  # type: ignore[import-untyped]
    from gunicorn.workers.sync import SyncWorker  # type: ignore[import-untyped]

    from benchmarks import peers

    config = Config()
    worker = SyncWorker(0, os.getpid(), [], None, 30, config, Logger(config))
    worker.wsgi = peers.served(peer)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n"

    def serve() -> None:
        client, server = socket.socketpair()
        with client:
            client.sendall(request)
            # As a client that sends nothing more: the worker, closing gracefully,
            # waits for the client's end before it lets go of the socket.
            client.shutdown(socket.SHUT_WR)
            worker.handle(listener, server, ("127.0.0.1", 40000))
            answer = b"".join(iter(lambda: client.recv(65536), b""))
        if not answer.startswith(b"HTTP/1.1 200 OK\r\n"):
            raise SystemExit(f"{peer} under gunicorn answered {answer[:200]!r}")

    return serve


def _event_stream(peer: str) -> Serve:
    """``sse.py``'s stream of ``EVENTS`` events from ``peer``, read to its end."""
    from benchmarks import sse

    body = sse.PEERS[peer]

    def serve() -> None:
        sse.read(body(EVENTS))

    return serve


#: The events of one stream of the ``sse-*`` workloads.
EVENTS = 1000

# What a preflight adds to the request's environ.
_PREFLIGHT = {
    "HTTP_ORIGIN": "https://app.example.com",
    "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
    "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type",
}


def _served(
    method: str,
    path: str,
    factory: Callable[[str], WSGIApp],
    peers: Iterable[str] = ("nextresp", "falcon"),
    body_of: Callable[[], bytes] = bytes,
    extra: Mapping[str, str] | None = None,
    **counted: Any,
) -> Counted:
    """A workload of one request, ``method path``, to each of ``peers``."""
    return Counted(
        {
            peer: functools.partial(
                _answering, factory, peer, method, path, body_of, extra
            )
            for peer in peers
        },
        **counted,
    )


def _post_body() -> bytes:
    from benchmarks.peers import POST_BODY

    return POST_BODY


WORKLOADS: dict[str, Counted] = {
    "seed-get": _served("GET", "/", _seed),
    "seed-delete-401": _served("DELETE", "/", _seed),
    "seed-get-3mw": _served("GET", "/", _seed_three_middleware),
    "seed-get-reqid": _served("GET", "/", _seed_request_id, ["nextresp"]),
    "routes-static": _served("GET", "/api/users", _examples_tree, ["nextresp"]),
    "routes-dynamic": _served("GET", "/api/user/7", _examples_tree, ["nextresp"]),
    "routes-404": _served("GET", "/api/nothing/here", _examples_tree, ["nextresp"]),
    "post-100k": _served(
        "POST", "/count", _bench_peer("/count"), body_of=_post_body, warm=20, count=200
    ),
    "json-1mb-null": _served(
        "GET", "/items-null", _bench_peer("/items-null"), warm=2, count=10
    ),
    # The same seed handler as a def, an async def, and one that awaits sleep(0).
    "seed-get-async": _served(
        "GET",
        "/",
        _bench_peer("/"),
        ["def", "async def", "sleep(0)"],
        base="def",
        compare="over",
    ),
    "gunicorn-sync": Counted(
        {
            peer: functools.partial(_gunicorn_sync_worker, peer)
            for peer in ("raw WSGI", "nextresp", "falcon")
        },
        base="raw WSGI",
        compare="over",
    ),
    "sse": Counted(
        {
            peer: functools.partial(_event_stream, peer)
            for peer in ("by hand", "sse heartbeat=15", "sse heartbeat=None")
        },
        base="by hand",
        warm=2,
        count=20,
        per=EVENTS,
    ),
    "tree-dynamic": _served("GET", "/api/users/42/posts/7", _routes_tree),
    "tree-deepest": _served(
        "GET", "/api/orgs/acme/teams/core/members/alice", _routes_tree
    ),
    "tree-static": _served("GET", "/api/users", _routes_tree),
    "tree-catch-all": _served("GET", "/api/files/a/b/c.txt", _routes_tree),
    "tree-404": _served("GET", "/api/nothing/here", _routes_tree),
    "tree-308": _served("GET", "/api//users", _routes_tree),
    "tree-cors-preflight": _served(
        "OPTIONS", "/api/users", _routes_tree, extra=_PREFLIGHT
    ),
}


def _start_response(status: str, headers: Any, exc_info: Any = None) -> None:
    return None


def child(workload: str, peer: str, count: int) -> None:
    """Answer ``count`` requests of ``workload`` with ``peer``'s app, under valgrind."""
    serve = WORKLOADS[workload].peers[peer]()
    for _ in range(count):
        serve()


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
    """Return the instructions one request of ``workload`` (one unit, for a stream)
    costs ``peer``."""
    counted = WORKLOADS[workload]
    warm = _instructions(workload, peer, counted.warm)
    full = _instructions(workload, peer, counted.warm + counted.count)
    return (full - warm) / (counted.count * counted.per)


def against(counted: Counted, count: float, base: float | None) -> str:
    """``count`` measured by the base's: a ratio, or the instructions it adds."""
    if base is None:
        return ""
    if counted.compare == "over":
        return f"{count - base:+,.0f}"
    return f"{count / base:.3f}"


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
    print(f"{'workload':<20} {'peer':<19} {'instructions':>14}  against the first")
    for workload in args.workloads:
        counted = WORKLOADS[workload]
        counts = {peer: per_request(workload, peer) for peer in counted.peers}
        base = None if counted.base is None else counts.get(counted.base)
        for peer, count in counts.items():
            shown = against(counted, count, None if peer == counted.base else base)
            print(f"{workload:<20} {peer:<19} {count:>14,.0f}  {shown}", flush=True)


if __name__ == "__main__":
    main()
