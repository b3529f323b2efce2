"""Benchmark nextresp against its peers: in process, under gunicorn, import, memory.

    python benchmarks/bench.py            # the full run (about six minutes)
    python benchmarks/bench.py --smoke    # every part, briefly, to check that it runs
    python benchmarks/bench.py --only gunicorn

In process, each peer (see ``peers.py``) answers each workload as a WSGI app called
with a prepared environ, its body drained, and the process's CPU time is measured.
Peers take turns (A B C, then C B A, and so on) so that drift and position hit them
all alike; the median round is reported, with the spread of the rounds, and ratios to
Falcon and to the same-wire floor. The answers are checked first: the same status
everywhere, JSON equal to the data sent, and nextresp's bytes equal to the floor's.

Under gunicorn, ``wrk`` (skipped, with a line saying so, when it is not installed)
drives, in the same turns: one sync worker per app, whose CPU time (user + system,
read from /proc) is divided by the requests served; 2 gthread workers of 8 threads
with 64 connections, for requests/s; and a file sent through ``sendfile``. Import
time is ``python -X importtime``'s cumulative figure for the package, the median of
several fresh interpreters. The memory run serves requests in process and reports how
much the resident set grew.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.peers import (  # noqa: E402
    ITEMS,
    ITEMS_NULL,
    POST_BODY,
    SEED,
    Peer,
    WSGIApp,
    peers,
)


@dataclass(frozen=True)
class Workload:
    label: str
    method: str
    path: str
    status: int
    #: The answer's JSON, parsed; None when peers answer in their own formats.
    expect: object
    unit: str  # "µs" or "ms"
    calls: int  # per peer and round in the full run
    smoke_calls: int
    body: bytes = b""


WORKLOADS = [
    Workload("GET → 200 json", "GET", "/", 200, SEED, "µs", 4000, 200),
    Workload("DELETE → 401", "DELETE", "/", 401, None, "µs", 4000, 200),
    Workload("GET 1 MB json", "GET", "/items", 200, ITEMS, "ms", 6, 1),
    Workload("GET 1 MB json, null", "GET", "/items-null", 200, ITEMS_NULL, "ms", 6, 1),
    Workload(
        "POST 100 KB json",
        "POST",
        "/count",
        200,
        {"count": len(json.loads(POST_BODY))},
        "µs",
        30,
        2,
        POST_BODY,
    ),
]
SCALE = {"µs": 1e6, "ms": 1e3}
#: In-process targets: nextresp / Falcon at most this, per workload.
FALCON_TARGETS = {
    "GET → 200 json": 0.70,
    "DELETE → 401": 0.60,
    "GET 1 MB json": 0.25,
    "GET 1 MB json, null": 0.40,
    "POST 100 KB json": 1.2,
}
#: nextresp's handlers that must send exactly the floor's bytes.
SAME_WIRE = ("nextresp", "nextresp async", "nextresp sleep(0)")


@dataclass(frozen=True)
class Settings:
    rounds: int
    wrk_rounds: int
    wrk_seconds: int
    import_runs: int
    memory_requests: int


FULL = Settings(
    rounds=12, wrk_rounds=6, wrk_seconds=3, import_runs=9, memory_requests=1_000_000
)
SMOKE = Settings(
    rounds=2, wrk_rounds=1, wrk_seconds=1, import_runs=1, memory_requests=2_000
)


def turns(names: list[str], rounds: int) -> Iterable[list[str]]:
    """Yield the order of each round: forwards, then backwards, and so on.

    A peer's place in a round changes its figure (a load run leaves thousands of
    closed connections behind it for the next), so every place is taken in turn.
    """
    for round_ in range(rounds):
        yield names if round_ % 2 == 0 else names[::-1]


def summary(samples: list[float], scale: float = 1.0) -> str:
    """The median with the spread of the samples: ``4.70 (4.51-5.02)``."""
    low, mid, high = min(samples), statistics.median(samples), max(samples)
    return f"{mid * scale:.2f} ({low * scale:.2f}-{high * scale:.2f})"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


# -- in process ---------------------------------------------------------------------


def environ(workload: Workload) -> dict[str, Any]:
    base: dict[str, Any] = {
        "REQUEST_METHOD": workload.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": workload.path,
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
    if workload.body:
        base["CONTENT_TYPE"] = "application/json"
        base["CONTENT_LENGTH"] = str(len(workload.body))
    return base


def start_response(
    status: str, headers: list[tuple[str, str]], exc_info: Any = None
) -> Any:
    return None


Answer = tuple[str, list[tuple[str, str]], bytes]


def serve_once(
    app: WSGIApp, workload: Workload, extra: dict[str, Any] | None = None
) -> Answer:
    """Answer one request (``extra`` added to its environ); return the status line,
    headers and body."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def record(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> None:
        seen.append((status, headers))

    env = environ(workload)
    env["wsgi.input"] = io.BytesIO(workload.body)
    env.update(extra or {})
    result = app(env, record)
    body = b"".join(result)
    close = getattr(result, "close", None)
    if close is not None:
        close()
    return seen[0][0], list(seen[0][1]), body


