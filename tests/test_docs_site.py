"""The documentation site as a reader sees it: the index's order, the changelog page,
the API reference's names, the copy buttons and the repository link."""

from __future__ import annotations

import os
import re
from pathlib import Path

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from .support import ROOT

DOCS = ROOT / "docs"
INDEX = (DOCS / "index.md").read_text()
CONF = (DOCS / "conf.py").read_text()


def toctree() -> list[str]:
    block = INDEX.split("```{toctree}")[1].split("```")[0]
    return [line.strip() for line in block.splitlines()[2:] if line.strip()]


def test_the_index_lists_the_pages_in_the_sidebars_order() -> None:
    listed = re.findall(r"^- \[[^\]]+\]\(([\w-]+)\.md\)", INDEX, flags=re.MULTILINE)
    assert listed == toctree()


def test_the_changelog_is_a_page_of_the_site() -> None:
    assert (DOCS / "changes.md").read_text() == "```{include} ../CHANGES.md\n```\n"
    assert toctree()[-1] == "changes"


def test_the_site_links_the_repository_and_copies_code_without_prompts() -> None:
    assert '"sphinx_copybutton"' in CONF
    assert 'REPOSITORY = "https://github.com/nextresp/nextresp"' in CONF
    assert '"source_repository": f"{REPOSITORY}/"' in CONF
    assert "The source is on [GitHub](https://github.com/nextresp/nextresp)." in INDEX
    namespace: dict[str, object] = {}
    exec(compile(CONF, "conf.py", "exec"), namespace)
    prompt = re.compile(str(namespace["copybutton_prompt_text"]))
    assert [
        bool(prompt.match(line)) for line in (">>> x", "... y", "$ pip", "out")
    ] == [
        True,
        True,
        True,
        False,
    ]


def test_the_api_reference_shows_no_private_module_and_no_inherited_new() -> None:
    namespace: dict[str, object] = {}
    exec(compile(CONF, "conf.py", "exec"), namespace)
    assert namespace["add_module_names"] is False
    assert namespace["autodoc_default_options"] == {"exclude-members": "__new__"}


def test_long_names_in_tables_break_only_after_separators() -> None:
    namespace: dict[str, object] = {}
    exec(compile(CONF, "conf.py", "exec"), namespace)
    document = new_document("<test>", get_default_settings(Parser))
    Parser().parse(
        "=====  ==================================\n"
        "a      b\n"
        "=====  ==================================\n"
        "x      ``test_hosts.py::test_a_b`` ``short``\n"
        "=====  ==================================\n",
        document,
    )
    transform = namespace["BreakNamesInTables"]
    transform.run(type("T", (), {"document": document})())  # type: ignore[attr-defined]
    literals = list(document.findall(nodes.literal))
    pieces = [
        "<wbr>" if isinstance(child, nodes.raw) else child.astext()
        for child in literals[0].children
    ]
    assert pieces == [
        "test_",
        "<wbr>",
        "hosts.",
        "<wbr>",
        "py::",
        "<wbr>",
        "test_",
        "<wbr>",
        "a_",
        "<wbr>",
        "b",
    ]
    assert [child.astext() for child in literals[1].children] == ["short"]
    css = (DOCS / "_static" / "nextresp.css").read_text()
    assert "overflow-wrap: normal;" in css
    assert "anywhere" not in css


def test_no_file_holds_the_marks_of_an_unfinished_merge() -> None:
    # A conflict opens with seven "<" and closes with seven ">", each and a space.
    marks = ("<" * 7 + " ", ">" * 7 + " ")
    texts = [ROOT / name for name in ("README.md", "CHANGES.md", "pyproject.toml")]
    for folder in ("docs", "nextresp", "tests", "examples", "benchmarks", ".ci"):
        for where, folders, names in os.walk(ROOT / folder):
            folders[:] = [f for f in folders if f not in _NOT_OURS]
            texts += [Path(where, name) for name in names if name.endswith(_TEXTS)]
    marked = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in texts
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if line.startswith(marks)
    ]
    assert len(texts) > 200  # the walk found the project
    assert marked == []


_NOT_OURS = {"node_modules", "_build", "__pycache__"}
_TEXTS = (".md", ".py", ".rst", ".txt", ".toml", ".cfg", ".sh", ".json", "run")
