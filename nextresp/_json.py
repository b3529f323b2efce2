"""JSON encoding that never puts invalid JSON on the wire."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any, TypeAlias

from werkzeug.datastructures import MultiDict

from ._finite_numbers import marshal_proves_finite

JsonDumps = Callable[[object], bytes | str]
#: A value ``res.json`` sends: mypy refuses a set, a model or an object as one.
#: Mapping and Sequence rather than dict and list, which are invariant: a
#: ``list[dict[str, str]]`` is a JSON value too. A mapping's values are
#: ``object``, as a ``TypedDict`` is a ``Mapping[str, object]`` and no narrower:
#: the encoder refuses what is not JSON in one, at the call.
JsonValue: TypeAlias = (
    Mapping[str, object] | Sequence["JsonValue"] | str | int | float | None
)

_encoder = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), check_circular=True
)


#: orjson's ``dumps(obj, default, option)``, the arguments as it takes them.
OrjsonDumps = Callable[[object, Callable[[object], object], int], bytes]


def _strict_default(value: object) -> object:
    """orjson's ``default``: a ``MultiDict`` takes its query shape, the rest fails."""
    if isinstance(value, MultiDict):
        return query_shape(value)
    raise TypeError  # the standard encoder words the refusal


def _load_orjson() -> tuple[OrjsonDumps, int] | None:
    """Return orjson's ``dumps`` and the options that make it as strict as the
    standard encoder, or None without orjson (or with one that spells floats
    otherwise: before 3.11.7).

    Types the standard encoder refuses are refused with orjson too (they reach the
    standard encoder, which says why), so installing orjson changes speed only.
    """
    try:
        import orjson
    except ImportError:
        return None
    if orjson.dumps(FLOAT_PROBE) != FLOAT_PROBE_JSON:
        return None
    strict = (
        orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_SUBCLASS
    )
    return orjson.dumps, strict


def orjson_dumps() -> Callable[[object], bytes] | None:
    """Return orjson's encoder, as strict as the standard one, or None without it."""
    loaded = _load_orjson()
    if loaded is None:
        return None
    encode, strict = loaded

    def strict_dumps(obj: object) -> bytes:
        return encode(obj, _strict_default, strict)

    return strict_dumps


#: Floats whose spelling differs between encoders, and how nextresp writes them.
FLOAT_PROBE = [1e16, 1.5e-05, 1e-07, 1.25e-10, 0.0001, -0.0, 1.0, 1e300]
FLOAT_PROBE_JSON = b"[1e+16,0.000015,1e-7,1.25e-10,0.0001,-0.0,1.0,1e+300]"


def _first_fast_dumps(
    obj: object, default: Callable[[object], object], _: int
) -> bytes:
    """Load orjson on the first encoding, then encode with it.

    PERF: orjson and what it imports cost milliseconds at start-up, which a
    process that never sends JSON need not pay.
    """
    global fast_dumps, _strict_options
    loaded = _load_orjson()
    if loaded is None:
        fast_dumps = None
        raise TypeError  # the standard encoder takes over, now and from now on
    fast_dumps, _strict_options = loaded
    return fast_dumps(obj, default, _strict_options)


#: orjson's ``dumps`` once loaded, None without the optional extra; until the first
#: encoding, the function that loads it. PERF: called with its arguments in place,
#: not through a ``functools.partial``, whose keywords cost more than the encoding
#: of a small body.
fast_dumps: OrjsonDumps | None = _first_fast_dumps
#: The options given to ``fast_dumps``: set when orjson is loaded.
_strict_options = 0


def dumps(obj: object) -> bytes:
    """Encode ``obj`` as compact UTF-8 JSON; NaN and infinities are refused.

    A werkzeug ``MultiDict`` (``req.query``, ``req.form``) takes the shape Next.js
    gives ``req.query``; a lone surrogate in a string is escaped (``"\\ud800"``), as
    JavaScript's ``JSON.stringify`` does, so any text ``req.body`` accepted can be
    echoed.

    PERF: orjson, when installed, encodes several times faster. It refuses what it
    does not know, which then goes through the standard encoder, which decides and
    words the error. It writes NaN and infinities as ``null``: output holding
    ``null`` is sent only once a look through ``obj`` found no such float (it costs
    a tenth of a second encoding); otherwise the standard encoder refuses them.
    """
    if fast_dumps is not None:
        try:
            body = fast_dumps(obj, _strict_default, _strict_options)
        except TypeError:
            pass
        else:
            # PERF: find() rather than ``in``, which costs twice as much on bytes.
            if body.find(b"null") == -1 or _all_floats_finite(obj):
                return body
    with contextlib.suppress(RecursionError):  # circular or too deep: the
        obj = _plain(obj)  # encoder below words the error
    text = _encoder.encode(obj)
    if "e-0" in text:  # maybe a float from 1e-9 to 1e-4: see _spell_small
        text = _STRING_OR_SMALL_FLOAT.sub(_spell_small, text)
    return utf8(text)


