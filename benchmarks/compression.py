"""Compressed JSON: nextresp's ``compress=True`` against Flask with flask-compress.

The same 1 MB JSON answer (the list of dicts of ``bench.py``) to ``GET`` with
``Accept-Encoding: gzip``, each peer as its documentation writes it. The answers are
checked first (gzip, the same JSON once decoded) and their sizes compared (ours may
be no more than 1.10 times flask-compress's: no winning by barely compressing); then
the two are timed in interleaved rounds, CPU time per request, and the ratio of the
medians reported.

    python benchmarks/compression.py           # 15 rounds
    python benchmarks/compression.py --smoke   # 3 short rounds

Needs the ``bench`` requirements (Flask, flask-compress).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import Workload, environ, serve_once, time_calls
from benchmarks.peers import ITEMS
from nextresp import ApiResponse, api_handler

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}
WORKLOAD = Workload("1 MB JSON, gzip", "GET", "/items", 200, ITEMS, "ms", 20, 4)


def nextresp_app() -> Any:
    @api_handler(compress=True)
    def items(req: Any, res: ApiResponse) -> None:
        res.json(ITEMS)

    return items


def flask_app() -> Any:
    import flask
    from flask_compress import Compress

    app = flask.Flask(__name__)
    app.config["COMPRESS_ALGORITHM"] = ["gzip"]
    Compress(app)

    @app.get("/items")
    def items() -> Any:
        return ITEMS

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    rounds = 3 if args.smoke else 15
    calls = WORKLOAD.smoke_calls if args.smoke else WORKLOAD.calls
    apps = {"nextresp": nextresp_app(), "flask-compress": flask_app()}
    base = {**environ(WORKLOAD), **GZIP}
    sizes = {}
    for name, app in apps.items():
        status, headers, body = serve_once(app, WORKLOAD, GZIP)
        found = dict(headers)
        if not status.startswith("200") or found.get("Content-Encoding") != "gzip":
            raise SystemExit(f"{name} answered {status} without gzip: {found}")
        if json.loads(gzip.decompress(body)) != ITEMS:
            raise SystemExit(f"{name} sent other JSON")
        sizes[name] = len(body)
    times: dict[str, list[float]] = {name: [] for name in apps}
    for turn in range(rounds):
        order = list(apps) if turn % 2 == 0 else list(reversed(apps))
        for name in order:
            times[name].append(time_calls(apps[name], WORKLOAD, base, calls))
    medians = {name: statistics.median(samples) for name, samples in times.items()}
    for name, samples in times.items():
        low, high = min(samples) * 1000, max(samples) * 1000
        print(
            f"{name:<15} {medians[name] * 1000:7.2f} ms ({low:.2f}-{high:.2f})"
            f"  {sizes[name]:>8,} bytes"
        )
    time_ratio = medians["nextresp"] / medians["flask-compress"]
    size_ratio = sizes["nextresp"] / sizes["flask-compress"]
    print(f"time: nextresp / flask-compress = {time_ratio:.2f} (target <= 0.40)")
    print(f"size: nextresp / flask-compress = {size_ratio:.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
