"""One nesting limit for every JSON body, whichever parser reads it.

Parsers recurse, and how deep they go before giving up depends on the Python
version (3.13 and newer parse far deeper than 3.11) and on the library. The limit
here is the same everywhere, and no API needs more.
"""

from __future__ import annotations

from typing import Any

#: JSON bodies nested deeper are refused.
MAX_JSON_DEPTH = 512

_CONTAINERS = frozenset({dict, list})


def may_nest_too_deeply(data: bytes) -> bool:
    """Tell whether ``data`` holds enough brackets to nest past the limit.

    A cheap filter run before ``nested_deeper``: only a body with more opening
    brackets than the limit can be nested past it.
    """
    return data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH


def nested_deeper(value: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """Tell whether ``value``, plain dicts and lists from a JSON parser, nests more
    than ``limit`` levels.

    PERF: one level at a time, each in one comprehension: a fraction of the time of a
    walk node by node (with a stack of its own or Python's), which made the check cost
    more than the parse. Parsers make plain dicts and lists only, so their exact
    types are checked. A test pins the answers against the recursive definition.
    """
    level: list[Any] = [value] if type(value) in _CONTAINERS else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) in _CONTAINERS
        ]
    return False
