"""Numbers beyond a float: JSON has no NaN or Infinity, and 1e999 is no number a
float can hold. Found in raw bytes, in parsed values, and refused inside pydantic's
one pass by a copy of a model's schema; proved absent from a value before orjson's
output, which writes them as ``null``, is sent."""

from __future__ import annotations

import json
import marshal
import math
from typing import Any

NOT_FINITE = "JSON numbers must be finite: NaN, Infinity and 1e999 are refused"


class _NonFinite(Exception):
    pass


def _refuse(_: str) -> float:
    raise _NonFinite


def _finite(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise _NonFinite
    return number


def holds_non_finite(data: bytes) -> bool:
    """Tell whether ``data`` holds NaN, Infinity or 1e999 outside its strings."""
    try:
        json.loads(data, parse_constant=_refuse, parse_float=_finite)
    except _NonFinite:
        return True
    except (ValueError, RecursionError):  # malformed: the adapter says so
        return False
    return False


def all_finite(value: Any) -> bool:
    """Tell whether every float in ``value`` (parsed JSON) is finite."""
    pending = [value]
    while pending:
        item = pending.pop()
        if type(item) is float:
            if not math.isfinite(item):
                return False
        elif type(item) is list:
            pending.extend(item)
        elif type(item) is dict:
            pending.extend(item.values())
    return True


#: marshal's type bytes of a float: ``g``, and ``g`` marked as referenced again.
_FLOAT_TYPE_BYTES = (0x67, 0xE7)


def marshal_proves_finite(value: Any) -> bool:
    """Tell whether ``value``, made of built-in types only, surely holds no NaN or
    infinity; False when unsure (a type marshal refuses, or bytes that look like one).

    PERF: marshal writes a value in C, in a third of the time of a walk in Python,
    and each float as a type byte and its 8 IEEE bytes, least significant first. A
    float is NaN or infinite when its 11 exponent bits are all set, so its last byte
    is 0x7F or 0xFF and the one before it 0xF0 or more. Those bytes are rare
    elsewhere; each is looked at, up to a budget past which the answer is unsure.
    """
    try:
        data = marshal.dumps(value, 4)
    except ValueError:  # a type marshal does not write, or nested past its limit
        return False
    budget = len(data) // 64 + 16
    for last in (0x7F, 0xFF):
        at = data.find(last, 8)
        while at != -1:
            budget -= 1
            if budget < 0:
                return False
            if data[at - 1] >= 0xF0 and data[at - 8] in _FLOAT_TYPE_BYTES:
                return False
            at = data.find(last, at + 1)
    return True


def finite_validator(core: Any) -> Any:
    """Return a validator of pydantic's ``core`` schema that refuses what is not finite.

    Strategy: pydantic reads 1e999 as infinity, and keeps it in a ``float``, an
    ``Any``, a ``dict[str, Any]`` or an extra field. A copy of the schema whose
    floats refuse infinities and whose untyped places check their values lets the
    one pass from the bytes refuse them (``finite_number``, answered 400), at no
    cost to a body that holds none.
    """
    from pydantic_core import PydanticCustomError, SchemaValidator, core_schema

    def finite(value: Any) -> Any:
        if not all_finite(value):
            raise PydanticCustomError("finite_number", NOT_FINITE)
        return value

    checked = core_schema.no_info_after_validator_function(
        finite, core_schema.any_schema()
    )

    def copy(node: Any, extra: object = None) -> Any:
        if isinstance(node, list):
            return [copy(item) for item in node]
        if not isinstance(node, dict):
            return node
        kind = node.get("type")
        if kind == "any":
            return checked
        cls = node.get("cls")
        if isinstance(cls, type) and cls.__dict__.get("__pydantic_complete__"):
            classes.add(cls)
        # A model's config says whether its fields schema keeps extra fields.
        config = node.get("config")
        inner = (
            config.get("extra_fields_behavior") if isinstance(config, dict) else None
        )
        node = {
            key: copy(item, inner if key == "schema" else None)
            for key, item in node.items()
        }
        if kind in ("float", "decimal"):
            node["allow_inf_nan"] = False
        elif (
            kind in ("model-fields", "typed-dict")
            and node.get("extra_behavior", extra or inner) == "allow"
            and "extras_schema" not in node
        ):
            node["extras_schema"] = checked
        return node

    classes: set[type] = set()
    schema = copy(core)
    # pydantic-core reuses the validator a complete model class already has in
    # place of the schema given for it: each is marked incomplete while the copy
    # is built, once, when the handler is decorated.
    try:
        for cls in classes:
            cls.__pydantic_complete__ = False  # type: ignore[attr-defined]
        return SchemaValidator(schema)
    finally:
        for cls in classes:
            cls.__pydantic_complete__ = True  # type: ignore[attr-defined]
