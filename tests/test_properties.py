"""Property-based: any sequence of helper calls raises at the call or is sent exactly.

Hypothesis draws sequences of calls (statuses, header names and values, hostile ones
among them, bodies of every kind, redirects, a raised error at the end); a model says
what each call must do; the response, sent through ``wsgiref.validate``, must be
exactly what the model predicts. ``NEXTRESP_HYPOTHESIS_EXAMPLES`` raises the count.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.http import parse_cookie
from werkzeug.urls import iri_to_uri

from nextresp import ApiError, ApiRequest, ApiResponse, _json, api_handler, api_methods
from nextresp._handler import ApiHandler
from nextresp._status import reason_phrase

from .support import call_wsgi

EXAMPLES = int(os.environ.get("NEXTRESP_HYPOTHESIS_EXAMPLES", "300"))
MANAGED = {"content-length", "transfer-encoding", "connection", "keep-alive", "te"}
MANAGED |= {
    "trailer",
    "trailers",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
}
REPRESENTATION = {"content-type", "content-length", "etag", "last-modified"}
REPRESENTATION |= {"content-encoding", "content-language", "content-range"}
REPRESENTATION |= {"content-disposition"}
TOKEN = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
HOSTILE = "\r\n\x00\x7f\x85☃\t é"
NAME = re.compile(r"[A-Za-z][-_0-9A-Za-z]*")


NOT_ON_304 = {"allow", "content-encoding", "content-language", "content-length"}
NOT_ON_304 |= {"content-md5", "content-range", "content-type", "last-modified"}


def field_text_ok(value: str) -> bool:
    return all(c == "\t" or " " <= c <= "~" or "\xa0" <= c <= "\xff" for c in value)


# -- strategies ------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
# Content-Type has an action of its own; werkzeug rewrites Location when sending.
SET_ELSEWHERE = {"content-type", "location", "content-location"}
plain = st.text(TOKEN + " ", max_size=6)
hostile_text = st.builds(
    lambda before, bad, after: before + bad + after,
    plain,
    st.sampled_from(HOSTILE),
    plain,
)
VALID_NAMES = ["X-A", "x-a", "X-Request-Id", "Link", "Vary", "Retry-After", "etag"]
header_names = st.one_of(
    st.sampled_from(VALID_NAMES),
    st.sampled_from(VALID_NAMES),
    st.sampled_from(["Content-Length", "Connection", "Transfer-Encoding"]),
    st.sampled_from(["", "0", "X!A", "X A", "X-é", "X-A:"]),
    hostile_text,
    st.integers(),
)
header_values = st.one_of(
    plain,
    hostile_text,
    hostile_text,
    st.integers(-5, 10**6),
    st.lists(plain | hostile_text, max_size=3),
    st.booleans(),
    st.binary(max_size=3),
    st.none(),
)
statuses = st.one_of(
    st.integers(90, 620),
    st.sampled_from(list(HTTPStatus)),
    st.booleans(),
    st.floats(),
    st.text(max_size=3),
    st.none(),
)
bodies = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.binary(max_size=20),
    json_values,
)
urls = st.one_of(
    st.just(""), st.text(TOKEN + HOSTILE + "/?=", max_size=10).map("/p".__add__)
)
redirect_args = st.one_of(
    st.tuples(urls),
    st.tuples(st.sampled_from([300, 301, 302, 303, 304, 307, 308, 200, True]), urls),
    st.tuples(st.sampled_from(["302", "/x"]), st.sampled_from(["/y", 302])),
    st.just(()),
)
set_header = st.tuples(st.just("set_header"), header_names, header_values)
cookie_names = st.one_of(
    st.sampled_from(["id", "session", "Next.js", "__Secure-id", "__Host-id"]),
    st.sampled_from(["", "a b", "a;b", "a=b", "é"]),
    hostile_text,
    st.integers(),
)
cookie_values = st.one_of(
    plain, hostile_text, st.text(max_size=6), st.integers(), st.none()
)
cookie_options = st.fixed_dictionaries(
    {},
    optional={
        "secure": st.sampled_from([None, True, False]),
        "http_only": st.booleans(),
        "same_site": st.sampled_from(["Lax", "Strict", "None", None]),
        "path": st.sampled_from(["/", "/api", "api"]),
    },
)
cookie = st.tuples(st.just("cookie"), cookie_names, cookie_values, cookie_options)
clear_cookie = st.tuples(st.just("clear_cookie"), cookie_names)
actions = st.one_of(
    st.tuples(st.just("status"), statuses),
    set_header,
    set_header,
    st.tuples(
        st.just("content_type"),
        st.sampled_from(["text/html", "application/ld+json", "text/plain"]),
    ),
    st.tuples(st.just("send"), bodies),
    st.tuples(st.just("json"), json_values),
    st.tuples(st.just("redirect"), redirect_args),
    st.tuples(
        st.just("end"), st.one_of(st.none(), st.text(max_size=5), st.binary(max_size=5))
    ),
    cookie,
    clear_cookie,
)
endings = st.one_of(
    st.none(),
    st.tuples(
        st.just("api_error"),
        st.integers(400, 599),
        st.one_of(st.none(), st.text(max_size=10)),
        st.dictionaries(
            st.sampled_from(["X-A", "Retry-After", "X-E"]),
            st.text(TOKEN, max_size=4),
            max_size=2,
        ),
    ),
    st.tuples(st.just("crash")),
)


# -- the model -------------------------------------------------------------------

COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
CLEARED = ["Expires=Thu, 01 Jan 1970 00:00:00 GMT", "Max-Age=0"]


@dataclass
class CookieLine:
    """A Set-Cookie line as the model knows it: it compares equal to the line sent
    when that line gives back ``name`` and ``value`` and has exactly ``attributes``."""

    name: str
    value: str
    attributes: list[str]

    def __eq__(self, line: object) -> bool:
        if not isinstance(line, str):
            return NotImplemented
        pair, *attributes = line.split("; ")
        return (
            parse_cookie(pair).to_dict() == {self.name: self.value}
            and attributes == self.attributes
            and field_text_ok(line)
            and "\t" not in line
        )


@dataclass
class Model:
    status: int = 200
    headers: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    body: bytes = b""
    finished: bool = False

    def content_type(self) -> str | None:
        entry = self.headers.get("content-type")
        return entry[1][0] if entry else None

    def add_cookie(self, line: CookieLine) -> None:
        entry = self.headers.setdefault("set-cookie", ("Set-Cookie", []))
        entry[1].append(line)  # type: ignore[arg-type]

    def cookie(self, name: Any, value: Any, options: dict[str, Any]) -> str | None:
        if not isinstance(name, str):
            return "TypeError"
        if not COOKIE_NAME.fullmatch(name):
            return "ValueError"
        if not isinstance(value, str):
            return "TypeError"
        path = options.get("path", "/")
        same_site = options.get("same_site", "Lax")
        secure = options.get("secure")
        needs = name.startswith(("__Secure-", "__Host-")) or same_site == "None"
        if not path.startswith("/") or (secure is False and needs):
            return "ValueError"
        if name.startswith("__Host-") and path != "/":
            return "ValueError"
        attributes = ["Secure"] if (needs if secure is None else secure) else []
        if options.get("http_only", True):
            attributes.append("HttpOnly")
        attributes.append(f"Path={path}")
        if same_site is not None:
            attributes.append(f"SameSite={same_site}")
        self.add_cookie(CookieLine(name, value, attributes))
        return None

    def clear_cookie(self, name: Any) -> str | None:
        if not isinstance(name, str):
            return "TypeError"
        if not COOKIE_NAME.fullmatch(name):
            return "ValueError"
        secure = ["Secure"] if name.startswith(("__Secure-", "__Host-")) else []
        self.add_cookie(CookieLine(name, "", [*CLEARED, *secure, "Path=/"]))
        return None

    def set(self, name: str, values: list[str]) -> None:
        self.headers.pop(name.lower(), None)
        if values:
            self.headers[name.lower()] = (name, values)

    def finish(self, body: bytes, content_type: str | None) -> None:
        if content_type is not None and "content-type" not in self.headers:
            self.set("Content-Type", [content_type])
        self.body = body
        self.set("Content-Length", [str(len(body))])
        if body and self.status not in (204, 304) and "etag" not in self.headers:
            self.set("ETag", [f'"{hashlib.sha1(body).hexdigest()}"'])
        self.finished = True

    def send_json(self, obj: Any) -> str | None:
        try:
            json.dumps(obj, allow_nan=False)
        except ValueError:
            return "ValueError"
        ct = self.content_type()
        if ct is not None and not is_json(ct):
            self.set("Content-Type", ["application/json"])
        # The bytes are the encoder's (orjson or the standard one, whose agreement
        # test_fast_paths checks); what happens around them is the model's.
        self.finish(_json.dumps(obj), "application/json")
        return None

    def apply(self, action: tuple[Any, ...]) -> str | None:
        """Do what ``action`` must do; return the name of the error it must raise."""
        kind = action[0]
        if self.finished:
            return "ResponseAlreadySent"
        if kind == "status":
            value = action[1]
            if isinstance(value, bool) or not isinstance(value, int):
                return "TypeError"
            if not 200 <= value <= 599:
                return "ValueError"
            self.status = int(value)
        elif kind == "set_header":
            name, value = action[1], action[2]
            if not isinstance(name, str):
                return "TypeError"
            if not NAME.fullmatch(name) or name.lower() in MANAGED:
                return "ValueError"
            items = value if isinstance(value, list) else [value]
            lines = []
            for item in items:
                if type(item) is int:
                    lines.append(str(item))
                elif not isinstance(item, str):
                    return "TypeError"
                elif not field_text_ok(item):
                    return "ValueError"
                else:
                    lines.append(item.replace("\t", " "))
            self.set(name, lines)
        elif kind == "content_type":
            self.set("Content-Type", [action[1]])
        elif kind == "send":
            body = action[1]
            if body is None:
                self.finish(b"", None)
            elif isinstance(body, str):
                self.finish(body.encode(), "text/plain; charset=utf-8")
            elif isinstance(body, bytes):
                self.finish(body, "application/octet-stream")
            else:
                return self.send_json(body)
        elif kind == "json":
            return self.send_json(action[1])
        elif kind == "redirect":
            return self.redirect(action[1])
        elif kind == "cookie":
            return self.cookie(action[1], action[2], action[3])
        elif kind == "clear_cookie":
            return self.clear_cookie(action[1])
        elif kind == "end":
            body = action[1]
            if body is None:
                self.finished = True
            elif isinstance(body, str):
                self.finish(body.encode(), "text/plain; charset=utf-8")
            else:
                self.finish(body, "application/octet-stream")
        return None

    def redirect(self, args: tuple[Any, ...]) -> str | None:
        if len(args) == 1 and isinstance(args[0], str):
            code, url = 307, args[0]
        elif len(args) == 2 and isinstance(args[1], str):
            code, url = args
            if isinstance(code, str | bool):
                return "TypeError"
            if code not in (300, 301, 302, 303, 307, 308):
                return "ValueError"
        else:
            return "TypeError"
        if not url or any(ord(c) < 0x20 or c == "\x7f" for c in url):
            return "ValueError"
        self.status = code
        self.set("Location", [iri_to_uri(url)])
        self.finish(b"", None)
        return None


def is_json(content_type: str) -> bool:
    mimetype = content_type.split(";")[0].strip().lower()
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


# -- the property ----------------------------------------------------------------


def run(
    actions: list[tuple[Any, ...]],
    ending: tuple[Any, ...] | None,
    wrap: Callable[[Any], ApiHandler] = api_handler,
    method: str = "GET",
) -> tuple[list[str | None], Any]:
    outcomes: list[str | None] = []

    @wrap
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        helpers = {
            "status": lambda a: res.status(a[1]),
            "set_header": lambda a: res.set_header(a[1], a[2]),
            "content_type": lambda a: res.set_header("Content-Type", a[1]),
            "send": lambda a: res.send(a[1]),
            "json": lambda a: res.json(a[1]),
            "redirect": lambda a: res.redirect(*a[1]),
            "end": lambda a: res.end(a[1]),
            "cookie": lambda a: res.cookie(a[1], a[2], **a[3]),
            "clear_cookie": lambda a: res.clear_cookie(a[1]),
        }
        for action in actions:
            try:
                helpers[action[0]](action)
            except (TypeError, ValueError, RuntimeError) as exc:
                outcomes.append(type(exc).__name__)
            else:
                outcomes.append(None)
        if ending is not None and ending[0] == "api_error":
            raise ApiError(ending[1], ending[2], headers=ending[3])
        if ending is not None:
            raise LookupError("hidden")

    return outcomes, call_wsgi(handler, method)


def merged_vary(values: list[str]) -> str:
    """One Vary value listing each field of ``values`` once, in order; ``*`` alone."""
    fields: dict[str, str] = {}
    for value in values:
        for part in value.split(","):
            if name := part.strip():
                fields.setdefault(name.lower(), name)
    return "*" if "*" in fields else ", ".join(fields.values())


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(actions, max_size=6), endings)
def test_calls_raise_at_the_call_or_are_sent_exactly(
    actions: list[tuple[Any, ...]], ending: tuple[Any, ...] | None
) -> None:
    model = Model()
    expected = [model.apply(action) for action in actions]
    outcomes, r = run(actions, ending)
    assert outcomes == expected

    wire = {name.lower() for name, _ in r.headers}
    if ending is not None:
        if ending[0] == "crash":  # a bare 500, folded like any error
            code, message, error_headers = 500, None, {}
        else:
            code, message, error_headers = ending[1], ending[2], ending[3]
        problem: dict[str, Any] = {
            "type": "about:blank",
            "title": reason_phrase(code),
            "status": code,
        }
        if message is not None:
            problem["detail"] = message
        assert (r.status_code, json.loads(r.data)) == (code, problem)
        own = {name.lower() for name in error_headers}
        for name, value in error_headers.items():
            assert r.headers.getlist(name) == [value]
        kept = {lower for lower in model.headers if lower not in REPRESENTATION | own}
        for lower in kept - {"vary"}:
            assert r.headers.getlist(lower) == model.headers[lower][1]
        # The body was chosen by Accept: Vary lists Accept, then the fields set.
        vary = model.headers.get("vary", ("Vary", []))[1]
        assert r.headers.getlist("Vary") == [merged_vary(["Accept", *vary])]
        body_headers = {"content-type", "content-length", "x-content-type-options"}
        assert wire == body_headers | own | kept | {"vary"}
        return

    assert r.status_code == model.status
    if model.status in (204, 304):
        assert r.data == b""
        assert "content-type" not in wire
        assert "content-length" not in wire
    else:
        assert r.data == model.body
        assert r.headers["Content-Length"] == str(len(model.body))
        expected_type = model.content_type() or "text/plain; charset=utf-8"
        assert r.headers["Content-Type"] == expected_type
    # werkzeug drops the headers that describe a body from a 304 (RFC 9110, 15.4.5).
    dropped = NOT_ON_304 if model.status == 304 else {"content-type", "content-length"}
    for lower, (_name, values) in model.headers.items():
        if lower not in dropped:
            assert r.headers.getlist(lower) == values, lower
    allowed = set(model.headers) | {"content-type", "content-length"}
    assert wire <= allowed


@settings(
    max_examples=EXAMPLES // 3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(actions, max_size=6), endings, st.sampled_from(["GET", "HEAD"]))
def test_api_methods_sends_the_same_bytes_as_api_handler(
    actions: list[tuple[Any, ...]], ending: tuple[Any, ...] | None, method: str
) -> None:
    """The same calls in ``api_methods(GET=...)`` and ``api_handler``: same wire."""

    def as_get(func: Any) -> ApiHandler:
        return api_methods(GET=func)

    outcomes, plain = run(actions, ending, api_handler, method)
    outcomes_get, methods = run(actions, ending, as_get, method)
    assert outcomes_get == outcomes
    assert methods.status == plain.status
    assert methods.headers.to_wsgi_list() == plain.headers.to_wsgi_list()
    assert methods.data == plain.data
