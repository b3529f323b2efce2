"""``nextresp openapi``: a document it cannot make, and non-ASCII text written and read
back as UTF-8 whatever the locale."""

from __future__ import annotations

import json
import locale
from pathlib import Path

import pytest

import nextresp
from nextresp._cli import main

from .support import ROOT

TREE = ROOT / "tests" / "openapi_tree" / "api"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_a_document_it_cannot_make_is_an_error_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["openapi", str(TREE), "--title", ""], capsys) == (
        1,
        "",
        "nextresp openapi: error: openapi title must be a non-empty str, as"
        " title='Todos', not ''\n",
    )


def test_the_document_is_printed_as_utf_8_not_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(["openapi", str(TREE), "--title", "Café ☕"], capsys)
    assert (status, err) == (0, "")
    document = nextresp.openapi(TREE, title="Café ☕")
    assert out == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert '"title": "Café ☕"' in out


def test_check_reads_the_file_as_utf_8_under_a_locale_that_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = tmp_path / "openapi.json"
    document = nextresp.openapi(TREE, title="Café")
    committed.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    args = ["openapi", str(TREE), "--title", "Café", "--check", str(committed)]
    # As on a machine whose locale is ASCII (or a Windows code page).
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        outcome = run(args, capsys)
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert outcome == (0, "", "")
