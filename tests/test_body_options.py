"""Body options: sizes as Next.js writes them, and the raw body for signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path
from typing import Any

import pytest

from examples.app import app as demo
from nextresp import ApiRequest, ApiResponse, api_handler, api_methods, routes
from nextresp._sizes import parse_size

from .support import Call, call_wsgi

KIB, MIB = 1024, 1024 * 1024


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1mb", MIB),
        ("1MB", MIB),
        ("1Mb", MIB),
        ("2 MB", 2 * MIB),
        ("2   mb", 2 * MIB),
        ("500kb", 500 * KIB),
        ("1.5kb", 1536),
        ("1.1mb", 1153433),
        ("0.5b", 0),
        ("1gb", 1 << 30),
        ("1tb", 1 << 40),
        ("1pb", 1 << 50),
        ("100", 100),
        ("100b", 100),
        ("100 B", 100),
        ("0", 0),
        ("0kb", 0),
        ("007kb", 7 * KIB),
    ],
)
def test_sizes_read_as_the_bytes_package_reads_them(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(
    "text",
    [
        "",
        "mb",
        "1.5",
        "-1kb",
        "+1kb",
        " 1mb",
        "1mb ",
        "1e3",
        "10 bytes",
        "1 megabyte",
        "1kib",
        "1m",
        "1,5mb",
        ".5mb",
        "1.mb",
        "\u0661mb",  # an Arabic-Indic digit one
    ],
)
def test_other_texts_are_not_sizes(text: str) -> None:
    assert parse_size(text) is None


def limit_message(value: object) -> str:
    return re.escape(
        "api_handler option body_limit must be a number of bytes (an int >= 0),"
        f" a size such as '1mb' or '500kb', or None, not {value!r}"
    )


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("1 megabyte", ValueError),
        ("-1kb", ValueError),
        (-1, ValueError),
        (1.5, TypeError),
        (True, TypeError),
        (b"1mb", TypeError),
    ],
)
def test_a_bad_body_limit_is_refused_at_decoration(
    value: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match=f"^{limit_message(value)}$"):
        api_handler(body_limit=value)  # type: ignore[call-overload]
    with pytest.raises(error, match=f"^{limit_message(value)}$"):
        api_methods(GET=lambda req, res: None, body_limit=value)  # type: ignore[arg-type]
    with pytest.raises(error, match=f"^{limit_message(value)}$"):
        routes(Path(__file__).parent, body_limit=value)  # type: ignore[arg-type]


@api_handler(body_limit="1kb")
def sized(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"size": len(req.body)})


def test_a_size_string_is_the_limit_in_bytes(call: Call) -> None:
    assert sized.body_limit == KIB
    headers = {"Content-Type": "application/octet-stream"}
    r = call(sized, "POST", data=b"x" * KIB, headers=headers)
    assert (r.status_code, r.get_json()) == (200, {"size": KIB})
    r = call(sized, "POST", data=b"x" * (KIB + 1), headers=headers)
    assert r.status_code == 413
    assert r.get_json()["detail"] == "Request body exceeds the limit of 1024 bytes"


def test_api_methods_and_routes_take_size_strings(tmp_path: Path) -> None:
    assert api_methods(GET=lambda req, res: None, body_limit="2 MB").body_limit == (
        2 * MIB
    )
    api = tmp_path / "api"
    api.mkdir()
    (api / "echo.py").write_text(
        "def POST(req, res):\n    res.json({'size': len(req.body)})\n"
    )
    app = routes(api, body_limit="10b")
    headers = {"Content-Type": "application/octet-stream"}
    r = call_wsgi(app, "POST", "/api/echo", data=b"x" * 10, headers=headers)
    assert r.get_json() == {"size": 10}
    r = call_wsgi(app, "POST", "/api/echo", data=b"x" * 11, headers=headers)
    assert r.status_code == 413


# -- the raw body --------------------------------------------------------------------


@api_handler
def raw_after(req: ApiRequest, res: ApiResponse) -> None:
    parsed = req.body
    raw = req.get_data()
    shown = parsed.to_dict() if hasattr(parsed, "to_dict") else parsed
    res.json({"parsed": shown, "raw": raw.decode("latin-1")})


@api_handler
def raw_first(req: ApiRequest, res: ApiResponse) -> None:
    raw = req.get_data()
    parsed = req.body
    shown = parsed.to_dict() if hasattr(parsed, "to_dict") else parsed
    res.json({"parsed": shown, "raw": raw.decode("latin-1")})


BODIES = [
    ("application/json", b'{ "a" : [1, 2] }', {"a": [1, 2]}),
    ("text/plain; charset=utf-8", "héllo".encode(), "héllo"),
]


@pytest.mark.parametrize(
    ("content_type", "raw", "parsed"), BODIES, ids=["json", "text"]
)
def test_the_raw_body_after_req_body(
    call: Call, content_type: str, raw: bytes, parsed: Any
) -> None:
    r = call(raw_after, "POST", data=raw, headers={"Content-Type": content_type})
    assert r.get_json() == {"parsed": parsed, "raw": raw.decode("latin-1")}


@pytest.mark.parametrize(
    ("content_type", "raw", "parsed"), BODIES, ids=["json", "text"]
)
def test_the_raw_body_before_req_body(
    call: Call, content_type: str, raw: bytes, parsed: Any
) -> None:
    r = call(raw_first, "POST", data=raw, headers={"Content-Type": content_type})
    assert r.get_json() == {"parsed": parsed, "raw": raw.decode("latin-1")}


def test_a_form_keeps_its_raw_body_only_when_read_first(call: Call) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    r = call(raw_first, "POST", data=b"a=1&b=2", headers=form)
    assert r.get_json() == {"parsed": {"a": "1", "b": "2"}, "raw": "a=1&b=2"}
    # Parsing a form consumes the stream (uploads may be large): nothing is kept.
    r = call(raw_after, "POST", data=b"a=1&b=2", headers=form)
    assert r.get_json() == {"parsed": {"a": "1", "b": "2"}, "raw": ""}


def test_the_raw_body_obeys_the_limit(call: Call) -> None:
    @api_handler(body_limit="1kb")
    def raw(req: ApiRequest, res: ApiResponse) -> None:
        res.json({"size": len(req.get_data())})

    headers = {"Content-Type": "application/json"}
    assert call(raw, "POST", data=b"1" * KIB, headers=headers).status_code == 200
    r = call(raw, "POST", data=b"1" * (KIB + 1), headers=headers)
    assert r.status_code == 413
    assert r.headers["Content-Type"] == "application/problem+json"


# -- the webhook example ---------------------------------------------------------------

SECRET = "It's a Secret to Everybody"
# GitHub's documented test vector for X-Hub-Signature-256.
GITHUB_PAYLOAD = b"Hello, World!"
GITHUB_SIGNATURE = (
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
)


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-Hub-Signature-256": f"sha256={digest}",
        "Content-Type": "application/json",
    }


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    return SECRET


def test_the_signature_matches_githubs_test_vector(secret: str) -> None:
    assert signed(GITHUB_PAYLOAD)["X-Hub-Signature-256"] == GITHUB_SIGNATURE


def test_a_signed_body_is_parsed(secret: str) -> None:
    body = b'{"action": "opened",  "number": 7}'
    r = call_wsgi(demo, "POST", "/api/webhook", data=body, headers=signed(body))
    assert (r.status_code, r.data) == (
        200,
        b'{"received":{"action":"opened","number":7}}',
    )


@pytest.mark.parametrize(
    "headers",
    [
        signed(b'{"action":"opened","number":7}'),  # the same JSON, other bytes
        signed(b'{"action": "opened",  "number": 7}', "another secret"),
        {"X-Hub-Signature-256": "sha256=00", "Content-Type": "application/json"},
        {"X-Hub-Signature-256": "sha256=é", "Content-Type": "application/json"},
        {"Content-Type": "application/json"},
    ],
    ids=["re-serialised", "other-secret", "wrong", "non-ascii", "missing"],
)
def test_anything_else_is_401(secret: str, headers: dict[str, str]) -> None:
    body = b'{"action": "opened",  "number": 7}'
    r = call_wsgi(demo, "POST", "/api/webhook", data=body, headers=headers)
    assert r.status_code == 401
    assert json.loads(r.data)["detail"] == "The signature does not match the body"


def test_a_webhook_without_its_secret_is_503(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    body = b"{}"
    r = call_wsgi(demo, "POST", "/api/webhook", data=body, headers=signed(body))
    assert r.status_code == 503
    assert json.loads(r.data)["detail"] == "WEBHOOK_SECRET is not set"


def test_a_webhook_over_one_megabyte_is_413(secret: str) -> None:
    body = b"[" + b"0," * (MIB // 2) + b"0]"
    r = call_wsgi(demo, "POST", "/api/webhook", data=body, headers=signed(body))
    assert r.status_code == 413


def test_the_webhook_takes_only_post() -> None:
    r = call_wsgi(demo, "GET", "/api/webhook")
    assert (r.status_code, r.headers["Allow"]) == (405, "OPTIONS, POST")


@pytest.mark.parametrize("value", [0, "0", "0kb"])
def test_a_limit_of_zero_is_accepted(value: int | str) -> None:
    assert api_handler(body_limit=value)(lambda req, res: None).body_limit == 0