def check_answers(workload: Workload, answers: dict[str, Answer]) -> None:
    """Stop the run unless every peer answered alike and nextresp as the floor."""
    for name, (status, headers, body) in answers.items():
        if int(status.split()[0]) != workload.status:
            raise SystemExit(f"{name} answered {workload.label} with {status}")
        if workload.expect is not None and json.loads(body) != workload.expect:
            raise SystemExit(f"{name} answered {workload.label} with other JSON")
        if workload.status == 401 and not any(
            n.lower() == "www-authenticate" for n, _v in headers
        ):
            raise SystemExit(f"{name} answered {workload.label} without a challenge")
    floor = answers.get("floor")
    for name in SAME_WIRE:
        if floor is not None and name in answers and answers[name] != floor:
            raise SystemExit(
                f"{name} and the floor send different bytes for {workload.label}:"
                f"\n  {answers[name][:2]}\n  {floor[:2]}\nupdate the floor in peers.py"
            )


def time_calls(
    app: WSGIApp, workload: Workload, base: dict[str, Any], calls: int
) -> float:
    """Return the CPU seconds per call of ``calls`` calls of ``app``.

    CPU time, not wall time: on a shared machine the process is taken off the CPU
    now and then, which wall time counts and CPU time does not (the calls neither
    sleep nor wait for I/O, so the two are otherwise the same).
    """
    body = workload.body
    start = time.process_time()
    for _ in range(calls):
        env = base.copy()
        if body:
            env["wsgi.input"] = io.BytesIO(body)
        result = app(env, start_response)
        for _chunk in result:
            pass
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return (time.process_time() - start) / calls


def in_process(
    tables: dict[str, Peer], settings: Settings, smoke: bool
) -> dict[str, dict[str, list[float]]]:
    """Time every workload on every peer that serves it: seconds per call, per round."""
    results: dict[str, dict[str, list[float]]] = {}
    for workload in WORKLOADS:
        apps = {n: t[workload.path] for n, t in tables.items() if workload.path in t}
        check_answers(workload, {n: serve_once(a, workload) for n, a in apps.items()})
        base = environ(workload)
        calls = workload.smoke_calls if smoke else workload.calls
        samples: dict[str, list[float]] = {name: [] for name in apps}
        # The collector's full passes walk every object of the process (the 1 MB
        # lists, four frameworks): where one lands depends on the allocations before
        # it, so it kept landing in the same peer's batch of POSTs, doubling it.
        # What the warm-up made goes to the permanent generation, and every batch
        # starts after a full collection: each peer pays for its own garbage only.
        gc.collect()
        gc.freeze()
        for order in turns(list(apps), settings.rounds):
            for name in order:
                gc.collect()
                samples[name].append(time_calls(apps[name], workload, base, calls))
        gc.unfreeze()
        results[workload.label] = samples
    return results


