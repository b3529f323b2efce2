"""Rewrite decorated functions so that mutmut mutates them too.

mutmut 3 leaves out every function with a decorator (other than a lone
``staticmethod`` or ``classmethod``): the decorator runs when the function is
defined, and a ``property`` would wrap mutmut's own dispatch. This rewrites, in the
copy of the sources that ``tools/mutation`` hands to mutmut, each such function of a
module or a class from

    @cached_property
    def body(self): ...

to the same function, undecorated under a name of its own, and the decorator applied
by an assignment after it:

    def body__decorated_1(self): ...
    body = cached_property(body__decorated_1)

which Python evaluates to the same object, except that the decorator expressions run
after the ``def`` rather than before it (none of ours has a side effect). ``overload``
stubs are left as they are: they have no body to mutate.

    python tools/undecorate.py FILE...      rewrite the files in place
    python tools/undecorate.py --list FILE...   print what would be rewritten
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SUFFIX = "__decorated_"
KEPT = {"staticmethod", "classmethod"}  # mutmut mutates these itself


def decorated(tree: ast.Module) -> list[tuple[str, ast.FunctionDef]]:
    """Return each function of the module or of one of its classes that mutmut
    would leave out, with its qualified name, in source order."""
    found: list[tuple[str, ast.FunctionDef]] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and not prefix:
                visit(node.body, f"{node.name}.")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [ast.unparse(d) for d in node.decorator_list]
                if not names or (len(names) == 1 and names[0] in KEPT):
                    continue
                if any(name.split(".")[-1] == "overload" for name in names):
                    continue
                found.append((prefix + node.name, node))  # type: ignore[arg-type]

    visit(tree.body, "")
    return found


def rewrite(source: str) -> str:
    """Return ``source`` with every decorated function undecorated, as above."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    counts: dict[str, int] = {}
    edits = []
    for qualified, node in decorated(tree):
        counts[qualified] = counts.get(qualified, 0) + 1
        edits.append((node, f"{node.name}{SUFFIX}{counts[qualified]}"))
    # From the bottom up, so that the line numbers of the edits still to make hold.
    for node, new_name in reversed(edits):
        indent = " " * node.col_offset
        applied = new_name
        for decorator in reversed(node.decorator_list):
            applied = f"{ast.get_source_segment(source, decorator)}({applied})"
        end = node.end_lineno
        assert end is not None
        lines.insert(end, f"{indent}{node.name} = {applied}\n")
        def_line = node.lineno - 1
        keyword = "async def " if isinstance(node, ast.AsyncFunctionDef) else "def "
        old = f"{keyword}{node.name}("
        assert old in lines[def_line], (node.name, lines[def_line])
        lines[def_line] = lines[def_line].replace(old, f"{keyword}{new_name}(", 1)
        first = node.decorator_list[0].lineno - 1
        del lines[first:def_line]
    return "".join(lines)


def main(argv: list[str]) -> int:
    listing = argv[:1] == ["--list"]
    for name in argv[1:] if listing else argv:
        path = Path(name)
        source = path.read_text()
        if listing:
            module = ".".join(path.with_suffix("").parts)
            for qualified, _ in decorated(ast.parse(source)):
                print(f"{module}.{qualified}")
            continue
        new = rewrite(source)
        if new != source:
            compile(new, name, "exec")  # never hand mutmut a broken file
            path.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
