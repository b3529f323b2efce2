"""Measure what a request through ``nextresp.testing.Client`` costs over werkzeug's.

    python benchmarks/testing_client.py            # 21 rounds of 2,000 requests each
    python benchmarks/testing_client.py --smoke    # a few requests, to check it runs

The same request goes to the same ``api_handler`` through each client, its body
is read (``.data``) each time, and this process's CPU time is measured. The
clients take turns (A B, then B A, ...), so drift on a busy machine hits both
alike; the median round's ratio is reported with the spread of the rounds. The
target is 1.2 at most.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.test import Client as WerkzeugClient

from nextresp import api_handler
from nextresp.testing import Client


@api_handler
def hello(req: Any, res: Any) -> None:
    res.status(200).json({"name": "Next.js", "query": req.query})


def with_cookie(client: Any) -> Any:
    """The client with a cookie in its jar, which it then sends with each request."""
    client.set_cookie("session", "s1")
    return client


#: label: (what the request is, given a client; whether the jar holds a cookie)
WORKLOADS: dict[str, tuple[Callable[[Any], bytes], bool]] = {
    "GET /?a=1": (lambda c: c.get("/?a=1").data, False),
    "POST / json": (lambda c: c.post("/", json={"a": [1, 2]}).data, False),
    "GET, cookie": (lambda c: c.get("/?a=1").data, True),
}


def timed(request: Callable[[Any], bytes], client: Any, count: int) -> float:
    """CPU seconds of this process per request, over ``count`` requests.

    CPU time rather than wall time: other processes on a shared machine take the
    processor away for a while, which wall time would count against one client.
    """
    gc.collect()
    start = time.process_time()
    for _ in range(count):
        request(client)
    return (time.process_time() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a few requests only")
    args = parser.parse_args()
    rounds, count = (2, 20) if args.smoke else (21, 2000)
    for label, (request, cookie) in WORKLOADS.items():
        ours, theirs = Client(hello), WerkzeugClient(hello)
        if cookie:
            ours, theirs = with_cookie(ours), with_cookie(theirs)
        assert request(ours) == request(theirs), label  # the same answer
        ratios, ours_us, theirs_us = [], [], []
        for n in range(rounds):
            turn = [ours, theirs] if n % 2 == 0 else [theirs, ours]
            times = {id(client): timed(request, client, count) for client in turn}
            ours_us.append(times[id(ours)] * 1e6)
            theirs_us.append(times[id(theirs)] * 1e6)
            ratios.append(times[id(ours)] / times[id(theirs)])
        print(
            f"{label:<12} nextresp.testing {statistics.median(ours_us):6.1f} us,"
            f" werkzeug {statistics.median(theirs_us):6.1f} us;"
            f" ratio {statistics.median(ratios):.3f}"
            f" (rounds {min(ratios):.3f} to {max(ratios):.3f})"
        )


if __name__ == "__main__":
    main()