def report_in_process(results: dict[str, dict[str, list[float]]]) -> None:
    names = list(next(iter(results.values())))
    print("\nIn process: CPU time per request, median of the rounds (min-max)\n")
    units = {w.label: w.unit for w in WORKLOADS}
    print("| peer | " + " | ".join(f"{w}, {units[w]}" for w in results) + " |")
    print("|---" * (len(results) + 1) + "|")
    for name in names:
        cells = [
            summary(results[w][name], SCALE[units[w]]) if name in results[w] else "-"
            for w in results
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    for base in ("falcon", "floor"):
        report_ratios(results, base)
    report_targets(results)


def report_ratios(results: dict[str, dict[str, list[float]]], base: str) -> None:
    names = [n for n in next(iter(results.values())) if n != base]
    print(f"\nRatios to {base} (medians; lower is faster)\n")
    print("| peer | " + " | ".join(results) + " |")
    print("|---" * (len(results) + 1) + "|")
    for name in names:
        cells = []
        for samples in results.values():
            if name in samples and base in samples:
                ratio = statistics.median(samples[name]) / statistics.median(
                    samples[base]
                )
                cells.append(f"{ratio:.2f}")
            else:
                cells.append("-")
        print(f"| {name} | " + " | ".join(cells) + " |")


def report_targets(results: dict[str, dict[str, list[float]]]) -> None:
    median = {
        w: {n: statistics.median(s) for n, s in r.items()} for w, r in results.items()
    }
    print("\nTargets in process\n")
    for label, target in FALCON_TARGETS.items():
        times = median[label]
        if "falcon" in times:
            ratio = times["nextresp"] / times["falcon"]
            print(
                f"- {label}: nextresp / falcon {ratio:.2f}, target ≤ {target:.2f}:"
                f" {verdict(ratio <= target)}"
            )
    for label in ("GET → 200 json", "DELETE → 401"):
        times = median[label]
        for name, target in (("nextresp async", 1.0), ("nextresp sleep(0)", 6.0)):
            extra = (times[name] - times["nextresp"]) * 1e6
            print(
                f"- {label}: {name} - sync {extra:+.2f} µs, target ≤ +{target:.0f} µs:"
                f" {verdict(extra <= target)}"
            )


# -- under gunicorn -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    workers: int

    def worker_pids(self) -> list[int]:
        """The pids of the master's children, found through /proc."""
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError):
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                        pids.append(int(entry))
        return pids


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) process ``pid`` has used, all threads together.

    The scheduler's own count (ns) where the kernel keeps it; else /proc/pid/stat's
    ticks, a hundredth of a second, which longer runs make up for.
    """
    try:
        return sum(
            int(path.read_text().split()[0]) / 1e9
            for path in Path(f"/proc/{pid}/task").glob("*/schedstat")
        )
    except (OSError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def gunicorn(
    names: list[str], *options: str, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[dict[str, Server]]:
    """Serve each peer in ``names`` with its own gunicorn on 127.0.0.1."""
    binary = Path(sys.executable).with_name("gunicorn")
    servers: dict[str, Server] = {}
    try:
        for name in names:
            port = free_port()
            process = subprocess.Popen(
                [
                    str(binary),
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                    "--no-control-socket",
                    "--log-level=warning",
                    *options,
                    f"benchmarks.peers:served({name!r})",
                ],
                cwd=ROOT,
                env={**os.environ, **(env or {})},
            )
            servers[name] = Server(f"http://127.0.0.1:{port}", process, workers)
        for server in servers.values():
            wait_until_serving(server)
        yield servers
    finally:
        for server in servers.values():
            server.process.terminate()
            server.process.wait()


def wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(server.url + "/", timeout=1).read()
            if len(server.worker_pids()) == server.workers:
                return
        time.sleep(0.05)
    raise RuntimeError(f"gunicorn did not start serving {server.url}")


@dataclass(frozen=True)
class WrkRun:
    requests: int
    per_second: float


def wrk(url: str, seconds: int, threads: int = 1, connections: int = 8) -> WrkRun:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw failed requests on {url}:\n{out}")
    for line in out.splitlines():
        if "Socket errors" in line:  # counted out of the requests served
            print(f"  (wrk on {url}: {line.strip()})")
    requests = per_second = None
    for line in out.splitlines():
        if " requests in " in line:
            requests = int(line.split()[0])
        elif line.startswith("Requests/sec:"):
            per_second = float(line.split()[1])
    if requests is None or per_second is None:
        raise RuntimeError(f"wrk printed no request count:\n{out}")
    return WrkRun(requests, per_second)


def worker_cpu(settings: Settings) -> None:
    """CPU µs per request of one sync worker, GET → 200 json, each peer in turn."""
    names = ["raw WSGI", "floor", "nextresp", "falcon"]
    cpu: dict[str, list[float]] = {name: [] for name in names}
    rps: dict[str, list[float]] = {name: [] for name in names}
    with gunicorn(names) as servers:
        for name, server in servers.items():
            answer = urllib.request.urlopen(server.url + "/").read()
            if json.loads(answer) != SEED:
                raise SystemExit(f"{name} under gunicorn answered {answer!r}")
        for order in turns(names, settings.wrk_rounds):
            for name in order:
                (pid,) = servers[name].worker_pids()
                before = cpu_seconds(pid)
                run = wrk(servers[name].url + "/", settings.wrk_seconds)
                cpu[name].append((cpu_seconds(pid) - before) / run.requests)
                rps[name].append(run.per_second)
    print(
        "\nUnder gunicorn, 1 sync worker, wrk -t1 -c8, GET → 200 json:"
        " the worker's CPU µs per request, requests/s (median (min-max))\n"
    )
    raw = statistics.median(cpu["raw WSGI"])
    for name in names:
        over = (statistics.median(cpu[name]) - raw) * 1e6
        print(
            f"- {name}: {summary(cpu[name], 1e6)} µs, {over:+.2f} over raw WSGI;"
            f" {summary(rps[name], 1)} requests/s"
        )
    over = (statistics.median(cpu["nextresp"]) - raw) * 1e6
    print(f"- target: nextresp ≤ +8 µs over raw WSGI: {verdict(over <= 8)}")


def gthread_rps(settings: Settings) -> None:
    """Requests/s of 2 gthread workers x 8 threads under 64 connections."""
    names = ["raw WSGI", "nextresp", "falcon"]
    rps: dict[str, list[float]] = {name: [] for name in names}
    options = ("--worker-class=gthread", "--threads=8")
    with gunicorn(names, *options, workers=2) as servers:
        for order in turns(names, settings.wrk_rounds):
            for name in order:
                url = servers[name].url + "/"
                run = wrk(url, settings.wrk_seconds, threads=2, connections=64)
                rps[name].append(run.per_second)
    print(
        "\nUnder gunicorn, 2 gthread workers x 8 threads, wrk -t2 -c64,"
        " GET → 200 json: requests/s\n"
    )
    for name in names:
        print(f"- {name}: {summary(rps[name], 1)}")
    ratio = statistics.median(rps["nextresp"]) / statistics.median(rps["falcon"])
    print(f"- nextresp / falcon {ratio:.3f}, target ≥ 1: {verdict(ratio >= 1)}")


def sendfile_throughput(settings: Settings, size: int = 4 * 1024 * 1024) -> None:
    """MB/s of a file sent through gunicorn's sendfile: nextresp vs the raw wrapper."""
    names = ["raw WSGI", "nextresp"]
    speeds: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "payload.bin")
        path.write_bytes(os.urandom(size))
        env = {"NEXTRESP_BENCH_FILE": str(path)}
        with gunicorn(names, env=env) as servers:
            for name, server in servers.items():
                got = urllib.request.urlopen(server.url + "/file").read()
                if got != path.read_bytes():
                    raise SystemExit(f"{name} sent another file ({len(got)} bytes)")
            for order in turns(names, settings.wrk_rounds):
                for name in order:
                    url = servers[name].url + "/file"
                    run = wrk(url, settings.wrk_seconds, connections=4)
                    speeds[name].append(run.per_second * size / 1e6)
    print(
        f"\nUnder gunicorn, 1 sync worker, a {size >> 20} MB file, wrk -t1 -c4: MB/s\n"
    )
    for name in names:
        print(f"- {name} (wsgi.file_wrapper): {summary(speeds[name], 1)}")
    ratio = statistics.median(speeds["nextresp"]) / statistics.median(
        speeds["raw WSGI"]
    )
    print(f"- nextresp / raw WSGI {ratio:.3f}, target ≥ 0.95: {verdict(ratio >= 0.95)}")


