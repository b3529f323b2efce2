"""The typed parts of ``res.ai_stream``: what a model produces besides answer text.

A source yields ``str`` for the answer's text and these for the rest::

    from nextresp import ai

    def parts():
        yield ai.Reasoning("The user wants the weather.")
        yield ai.ToolCall("call-1", "weather", {"city": "Paris"})
        yield ai.ToolResult("call-1", {"celsius": 21})
        yield "It is 21 °C in Paris."
"""

from ._ai_parts import (
    Data,
    Error,
    Finish,
    Reasoning,
    ToolCall,
    ToolError,
    ToolResult,
)

__all__ = [
    "Data",
    "Error",
    "Finish",
    "Reasoning",
    "ToolCall",
    "ToolError",
    "ToolResult",
]
