"""``/api/chat``: the back end of a Vercel AI SDK ``useChat`` front end.

``useChat`` (with its default transport, pointed at this route) POSTs the chat as
``{"id": ..., "messages": [...]}`` and reads the answer as a UI message stream,
which ``res.ai_stream`` writes. The model here is a fake that yields the tokens of a
canned answer, slowly, as a real one does; a real one is an HTTP stream from a model
provider, which must be closed when the user stops the answer or leaves the page,
or the provider keeps generating (and billing) tokens for nobody. The generator's
``finally`` does that: nextresp closes the source when the client goes away.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterator
from typing import Any, ClassVar

from nextresp import ApiError, ApiRequest, ApiResponse, ai, api_methods

logger = logging.getLogger(__name__)


class FakeModel:
    """A stand-in for a model provider's streamed answer: tokens, then the end."""

    #: The latest upstreams closed (tests read it to see the ``finally`` ran);
    #: bounded, so a long-running demo does not keep every one.
    closed: ClassVar[deque[FakeModel]] = deque(maxlen=100)
    #: Seconds between tokens, as a model takes.
    delay: ClassVar[float] = 0.02

    def __init__(self, prompt: str) -> None:
        self.prompt = prompt
        self.open = True

    def tokens(self) -> Iterator[str]:
        words = f"You said: {self.prompt}. That is all a fake model can say.".split()
        for index, word in enumerate(words):
            time.sleep(self.delay)
            yield word if index == 0 else " " + word

    def close(self) -> None:
        self.open = False
        FakeModel.closed.append(self)
        logger.info("closed the model's stream for %r", self.prompt)


def last_user_text(chat: Any) -> str:
    """Return the text of the last user message of a ``useChat`` request body."""
    messages = chat.get("messages") if isinstance(chat, dict) else None
    for message in reversed(messages if isinstance(messages, list) else []):
        if isinstance(message, dict) and message.get("role") == "user":
            parts = message.get("parts") or []
            return "".join(
                part.get("text", "")
                for part in parts
                if isinstance(part, dict) and part.get("type") == "text"
            )
    raise ApiError(400, "The chat has no user message")


def answer(prompt: str) -> Iterator[str | ai.Reasoning | ai.Data]:
    """Yield the parts of the answer; close the model's stream however it ends.

    The model is called here, inside the generator, not in the handler: a generator
    closed before it started skips its ``finally``, so whatever it opens must be
    opened after the ``try`` can close it.
    """
    model = FakeModel(prompt)
    try:
        yield ai.Reasoning("The user wants an echo.")
        yield ai.Data("status", {"model": "fake"}, transient=True)
        yield from model.tokens()
    finally:
        model.close()


def chat(req: ApiRequest, res: ApiResponse) -> None:
    res.ai_stream(answer(last_user_text(req.body)))


app = api_methods(POST=chat)
