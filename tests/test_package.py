"""The package as published: its metadata, the README as the index shows it, and the
types a user's project sees through the README's editable install.

CI's ``.ci/package`` covers the rest: it builds the sdist and the wheel, checks them
with ``twine check --strict``, runs the tests from the unpacked sdist, and answers a
request with the wheel in a new virtual environment.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import metadata
from pathlib import Path

from .support import ROOT

README = (ROOT / "README.md").read_text()
DOCS = "https://nextresp.readthedocs.io/en/latest/"
REPOSITORY = "https://github.com/nextresp/nextresp"


def test_the_metadata_names_the_license_by_spdx_and_the_projects_urls() -> None:
    meta = metadata("nextresp")
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta.get("License") is None
    assert not [c for c in meta.get_all("Classifier") or [] if c.startswith("License")]
    assert meta["Author"] == "The nextresp authors"
    assert meta.get_all("Project-URL") == [
        f"Source, {REPOSITORY}",
        "Documentation, https://nextresp.readthedocs.io",
        f"Changelog, {REPOSITORY}/blob/main/CHANGES.md",
        f"Issues, {REPOSITORY}/issues",
    ]


def test_the_build_backend_knows_license_expressions() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'requires = ["setuptools>=77"]' in pyproject


def test_every_readme_link_is_absolute_and_each_docs_link_names_a_page() -> None:
    links = re.findall(r"\]\(([^)]+)\)", README)
    assert len(links) > 10
    for link in links:
        assert link.startswith("https://"), link
        if link.startswith(DOCS) and link != DOCS:
            page = link.removeprefix(DOCS).removesuffix(".html")
            assert (ROOT / "docs" / f"{page}.md").exists(), link
        elif link.startswith(f"{REPOSITORY}/blob/main/"):
            assert (ROOT / link.removeprefix(f"{REPOSITORY}/blob/main/")).exists(), link


def test_the_readmes_installs_are_editable_in_a_mode_type_checkers_follow() -> None:
    installs = re.findall(r"pip install -q [^&#\n]*", README)
    assert len(installs) == 5
    for install in installs:
        match = re.fullmatch(
            r"pip install -q -e \. -r (requirements/\w+\.txt)"
            r" --config-settings editable_mode=strict ",
            install,
        )
        assert match is not None, install
        assert (ROOT / match.group(1)).is_file()


def test_only_what_users_need_is_published_as_extras() -> None:
    meta = metadata("nextresp")
    assert meta.get_all("Provides-Extra") == [
        "flask",
        "orjson",
        "gunicorn",
        "serve",
        "lambda",
        "redis",
        "pydantic",
        "msgspec",
        "compress",
        "testing",
    ]


def test_the_package_is_classified_for_the_pythons_ci_tests() -> None:
    # .ci/run tests every version classified here (3.11 in full, the others in
    # process); no Python 3.14 can be installed on CI's machines yet.
    classifiers = metadata("nextresp").get_all("Classifier") or []
    versions = [
        c for c in classifiers if c.startswith("Programming Language :: Python")
    ]
    assert versions == [
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    ]


def test_the_long_description_tells_index_readers_to_install_from_the_index() -> None:
    quickstart = README.split("## Quickstart")[1].split("##")[0]
    assert "pip install nextresp gunicorn\n" in quickstart
    assert "clone" not in quickstart


USER_APP = """\
from nextresp import ApiRequest, ApiResponse, Event, api_handler


@api_handler
def handler(req: ApiRequest, res: ApiResponse) -> None:
    res.status(200).sse([Event({"n": 1})])
"""
USER_MISTAKE = """\
from nextresp import ApiResponse

ApiResponse.blank().status("200")
"""


def test_a_users_project_type_checks_against_the_installed_package(
    tmp_path: Path,
) -> None:
    # Outside the repository, so only the installed package can be found.
    (tmp_path / "app.py").write_text(USER_APP)
    (tmp_path / "mistake.py").write_text(USER_MISTAKE)

    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    # Had nextresp not been found, both files would fail with import-not-found.
    assert (checked.returncode, checked.stdout) == (
        1,
        'mistake.py:3: error: Argument 1 to "__call__" of "StatusLine" has'
        ' incompatible type "str"; expected "int | HTTPStatus"  [arg-type]\n'
        "Found 1 error in 1 file (checked 2 source files)\n",
    )


def test_the_version_is_written_once_and_the_changelog_names_it() -> None:
    import nextresp

    version = nextresp.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)  # a release: no pre-release suffix
    assert "version = attr: nextresp.__version__" in (ROOT / "setup.cfg").read_text()
    for file in ("setup.cfg", "pyproject.toml", "docs/conf.py", "README.md"):
        assert version not in (ROOT / file).read_text(), file
    changes = (ROOT / "CHANGES.md").read_text()
    released = [h for h in re.findall(r"^## (.+)$", changes, re.M) if h != "Unreleased"]
    assert re.fullmatch(
        rf"{re.escape(version)} \(\d{{4}}-\d{{2}}-\d{{2}}\)", released[0]
    )
