"""The command line: ``nextresp routes``, ``nextresp dev`` and their usage errors."""

from __future__ import annotations

import errno
import http.client
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from nextresp._cli import main
from nextresp._dev import dev_app as _dev_app
from nextresp._serve import TreeOptions

from .support import call_wsgi

TREE = {
    "api/hello.py": "def handler(req, res):\n    res.json({'name': 'Next.js'})\n",
    "api/users/index.py": "def GET(req, res): ...\ndef POST(req, res): ...\n",
    "api/users/[id].py": "from api._db import NAMES\ndef GET(req, res, id):\n"
    "    res.json({'id': id, 'name': NAMES.get(id)})\n",
    "api/users/me.py": "from nextresp import api_handler\n"
    "app = api_handler(methods=['GET', 'PUT'])(lambda req, res: None)\n",
    "api/files/[...path].py": "def GET(req, res, path): ...\n",
    "api/_db.py": "NAMES = {'7': 'Ada'}\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write(tmp_path / "project", TREE)


@pytest.fixture(autouse=True)
def forget_imports(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep ``sys.path`` and ``sys.modules`` as they were: main() adds the cwd."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def dev_app(directory: str, prefix: str | None, port: int) -> Any:
    """The app ``nextresp dev DIR [--prefix PREFIX]`` serves."""
    tree = TreeOptions(os.path.abspath(directory), prefix=prefix)
    return _dev_app(tree, directory, port)


def nextresp(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nextresp", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
    )


def expected_table() -> str:
    rows = [
        ("Route", "Methods", "File"),
        ("/api/hello", "ANY", "api/hello.py"),
        ("/api/users", "GET, HEAD, OPTIONS, POST", "api/users/index.py"),
        ("/api/users/me", "GET, PUT", "api/users/me.py"),
        ("/api/files/[...path]", "GET, HEAD, OPTIONS", "api/files/[...path].py"),
        ("/api/users/[id]", "GET, HEAD, OPTIONS", "api/users/[id].py"),
    ]
    lines = [f"{a:<20}  {b:<24}  {c}" for a, b, c in rows]
    lines.insert(1, f"{'-' * 20}  {'-' * 24}  ----")
    return "\n".join(lines) + "\n"


# -- nextresp routes -----------------------------------------------------------------


def test_routes_prints_the_table_in_precedence_order(project: Path) -> None:
    done = nextresp(project, "routes", "api")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == expected_table()


TYPED_TREE = {
    "api/todos.py": "from __future__ import annotations\n"
    "from tests.validation_models import MsgspecPaging, PydanticAuth, PydanticOrder\n"
    "def GET(req, res, query: MsgspecPaging): ...\n"
    "def POST(req, res, body: PydanticOrder, headers: PydanticAuth): ...\n",
    "api/orders/[id].py": "from tests.validation_models import PydanticOrder\n"
    "def handler(req, res, id: int, body: PydanticOrder | None = None): ...\n",
    "api/plain.py": "def GET(req, res): ...\n",
}


def test_routes_shows_the_models_each_route_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, TYPED_TREE)
    monkeypatch.chdir(tmp_path)
    assert main(["routes"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Route             Methods                   File                Input",
        "----------------  ------------------------  ------------------  -----",
        "/api/plain        GET, HEAD, OPTIONS        api/plain.py        -",
        "/api/todos        GET, HEAD, OPTIONS, POST  api/todos.py        GET query"
        " MsgspecPaging; POST body PydanticOrder, headers PydanticAuth",
        "/api/orders/[id]  ANY                       api/orders/[id].py  body"
        " PydanticOrder | None",
    ]


def test_routes_defaults_to_api(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    assert main(["routes"]) == 0
    assert capsys.readouterr() == (expected_table(), "")


def test_routes_falls_back_to_pages_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"pages/api/hello.py": "def GET(req, res): ...\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["routes", "--prefix", "/v1"]) == 0
    assert capsys.readouterr().out == (
        "Route      Methods             File\n"
        "---------  ------------------  ----\n"
        "/v1/hello  GET, HEAD, OPTIONS  api/hello.py\n"
    )


def test_a_broken_tree_is_one_line_and_status_1(project: Path) -> None:
    write(project, {"api/broken.py": "x = 1\n"})
    done = nextresp(project, "routes")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "nextresp: error: api/broken.py: expected functions named after methods"
        " (def GET(req, res)) or app = api_handler(...), not a module that answers"
        " no request\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "nextresp: error: the following arguments are required: COMMAND"),
        (
            ("start",),
            "nextresp: error: argument COMMAND: invalid choice: 'start' (choose from"
            " 'routes', 'openapi', 'dev', 'serve')",
        ),
        (("routes", "a", "b"), "nextresp: error: unrecognized arguments: b"),
        (
            ("dev", "--port", "http"),
            "nextresp dev: error: argument --port: expected a port number from 0 to"
            " 65535, not 'http'",
        ),
        (
            ("dev", "--port", "70000"),
            "nextresp dev: error: argument --port: expected a port number from 0 to"
            " 65535, not '70000'",
        ),
        (("routes", "--nope"), "nextresp: error: unrecognized arguments: --nope"),
    ],
    ids=["no-command", "unknown-command", "extra", "port-name", "port-range", "option"],
)
def test_usage_errors_are_one_line_and_status_2(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    done = nextresp(tmp_path, *args)
    prog = message.split(": error")[0]
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"{message} (see {prog} --help)\n"


def test_usage_errors_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in ([], ["serve"], ["routes"], ["dev", "--port", "-1"]):
        with pytest.raises(SystemExit) as caught:
            main(args)
        assert caught.value.code == 2
        out, err = capsys.readouterr()
        assert (out, err.count("\n"), err.split(": ")[1]) == ("", 1, "error")


@pytest.mark.parametrize("port", ["-1", "65536", "70000", "http", "3000.0", ""])
def test_a_port_outside_0_to_65535_is_a_usage_error(
    port: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as caught:
        main(["dev", "--port", port, "api"])
    assert caught.value.code == 2
    assert capsys.readouterr() == (
        "",
        "nextresp dev: error: argument --port: expected a port number from 0 to"
        f" 65535, not {port!r} (see nextresp dev --help)\n",
    )


def test_a_broken_tree_in_process(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"api/users/[id].py": "import not_a_module_anywhere\n"})
    monkeypatch.chdir(project)
    assert main(["routes", "api"]) == 1
    assert capsys.readouterr() == (
        "",
        "nextresp: error: api/users/[id].py: expected the route file to import, not to"
        " raise ModuleNotFoundError: No module named 'not_a_module_anywhere'\n",
    )


def test_no_route_directory_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as caught:
        main(["routes"])
    assert caught.value.code == 2
    assert capsys.readouterr() == (
        "",
        "nextresp routes: error: expected a route directory, but neither ./api nor"
        " ./pages/api exists; pass DIR (see nextresp routes --help)\n",
    )


def test_the_directory_given_wins_over_api(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"pages/api/hello.py": "def GET(req, res): ...\n"})
    monkeypatch.chdir(project)
    assert main(["routes", "pages/api"]) == 0
    assert capsys.readouterr().out == (
        "Route       Methods             File\n"
        "----------  ------------------  ----\n"
        "/api/hello  GET, HEAD, OPTIONS  api/hello.py\n"
    )


def test_no_route_directory_is_a_usage_error(tmp_path: Path) -> None:
    done = nextresp(tmp_path, "routes")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "nextresp routes: error: expected a route directory, but neither ./api nor"
        " ./pages/api exists; pass DIR (see nextresp routes --help)\n"
    )


