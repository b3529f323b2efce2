"""The ``/api/chat`` example: a fake model streamed to ``useChat``, closed early."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug.test import Client

from examples.api.chat import FakeModel, app
from nextresp._event_stream import HEARTBEAT

from .support import call_wsgi

CHAT = {
    "id": "chat-1",
    "messages": [
        {"id": "m1", "role": "user", "parts": [{"type": "text", "text": "Hi"}]}
    ],
    "trigger": "submit-message",
}


@pytest.fixture(autouse=True)
def fast_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FakeModel, "delay", 0.0)
    FakeModel.closed.clear()


def test_the_answer_is_the_fake_models_text() -> None:
    r = call_wsgi(app, "POST", "/api/chat", json=CHAT)
    assert r.status_code == 200
    assert r.headers["x-vercel-ai-ui-message-stream"] == "v1"
    datas = [
        event.removeprefix("data: ")
        for event in r.data.decode().split("\n\n")
        if event.startswith("data: ")
    ]
    assert datas[-1] == "[DONE]"
    deltas = [
        chunk["delta"]
        for chunk in map(json.loads, datas[:-1])
        if chunk["type"] == "text-delta"
    ]
    assert "".join(deltas) == "You said: Hi. That is all a fake model can say."
    assert [model.prompt for model in FakeModel.closed] == ["Hi"]
    assert not FakeModel.closed[0].open


def test_the_upstream_is_closed_when_the_client_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tokens slow enough that the model cannot finish while the client reads the
    # first one, even on a busy machine: it is still open when the client leaves.
    monkeypatch.setattr(FakeModel, "delay", 0.2)
    client = Client(app)
    r = client.post("/api/chat", json=CHAT, buffered=False)
    chunks = iter(r.response)
    assert next(chunks) == HEARTBEAT
    assert next(chunks).startswith(b'data: {"type":"start"}\n\n')
    while b"text-delta" not in next(chunks):  # the model's first token
        pass
    assert list(FakeModel.closed) == []
    r.close()  # the client left in the middle of the answer
    # A model waiting for its next token is closed as soon as that token comes.
    deadline = time.monotonic() + 5
    while not FakeModel.closed and time.monotonic() < deadline:
        time.sleep(0.005)
    assert [(model.prompt, model.open) for model in FakeModel.closed] == [("Hi", False)]


@pytest.mark.parametrize(
    "body",
    [{"messages": []}, {"messages": [{"role": "assistant", "parts": []}]}, []],
    ids=["no-messages", "no-user-message", "not-an-object"],
)
def test_a_chat_without_a_user_message_is_a_400(body: object) -> None:
    r = call_wsgi(app, "POST", "/api/chat", json=body)
    assert r.status_code == 400
    assert r.get_json()["detail"] == "The chat has no user message"
    assert list(FakeModel.closed) == []
