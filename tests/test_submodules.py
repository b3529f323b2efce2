"""The public submodules ``nextresp.ai`` and ``nextresp.redis`` and their exports."""

from __future__ import annotations

import nextresp.ai
import nextresp.redis


def test_ai_exports_the_parts() -> None:
    assert nextresp.ai.__all__ == [
        "Data",
        "Error",
        "Finish",
        "Reasoning",
        "ToolCall",
        "ToolError",
        "ToolResult",
    ]
    for name in nextresp.ai.__all__:
        assert getattr(nextresp.ai, name).__module__ == "nextresp._ai_parts"


def test_redis_exports_the_channel() -> None:
    assert nextresp.redis.__all__ == ["EventChannel", "Subscription"]
