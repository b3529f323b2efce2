"""JSON numbers: one spelling of every float whichever encoder runs, and no NaN,
infinity or overflowing number accepted into ``req.body``.

Python and JavaScript write the same float values with the same shortest digits; they
differ only in spelling (``1.0`` and ``1``), which docs/design-choices.md explains.
``NEXTRESP_HYPOTHESIS_EXAMPLES`` raises the count of the property below.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nextresp import ApiRequest, ApiResponse, _json, api_handler

from .support import Call

EXAMPLES = int(os.environ.get("NEXTRESP_HYPOTHESIS_EXAMPLES", "300"))


@pytest.fixture(params=["orjson", "standard"])
def dumps(request: pytest.FixtureRequest) -> Iterator[Callable[[object], bytes]]:
    """``_json.dumps`` with orjson, then with the standard encoder alone."""
    if request.param == "orjson":
        pytest.importorskip("orjson")
        yield _json.dumps
        assert _json.fast_dumps is not None  # orjson did the encoding
    else:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_json, "fast_dumps", None)
            yield _json.dumps


SPELLINGS = [
    ({"a": 1.0, "b": -0.0, "c": 1e16}, b'{"a":1.0,"b":-0.0,"c":1e+16}'),
    (0.1, b"0.1"),
    (1 / 3, b"0.3333333333333333"),
    (0.0001, b"0.0001"),
    (0.00001, b"0.00001"),
    (-1.5e-5, b"-0.000015"),
    (9.5e-6, b"9.5e-6"),
    (1e-7, b"1e-7"),
    (-1.25e-9, b"-1.25e-9"),
    (1e-10, b"1e-10"),
    (5e-324, b"5e-324"),
    (1e15, b"1000000000000000.0"),
    (123456789012345680.0, b"1.2345678901234568e+17"),
    (1e21, b"1e+21"),
    (1.7976931348623157e308, b"1.7976931348623157e+308"),
    ([2**53, 1e16], b"[9007199254740992,1e+16]"),
]


@pytest.mark.parametrize(
    ("value", "body"), SPELLINGS, ids=[body.decode() for _, body in SPELLINGS]
)
def test_a_float_is_spelled_the_same_by_both_encoders(
    dumps: Callable[[object], bytes], value: object, body: bytes
) -> None:
    assert dumps(value) == body


def test_a_number_inside_a_string_is_left_as_it_is(
    dumps: Callable[[object], bytes],
) -> None:
    value = {"1e-05": ['"1.5e-07"', "x\\", 1e-05]}
    assert dumps(value) == b'{"1e-05":["\\"1.5e-07\\"","x\\\\",0.00001]}'


def test_the_standard_encoder_spells_floats_so_even_beside_what_orjson_refuses() -> (
    None
):
    # orjson refuses an int beyond 64 bits: the standard encoder takes the whole value.
    assert _json.dumps([2**70, 1e-7, 1.0]) == b"[1180591620717411303424,1e-7,1.0]"


finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(finite_floats, max_size=8))
def test_both_encoders_give_the_same_bytes_for_every_float(values: list[float]) -> None:
    pytest.importorskip("orjson")
    with_orjson = _json.dumps(values)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_json, "fast_dumps", None)
        standard = _json.dumps(values)
    assert with_orjson == standard
    read_back = json.loads(standard)
    assert [math.copysign(1, x) for x in read_back] == [
        math.copysign(1, x) for x in values
    ]
    assert read_back == values


def test_an_orjson_that_spells_floats_otherwise_is_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("orjson")
    monkeypatch.setattr(_json, "FLOAT_PROBE_JSON", b"[1e16]")  # orjson 3.11.6's way
    assert _json.orjson_dumps() is None


# -- what req.body accepts -----------------------------------------------------------


@api_handler
def echo(req: ApiRequest, res: ApiResponse) -> None:
    res.json(req.body)


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": NaN}',
        b'{"a": Infinity}',
        b'{"a": -Infinity}',
        b"[1e999]",
        b"[-1e400]",
        b"1" + b"0" * 400 + b".0",
    ],
    ids=["NaN", "Infinity", "-Infinity", "1e999", "-1e400", "400-digits.0"],
)
def test_a_number_json_has_no_value_for_is_invalid_json(
    call: Call, body: bytes
) -> None:
    r = call(echo, "POST", "/", data=body, content_type="application/json")
    assert r.status_code == 400
    assert json.loads(r.data)["detail"] == "Invalid JSON"


@pytest.mark.parametrize(
    ("body", "echoed"),
    [
        (b"[1e308, -0.0, 5e-324]", b"[1e+308,-0.0,5e-324]"),
        (b"[1e-999]", b"[0.0]"),
        (b'{"NaN": "Infinity"}', b'{"NaN":"Infinity"}'),
    ],
    ids=["largest", "underflow", "as-strings"],
)
def test_numbers_within_range_are_accepted_and_echoed(
    call: Call, body: bytes, echoed: bytes
) -> None:
    r = call(echo, "POST", "/", data=body, content_type="application/json")
    assert (r.status_code, r.data) == (200, echoed)
