"""No NaN or infinity reaches the wire as ``null``.

orjson writes NaN and infinities as ``null``, so output holding ``null`` is sent only
once the value is known to hold no such float: ``marshal_proves_finite`` answers
for values of built-in types from marshal's bytes, and a walk answers when it is
unsure. Here: every float it must find, the bytes that only look like one, and the
values it leaves to the walk.
"""

from __future__ import annotations

import enum
import math
import os
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from nextresp import _json
from nextresp._finite_numbers import marshal_proves_finite

EXAMPLES = int(os.environ.get("NEXTRESP_HYPOTHESIS_EXAMPLES", "300"))


def from_bits(bits: int) -> float:
    return struct.unpack("<d", bits.to_bytes(8, "little"))[0]  # type: ignore[no-any-return]


NON_FINITE = {
    "nan": math.nan,
    "minus-nan": -math.nan,
    "inf": math.inf,  # exponent bytes 0x7F 0xF0: the lowest of them
    "minus-inf": -math.inf,  # 0xFF 0xF0
    "nan-all-ones": from_bits(0xFFFF_FFFF_FFFF_FFFF),  # every byte 0xFF
    "nan-with-payload": from_bits(0x7FF0_0000_0000_0001),
}


def fresh(value: float) -> float:
    """An equal float that only its container refers to (marshal's plain type byte)."""
    return struct.unpack("<d", struct.pack("<d", value))[0]  # type: ignore[no-any-return]


@pytest.mark.parametrize("value", NON_FINITE.values(), ids=list(NON_FINITE))
def test_every_non_finite_float_is_found_wherever_it_stands(value: float) -> None:
    assert not marshal_proves_finite(value)
    assert not marshal_proves_finite([fresh(value)])
    assert not marshal_proves_finite([value, value])  # written once, then referred to
    assert not marshal_proves_finite({"a": [1, "x", (None, {"b": fresh(value)})]})
    assert not marshal_proves_finite([-1, -257, fresh(value), 2.5])


FINITE = {
    "empty": [],
    "floats": [0.0, -0.0, 1.5, 1e308, -1e308, 5e-324, math.ulp(0.0)],
    "largest": [from_bits(0x7FEF_FFFF_FFFF_FFFF), from_bits(0xFFEF_FFFF_FFFF_FFFF)],
    "records": [{"id": i, "score": i * 0.25, "note": None} for i in range(300)],
    "bytes-alike": [-1, -257, 0x7FF0, 255, 127, "\x7f\xff", True, False, None],
}


@pytest.mark.parametrize("value", FINITE.values(), ids=list(FINITE))
def test_values_with_finite_floats_only_are_proved_so(value: object) -> None:
    assert marshal_proves_finite(value)


class Reading(enum.Enum):
    MISSING = math.nan
    LIMITS = (("low", -math.inf), ("high", 1.0))
    PAIR = (1, math.nan)
    FINE = 2.5


class Level(float, enum.Enum):
    X = math.nan


def nested(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


UNSURE = {
    # marshal writes only built-in types: the walk answers for the others.
    "enum": Reading.FINE,
    "multidict": MultiDict([("a", 1.5)]),
    "str-subclass": [type("Name", (str,), {})("x")],
    "nested-past-marshals-limit": nested(3000),
    # Bytes that look like a non-finite float: "g", six bytes, then 0xF0 0x7F.
    "lookalike": b"g123456\xf0\x7f",
    # More bytes to look at than the budget allows.
    "over-budget": [-(256 * i + 1) for i in range(1, 200)],
}


@pytest.mark.parametrize("value", UNSURE.values(), ids=list(UNSURE))
def test_values_marshal_cannot_vouch_for_are_left_to_the_walk(value: object) -> None:
    assert not marshal_proves_finite(value)


def test_the_budget_grows_with_the_size_of_the_value() -> None:
    lookalikes = [-(256 * i + 1) for i in range(1, 200)]
    assert marshal_proves_finite([lookalikes, "padding" * 8000])


JSON_LIKE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats()
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


def floats_in(value: object) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [number for item in value for number in floats_in(item)]
    return []


@settings(max_examples=EXAMPLES, deadline=None)
@given(JSON_LIKE)
def test_only_values_holding_finite_floats_only_are_sent(value: object) -> None:
    finite = all(math.isfinite(number) for number in floats_in(value))
    if marshal_proves_finite(value):
        assert finite
    assert _json._all_floats_finite(value) is finite


@pytest.mark.parametrize(
    "value",
    [Reading.MISSING, {"r": Reading.LIMITS, "n": None}, [Reading.PAIR], [Level.X]],
    ids=["nan", "inf-in-nested-tuples", "nan-in-a-tuple", "float-enum"],
)
def test_an_enum_member_holding_nan_or_infinity_is_refused_not_sent_as_null(
    value: object,
) -> None:
    pytest.importorskip("orjson")
    with pytest.raises((TypeError, ValueError)):
        _json.dumps(value)


def test_an_enum_member_holding_finite_values_is_sent_as_its_value() -> None:
    pytest.importorskip("orjson")
    assert _json.dumps({"r": Reading.FINE, "n": None}) == b'{"r":2.5,"n":null}'
