"""JSON encoding that never puts invalid JSON on the wire."""

from __future__ import annotations

import json
from collections.abc import Callable

JsonDumps = Callable[[object], bytes | str]

_encoder = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), check_circular=True
)


def dumps(obj: object) -> bytes:
    """Encode ``obj`` as compact UTF-8 JSON; NaN and infinities are refused."""
    return _encoder.encode(obj).encode()


def encode(json_dumps: JsonDumps, obj: object, caller: str) -> bytes:
    """Run ``json_dumps`` on ``obj``, turning its failures into errors one can act on.

    Strategy: encoders word their errors for their own authors ("Out of range float
    values are not JSON compliant"); we keep their text, which names the offending type
    or value, and say which call failed and what to do about it.
    """
    try:
        body = json_dumps(obj)
    except RecursionError:
        raise ValueError(
            f"{caller} cannot encode the value: it is nested too deeply for JSON"
        ) from None
    except ValueError as exc:
        raise ValueError(
            f"{caller} cannot encode the value as valid JSON: {exc}; replace NaN"
            " and infinities (for example with None) and break circular references"
        ) from exc
    except TypeError as exc:
        raise TypeError(
            f"{caller} cannot encode the value as JSON: {exc}; convert it to dict,"
            " list, str, int, float, bool or None first"
        ) from exc
    return body.encode() if isinstance(body, str) else body
