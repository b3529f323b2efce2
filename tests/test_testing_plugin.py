"""The pytest plugin: ``nextresp_client``, found by a fresh pytest run."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from nextresp import api_handler
from nextresp.testing import Client

ROOT = Path(__file__).resolve().parent.parent

LEFT_OPEN = """
import time

from nextresp import api_handler

closed = []


class Ticks:
    def __iter__(self):
        return self

    def __next__(self):
        time.sleep(0.001)
        return "tick"

    def close(self):
        closed.append(True)


@api_handler
def ticks(req, res):
    res.sse(Ticks())


def test_a_stream_left_open(nextresp_client):
    assert nextresp_client(ticks).get("/").status == 200
    assert closed == []


def test_the_fixture_closed_it_after_the_test():
    assert closed == [True]
"""


def plugin_example() -> str:
    """The test file that docs/testing.md shows with the fixture."""
    page = (ROOT / "docs" / "testing.md").read_text()
    found = re.search(
        r"<!-- plugin-example -->\n```\{code-block\} python\n:caption: \S+\n\n(.*?)```",
        page,
        flags=re.DOTALL,
    )
    assert found is not None
    return found.group(1)


def run_pytest(directory: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m pytest`` in ``directory``, as a project that installed us."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_fresh_pytest_run_finds_the_fixture(tmp_path: Path) -> None:
    (tmp_path / "test_users.py").write_text(plugin_example())
    (tmp_path / "test_streams.py").write_text(LEFT_OPEN)
    done = run_pytest(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith("4 passed")


def test_the_fixture_is_here_too(nextresp_client: Any) -> None:
    client = nextresp_client(api_handler(lambda req, res: res.json([1])))
    assert isinstance(client, Client)
    assert client.get("/").json == [1]
