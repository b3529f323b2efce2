"""The README's Python examples run, and answer as the README says they do."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .support import call_wsgi

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.DOTALL)


def run_example(index: int) -> dict[str, Any]:
    source = [code for lang, code in BLOCKS if lang == "python"][index]
    namespace: dict[str, Any] = {"__name__": f"readme_example_{index}"}
    exec(compile(source, f"README.md python block {index}", "exec"), namespace)
    return namespace


def test_first_example_answers_next_js() -> None:
    r = call_wsgi(run_example(0)["handler"])
    assert (r.status_code, r.data) == (200, b'{"name":"Next.js"}')


def test_second_example_answers_as_described() -> None:
    example = run_example(1)
    handler, auth = example["handler"], example["AUTH"]
    [json_block] = [code for lang, code in BLOCKS if lang == "json"]

    r = call_wsgi(handler, "DELETE")
    assert (r.status_code, r.headers["WWW-Authenticate"]) == (401, "Basic")
    assert r.data == json_block.strip().encode()

    r = call_wsgi(handler, "DELETE", headers={"Authorization": "Basic eDp5"})
    assert r.status_code == 403

    r = call_wsgi(handler, "GET")
    assert (r.status_code, r.data) == (200, b'{"hello":"world"}')
    r = call_wsgi(handler, "GET", headers={"If-None-Match": r.headers["ETag"]})
    assert r.status_code == 304

    for method in ("PUT", "POST", "PATCH"):
        r = call_wsgi(handler, method)
        assert (r.status_code, r.headers["Allow"]) == (405, "GET, DELETE")

    assert example["things"] == {"thing": "exists"}
    r = call_wsgi(handler, "DELETE", headers={"Authorization": auth})
    assert (r.status_code, r.data) == (204, b"")
    assert example["things"] == {}


def test_route_file_example_answers_under_routes(tmp_path: Path) -> None:
    from nextresp import routes

    source = [code for lang, code in BLOCKS if lang == "python"][2]
    file = tmp_path / "api" / "users" / "[id].py"
    file.parent.mkdir(parents=True)
    file.write_text(source)
    app = routes(tmp_path / "api")
    r = call_wsgi(app, "GET", "/api/users/7")
    assert (r.status_code, r.data) == (200, b'{"id":"7","name":"Ada"}')
    r = call_wsgi(app, "GET", "/api/users/8", headers={"Accept": "text/plain"})
    assert (r.status_code, r.data) == (404, b"No user 8")
    r = call_wsgi(app, "GET", "/api/users/7/")
    assert (r.status_code, r.headers["Location"]) == (308, "/api/users/7")


COMMANDS = [
    "demo-command",
    "test-command",
    "mutation-command",
    "bench-command",
    "docs-command",
]


def test_every_command_block_is_marked_for_ci_to_run() -> None:
    markers = re.findall(r"<!-- ([\w-]+) -->\n```sh\n", README)
    assert markers == COMMANDS
    assert README.count("```sh\n") == len(COMMANDS) + 2  # install; gunicorn and dev


@pytest.mark.parametrize("marker", COMMANDS)
def test_readme_commands_set_themselves_up(marker: str) -> None:
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.*?)\n```", README)
    assert match is not None
    command = match.group(1)
    assert command.startswith(
        "python3 -m venv .venv && .venv/bin/python -m pip install"
    )
