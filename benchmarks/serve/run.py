"""Requests per core: nextresp under each server against Next.js and Express 5.

Every server runs one process, pinned to one core, and answers the seed's two
requests (``GET /api/hello`` → 200, ``DELETE /api/thing`` without credentials →
401 with ``WWW-Authenticate: Basic``); wrk, pinned to another core, sends them over
16 connections. Rounds are interleaved (each round measures every server once, in
turn), and the table gives each server's median with the lowest and highest round,
and the ratio of medians to Next.js and to Express.

Set up once, from this folder (Node 20.9 or later):

    npm install && npx next build

Then, from the repository's root, with nextresp installed with granian and
gunicorn (``pip install -e '.[serve,gunicorn]'``):

    python -m benchmarks.serve.run [--rounds 3] [--seconds 5]

Not run by the tests or CI: it needs Node, wrk and a quiet machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE = HERE / "node"
ROOT = HERE.parent.parent
APP = "benchmarks.serve.seed_app:app"
REQUESTS = {"GET": "/api/hello", "DELETE": "/api/thing"}
NEXTRESP = [sys.executable, "-m", "nextresp", "serve", APP, "--workers", "1"]
# name → command line ({port} filled in), working directory
SERVERS: dict[str, tuple[list[str], Path]] = {
    "Next.js 16 next start (pages/api)": (
        [
            str(NODE / "node_modules/.bin/next"),
            "start",
            "-H",
            "127.0.0.1",
            "-p",
            "{port}",
        ],
        NODE,
    ),
    "Express 5": (["node", "express.js"], NODE),
    "nextresp, gunicorn sync": (
        [*NEXTRESP, "--server", "gunicorn", "--threads", "1", "--port", "{port}"],
        ROOT,
    ),
    "nextresp, gunicorn gthread 4 threads": (
        [*NEXTRESP, "--server", "gunicorn", "--threads", "4", "--port", "{port}"],
        ROOT,
    ),
    "nextresp serve (granian)": ([*NEXTRESP, "--port", "{port}"], ROOT),
}
NEXT_JS, EXPRESS = "Next.js 16 next start (pages/api)", "Express 5"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pinned(command: list[str], core: int | None) -> list[str]:
    """Run ``command`` on one core when the machine has more than one."""
    if core is None or shutil.which("taskset") is None:
        return command
    return ["taskset", "-c", str(core), *command]


def answer(port: int, method: str) -> tuple[int, str | None, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, REQUESTS[method])
        response = connection.getresponse()
        return response.status, response.getheader("WWW-Authenticate"), response.read()
    finally:
        connection.close()


def check(name: str, port: int) -> None:
    """Refuse to measure a server that does not answer the seed's requests."""
    status, _auth, body = answer(port, "GET")
    assert (status, body) == (200, b'{"name":"Next.js"}'), (name, status, body)
    status, auth, body = answer(port, "DELETE")
    assert (status, auth) == (401, "Basic"), (name, status, auth, body)
    assert b'"detail":"Authentication required"' in body, (name, body)


@contextmanager
def started(name: str, core: int | None) -> Iterator[int]:
    """Start server ``name`` on a free port; yield the port once it answers."""
    command, cwd = SERVERS[name]
    port = free_port()
    process = subprocess.Popen(
        pinned([part.format(port=port) for part in command], core),
        cwd=cwd,
        env={**os.environ, "PORT": str(port), "NODE_ENV": "production"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                check(name, port)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(port: int, method: str, seconds: float, core: int | None) -> float:
    """Return the requests per second wrk measured (16 connections, one thread)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "{method}"\n')
    try:
        done = subprocess.run(
            pinned(
                [
                    "wrk",
                    "-t1",
                    "-c16",
                    f"-d{seconds}s",
                    "-s",
                    script.name,
                    f"http://127.0.0.1:{port}{REQUESTS[method]}",
                ],
                core,
            ),
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    errors = re.search(r"Socket errors: .*", done.stdout)
    if errors is not None:  # a timeout on a busy machine: said, and measured anyway
        print(f"  wrk: {errors[0]}", file=sys.stderr)
    match = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    assert match is not None, done.stdout
    return float(match[1])


def measure(rounds: int, seconds: float) -> dict[tuple[str, str], list[float]]:
    """Measure every server and request once per round, rounds interleaved."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    server_core, client_core = (1, 0) if cores > 1 else (None, None)
    results: dict[tuple[str, str], list[float]] = {}
    for round_ in range(rounds):
        for name in SERVERS:
            with started(name, server_core) as port:
                for method in REQUESTS:  # warm up: lazy loading, and Node's JIT
                    wrk(port, method, 2, client_core)
                for method in REQUESTS:
                    rate = wrk(port, method, seconds, client_core)
                    results.setdefault((name, method), []).append(rate)
                    print(
                        f"round {round_ + 1}: {name}, {method}: {rate:,.0f} req/s",
                        file=sys.stderr,
                        flush=True,
                    )
    return results


def table(results: dict[tuple[str, str], list[float]]) -> str:
    """Format medians (lowest-highest round) and ratios to Next.js and Express."""
    median = {key: statistics.median(rates) for key, rates in results.items()}
    lines = [
        "| server, one process on one core | seed `GET` → 200 | seed `DELETE` → 401 |",
        "|---|---|---|",
    ]
    for name in SERVERS:
        cells = []
        for method in REQUESTS:
            rates = results[(name, method)]
            cell = (
                f"{median[(name, method)]:,.0f} ({min(rates):,.0f}-{max(rates):,.0f})"
            )
            if name not in (NEXT_JS, EXPRESS):
                next_js = median[(name, method)] / median[(NEXT_JS, method)]
                express = median[(name, method)] / median[(EXPRESS, method)]
                cell += f": {next_js:.1f}x Next.js, {express:.2f}x Express"
            cells.append(cell)
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    if not (NODE / ".next").is_dir():
        sys.exit(f"run `npm install && npx next build` in {NODE} first")
    results = measure(args.rounds, args.seconds)
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    print(
        f"{when}, {platform.machine()}, {os.cpu_count()} cores, Python"
        f" {platform.python_version()}, wrk -t1 -c16 -d{args.seconds:g}s,"
        f" median of {args.rounds} interleaved rounds (lowest-highest):\n"
    )
    print(table(results))


if __name__ == "__main__":
    main()
