"""Reading a JSON body: orjson where it gives exactly what the standard parser gives.

``req.body`` answers NaN, infinities and numbers beyond a float with 400, and keeps
integers of any size; the standard parser, told so, does both. orjson parses two to
three times faster and refuses NaN, infinities and overflowing floats itself, but reads
an integer beyond 64 bits as a float, and refuses what the standard parser accepts
(lone surrogates, other Unicode encodings, deeper nesting). So orjson reads a body only
when it holds no run of 19 digits (every integer of 18 digits or fewer fits in 64
bits), and whatever orjson refuses goes to the standard parser, which decides and
words the error. Installing orjson changes speed only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

#: 19 digits in a row once every digit is 0: an integer orjson might read as a float.
_LONG_RUN = b"0" * 19
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


def refuse_constant(name: str) -> object:
    """Refuse ``NaN``, ``Infinity`` and ``-Infinity``, which Python's parser accepts
    and RFC 8259 does not: such a value could not even be echoed back as JSON."""
    raise ValueError(f"{name} is not a JSON value")


def finite_float(text: str) -> float:
    """Parse a JSON number with a fraction or exponent, refusing one beyond the
    largest float (``1e999``), which would otherwise become an infinity.

    PERF: the parser calls it for numbers with a fraction or exponent only; it
    costs a tenth of the parse of a body full of them (integers are not affected).
    """
    value = float(text)
    if value - value != 0.0:  # infinities give NaN
        raise ValueError(f"{text} is beyond the range of a float")
    return value


def standard_loads(data: bytes) -> Any:
    """Parse ``data`` with the standard parser, refusing what RFC 8259 has no value
    for; raise ``ValueError`` (or ``RecursionError``) for a body it refuses."""
    return json.loads(data, parse_constant=refuse_constant, parse_float=finite_float)


def loads(data: bytes) -> Any:
    """Parse ``data`` as `standard_loads` does, through orjson when it is installed.

    PERF: orjson parses a 100 KB body in less than half the time; the digit check
    costs a sixth of what it saves.
    """
    fast = fast_loads
    if fast is not None and _LONG_RUN not in data.translate(_DIGITS_AS_ZERO):
        try:
            return fast(data)
        except ValueError:  # orjson.JSONDecodeError: the standard parser decides
            pass
    return standard_loads(data)


def _first_fast_loads(data: bytes) -> Any:
    """Load orjson on the first body, then parse with it (or without, from now on)."""
    global fast_loads
    try:
        import orjson
    except ImportError:
        fast_loads = None
        raise ValueError("orjson is not installed") from None  # the standard parser
    fast_loads = orjson.loads
    return fast_loads(data)


#: orjson's parser once loaded, None without the optional extra; until the first
#: body, the function that loads it.
fast_loads: Callable[[bytes], Any] | None = _first_fast_loads
