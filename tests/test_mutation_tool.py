"""``tools/undecorate.py``: the rewrite that lets mutmut mutate decorated functions
keeps what each one does, and leaves no decorated function of the package behind."""

from __future__ import annotations

import ast
import importlib.util
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .support import ROOT

spec = importlib.util.spec_from_file_location(
    "undecorate", ROOT / "tools" / "undecorate.py"
)
assert spec is not None
assert spec.loader is not None
undecorate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(undecorate)

SAMPLE = textwrap.dedent(
    '''
    import functools
    from typing import overload


    class Box:
        def __init__(self) -> None:
            self._size = 1
            self.computed = 0

        @property
        def size(self) -> int:
            """The size."""
            return self._size

        @size.setter
        def size(self, value: int) -> None:
            self._size = value * 2

        @functools.cached_property
        def area(self) -> int:
            self.computed += 1
            return self._size ** 2

        @classmethod
        def make(cls) -> "Box":
            return cls()

        @staticmethod
        @functools.cache
        def unit() -> str:
            return "cm"


    @functools.lru_cache(maxsize=2)
    def twice(x: int) -> int:
        return x * 2


    @overload
    def first(x: int) -> int: ...
    @overload
    def first(x: str) -> str: ...
    def first(x):
        return x
    '''
)


def load(source: str, name: str) -> ModuleType:
    module = ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)
    return module


def behaviour(module: Any) -> list[object]:
    box = module.Box.make()
    box.size = 3
    seen: list[object] = [box.size, box.area, box.area, box.computed, module.Box.unit()]
    seen += [module.twice(4), module.twice.cache_info().currsize, module.first("a")]
    seen += [module.Box.size.__doc__, type(module.Box.__dict__["unit"]).__name__]
    return seen


def test_the_rewritten_module_behaves_as_the_original() -> None:
    rewritten = undecorate.rewrite(SAMPLE)
    assert behaviour(load(rewritten, "rewritten")) == behaviour(
        load(SAMPLE, "original")
    )
    assert behaviour(load(SAMPLE, "original")) == [
        6,
        36,
        36,
        1,
        "cm",
        8,
        1,
        "a",
        "The size.",
        "staticmethod",
    ]


def test_each_decorated_function_becomes_a_plain_one_and_an_assignment() -> None:
    rewritten = undecorate.rewrite(SAMPLE)
    assert "    def size__decorated_1(self) -> int:\n" in rewritten
    assert "    size = property(size__decorated_1)\n" in rewritten
    assert "    size = size.setter(size__decorated_2)\n" in rewritten
    assert "    area = functools.cached_property(area__decorated_1)\n" in rewritten
    assert "    unit = staticmethod(functools.cache(unit__decorated_1))\n" in rewritten
    assert "twice = functools.lru_cache(maxsize=2)(twice__decorated_1)\n" in rewritten
    assert "    @classmethod\n    def make(cls)" in rewritten  # mutmut mutates it
    assert rewritten.count("@overload\n") == 2  # stubs: no body to mutate
    assert undecorate.decorated(ast.parse(rewritten)) == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "nextresp").glob("*.py")), ids=lambda path: path.name
)
def test_no_decorated_function_of_the_package_is_left_to_mutmut_to_skip(
    path: Path,
) -> None:
    rewritten = undecorate.rewrite(path.read_text())
    compile(rewritten, str(path), "exec")
    assert undecorate.decorated(ast.parse(rewritten)) == []


def test_the_smoke_run_mutates_a_decorated_function() -> None:
    # tools/mutation --smoke mutates _status.py and fails unless a mutant of the
    # decorated reason_phrase is killed: the module must keep one.
    found = undecorate.decorated(
        ast.parse((ROOT / "nextresp" / "_status.py").read_text())
    )
    assert [name for name, _ in found] == ["reason_phrase"]
