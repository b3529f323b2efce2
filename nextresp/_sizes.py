"""Sizes written as Next.js writes them (``"1mb"``, ``"500kb"``), read as bytes."""

from __future__ import annotations

import math
import re
from fractions import Fraction

# The forms of the `bytes` package, which Next.js reads `sizeLimit` with: a number, an
# optional run of spaces, a unit of any case; 1024-based.
_SIZE = re.compile(r"(\d+(?:\.\d+)?) *(b|kb|mb|gb|tb|pb)?", re.IGNORECASE | re.ASCII)
_FACTORS = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30}
_FACTORS |= {"tb": 1 << 40, "pb": 1 << 50}


def parse_size(text: str) -> int | None:
    """Return the number of bytes ``text`` names (``"1mb"`` is 1,048,576), or None.

    A fraction of a unit is rounded down, as the ``bytes`` package does
    (``"1.5kb"`` is 1536); a number without a unit counts bytes, and must be whole.
    What the ``bytes`` package reads only by accident (``"1e3"``, ``" 1mb"``,
    ``"-1kb"``, ``"10 bytes"``) gives None.
    """
    match = _SIZE.fullmatch(text)
    if match is None:
        return None
    number, unit = match.groups()
    if unit is None and "." in number:
        return None
    return math.floor(Fraction(number) * _FACTORS[(unit or "b").lower()])