def test_the_console_script_is_registered() -> None:
    [script] = entry_points(group="console_scripts", name="nextresp")
    assert script.value == "nextresp._cli:main"


# -- nextresp --help -------------------------------------------------------------------

HELP = {
    "nextresp": """\
usage: nextresp [-h] COMMAND ...

Serve a directory of route files as Next.js serves pages/api.

positional arguments:
  COMMAND
    routes    print the routes of DIR in the order they are matched
    openapi   print the OpenAPI 3.1 document of DIR as JSON
    dev       serve DIR on 127.0.0.1, restarting when a file changes
    serve     serve TARGET (DIR or module:app) in production, with granian or
              gunicorn

options:
  -h, --help  show this help message and exit

exit status: 0 when done; 1 when the route tree is refused, the app cannot be
imported or no server is installed (the reason on one line); 2 for a usage error.
""",
    "routes": """\
usage: nextresp routes [-h] [--prefix PREFIX] [DIR]

print the routes of DIR in the order they are matched

positional arguments:
  DIR              the route directory (default: api if it exists, else
                   pages/api)

options:
  -h, --help       show this help message and exit
  --prefix PREFIX  the URL prefix (default: / and the directory's name)

exit status: 0 when done; 1 when the route tree is refused, the app cannot be
imported or no server is installed (the reason on one line); 2 for a usage error.
""",
    "openapi": """\
usage: nextresp openapi [-h] [--prefix PREFIX] [--title TITLE]
                        [--version VERSION] [--check FILE]
                        [DIR]

print the OpenAPI 3.1 document of DIR as JSON

positional arguments:
  DIR                the route directory (default: api if it exists, else
                     pages/api)

options:
  -h, --help         show this help message and exit
  --prefix PREFIX    the URL prefix (default: / and the directory's name)
  --title TITLE      the API's title (default: API)
  --version VERSION  the API's version, not nextresp's (default: 0.1.0)
  --check FILE       print nothing; exit 1 if FILE is not the document the
                     tree makes now

In CI, fail when the committed document no longer matches the routes:
  nextresp openapi api --check openapi.json

exit status: 0 when done (or FILE is up to date); 1 when the route tree is
refused or FILE is stale or unreadable (the reason on one line); 2 for a usage
error.
""",
    "dev": """\
usage: nextresp dev [-h] [--prefix PREFIX] [--body-limit SIZE]
                    [--cors-origin ORIGIN] [--cors-credentials] [--port PORT]
                    [DIR]

serve DIR on 127.0.0.1, restarting when a file changes

positional arguments:
  DIR                   the route directory (default: api if it exists, else
                        pages/api)

options:
  -h, --help            show this help message and exit
  --prefix PREFIX       the URL prefix (default: / and the directory's name)
  --body-limit SIZE     the largest request body, as 1mb or 500kb (default:
                        1mb)
  --cors-origin ORIGIN  let pages of ORIGIN (or *) call the tree; repeat for
                        more origins
  --cors-credentials    let those pages send cookies and read the answers
  --port PORT           the port to listen on (default: 8000)

exit status: 0 when done; 1 when the route tree is refused, the app cannot be
imported or no server is installed (the reason on one line); 2 for a usage error.
""",
    "serve": """\
usage: nextresp serve [-h] [--prefix PREFIX] [--body-limit SIZE]
                      [--cors-origin ORIGIN] [--cors-credentials]
                      [--server {granian,gunicorn}] [--host HOST]
                      [--port PORT] [--workers N] [--threads N]
                      [--keep-alive SECONDS] [--graceful-timeout SECONDS]
                      [--access-log]
                      [TARGET]

serve TARGET (DIR or module:app) in production, with granian or gunicorn

positional arguments:
  TARGET                a route directory (default: api, else pages/api) or
                        module:app

options:
  -h, --help            show this help message and exit
  --prefix PREFIX       the URL prefix (default: / and the directory's name)
  --body-limit SIZE     the largest request body, as 1mb or 500kb (default:
                        1mb)
  --cors-origin ORIGIN  let pages of ORIGIN (or *) call the tree; repeat for
                        more origins
  --cors-credentials    let those pages send cookies and read the answers
  --server {granian,gunicorn}
                        the WSGI server (default: granian if installed, else
                        gunicorn)
  --host HOST           the address to listen on (default: 127.0.0.1)
  --port PORT           the port (default: 8000)
  --workers N           worker processes (default: one per core)
  --threads N           threads per worker; each open event stream holds one
                        (default: 8, or 2 per core plus 1 if fewer)
  --keep-alive SECONDS  how long an idle connection stays open (default: 5)
  --graceful-timeout SECONDS
                        on SIGTERM, how long requests under way may finish
                        (default: 10)
  --access-log          log each request (default: off)

Arguments after -- go to the server as they are, e.g.
  nextresp serve api -- --max-requests 10000   (gunicorn)

exit status: 0 when done; 1 when the route tree is refused, the app cannot be
imported or no server is installed (the reason on one line); 2 for a usage error.
""",
}


