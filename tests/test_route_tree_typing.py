"""A typed route tree passes ``mypy --strict --explicit-package-bases``, as
docs/routes.md says, and mypy without the option names a shared file twice."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .support import ROOT

ROUTES_PAGE = (ROOT / "docs" / "routes.md").read_text()
TYPED_FILE = re.search(
    r"A typed route file:\n\n```python\n(.*?)```", ROUTES_PAGE, flags=re.DOTALL
)


def mypy(tree: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file=", "--strict", *options, "api"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_typed_route_file_of_the_docs_passes_with_explicit_package_bases(
    tmp_path: Path,
) -> None:
    pytest.importorskip("mypy")
    assert TYPED_FILE is not None
    users = tmp_path / "api" / "users"
    users.mkdir(parents=True)
    (tmp_path / "api" / "_db.py").write_text('USERS: dict[str, str] = {"7": "Ada"}\n')
    source = (
        TYPED_FILE.group(1)
        .replace('USERS = {"7": "Ada"}\n', "")
        .replace(
            "from typing import Any\n",
            "from typing import Any\n\nfrom api._db import USERS\n",
        )
    )
    (users / "[id].py").write_text(source)

    alone = mypy(tmp_path)
    assert alone.returncode == 2
    assert 'found twice under different module names: "_db" and "api._db"' in (
        alone.stdout
    )
    result = mypy(tmp_path, "--explicit-package-bases")
    assert (result.returncode, result.stdout) == (
        0,
        "Success: no issues found in 2 source files\n",
    )
