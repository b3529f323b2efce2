"""Live: sent files under a real gunicorn, with and without ``sendfile()``.

PEP 3333: a file goes out from its current position, through the server's
``wsgi.file_wrapper``; and every close callback a host registers runs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from .files_app import DATA
from .support import fetch, live_server

HOSTS = ["", "/flask", "/werkzeug"]
SKIPS = {"none": 0, "read": 5, "readline": DATA.index(b"\n") + 1, "peek": 0}


# server, threads, the server's own options, whether it sends the file itself
SERVED = {
    "gunicorn-sync": ("gunicorn", 1, (), True),
    "gunicorn-gthread": ("gunicorn", 4, (), True),
    "gunicorn-sync-no-sendfile": ("gunicorn", 1, ("--no-sendfile",), False),
    # granian offers no wsgi.file_wrapper: werkzeug's wrapper reads the file.
    "granian": ("granian", 4, (), False),
}


@pytest.fixture(scope="module", params=list(SERVED))
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, bool]]:
    """Serve ``tests.files_app:app``; yield ``host:port`` and whether sendfile is on."""
    name, threads, options, sendfile = SERVED[request.param]
    with live_server("tests.files_app:app", name, threads=threads, options=options) as (
        address,
        _log,
    ):
        yield address, sendfile


def stats(address: str) -> dict[str, int]:
    _response, body = fetch(address, "GET", "/stats")
    counts: dict[str, int] = json.loads(body)
    return counts


def settled(address: str, name: str, expected: int) -> int:
    """Poll ``/stats`` until the count ``name`` reaches ``expected``, for 5 s at most.

    A server closes the body after the client has read the response.
    """
    deadline = time.monotonic() + 5
    count = stats(address)[name]
    while count < expected and time.monotonic() < deadline:
        time.sleep(0.02)
        count = stats(address)[name]
    return count


@pytest.mark.parametrize("host", HOSTS, ids=["wsgi", "flask", "werkzeug"])
@pytest.mark.parametrize("skip", list(SKIPS))
def test_exactly_the_rest_of_a_partly_read_file_is_sent(
    server: tuple[str, bool], host: str, skip: str
) -> None:
    address, _sendfile = server
    r, body = fetch(address, "GET", f"{host}/file?skip={skip}")
    rest = DATA[SKIPS[skip] :]
    assert r.status == 200
    assert r.headers["Content-Length"] == str(len(rest))
    assert body == rest


@pytest.mark.parametrize("host", HOSTS, ids=["wsgi", "flask", "werkzeug"])
def test_the_server_sends_the_file_itself_when_it_can(
    server: tuple[str, bool], host: str
) -> None:
    address, sendfile = server
    before = stats(address)["reads"]
    r, body = fetch(address, "GET", f"{host}/file?skip=read")
    assert (r.status, body) == (200, DATA[5:])
    reads = stats(address)["reads"] - before
    if sendfile:
        assert reads == 0  # sendfile(): the file object was never read
    else:
        assert reads > 0


@pytest.mark.parametrize("host", ["/flask", "/werkzeug"])
def test_close_callbacks_a_host_registers_after_the_view_run(
    server: tuple[str, bool], host: str
) -> None:
    address, _sendfile = server
    # A server may close an earlier test's body after its client read it: wait for
    # every close callback registered so far, so that only this request's is new.
    before = settled(address, "cleanups", stats(address)["registered"])
    r, body = fetch(address, "GET", f"{host}/file")
    assert (r.status, body) == (200, DATA)
    assert settled(address, "cleanups", before + 1) == before + 1
    assert stats(address)["registered"] == before + 1
