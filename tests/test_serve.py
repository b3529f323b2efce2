"""``nextresp serve``: the server's command line, its errors, and live shutdowns."""

from __future__ import annotations

import http.client
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nextresp._cli import main
from nextresp._serve import (
    TREE_ENV,
    ServeConfig,
    TreeOptions,
    server_command,
    tree_app,
)

from .support import SERVERS, Served, call_wsgi, served
from .test_reliability_live import exchange

PYTHON = sys.executable
CONFIG = ServeConfig(
    server="granian",
    app="project.wsgi:app",
    host="0.0.0.0",
    port=8001,
    workers=2,
    threads=4,
    keep_alive=5,
    graceful_timeout=10,
)


# -- the server's command line -------------------------------------------------------


def test_the_granian_command() -> None:
    assert server_command(CONFIG) == [
        *(PYTHON, "-m", "granian", "--interface", "wsgi", "--no-ws"),
        *("--host", "0.0.0.0", "--port", "8001", "--workers", "2"),
        *("--blocking-threads", "4", "--http1-header-read-timeout", "5000"),
        *("--workers-kill-timeout", "10", "--respawn-failed-workers"),
        "--no-access-log",
        "project.wsgi:app",
    ]


def test_the_gunicorn_command() -> None:
    config = ServeConfig(**{**CONFIG.__dict__, "server": "gunicorn"})
    assert server_command(config) == [
        *(PYTHON, "-m", "gunicorn", "--bind", "0.0.0.0:8001", "--workers", "2"),
        *("--worker-class", "gthread", "--threads", "4", "--keep-alive", "5"),
        *("--graceful-timeout", "10", "--no-control-socket"),
        "project.wsgi:app",
    ]


@pytest.mark.parametrize(
    ("changes", "granian", "gunicorn"),
    [
        (
            {"threads": 1},
            ["--blocking-threads", "1"],
            ["--worker-class", "sync", "--threads", "1"],
        ),
        ({"access_log": True}, ["--access-log"], ["--access-logfile", "-"]),
        ({"host": "::1"}, ["--host", "::1"], ["--bind", "[::1]:8001"]),
        (
            {"app": None},
            ["--factory", "nextresp._serve:tree_app"],
            ["nextresp._serve:tree_app()"],
        ),
        (
            {"extra": ("--max-requests", "100")},
            ["--max-requests", "100", "project.wsgi:app"],
            ["--max-requests", "100", "project.wsgi:app"],
        ),
    ],
    ids=["one-thread", "access-log", "ipv6", "tree", "server-options"],
)
def test_options_reach_each_server(
    changes: dict[str, object], granian: list[str], gunicorn: list[str]
) -> None:
    for server, expected in [("granian", granian), ("gunicorn", gunicorn)]:
        command = server_command(
            ServeConfig(**{**CONFIG.__dict__, "server": server, **changes})
        )
        joined = " ".join(command)
        assert " ".join(expected) in joined, (server, joined)


# -- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["no/such/dir"],
            "expected a route directory or module:app, not 'no/such/dir', which does"
            " not exist",
        ),
        (
            ["tests.live_app:app", "--cors-origin", "https://a.example"],
            "--prefix, --body-limit and --cors-* shape a route directory, not"
            " tests.live_app:app: pass them to routes() in that module",
        ),
        (
            ["examples/api", "--body-limit", "2 megabytes"],
            "argument --body-limit: expected a size such as 1mb, 500kb or 65536, not"
            " '2 megabytes'",
        ),
        (
            ["examples/api", "--cors-origin", "app.example"],
            "--cors-origin: ",
        ),
        (
            ["examples/api", "--cors-credentials"],
            "--cors-credentials needs at least one --cors-origin",
        ),
        (
            ["examples/api", "--workers", "0"],
            "argument --workers: expected a whole number above 0, not '0'",
        ),
        (
            ["examples/api", "--server", "uvicorn"],
            "argument --server: invalid choice: 'uvicorn' (choose from 'granian',"
            " 'gunicorn')",
        ),
    ],
    ids=[
        "no-target",
        "tree-option-for-an-app",
        "body-limit",
        "cors-origin",
        "credentials-alone",
        "no-workers",
        "unknown-server",
    ],
)
def test_usage_errors_are_one_line_and_status_2(
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(Path(__file__).parent.parent)
    with pytest.raises(SystemExit) as caught:
        main(["serve", *args])
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"nextresp serve: error: {message}")
    assert err.endswith(" (see nextresp serve --help)\n")
    assert err.count("\n") == 1


