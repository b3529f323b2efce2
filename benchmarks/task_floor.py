"""The floor under an ``async def`` handler: what a task costs before any handler runs.

An ``async def`` handler runs as a real ``asyncio.Task`` (``current_task()``,
``asyncio.timeout`` and ``TaskGroup`` need one). This times, interleaved on the
running interpreter, a coroutine that returns at once run three ways:

- ``bare``: sent ``None`` by hand (what running it without a task would cost);
- ``task``: made a task on an idle loop and its one step run as nextresp's runner
  runs it (the step taken from the loop's ready queue and called in its context,
  without starting the loop);
- ``run()``: through nextresp's runner, which does that and checks the result.

``task - bare`` is what asyncio charges for the task itself, whatever nextresp does;
``run() - task`` is what the runner adds (its checks, the thread's loop, the result).

    python benchmarks/task_floor.py            # 7 rounds of 200,000
    python benchmarks/task_floor.py --smoke    # 2 rounds of 20,000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nextresp._async import run, thread_loop


async def returns() -> int:
    return 1


def bare() -> object:
    coroutine = returns()
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the coroutine did not return at once")


def task() -> object:
    loop = thread_loop()
    made = asyncio.Task(returns(), loop=loop)
    handle = loop._ready.pop()  # type: ignore[attr-defined]
    asyncio._set_running_loop(loop)
    try:
        handle._context.run(handle._callback)
    finally:
        asyncio._set_running_loop(None)
    return made.result()


def through_run() -> object:
    return run(returns())


WAYS: dict[str, Callable[[], object]] = {
    "bare": bare,
    "task": task,
    "run()": through_run,
}


def per_call(way: Callable[[], object], count: int) -> float:
    """Return the µs one call of ``way`` takes, over ``count`` calls."""
    start = time.perf_counter()
    for _ in range(count):
        way()
    return (time.perf_counter() - start) / count * 1e6


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    rounds, count = (2, 20_000) if args.smoke else (7, 200_000)
    for name, way in WAYS.items():
        assert way() == 1, f"{name} did not return the coroutine's value"
        per_call(way, count // 10)  # warm up
    times: dict[str, list[float]] = {name: [] for name in WAYS}
    order = list(WAYS)
    for n in range(rounds):
        for name in order if n % 2 == 0 else reversed(order):
            times[name].append(per_call(WAYS[name], count))
    version = ".".join(map(str, sys.version_info[:3]))
    print(f"Python {version}, {rounds} rounds of {count:,}: µs a call, median (range)")
    floor = statistics.median(times["bare"])
    for name, measured in times.items():
        median = statistics.median(measured)
        extra = f"  +{median - floor:.2f} over bare" if name != "bare" else ""
        spread = f"{min(measured):.2f}-{max(measured):.2f}"
        print(f"{name:8} {median:6.2f} ({spread}){extra}")


if __name__ == "__main__":
    main()
