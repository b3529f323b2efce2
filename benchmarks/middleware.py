"""Middleware: what three no-op layers and ``RequestId`` add to the seed GET.

The seed ``GET /`` (``{"name": "Next.js"}``) answered by the same handler with no
middleware, with three no-op middleware (``def noop(req, res, call_next):
call_next()``), with ``RequestId()`` (a new id made for each request), and by
Falcon with no middleware and with three no-op components (``process_request`` and
``process_response``). The peers are timed in interleaved rounds, CPU time per
request; the report gives each peer's median and spread, and the medians of the
per-round differences against the handler without middleware.

    python benchmarks/middleware.py           # 25 rounds
    python benchmarks/middleware.py --smoke   # 3 short rounds

Targets: three no-op layers cost at most 1.0 µs and stay below Falcon with three
components; ``RequestId`` costs at most 1.5 µs.

Needs the ``bench`` requirements (Falcon).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import WORKLOADS, environ, serve_once, time_calls
from benchmarks.peers import falcon_app, seed
from nextresp import ApiRequest, ApiResponse, RequestId, api_handler

SEED_GET = WORKLOADS[0]


def noop(req: ApiRequest, res: ApiResponse, call_next: Callable[[], object]) -> None:
    call_next()


def falcon_with_components() -> Any:
    import falcon

    class NoOp:
        def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
            pass

        def process_response(
            self,
            req: falcon.Request,
            resp: falcon.Response,
            resource: object,
            req_succeeded: bool,
        ) -> None:
            pass

    class Thing:
        def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
            resp.media = {"name": "Next.js"}

    app = falcon.App(middleware=[NoOp(), NoOp(), NoOp()])
    app.add_route("/", Thing())
    return app


def apps() -> dict[str, Any]:
    return {
        "nextresp": api_handler(seed),
        "nextresp 3 no-op": api_handler(use=[noop, noop, noop])(seed),
        "nextresp RequestId": api_handler(use=[RequestId()])(seed),
        "falcon": falcon_app(),
        "falcon 3 no-op": falcon_with_components(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    rounds = 3 if args.smoke else 25
    calls = SEED_GET.smoke_calls if args.smoke else SEED_GET.calls
    peers = apps()
    for name, app in peers.items():
        status, _headers, _body = serve_once(app, SEED_GET)
        if not status.startswith("200"):
            raise SystemExit(f"{name} answered {status}")
    base = environ(SEED_GET)
    times: dict[str, list[float]] = {name: [] for name in peers}
    for turn in range(rounds):
        order = list(peers) if turn % 2 == 0 else list(reversed(peers))
        for name in order:
            times[name].append(time_calls(peers[name], SEED_GET, base, calls) * 1e6)
    print(f"seed GET, {rounds} interleaved rounds of {calls} calls, CPU µs per request")
    for name, samples in times.items():
        low, high = min(samples), max(samples)
        print(
            f"  {name:<20} {statistics.median(samples):6.2f} µs"
            f"  (spread {low:.2f}-{high:.2f})"
        )

    def delta(name: str, against: str = "nextresp") -> float:
        return statistics.median(
            a - b for a, b in zip(times[name], times[against], strict=True)
        )

    three, request_id = delta("nextresp 3 no-op"), delta("nextresp RequestId")
    below = statistics.median(times["nextresp 3 no-op"]) < statistics.median(
        times["falcon 3 no-op"]
    )
    print(f"three no-op layers add {three:+.2f} µs (target <= +1.0): {three <= 1.0}")
    print(f"RequestId adds {request_id:+.2f} µs (target <= +1.5): {request_id <= 1.5}")
    print(f"falcon's three components add {delta('falcon 3 no-op', 'falcon'):+.2f} µs")
    print(f"nextresp with three layers below falcon with three: {below}")


if __name__ == "__main__":
    main()