def test_a_tree_the_rules_refuse_is_one_line_and_status_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "broken.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert main(["serve"]) == 1
    assert capsys.readouterr() == (
        "",
        "nextresp: error: api/broken.py: expected functions named after methods"
        " (def GET(req, res)) or app = api_handler(...), not a module that answers"
        " no request\n",
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "tests.no_such_module:app",
            "cannot import tests.no_such_module: ModuleNotFoundError: No module named"
            " 'tests.no_such_module'",
        ),
        (
            "tests.live_app:nothing",
            "expected tests.live_app:nothing to be a WSGI application, but"
            " tests.live_app has no callable nothing",
        ),
    ],
    ids=["no-module", "no-app"],
)
def test_an_app_that_cannot_be_imported_is_one_line_and_status_1(
    target: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", target]) == 1
    assert capsys.readouterr() == ("", f"nextresp serve: error: {message}\n")


@pytest.mark.parametrize(
    ("hidden", "server", "message"),
    [
        (
            ["granian"],
            "granian",
            "granian is not installed: pip install 'nextresp[serve]'",
        ),
        (
            ["gunicorn"],
            "gunicorn",
            "gunicorn is not installed: pip install 'nextresp[gunicorn]'",
        ),
        (
            ["granian", "gunicorn"],
            None,
            "no server is installed: pip install 'nextresp[serve]' for granian, or"
            " 'nextresp[gunicorn]'",
        ),
    ],
    ids=["granian", "gunicorn", "neither"],
)
def test_a_missing_server_names_its_extra_with_status_1(
    hidden: list[str],
    server: str | None,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in hidden:  # as if not installed: importing it fails
        monkeypatch.setitem(sys.modules, name, None)
    chosen = ["--server", server] if server else []
    assert main(["serve", "tests.live_app:app", *chosen]) == 1
    assert capsys.readouterr() == ("", f"nextresp serve: error: {message}\n")


def test_the_tree_factory_outside_nextresp_serve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TREE_ENV, raising=False)
    with pytest.raises(RuntimeError) as caught:
        tree_app()
    assert str(caught.value) == (
        "nextresp._serve:tree_app serves the tree `nextresp serve DIR` describes in"
        f" ${TREE_ENV}; start it with `nextresp serve`, not on its own"
    )


ECHO = (
    "def GET(req, res):\n    res.send('hi')\n\n\n"
    "def POST(req, res):\n    res.json(req.body)\n"
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A route tree of one file, ``api/echo.py``, whose functions take the options."""
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "echo.py").write_text(ECHO)
    return tmp_path / "api"


def test_the_tree_factory_applies_the_tree_options(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = TreeOptions(
        str(tree),
        prefix="/v1",
        body_limit="10b",
        cors_origins=("https://app.example",),
        cors_credentials=True,
    )
    monkeypatch.setenv(TREE_ENV, options.to_json())
    app = tree_app()
    r = call_wsgi(app, "GET", "/v1/echo", headers={"Origin": "https://app.example"})
    assert (r.status_code, r.get_data()) == (200, b"hi")
    assert r.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    r = call_wsgi(
        app, "POST", "/v1/echo", data=b'"0123456789"', content_type="application/json"
    )
    assert r.status_code == 413
    assert r.get_json()["detail"] == "Request body exceeds the limit of 10 bytes"


# -- live: the tree options, and shutdown ----------------------------------------------


@pytest.fixture(params=SERVERS)
def server(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def test_tree_options_reach_the_served_tree(server: str, tree: Path) -> None:
    options = ("--cors-origin", "https://app.example", "--body-limit", "10b")
    with served(str(tree), server, serve_options=options) as running:
        a = exchange(
            running.address,
            "OPTIONS",
            "/api/echo",
            [
                ("Origin", "https://app.example"),
                ("Access-Control-Request-Method", "POST"),
            ],
        )
        assert (a.status, a.header("Access-Control-Allow-Origin")) == (
            204,
            "https://app.example",
        )
        a = exchange(
            running.address,
            "POST",
            "/api/echo",
            [("Content-Type", "application/json")],
            b'"0123456789"',
        )
        assert a.status == 413


def test_an_idle_connection_is_kept_alive_then_closed(server: str) -> None:
    # Four threads: gunicorn's sync worker (one thread) keeps no connection alive.
    with served(
        "tests.live_app:app", server, threads=4, serve_options=("--keep-alive", "1")
    ) as running:
        host, port = running.address.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            for _ in range(2):  # one connection, two requests
                sock.sendall(b"GET /api/hello HTTP/1.1\r\nHost: x\r\n\r\n")
                answer = b""
                while not answer.endswith(b'{"name":"Next.js"}'):
                    chunk = sock.recv(65536)
                    assert chunk, f"closed after {answer!r}"
                    answer += chunk
                assert answer.startswith(b"HTTP/1.1 200 ")
            # Idle past the keep-alive: the server closes its end, and says no more.
            assert sock.recv(65536) == b""


GRACE = 2


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(8 * 1024 * 1024))
    return path


@pytest.fixture
def shutting_down(server: str, big_file: Path) -> Iterator[Served]:
    with served(
        "tests.serve_app:app",
        server,
        threads=4,
        env={
            "NEXTRESP_TEST_BIG_FILE": str(big_file),
            "NEXTRESP_TEST_SLOW_STARTED": str(big_file.with_name("slow-started")),
        },
        graceful_timeout=GRACE,
    ) as running:
        yield running


def wait_for(path: Path) -> None:
    """Wait until the served app has made ``path``: it then holds the request."""
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, f"the server never began {path.name}"
        time.sleep(0.01)


@contextmanager
def connected(address: str, path: str) -> Iterator[http.client.HTTPConnection]:
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path)
        yield connection
    finally:
        connection.close()


def test_sigterm_lets_answers_under_way_finish(
    shutting_down: Served, big_file: Path
) -> None:
    address = shutting_down.address
    with connected(address, "/big") as file, connected(address, "/slow") as slow:
        answer = file.getresponse()
        start = answer.read(1000)  # the rest waits in the socket's buffers
        # A request still in the listen queue when the server stops is refused,
        # rightly: stop only once the server holds the slow one too.
        wait_for(big_file.with_name("slow-started"))
        shutting_down.process.terminate()
        assert start + answer.read() == big_file.read_bytes()
        answer = slow.getresponse()
        assert (answer.status, answer.read()) == (200, b'{"slow":true}')
    assert shutting_down.process.wait(timeout=GRACE + 10) == 0
    assert "Traceback" not in "".join(shutting_down.log)


def test_sigterm_ends_an_open_event_stream_after_the_grace_period(
    shutting_down: Served,
) -> None:
    host, port = shutting_down.address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        received = sock.recv(65536)
        assert received.startswith(b"HTTP/1.1 200 ")
        shutting_down.process.terminate()
        while chunk := sock.recv(65536):
            received += chunk
    assert b"event: tick\n" in received  # streamed during the grace period
    # Then cut, with no last chunk: the browser's EventSource reconnects.
    assert not received.endswith(b"\r\n0\r\n\r\n")
    assert shutting_down.process.wait(timeout=GRACE + 10) == 0
    assert "Traceback" not in "".join(shutting_down.log)
