"""Status codes: any ``int`` enum is its value, and refusals name the accepted range.

``status``, ``redirect`` and ``ApiError`` take an ``int`` or an ``IntEnum`` member
(``HTTPStatus`` or an app's own); ``bool`` is refused. A refused code is named as the
plain ``int`` it stands for.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum

import pytest

from nextresp import ApiError, ApiResponse


class Code(IntEnum):
    """An application's own status names, not ``HTTPStatus``."""

    CREATED = 201
    FOUND = 302
    NOT_MODIFIED = 304
    TEAPOT = 418
    CONTINUE = 100
    TOO_HIGH = 600


def test_status_takes_an_int_enum_member_as_its_value() -> None:
    res = ApiResponse.blank().status(Code.CREATED)
    assert (res.status_code, type(res.status_code)) == (201, int)
    assert res.status == "201 Created"


def test_redirect_takes_an_int_enum_member_as_its_value() -> None:
    res = ApiResponse.blank().redirect(Code.FOUND, "/next")
    assert (res.status_code, res.headers["Location"]) == (302, "/next")


def test_api_error_takes_an_int_enum_member_as_its_value() -> None:
    error = ApiError(Code.TEAPOT)
    assert (error.code, type(error.code), str(error)) == (418, int, "418: I'm a Teapot")


@pytest.mark.parametrize(
    ("attempt", "message"),
    [
        (
            lambda: ApiResponse.blank().status(Code.CONTINUE),
            "status must be an int from 200 to 599, not 100",
        ),
        (
            lambda: ApiResponse.blank().status(Code.TOO_HIGH),
            "status must be an int from 200 to 599, not 600",
        ),
        (
            lambda: ApiError(Code.CREATED),
            "ApiError status must be an int from 400 to 599, not 201",
        ),
        (
            lambda: ApiResponse.blank().redirect(Code.TEAPOT, "/x"),
            "redirect status must be an int from 300 to 308, not 418",
        ),
        (
            lambda: ApiResponse.blank().redirect(Code.NOT_MODIFIED, "/x"),
            "redirect status must be one of 300, 301, 302, 303, 307, 308, not 304",
        ),
    ],
    ids=["status-100", "status-600", "api-error-201", "redirect-418", "redirect-304"],
)
def test_an_int_enum_member_out_of_range_is_refused_by_value(
    attempt: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match="status must be") as info:
        attempt()
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (299, "redirect status must be an int from 300 to 308, not 299"),
        (309, "redirect status must be an int from 300 to 308, not 309"),
        (304, "redirect status must be one of 300, 301, 302, 303, 307, 308, not 304"),
        (305, "redirect status must be one of 300, 301, 302, 303, 307, 308, not 305"),
        (306, "redirect status must be one of 300, 301, 302, 303, 307, 308, not 306"),
    ],
    ids=str,
)
def test_redirect_refuses_other_codes_naming_the_accepted_ones(
    code: int, message: str
) -> None:
    res = ApiResponse.blank()
    with pytest.raises(ValueError, match="redirect status must be") as info:
        res.redirect(code, "/x")
    assert str(info.value) == message
    assert (res.status_code, "Location" in res.headers) == (200, False)
