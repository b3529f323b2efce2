"""JSON encoding that never puts invalid JSON on the wire."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

JsonDumps = Callable[[object], bytes | str]

_encoder = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), check_circular=True
)

#: orjson's encoder when the optional extra is installed, else None.
fast_dumps: Callable[[object], bytes] | None
try:
    import orjson
except ImportError:
    fast_dumps = None
else:
    # Types the standard encoder refuses are refused with orjson too (they reach the
    # standard encoder, which says why), so installing orjson changes speed only.
    _ORJSON_STRICT = (
        orjson.OPT_PASSTHROUGH_DATACLASS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_SUBCLASS
    )

    fast_dumps = functools.partial(orjson.dumps, option=_ORJSON_STRICT)


def dumps(obj: object) -> bytes:
    """Encode ``obj`` as compact UTF-8 JSON; NaN and infinities are refused.

    PERF: orjson, when installed, encodes several times faster. It writes NaN and
    infinities as ``null`` and refuses what it does not know, so any output holding
    ``null``, and anything it refuses, goes through the standard encoder, which
    decides and words the error.
    """
    if fast_dumps is not None:
        try:
            body = fast_dumps(obj)
        except TypeError:
            pass
        else:
            if b"null" not in body:
                return body
    return _encoder.encode(obj).encode()


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
    return body.encode() if isinstance(body, str) else body
