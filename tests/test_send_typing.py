"""``send`` is typed for what it accepts: ordinary calls pass ``mypy --strict``.

``send`` documents dict, list, int, float and bool bodies as JSON; a caller writing
``res.send({"name": "Next.js"})`` must not need a cast. Checked by running mypy on a
small handler, as a user's project would.
"""

from __future__ import annotations

import textwrap

import pytest

from .support import run_mypy

HANDLER = textwrap.dedent(
    """
    from nextresp import ApiResponse

    def handler(req: object, res: ApiResponse) -> None:
        res.send({"name": "Next.js"})
        res.send([1, 2, 3])
        people = [{"id": "1"}]
        res.send(people)
    """
)


def test_json_bodies_for_send_pass_mypy_strict() -> None:
    pytest.importorskip("mypy")
    result = run_mypy(HANDLER)
    assert result.returncode == 0, result.stdout
