"""``req.body``'s JSON parser gives exactly what the standard parser gives.

orjson reads a body when it is installed (a ``# PERF:`` path); the standard parser,
told to refuse NaN, infinities and numbers beyond a float, is the reference. Values
are compared by ``repr``, which tells ``1`` from ``1.0``, ``-0.0`` from ``0.0`` and
shows the order of keys.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nextresp import _json_read
from nextresp._json_read import loads, standard_loads


def outcome(parse: Any, data: bytes) -> str:
    try:
        return repr(parse(data))
    except (ValueError, RecursionError) as exc:
        return f"refused: {type(exc).__name__}"


BODIES = [
    b'{"a": 1, "b": [1.5, -0.0, -0, 1e5, 1E2, 0.1e-999, 5e-324]}',
    b'{"a": 1, "a": 2}',
    b"18446744073709551615",
    b"18446744073709551616",
    b"-9223372036854775808",
    b"-9223372036854775809",
    b"9999999999999999999",
    b"1" + b"0" * 400,
    b'{"id": "12345678901234567890", "n": 3}',
    b"1.7976931348623157e308",
    b"1.8e308",
    b"[1e999]",
    b"-1e999",
    b"NaN",
    b"[Infinity]",
    b"-Infinity",
    b'"\\ud800"',
    b'"\\ud83d\\ude00 caf\\u00e9"',
    '"café 😀"'.encode(),
    b"\xef\xbb\xbf{}",
    '{"a": 1}'.encode("utf-16"),
    b'"\xff"',
    b'"\xed\xa0\x80"',
    b"[" * 600 + b"]" * 600,
    b"[1,]",
    b"{} x",
    b' \t\n\r{"a" : [ ] }\r\n',
    b'"a\x01b"',
    b"",
]


@pytest.mark.parametrize("data", BODIES, ids=[repr(b)[:40] for b in BODIES])
def test_every_body_parses_as_the_standard_parser_parses_it(data: bytes) -> None:
    assert outcome(loads, data) == outcome(standard_loads, data)


def test_orjson_is_the_parser_once_a_body_was_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_json_read, "fast_loads", _json_read._first_fast_loads)
    assert loads(b'{"a": [1, 2.5]}') == {"a": [1, 2.5]}
    assert _json_read.fast_loads is orjson.loads


def test_without_orjson_installed_the_first_body_settles_on_the_standard_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_json_read, "fast_loads", _json_read._first_fast_loads)
    monkeypatch.setitem(sys.modules, "orjson", None)  # import orjson fails
    assert loads(b'{"a": [1, 2.5]}') == {"a": [1, 2.5]}
    assert _json_read.fast_loads is None
    assert loads(b"[3]") == [3]


def test_without_orjson_the_standard_parser_reads_every_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_json_read, "fast_loads", None)
    assert repr(loads(b'{"a": [1, 2.5]}')) == "{'a': [1, 2.5]}"
    with pytest.raises(ValueError, match=r"^NaN is not a JSON value$"):
        loads(b"NaN")


def test_a_number_beyond_a_float_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match=r"^-1e999 is beyond the range of a float$"):
        standard_loads(b'{"a": [-1e999]}')


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_any_json_value_parses_as_the_standard_parser_parses_it(value: Any) -> None:
    data = json.dumps(value).encode()
    assert outcome(loads, data) == outcome(standard_loads, data)


@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(["e", "E"]))
def test_floats_written_any_way_parse_alike(number: float, mark: str) -> None:
    mantissa, _, exponent = f"{number:.17e}".partition("e")
    data = f"{mantissa}{mark}{int(exponent)}".encode()
    assert outcome(loads, data) == outcome(standard_loads, data)
