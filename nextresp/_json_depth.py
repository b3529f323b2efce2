"""One nesting limit for every JSON body, whichever parser reads it.

Parsers recurse, and how deep they go before giving up depends on the Python
version (3.13 and newer parse far deeper than 3.11) and on the library. The limit
here is the same everywhere, and no API needs more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: JSON bodies nested deeper are refused.
MAX_JSON_DEPTH = 512

_CONTAINERS = frozenset({dict, list})


def nests_too_deeply(data: bytes, value: object) -> bool:
    """Tell whether ``value``, parsed from the JSON ``data``, nests past the limit.

    PERF: a walk of the value costs a third of its parse, so it is the last
    resort. A body of 1024 bytes or fewer cannot hold 513 pairs of brackets; a
    value orjson can write nests less deeply than orjson writes (about 255
    levels), and writing it costs a fifth of the walk; only a body with more
    opening brackets than the limit is walked.
    """
    if len(data) <= 2 * MAX_JSON_DEPTH:
        return False
    write = shallow_writer
    if write is not None:
        try:
            write(value)
        except TypeError:  # too deep for orjson, or a value it cannot write
            pass
        else:
            return False
    return may_nest_too_deeply(data) and nested_deeper(value)


def _first_shallow_writer(value: object) -> object:
    """Load orjson's writer on the first body, when it refuses a value nested past
    the limit (every release does), then write with it, or keep walking."""
    global shallow_writer
    shallow_writer = None
    try:
        import orjson
    except ImportError:
        raise TypeError("orjson is not installed") from None
    deep: list[Any] = []
    for _ in range(MAX_JSON_DEPTH):
        deep = [deep]
    try:
        orjson.dumps(deep)
    except TypeError:  # orjson.JSONEncodeError: "Recursion limit reached"
        shallow_writer = orjson.dumps
        return orjson.dumps(value)
    raise TypeError("this orjson writes past the limit: no proof of depth")


#: orjson's writer, which refuses values nested past the limit; None without the
#: optional extra; until the first body, the function that loads it.
shallow_writer: Callable[[object], object] | None = _first_shallow_writer


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
