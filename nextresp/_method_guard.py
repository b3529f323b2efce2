"""The method guard: which methods a handler answers, and the answer to the others.

As Next.js's App Router and RFC 9110 do: HEAD goes wherever GET goes, OPTIONS is
answered ``204`` with ``Allow``, and any other method not listed is ``405`` with
``Allow``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._errors import ApiError
from ._request import ApiRequest
from ._response import ApiResponse

# RFC 9110, section 9.1: a method is a token.
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def check_methods(methods: Iterable[str]) -> tuple[str, ...]:
    """Return ``methods`` upper-cased, without repeats, or raise naming the bad one."""
    if isinstance(methods, str) or not isinstance(methods, Iterable):
        raise TypeError(
            f"api_handler option methods must be a list of method names such as"
            f' ["GET", "PUT"], not {methods!r}'
        )
    checked: list[str] = []
    for method in methods:
        if not (isinstance(method, str) and _METHOD.fullmatch(method)):
            raise ValueError(
                f"api_handler option methods holds {method!r}, which is not an"
                " HTTP method name"
            )
        if method.upper() not in checked:
            checked.append(method.upper())
    if not checked:
        raise ValueError("api_handler option methods must name at least one method")
    return tuple(checked)


def admitted(methods: tuple[str, ...]) -> frozenset[str]:
    """Return the methods that reach the handler: ``methods``, and HEAD with GET."""
    implied = {"HEAD"} if "GET" in methods else set()
    return frozenset(methods) | implied


def answer_options(res: ApiResponse, allow: Iterable[str]) -> None:
    """Answer OPTIONS as RFC 9110 suggests: ``204`` with what ``Allow`` lists."""
    res.status(204).set_header("Allow", ", ".join(allow)).end()


def refuse_method(req: ApiRequest, res: ApiResponse, allow: Iterable[str]) -> None:
    """Answer a method the handler does not take: OPTIONS 204, anything else 405."""
    if req.method == "OPTIONS":
        answer_options(res, allow)
        return
    raise ApiError(
        405,
        f"Method {req.method} Not Allowed",
        headers={"Allow": ", ".join(allow)},
    )
