"""Benchmark nextresp against its peers: in process, under gunicorn, and for memory.

    python benchmarks/bench.py            # the full run (about three minutes)
    python benchmarks/bench.py --smoke    # a few rounds, to check that it runs

In process, each peer is called as a WSGI app with a prepared environ and its body is
drained; peers take turns (A B C D E, then E D C B A, repeated) so that drift and
position hit them all alike, and the median round is reported. Under gunicorn, ``wrk``
(if installed) drives one sync worker per app on 127.0.0.1, in the same turns. The
memory run serves requests in process and reports how much the resident set grew.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.peers import WSGIApp, peers

REQUESTS = {
    "GET 200 json": {"REQUEST_METHOD": "GET"},
    "DELETE 401": {"REQUEST_METHOD": "DELETE"},
}


def turns(names: list[str], rounds: int) -> Iterable[list[str]]:
    """Yield the order of each round: forwards, then backwards, and so on.

    A peer's place in a round changes its figure (a load run leaves thousands of
    closed connections behind it for the next), so every place is taken in turn.
    """
    for round_ in range(rounds):
        yield names if round_ % 2 == 0 else names[::-1]


def environ(overrides: dict[str, str]) -> dict[str, Any]:
    base: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    base.update(overrides)
    return base


def start_response(
    status: str, headers: list[tuple[str, str]], exc_info: Any = None
) -> Any:
    return None


def serve_once(app: WSGIApp, base: dict[str, Any]) -> tuple[str, bytes]:
    """Answer one request; return the status code and body (used to check answers)."""
    seen: list[str] = []

    def record(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> None:
        seen.append(status)

    env = dict(base)
    env["wsgi.input"] = io.BytesIO()
    result = app(env, record)
    body = b"".join(result)
    close = getattr(result, "close", None)
    if close is not None:
        close()
    return seen[0].split()[0], body


def time_calls(app: WSGIApp, base: dict[str, Any], calls: int) -> float:
    """Return the seconds per call of ``calls`` calls of ``app``."""
    start = time.perf_counter()
    for _ in range(calls):
        env = base.copy()
        result = app(env, start_response)
        for _chunk in result:
            pass
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return (time.perf_counter() - start) / calls


def in_process(
    apps: dict[str, WSGIApp], rounds: int, calls: int
) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for label, overrides in REQUESTS.items():
        base = environ(overrides)
        answers = {name: serve_once(app, base) for name, app in apps.items()}
        codes = {name: code for name, (code, _body) in answers.items()}
        if len(set(codes.values())) != 1:
            raise SystemExit(f"peers disagree on {label}: {codes}")
        samples: dict[str, list[float]] = {name: [] for name in apps}
        for order in turns(list(apps), rounds):
            for name in order:
                samples[name].append(time_calls(apps[name], base, calls))
        results[label] = {name: statistics.median(s) for name, s in samples.items()}
    return results


def report_in_process(results: dict[str, dict[str, float]]) -> None:
    names = list(next(iter(results.values())))
    print("\nIn process: µs per request (median of interleaved rounds)\n")
    print(f"| {'per request':<14} | " + " | ".join(f"{n:>14}" for n in names) + " |")
    print("|" + "---|" * (len(names) + 1))
    for label, times in results.items():
        cells = " | ".join(f"{times[n] * 1e6:>14.2f}" for n in names)
        print(f"| {label:<14} | {cells} |")
    print("\nRatios (lower is faster; targets: ≤ 1.0 vs falcon, ≤ 0.6 vs werkzeug,")
    print("async ≤ 1.3 vs sync)\n")
    for label, times in results.items():
        sync = times["nextresp"]
        parts = [
            f"{peer} {sync / times[peer]:.2f}"
            for peer in ("falcon", "werkzeug", "flask", "raw WSGI")
            if peer in times
        ]
        parts.append(f"async/sync {times['nextresp async'] / sync:.2f}")
        print(
            f"- {label}: nextresp / "
            + ", nextresp / ".join(parts[:-1])
            + f"; {parts[-1]}"
        )


# -- gunicorn throughput ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wrk_rps(url: str, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t1", "-c8", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(f"wrk printed no Requests/sec:\n{out}")


def gunicorn_throughput(rounds: int, seconds: int) -> None:
    if shutil.which("wrk") is None:
        print("\nUnder gunicorn: skipped (wrk is not installed: apt-get install wrk)")
        return
    gunicorn = Path(sys.executable).with_name("gunicorn")
    targets = {
        "nextresp": "nextresp_handler",
        "nextresp etag=False": "nextresp_no_etag",
        "raw WSGI": "raw_wsgi",
    }
    servers: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
    root = Path(__file__).resolve().parent.parent
    try:
        for name, attr in targets.items():
            port = free_port()
            process = subprocess.Popen(
                [
                    str(gunicorn),
                    f"--bind=127.0.0.1:{port}",
                    "--workers=1",
                    "--no-control-socket",
                    "--log-level=warning",
                    f"benchmarks.peers:{attr}",
                ],
                cwd=root,
            )
            servers[name] = (process, f"http://127.0.0.1:{port}/")
        time.sleep(1.5)
        samples: dict[str, list[float]] = {name: [] for name in servers}
        for order in turns(list(servers), rounds):
            for name in order:
                samples[name].append(wrk_rps(servers[name][1], seconds))
    finally:
        for process, _url in servers.values():
            process.terminate()
            process.wait()
    rps = {name: statistics.median(s) for name, s in samples.items()}
    print("\nUnder gunicorn (1 sync worker, wrk -t1 -c8, GET 200 json): requests/s\n")
    for name, value in rps.items():
        print(f"- {name}: {value:,.0f}")
    for name in ("nextresp", "nextresp etag=False"):
        ratio = rps[name] / rps["raw WSGI"]
        print(f"- ratio {name} / raw WSGI: {ratio:.3f} (target ≥ 0.95)")


# -- memory -----------------------------------------------------------------------


def rss_bytes() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(app: WSGIApp, requests: int) -> None:
    warm = min(requests // 10, 50_000)
    bases = [environ(o) for o in REQUESTS.values()]
    for i in range(warm):
        time_calls(app, bases[i % 2], 1)
    before = rss_bytes()
    for i in range(requests):
        time_calls(app, bases[i % 2], 1)
    grown = rss_bytes() - before
    print(
        f"\nMemory: {requests:,} requests in process grew RSS by {grown / 1e6:.3f} MB"
        " (target < 1 MB)"
    )


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="a short run that only checks it works"
    )
    parser.add_argument(
        "--only", choices=["in-process", "gunicorn", "memory"], help="run one part"
    )
    args = parser.parse_args(argv)
    apps = peers()
    print(
        f"Python {sys.version.split()[0]} on {os.uname().machine}, "
        f"{os.cpu_count()} cores; peers: {', '.join(apps)}"
    )
    if args.smoke:
        report_in_process(in_process(apps, rounds=2, calls=200))
        memory(apps["nextresp"], 2_000)
        return
    if args.only in (None, "in-process"):
        report_in_process(in_process(apps, rounds=16, calls=5_000))
    if args.only in (None, "gunicorn"):
        gunicorn_throughput(rounds=8, seconds=3)
    if args.only in (None, "memory"):
        memory(apps["nextresp"], 1_000_000)


if __name__ == "__main__":
    main()