# A JSON string (left as it is), or a float as Python writes those from 1e-9 to 1e-4
# (``1.5e-05``): the only floats Python and orjson spell differently.
_STRING_OR_SMALL_FLOAT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?\d(?:\.\d+)?)e-0(\d)')


def _spell_small(match: re.Match[str]) -> str:
    """Spell a float found by ``_STRING_OR_SMALL_FLOAT`` as orjson does.

    Strategy: one spelling whichever encoder runs, so that installing orjson changes
    speed only. orjson's is kept, since its output cannot be rewritten cheaply:
    Python's ``repr`` less the zero it pads a one-digit exponent with (``1e-7``, not
    ``1e-07``), and fixed notation from 1e-5 on (``0.000015``, not ``1.5e-05``).
    """
    mantissa, exponent = match.group(1, 2)
    if mantissa is None:
        return match.group()
    if exponent == "5":
        sign, digits = ("-", mantissa[1:]) if mantissa[0] == "-" else ("", mantissa)
        return f"{sign}0.0000{digits.replace('.', '')}"
    return f"{mantissa}e-{exponent}"


def utf8(text: str) -> bytes:
    """Encode JSON text as UTF-8, escaping lone surrogates as JSON escapes.

    UTF-8 cannot carry a lone surrogate, and a surrogate can only stand inside a JSON
    string, where ``backslashreplace`` writes exactly JSON's ``\\udXXX`` escape.
    """
    return text.encode("utf-8", "backslashreplace")


def query_shape(multi: MultiDict[Any, Any]) -> dict[Any, Any]:
    """Return ``multi`` as Next.js shapes ``req.query``: a key with one value maps to
    the value, a key with several to the list of them, in key order."""
    return {
        key: values[0] if len(values) == 1 else values for key, values in multi.lists()
    }


def encode(json_dumps: JsonDumps, obj: object, helper: str) -> bytes:
    """Run ``json_dumps`` on ``obj``, turning its failures into errors one can act on.

    Strategy: encoders word their errors for their own authors ("Out of range float
    values are not JSON compliant"); we keep their text, which names the offending type
    or value, and say which call failed and what to do about it.
    """
    try:
        body = json_dumps(obj)
    except RecursionError:
        raise ValueError(
            f"{helper}() cannot encode the value: it is nested too deeply for JSON"
        ) from None
    except ValueError as exc:
        raise ValueError(
            f"{helper}() cannot encode the value as valid JSON: {exc}; replace NaN"
            " and infinities (for example with None) and break circular references"
        ) from exc
    except TypeError as exc:
        raise TypeError(
            f"{helper}() cannot encode the value as JSON: {exc}; convert it to dict,"
            " list, str, int, float, bool or None first"
        ) from exc
    return utf8(body) if isinstance(body, str) else body


def _all_floats_finite(obj: object) -> bool:
    """Tell whether no float in ``obj``, a value orjson encoded, is NaN or infinite.

    orjson encodes an ``Enum`` member as its value, so the walk looks inside those.
    """
    if marshal_proves_finite(obj):
        return True
    stack: list[Any] = [(obj,)]
    while stack:
        node = stack.pop()
        for value in node.values() if type(node) is dict else node:
            kind = type(value)
            if kind in _LEAVES:  # the most common values: one look-up for them
                continue
            if kind is float:
                if value - value != 0.0:  # NaN and infinities give NaN
                    return False
            elif kind in _CONTAINERS:
                stack.append(value)
            elif isinstance(value, MultiDict):
                stack.append(query_shape(value))
            elif isinstance(value, Enum):
                stack.append((value.value,))
    return True


_CONTAINERS = frozenset({dict, list, tuple})
_LEAVES = frozenset({str, int, bool, type(None)})


def _plain(obj: object) -> object:
    """Return ``obj`` with every ``MultiDict`` in it shaped by :func:`query_shape`.

    The standard encoder writes a ``MultiDict`` as a dict of its first values; the
    containers on the way to one are copied, all others are returned as they are.
    """
    if isinstance(obj, MultiDict):
        obj = query_shape(obj)
    if isinstance(obj, dict):
        copied: dict[Any, Any] | None = None
        for key, value in obj.items():
            if type(value) not in _SCALARS and (new := _plain(value)) is not value:
                if copied is None:
                    copied = dict(obj)
                copied[key] = new
        return obj if copied is None else copied
    if isinstance(obj, list | tuple):
        items: list[Any] | None = None
        for index, value in enumerate(obj):
            if type(value) not in _SCALARS and (new := _plain(value)) is not value:
                if items is None:
                    items = list(obj)
                items[index] = new
        return obj if items is None else items
    return obj


_SCALARS = frozenset({str, int, float, bool, type(None)})
