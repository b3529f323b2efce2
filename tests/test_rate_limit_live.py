"""Live: the rate-limit example's count holds across workers through Redis.

A real ``redis-server`` runs on a free port of 127.0.0.1 (no persistence), and the
example is served by gunicorn and by granian with ``REDIS_URL`` pointing at it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from .support import SERVERS, live_server
from .test_reliability_live import Answer, exchange

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None,
    reason="redis-server is not installed (Debian's package redis-server;"
    " .ci/run installs it)",
)
redis = pytest.importorskip(
    "redis", reason="redis-py is not installed (pip install -e '.[dev]' brings it)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """Start redis-server on a free port; stop it by its PID when the module ends."""
    assert REDIS_SERVER is not None
    port = free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert process.poll() is None, "redis-server exited"
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=SERVERS)
def server(request: pytest.FixtureRequest) -> str:
    """The name of the server each test runs the example under."""
    name: str = request.param
    return name


def flush(url: str) -> None:
    with redis.Redis.from_url(url) as client:
        client.flushdb()


@pytest.fixture
def clean(redis_url: str) -> str:
    """The Redis server, emptied of earlier tests' counts."""
    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()
    return redis_url


def statuses(answers: list[Answer]) -> list[int]:
    return [answer.status for answer in answers]


APP = "tests.rate_limit_app:app"


def test_two_servers_share_one_limit_through_redis(clean: str, server: str) -> None:
    env = {"REDIS_URL": clean}
    with (
        live_server(APP, server, env=env) as (first, _),
        live_server(APP, server, env=env) as (second, _),
    ):
        answers = [
            exchange((first, second)[i % 2], "GET", "/api/rate-limit")
            for i in range(14)
        ]
    assert statuses(answers) == [200] * 10 + [429] * 4
    assert len({answer.header("X-Worker") for answer in answers}) == 2
    assert [a.header("X-RateLimit-Remaining") for a in answers] == [
        *(str(n) for n in range(9, -1, -1)),
        *["0"] * 4,
    ]
    assert all(a.header("X-RateLimit-Limit") == "10" for a in answers)
    retry = answers[10].header("Retry-After")
    assert retry is not None
    assert 1 <= int(retry) <= 60


def test_without_redis_each_process_counts_alone(clean: str, server: str) -> None:
    with (
        live_server(APP, server) as (first, _),
        live_server(APP, server) as (second, _),
    ):
        answers = [
            exchange((first, second)[i % 2], "GET", "/api/rate-limit")
            for i in range(22)
        ]
    assert statuses(answers) == [200] * 20 + [429] * 2
    with redis.Redis.from_url(clean) as client:
        assert client.keys() == []


def both_answer(address: str, pool: ThreadPoolExecutor) -> bool:
    """Send requests, 8 at a time, until both workers have answered; 10 s at most.

    A worker answers once it has imported the app (granian: and opened its own
    socket); until then the other takes every request.
    """
    deadline = time.monotonic() + 10
    workers: set[str | None] = set()
    while len(workers) < 2 and time.monotonic() < deadline:
        answers = pool.map(lambda _: exchange(address, "GET", "/api/hello"), range(8))
        workers |= {answer.header("X-Worker") for answer in answers}
    return len(workers) == 2


def test_two_workers_of_one_server_share_the_limit(clean: str, server: str) -> None:
    with (
        live_server(APP, server, workers=2, env={"REDIS_URL": clean}) as (
            address,
            log,
        ),
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        assert both_answer(address, pool), "".join(log)
        answers = list(
            pool.map(lambda _: exchange(address, "GET", "/api/rate-limit"), range(40))
        )
    assert sorted(statuses(answers)) == [200] * 10 + [429] * 30
    assert len({answer.header("X-Worker") for answer in answers}) == 2
    with redis.Redis.from_url(clean) as client:
        [key] = client.keys()
        assert key == b"rate-limit:127.0.0.1"
        assert client.get(key) == b"40"
        assert 0 < client.ttl(key) <= 60
