"""RFC 9457 problem details, as a client receives them, checked for shape."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from . import _checks

PROBLEM_TYPE = "application/problem+json"
_STANDARD = ("type", "title", "status", "detail", "instance")


class Problem(Mapping[str, Any]):
    """A problem an answer carried: its members, read as attributes or by key.

    ``status``, ``title``, ``type`` (``about:blank`` when absent), ``detail`` and
    ``instance`` (None when absent) are RFC 9457's members; ``errors`` is the
    validation errors' member that ``ApiError(422, ..., errors=[...])`` sends, or
    None; :attr:`extensions` holds every member beyond the standard five. As a
    mapping it equals the dict of its members, so a test can compare it whole.
    """

    __slots__ = ("_members",)

    def __init__(self, members: Mapping[str, Any]) -> None:
        self._members = dict(members)

    @property
    def status(self) -> int:
        """The status the problem names: the answer's own, as checked."""
        status: int = self._members["status"]
        return status

    @property
    def title(self) -> str:
        """A short name of the problem's type: the status's name for ``about:blank``."""
        title: str = self._members["title"]
        return title

    @property
    def type(self) -> str:
        """The URI reference naming the problem's type."""
        value: str = self._members.get("type", "about:blank")
        return value

    @property
    def detail(self) -> str | None:
        """What went wrong this time, or None."""
        value: str | None = self._members.get("detail")
        return value

    @property
    def instance(self) -> str | None:
        """The URI reference of this occurrence, or None."""
        value: str | None = self._members.get("instance")
        return value

    @property
    def errors(self) -> Any:
        """The ``errors`` member (validation errors), or None."""
        return self._members.get("errors")

    @property
    def extensions(self) -> dict[str, Any]:
        """The members beyond RFC 9457's five, in the order they came."""
        return {k: v for k, v in self._members.items() if k not in _STANDARD}

    def __getitem__(self, name: str) -> Any:
        return self._members[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)

    def __repr__(self) -> str:
        return f"Problem({self._members!r})"


def check_problem(
    status: int, content_type: str | None, mimetype: str, data: bytes
) -> Problem:
    """Return the problem of an answer, or fail saying how it is not one."""
    if mimetype != PROBLEM_TYPE:
        raise AssertionError(
            f"expected a problem ({PROBLEM_TYPE}), not"
            f" {_checks.answer(status, content_type)} with {_checks.excerpt(data)}"
        )
    members = _checks.loads(data, "the problem")
    if not isinstance(members, dict):
        raise AssertionError(
            f"expected the problem to be a JSON object, not {_checks.excerpt(data)}"
        )
    problem = Problem(members)
    wrong = _wrong_member(status, members)
    if wrong is not None:
        raise AssertionError(
            f"expected a problem {wrong}, not {_checks.excerpt(data)} (RFC 9457)"
        )
    return problem


def _wrong_member(status: int, members: dict[str, Any]) -> str | None:
    """Say which member breaks RFC 9457's shape, or return None."""
    given = members.get("status")
    if type(given) is not int or given != status:
        return f'whose "status" member is the answer\'s status, {status}'
    if not isinstance(members.get("title"), str):
        return 'with a "title" member that is a string'
    for name in ("type", "detail", "instance"):
        if name in members and not isinstance(members[name], str):
            return f'whose "{name}" member, when present, is a string'
    return None
