"""Every Python example in the docs runs; ``>>>`` examples run as doctests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
BLOCKS = [
    pytest.param(page, code, id=f"{page.name}-{index}")
    for page in PAGES
    for index, code in enumerate(
        re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.DOTALL)
    )
]


@pytest.mark.parametrize(("page", "code"), BLOCKS)
def test_python_example_runs(page: Path, code: str) -> None:
    """Run the block, then every ``test_`` function it defines, as pytest would."""
    namespace: dict[str, object] = {"__name__": "docs_example"}
    exec(compile(code, str(page), "exec"), namespace)
    for name, value in namespace.items():
        if name.startswith("test_") and callable(value):
            value()


def test_every_page_is_in_the_table_of_contents() -> None:
    index = (ROOT / "docs" / "index.md").read_text()
    toctree = index.split("```{toctree}")[1]
    pages = {page.stem for page in (ROOT / "docs").glob("*.md")} - {"index"}
    assert pages == {
        line.strip() for line in toctree.splitlines()[3:] if line.strip()
    } - {"```"}


def test_the_reliability_page_names_tests_that_exist() -> None:
    page = (ROOT / "docs" / "reliability.md").read_text()
    named = set(re.findall(r"test_\w+", page))
    modules = list((ROOT / "tests").glob("test_*.py"))
    sources = "".join(path.read_text() for path in modules)
    defined = set(re.findall(r"^def (test_\w+)", sources, flags=re.MULTILINE))
    assert len(named) > 20
    assert named <= defined | {path.stem for path in modules}
