"""The API reference names every object by its public path: built from docs/api.md
with the site's configuration, it never shows a private module (``nextresp._x``)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from .support import ROOT

DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The HTML of the API reference, built alone, warnings as errors."""
    pytest.importorskip("sphinx")
    source = tmp_path_factory.mktemp("docs")
    shutil.copy(DOCS / "conf.py", source)
    shutil.copy(DOCS / "api.md", source / "index.md")
    shutil.copytree(DOCS / "_static", source / "_static")
    out = source / "_build"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", source, out],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return (out / "index.html").read_text()


def test_no_private_module_path_shows(reference: str) -> None:
    assert re.findall(r"nextresp\._\w+", reference) == []


PUBLIC = [
    "api_handler",
    "ApiHandler",
    "ApiOptions",
    "api_methods",
    "error_response_for",
    "routes",
    "flask.init_app",
    "RoutesApp",
    "Cors",
    "ApiResponse",
    "Event",
    "encode_event",
    "ai.ToolCall",
    "ai.Finish",
    "redis.EventChannel",
    "redis.Subscription",
    "ApiError",
    "ApiRequest",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_each_object_is_documented_under_its_public_path(
    reference: str, name: str
) -> None:
    assert f'id="nextresp.{name}"' in reference


def test_type_hints_link_to_the_public_paths(reference: str) -> None:
    titles = set(re.findall(r'title="(nextresp[\w.]*)"', reference))
    assert "nextresp.ApiResponse" in titles
    assert all(title.startswith("nextresp.") for title in titles)


def test_defaults_read_as_written(reference: str) -> None:
    assert "&lt;class" not in reference
    assert re.search(
        r'response_class</span></span><span class="o"><span class="pre">=', reference
    )