@pytest.mark.parametrize("command", list(HELP))
def test_help_is_one_screen_and_status_0(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    args = ["--help"] if command == "nextresp" else [command, "--help"]
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 0
    assert capsys.readouterr() == (HELP[command], "")


# -- nextresp dev --------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def dev_server(project: Path, port: int) -> Iterator[str]:
    """Run ``nextresp dev`` until it says where it serves; yield what it printed.

    It is terminated by its PID: werkzeug's reloader then ends the process it serves
    from.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "nextresp", "dev", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    try:
        printed = []
        for line in process.stdout:
            printed.append(line)
            if line.startswith("nextresp dev:"):
                break
        yield "".join(printed)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_dev_serves_the_tree_until_terminated(project: Path) -> None:
    port = free_port()
    with dev_server(project, port) as printed:
        assert printed == expected_table() + (
            f"nextresp dev: serving api on http://127.0.0.1:{port}\n"
        )
        assert get(port, "/api/users/7") == (200, b'{"id":"7","name":"Ada"}')
        assert get(port, "/api/users/") == (308, b"")


def test_dev_keeps_serving_a_tree_that_cannot_be_loaded(project: Path) -> None:
    write(project, {"api/broken.py": "def GET(req, res)\n"})
    port = free_port()
    with dev_server(project, port) as printed:
        assert printed == f"nextresp dev: serving api on http://127.0.0.1:{port}\n"
        assert get(port, "/api/hello") == (500, BROKEN_PROBLEM)


def test_dev_fails_when_the_port_is_taken(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = nextresp(project, "dev", "--port", str(port))
    # werkzeug's own words, and status.
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.endswith(
        f"Port {port} is in use by another program. Either identify and stop that"
        " program, or start the server with a different port.\n"
    )


BROKEN_DETAIL = (
    b"The routes in api could not be loaded; the error is in the terminal."
    b" Save the fixed file to reload."
)
BROKEN_PROBLEM = (
    b'{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"'
    + BROKEN_DETAIL
    + b'"}'
)


def test_dev_prints_the_table_and_the_url_and_serves_the_tree(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    app = dev_app("api", None, 3000)
    assert capsys.readouterr() == (
        expected_table() + "nextresp dev: serving api on http://127.0.0.1:3000\n",
        "",
    )
    response = call_wsgi(app, "GET", "/api/users/7")
    assert (response.status_code, response.get_json()) == (
        200,
        {"id": "7", "name": "Ada"},
    )


def test_dev_serves_the_tree_under_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"routes/hello.py": "def GET(req, res):\n    res.send('hi')\n"})
    monkeypatch.chdir(tmp_path)
    app = dev_app("routes", "/v1", 8080)
    assert capsys.readouterr() == (
        "Route      Methods             File\n"
        "---------  ------------------  ----\n"
        "/v1/hello  GET, HEAD, OPTIONS  routes/hello.py\n"
        "nextresp dev: serving routes on http://127.0.0.1:8080\n",
        "",
    )
    assert call_wsgi(app, "GET", "/v1/hello").get_data() == b"hi"


def test_dev_answers_a_500_problem_while_the_tree_cannot_be_loaded(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"api/broken.py": "x = 1\n"})
    monkeypatch.chdir(project)
    app = dev_app("api", None, 8000)
    assert capsys.readouterr() == (
        "nextresp dev: serving api on http://127.0.0.1:8000\n",
        "nextresp: error: api/broken.py: expected functions named after methods"
        " (def GET(req, res)) or app = api_handler(...), not a module that answers"
        " no request\n",
    )
    for method, path in [("GET", "/api/hello"), ("POST", "/elsewhere")]:
        response = call_wsgi(app, method, path)
        assert response.status_code == 500
        assert response.headers.to_wsgi_list() == [
            ("Content-Type", "application/problem+json"),
            ("Content-Length", str(len(BROKEN_PROBLEM))),
            ("X-Content-Type-Options", "nosniff"),
            ("Vary", "Accept"),
        ]
        assert response.get_data() == BROKEN_PROBLEM


def test_a_text_client_of_a_broken_tree_gets_the_detail_as_text(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"api/broken.py": "raise KeyError('secret')\n"})
    monkeypatch.chdir(project)
    app = dev_app("api", None, 8000)
    assert "KeyError: 'secret'" in capsys.readouterr().err
    response = call_wsgi(app, "GET", "/api/hello", headers={"Accept": "text/plain"})
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.get_data() == BROKEN_DETAIL


@contextmanager
def taken_port(port: int = 0) -> Iterator[int]:
    """Listen on ``port`` of 127.0.0.1 (any free one for 0), so no server can."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:  # another program has it already: just as taken
            if exc.errno != errno.EADDRINUSE:
                raise
        else:
            sock.listen()
        yield sock.getsockname()[1] or port


@pytest.mark.parametrize(
    ("wanted", "option"),
    [(0, True), (65535, True), (8000, False)],
    ids=["any-port", "highest-port", "default-port"],
)
def test_dev_in_process_fails_when_the_port_is_taken(
    wanted: int,
    option: bool,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Run in the test's own process, main() is the reloader's first process: it
    # prints nothing of its own, and werkzeug says why it cannot listen.
    monkeypatch.chdir(project)
    with taken_port(wanted) as port, pytest.raises(SystemExit) as caught:
        main(["dev", "--port", str(port)] if option else ["dev"])
    assert caught.value.code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.endswith(
        f"Port {port} is in use by another program. Either identify and stop that"
        " program, or start the server with a different port.\n"
    )


def test_route_files_import_the_projects_modules_before_any_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As `python -m` does: the working directory comes first on sys.path.
    write(tmp_path / "elsewhere", {"settings.py": "NAME = 'elsewhere'\n"})
    project = write(
        tmp_path / "project",
        {
            "settings.py": "NAME = 'project'\n",
            "api/name.py": "from settings import NAME\n"
            "def GET(req, res): ...\n"
            "assert NAME == 'project', NAME\n",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path / "elsewhere"))
    monkeypatch.chdir(project)
    assert main(["routes"]) == 0
    assert capsys.readouterr().err == ""


# -- exit statuses, and the tree options of nextresp dev ----------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["routes", "no/such/dir"],
            "nextresp routes: error: expected a route directory, not 'no/such/dir',"
            " which does not exist (see nextresp routes --help)",
        ),
        (
            ["dev", "api/hello.py"],
            "nextresp dev: error: expected a route directory, not the file"
            " 'api/hello.py' (see nextresp dev --help)",
        ),
        (
            ["dev", "--body-limit", "lots"],
            "nextresp dev: error: argument --body-limit: expected a size such as 1mb,"
            " 500kb or 65536, not 'lots' (see nextresp dev --help)",
        ),
        (
            ["dev", "--cors-credentials"],
            "nextresp dev: error: --cors-credentials needs at least one --cors-origin"
            " (see nextresp dev --help)",
        ),
        (
            ["dev", "--cors-origin", "*", "--cors-credentials"],
            "nextresp dev: error: --cors-origin: ",
        ),
    ],
    ids=["no-such-dir", "a-file", "body-limit", "credentials-alone", "credentials-any"],
)
def test_a_wrong_argument_is_a_usage_error(
    args: list[str],
    message: str,
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(project)
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert (out, err.count("\n")) == ("", 1)
    assert err.startswith(message)


def test_dev_applies_the_tree_options(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(project, {"api/echo.py": "def POST(req, res):\n    res.json(req.body)\n"})
    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    tree = TreeOptions(
        str(project / "api"), body_limit="8b", cors_origins=("http://localhost:3000",)
    )
    app = _dev_app(tree, "api", 8000)
    capsys.readouterr()
    preflight = call_wsgi(
        app,
        "OPTIONS",
        "/api/echo",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert preflight.headers["Access-Control-Allow-Methods"] == "OPTIONS, POST"
    r = call_wsgi(
        app, "POST", "/api/echo", data=b'"12345678"', content_type="application/json"
    )
    assert (r.status_code, r.get_json()["detail"]) == (
        413,
        "Request body exceeds the limit of 8 bytes",
    )


def wait_for(port: int, path: str, status: int) -> tuple[int, bytes]:
    """Request ``path`` until it answers ``status`` (the server restarting), 20 s."""
    import time

    deadline = time.monotonic() + 20
    while True:
        try:
            answer = get(port, path)
        except OSError:  # between the old server and the new
            answer = (0, b"")
        if answer[0] == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.1)


def test_dev_serves_a_new_route_file(project: Path) -> None:
    port = free_port()
    with dev_server(project, port):
        assert get(port, "/api/todos")[0] == 404
        write(
            project, {"api/todos/[id].py": "def GET(req, res, id):\n    res.json(id)\n"}
        )
        assert wait_for(port, "/api/todos/7", 200) == (200, b'"7"')
        (project / "api" / "todos" / "[id].py").unlink()
        assert wait_for(port, "/api/todos/7", 404)[0] == 404