def under_gunicorn(settings: Settings) -> None:
    if shutil.which("wrk") is None:
        print("\nUnder gunicorn: skipped (wrk is not installed: apt-get install wrk)")
        return
    worker_cpu(settings)
    gthread_rps(settings)
    sendfile_throughput(settings)


# -- import time --------------------------------------------------------------------


def import_ms(module: str) -> float:
    """``python -X importtime -c "import module"``: the package's cumulative ms."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stderr
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].rstrip() == f" {module}":
            return int(parts[1]) / 1e3
    raise RuntimeError(f"-X importtime did not list {module}:\n{err}")


def import_times(settings: Settings) -> None:
    modules = ["nextresp", "werkzeug", "falcon"]
    for module in modules:
        import_ms(module)  # compile and cache the bytecode first
    times: dict[str, list[float]] = {module: [] for module in modules}
    for order in turns(modules, settings.import_runs):
        for module in order:
            times[module].append(import_ms(module))
    print("\nImport, ms (-X importtime, cumulative; median (min-max))\n")
    for module in modules:
        print(f"- import {module}: {summary(times[module])}")
    extra = statistics.median(times["nextresp"]) - statistics.median(times["werkzeug"])
    print(f"- nextresp - werkzeug {extra:+.1f} ms, target ≤ +8: {verdict(extra <= 8)}")


# -- memory -------------------------------------------------------------------------


def rss_bytes() -> int:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(tables: dict[str, Peer], requests: int) -> None:
    print()
    seed = [w for w in WORKLOADS if w.path == "/"]
    bases = [environ(w) for w in seed]
    for name in ("nextresp", "nextresp sleep(0)"):
        app = tables[name]["/"]
        for i in range(min(requests // 10, 50_000)):
            time_calls(app, seed[i % 2], bases[i % 2], 1)
        before = rss_bytes()
        for i in range(requests):
            time_calls(app, seed[i % 2], bases[i % 2], 1)
        grown = (rss_bytes() - before) / 1e6
        print(
            f"Memory: {requests:,} requests (GET and DELETE) to {name} grew RSS by"
            f" {grown:.3f} MB (target 0)"
        )


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="run every part briefly, to check it works"
    )
    parser.add_argument(
        "--only",
        choices=["in-process", "gunicorn", "import", "memory"],
        help="run one part",
    )
    args = parser.parse_args(argv)
    settings = SMOKE if args.smoke else FULL
    tables = peers()
    print(
        f"Python {sys.version.split()[0]} on {os.uname().machine},"
        f" {os.cpu_count()} cores; peers: {', '.join(tables)}"
    )
    started = time.monotonic()
    if args.only in (None, "in-process"):
        report_in_process(in_process(tables, settings, args.smoke))
    if args.only in (None, "gunicorn"):
        under_gunicorn(settings)
    if args.only in (None, "import"):
        import_times(settings)
    if args.only in (None, "memory"):
        memory(tables, settings.memory_requests)
    print(f"\n({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
