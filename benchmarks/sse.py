"""Server-sent events: the cost of an event through ``res.sse`` against a generator.

100,000 small events (``data: N``) from a synchronous generator, read through the
WSGI iterable as a server reads it, with the default heartbeat (the source pulled on
a helper thread) and with ``heartbeat=None`` (pulled on the server's thread), against
a hand-written generator that yields the same bytes. The bytes are checked to be the
same first (the heartbeat stream adds only its opening comment); then the three are
timed in interleaved rounds, wall time per event (the helper thread's work counts).

    python benchmarks/sse.py            # 100,000 events, 5 rounds
    python benchmarks/sse.py --smoke    # 10,000 events, 2 rounds
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nextresp import ApiResponse
from nextresp._event_stream import HEARTBEAT


def events(count: int) -> Iterator[str]:
    for n in range(count):
        yield str(n)


def by_hand(count: int) -> Iterable[bytes]:
    return (f"data: {n}\n\n".encode() for n in range(count))


def sse(heartbeat: float | None) -> Callable[[int], Iterable[bytes]]:
    def body(count: int) -> Iterable[bytes]:
        return ApiResponse.blank().sse(events(count), heartbeat=heartbeat).response

    return body


PEERS: dict[str, Callable[[int], Iterable[bytes]]] = {
    "by hand": by_hand,
    "sse heartbeat=15": sse(15.0),
    "sse heartbeat=None": sse(None),
}


def read(body: Iterable[bytes]) -> bytes:
    chunks = list(body)
    close = getattr(body, "close", None)
    if close is not None:
        close()
    return b"".join(chunks)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    count, rounds = (10_000, 2) if args.smoke else (100_000, 5)
    expected = read(by_hand(1000))
    for name, peer in PEERS.items():
        got = read(peer(1000))
        if got.removeprefix(HEARTBEAT if "15" in name else b"") != expected:
            raise SystemExit(f"{name} sent other bytes")
    times: dict[str, list[float]] = {name: [] for name in PEERS}
    for turn in range(rounds):
        names = list(PEERS) if turn % 2 == 0 else list(reversed(PEERS))
        for name in names:
            start = time.perf_counter()
            read(PEERS[name](count))
            times[name].append((time.perf_counter() - start) / count)
    base = statistics.median(times["by hand"])
    for name, samples in times.items():
        median = statistics.median(samples)
        print(
            f"{name:<20} {median * 1e6:8.3f} µs an event"
            f" ({min(samples) * 1e6:.3f}-{max(samples) * 1e6:.3f})"
            f"  {median / base:6.1f}x by hand"
        )


if __name__ == "__main__":
    main()
