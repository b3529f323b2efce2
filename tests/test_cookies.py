"""``res.cookie`` and ``res.clear_cookie``: safe defaults, checks at the call."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from werkzeug.http import http_date, parse_cookie, parse_date

from nextresp import ApiError, ApiRequest, ApiResponse, api_handler

from .support import Call, call_wsgi, plain_id

HTTPS = {"base_url": "https://localhost"}


def lines(res: ApiResponse) -> list[str]:
    return res.headers.getlist("Set-Cookie")


def one(**options: Any) -> str:
    [line] = lines(ApiResponse().cookie("id", "a1", **options))
    return line


def https_line(**options: Any) -> str:
    """The line a handler sends for ``cookie("id", "a1", **options)`` over HTTPS."""

    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.cookie("id", "a1", **options).end()

    [line] = call_wsgi(handler, **HTTPS).headers.getlist("Set-Cookie")
    return line


# -- defaults and options ----------------------------------------------------------


def test_defaults_are_http_only_lax_and_the_whole_site() -> None:
    assert one() == "id=a1; HttpOnly; Path=/; SameSite=Lax"


@pytest.mark.parametrize(
    ("options", "line"),
    [
        ({"http_only": False}, "id=a1; Path=/; SameSite=Lax"),
        ({"same_site": None}, "id=a1; HttpOnly; Path=/"),
        ({"same_site": "Strict"}, "id=a1; HttpOnly; Path=/; SameSite=Strict"),
        ({"same_site": "strict"}, "id=a1; HttpOnly; Path=/; SameSite=Strict"),
        ({"same_site": "LAX"}, "id=a1; HttpOnly; Path=/; SameSite=Lax"),
        ({"same_site": "None"}, "id=a1; Secure; HttpOnly; Path=/; SameSite=None"),
        ({"secure": True}, "id=a1; Secure; HttpOnly; Path=/; SameSite=Lax"),
        ({"secure": False}, "id=a1; HttpOnly; Path=/; SameSite=Lax"),
        ({"path": "/api"}, "id=a1; HttpOnly; Path=/api; SameSite=Lax"),
        ({"path": "/a;b\r\n"}, "id=a1; HttpOnly; Path=/a%3Bb%0D%0A; SameSite=Lax"),
        (
            {"domain": "example.com"},
            "id=a1; Domain=example.com; HttpOnly; Path=/; SameSite=Lax",
        ),
        (
            {"domain": ".example.com"},
            "id=a1; Domain=example.com; HttpOnly; Path=/; SameSite=Lax",
        ),
        ({"max_age": 0}, "id=a1; Expires=*; Max-Age=0; HttpOnly; Path=/; SameSite=Lax"),
        (
            {"expires": 0},
            "id=a1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/;"
            " SameSite=Lax",
        ),
        (
            {"expires": 1.5e9},
            "id=a1; Expires=Fri, 14 Jul 2017 02:40:00 GMT; HttpOnly; Path=/;"
            " SameSite=Lax",
        ),
        (
            {"expires": datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)},
            "id=a1; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Path=/;"
            " SameSite=Lax",
        ),
        (
            {"partitioned": True},
            "id=a1; Secure; HttpOnly; Path=/; SameSite=Lax; Partitioned",
        ),
    ],
    ids=plain_id,
)
def test_options(options: dict[str, Any], line: str) -> None:
    got = one(**options)
    if "Expires=*" in line:  # the time of the call
        got = re.sub(r"Expires=[^;]+", "Expires=*", got)
    assert got == line


@pytest.mark.parametrize(
    ("max_age", "seconds"),
    [(3600, 3600), (timedelta(days=30), 2592000), (timedelta(0), 0)],
    ids=["int", "timedelta", "zero"],
)
def test_max_age_also_sets_expires(max_age: int | timedelta, seconds: int) -> None:
    before = int(time.time())
    line = one(max_age=max_age)
    after = int(time.time())
    match = re.fullmatch(
        rf"id=a1; Expires=([^;]+); Max-Age={seconds}; HttpOnly; Path=/; SameSite=Lax",
        line,
    )
    assert match is not None, line
    expires = parse_date(match.group(1))
    assert expires is not None
    assert before + seconds <= expires.timestamp() <= after + seconds
    assert match.group(1) == http_date(expires)


# -- secure=None: the request's scheme ---------------------------------------------


def test_secure_none_follows_the_scheme_in_every_host(call: Call) -> None:
    @api_handler
    def login(req: ApiRequest, res: ApiResponse) -> None:
        res.cookie("session", "s1").cookie("theme", "dark", http_only=False)
        res.json({"ok": True})

    r = call(login, "POST", "/login")
    assert r.headers.getlist("Set-Cookie") == [
        "session=s1; HttpOnly; Path=/; SameSite=Lax",
        "theme=dark; Path=/; SameSite=Lax",
    ]
    r = call(login, "POST", "/login", **HTTPS)
    assert r.headers.getlist("Set-Cookie") == [
        "session=s1; Secure; HttpOnly; Path=/; SameSite=Lax",
        "theme=dark; Secure; Path=/; SameSite=Lax",
    ]
    assert r.data == b'{"ok":true}'


def test_secure_false_is_kept_over_https() -> None:
    assert https_line(secure=False) == "id=a1; HttpOnly; Path=/; SameSite=Lax"
    assert https_line() == "id=a1; Secure; HttpOnly; Path=/; SameSite=Lax"


def test_a_response_made_by_hand_is_not_secure() -> None:
    assert ApiResponse()._https is False
    assert ApiResponse.blank()._https is False
    assert one() == "id=a1; HttpOnly; Path=/; SameSite=Lax"


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("__Secure-id", "__Secure-id=a1; Secure; HttpOnly; Path=/; SameSite=Lax"),
        ("__Host-id", "__Host-id=a1; Secure; HttpOnly; Path=/; SameSite=Lax"),
        ("__secure-id", "__secure-id=a1; HttpOnly; Path=/; SameSite=Lax"),
    ],
)
def test_prefixed_names_are_secure_even_over_http(name: str, line: str) -> None:
    assert lines(ApiResponse().cookie(name, "a1")) == [line]


@pytest.mark.parametrize(
    ("name", "options", "why"),
    [
        (
            "id",
            {"same_site": "None"},
            "browsers refuse SameSite=None without Secure",
        ),
        ("id", {"same_site": "none"}, "browsers refuse SameSite=None without Secure"),
        ("id", {"partitioned": True}, "browsers refuse Partitioned without Secure"),
        (
            "__Secure-id",
            {},
            "a name starting with __Secure- is only accepted Secure",
        ),
        ("__Host-id", {}, "a name starting with __Host- is only accepted Secure"),
    ],
)
def test_secure_false_is_refused_where_browsers_need_secure(
    name: str, options: dict[str, Any], why: str
) -> None:
    message = f"cookie {name!r} must be Secure: {why}; drop secure=False"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        ApiResponse().cookie(name, "a1", secure=False, **options)


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({"path": "/api"}, "path '/api' and domain None"),
        ({"domain": "example.com"}, "path '/' and domain 'example.com'"),
    ],
)
def test_host_prefix_needs_the_root_path_and_no_domain(
    options: dict[str, Any], shown: str
) -> None:
    message = (
        "cookie '__Host-id' starts with __Host-, which browsers accept only with"
        f" path '/' and no domain, not {shown}"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        ApiResponse().cookie("__Host-id", "a1", **options)
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        ApiResponse().clear_cookie("__Host-id", **options)


# -- clear_cookie ------------------------------------------------------------------

CLEARED = "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0"


@pytest.mark.parametrize(
    ("name", "options", "line"),
    [
        ("id", {}, f"id=; {CLEARED}; Path=/"),
        ("id", {"path": "/api"}, f"id=; {CLEARED}; Path=/api"),
        (
            "id",
            {"domain": "example.com"},
            f"id=; Domain=example.com; {CLEARED}; Path=/",
        ),
        ("__Host-id", {}, f"__Host-id=; {CLEARED}; Secure; Path=/"),
        ("__Secure-id", {}, f"__Secure-id=; {CLEARED}; Secure; Path=/"),
    ],
)
def test_clear_cookie_expires_it_at_once(
    name: str, options: dict[str, Any], line: str
) -> None:
    assert lines(ApiResponse().clear_cookie(name, **options)) == [line]


def test_clear_cookie_is_secure_over_https(call: Call) -> None:
    @api_handler
    def logout(req: ApiRequest, res: ApiResponse) -> None:
        res.clear_cookie("session").status(204).end()

    r = call(logout, "POST", "/logout", **HTTPS)
    assert r.headers.getlist("Set-Cookie") == [f"session=; {CLEARED}; Secure; Path=/"]
    r = call(logout, "POST", "/logout")
    assert r.headers.getlist("Set-Cookie") == [f"session=; {CLEARED}; Path=/"]
    assert r.status_code == 204


def test_set_then_clear_sends_both_in_order() -> None:
    res = ApiResponse().cookie("id", "a1").clear_cookie("id")
    assert lines(res) == [
        "id=a1; HttpOnly; Path=/; SameSite=Lax",
        f"id=; {CLEARED}; Path=/",
    ]


# -- values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        ("abc", "abc"),
        ("", ""),
        ("a b", '"a b"'),
        ("a;b", '"a\\073b"'),
        ("a,b", '"a\\054b"'),
        ('"q"', '"\\"q\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("é", '"\\303\\251"'),
        ("x\r\nSet-Cookie: stolen=1", '"x\\015\\012Set-Cookie: stolen=1"'),
        ("x; Domain=evil.com; Secure", '"x\\073 Domain=evil.com\\073 Secure"'),
        ("\x00\x7f", '"\\000\\177"'),
        ("\x19\x1a\x1f", '"\\031\\032\\037"'),
        ("a\x1fb; c", '"a\\037b\\073 c"'),
        ('j:{"a":1}', '"j:{\\"a\\":1}"'),
    ],
    ids=plain_id,
)
def test_a_value_can_never_add_an_attribute_or_split_the_header(
    value: str, sent: str
) -> None:
    [line] = lines(ApiResponse().cookie("id", value))
    assert line == f"id={sent}; HttpOnly; Path=/; SameSite=Lax"
    assert not re.search(r"[\x00-\x1f\x7f]", line)
    assert parse_cookie(line.split("; ")[0]).to_dict() == {"id": value}


def test_hostile_values_reach_the_wire_whole(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.cookie("a", "x\r\nX-Injected: 1").cookie("b", "y; Domain=evil").end()

    r = call(handler)
    assert "X-Injected" not in r.headers
    assert r.headers.getlist("Set-Cookie") == [
        'a="x\\015\\012X-Injected: 1"; HttpOnly; Path=/; SameSite=Lax',
        'b="y\\073 Domain=evil"; HttpOnly; Path=/; SameSite=Lax',
    ]


# -- refusals ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "options", "error", "message"),
    [
        (7, "v", {}, TypeError, "cookie name must be a str, not 7 (int)"),
        *[
            (
                bad,
                "v",
                {},
                ValueError,
                "cookie name must be a token (letters, digits and !#$%&'*+-.^_`|~),"
                f" not {bad!r}",
            )
            for bad in ["", "a b", "a;b", "a=b", "é", "a\r\n", "(a)", 'a"']
        ],
        (
            "id",
            7,
            {},
            TypeError,
            "cookie 'id' value must be a str, not 7 (int); convert it first, as"
            " str(...) or json.dumps(...)",
        ),
        (
            "id",
            b"v",
            {},
            TypeError,
            "cookie 'id' value must be a str, not b'v' (bytes); convert it first, as"
            " str(...) or json.dumps(...)",
        ),
        (
            "id",
            None,
            {},
            TypeError,
            "cookie 'id' value must be a str, not None (NoneType); convert it first,"
            " as str(...) or json.dumps(...)",
        ),
        (
            "id",
            "\ud800",
            {},
            ValueError,
            "cookie 'id' value '\\ud800' cannot be encoded as UTF-8: surrogates not"
            " allowed",
        ),
        (
            "id",
            "v",
            {"max_age": -1},
            ValueError,
            "cookie 'id' max_age must be 0 or more seconds, not -1; use"
            " clear_cookie() to remove a cookie",
        ),
        (
            "id",
            "v",
            {"max_age": timedelta(seconds=-1)},
            ValueError,
            "cookie 'id' max_age must be 0 or more seconds, not"
            " datetime.timedelta(days=-1, seconds=86399); use clear_cookie() to"
            " remove a cookie",
        ),
        *[
            (
                "id",
                "v",
                {"max_age": bad},
                TypeError,
                "cookie 'id' max_age must be a number of seconds (an int) or a"
                f" timedelta, not {bad!r} ({type(bad).__name__})",
            )
            for bad in [True, 1.5, "60"]
        ],
        *[
            (
                "id",
                "v",
                {"expires": bad},
                TypeError,
                "cookie 'id' expires must be a datetime or a Unix timestamp, not"
                f" {bad!r} ({type(bad).__name__})",
            )
            for bad in ["Thu, 01 Jan 1970 00:00:00 GMT; Secure", True, [0]]
        ],
        *[
            (
                "id",
                "v",
                {"expires": bad},
                ValueError,
                f"cookie 'id' expires must be a finite timestamp, not {bad!r}",
            )
            for bad in [float("nan"), float("inf")]
        ],
        (
            "id",
            "v",
            {"path": None},
            TypeError,
            "cookie 'id' path must be a str, not None (NoneType)",
        ),
        (
            "id",
            "v",
            {"path": b"/"},
            TypeError,
            "cookie 'id' path must be a str, not b'/' (bytes)",
        ),
        *[
            (
                "id",
                "v",
                {"path": bad},
                ValueError,
                f"cookie 'id' path must start with '/', not {bad!r}; a browser"
                " ignores any other path",
            )
            for bad in ["", "api", " /api"]
        ],
        (
            "id",
            "v",
            {"domain": 5},
            TypeError,
            "cookie 'id' domain must be a str or None, not 5 (int)",
        ),
        *[
            (
                "id",
                "v",
                {"domain": bad},
                ValueError,
                "cookie 'id' domain must be a host name such as 'example.com', not"
                f" {bad!r}; write a non-ASCII name in its xn-- form",
            )
            for bad in [
                "",
                ".",
                "exa mple.com",
                "a.com; Secure",
                "é.com",
                "-a.com",
                "a.com.",
                "a.com:80",
            ]
        ],
        *[
            (
                "id",
                "v",
                {option: "yes"},
                TypeError,
                f"cookie 'id' option {option} must be True or False, not 'yes'",
            )
            for option in ["http_only", "partitioned"]
        ],
        (
            "id",
            "v",
            {"secure": "yes"},
            TypeError,
            "cookie 'id' option secure must be True, False or None (Secure over"
            " HTTPS), not 'yes'",
        ),
        (
            "id",
            "v",
            {"secure": 1},
            TypeError,
            "cookie 'id' option secure must be True, False or None (Secure over"
            " HTTPS), not 1",
        ),
        *[
            (
                "id",
                "v",
                {"same_site": bad},
                ValueError,
                "cookie 'id' same_site must be 'Strict', 'Lax', 'None' or None (no"
                f" attribute), not {bad!r}",
            )
            for bad in ["Sometimes", "lax ", "", 1, True]
        ],
    ],
    ids=plain_id,
)
def test_bad_arguments_raise_at_the_call(
    name: Any,
    value: Any,
    options: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    res = ApiResponse()
    with pytest.raises(error) as info:
        res.cookie(name, value, **options)
    assert str(info.value) == message
    assert "Set-Cookie" not in res.headers


# -- the dates a cookie can hold ---------------------------------------------------

# RFC 6265, section 5.1.1: a cookie date is in the years 1601 to 9999.
FIRST = -11644473600  # 1601-01-01T00:00:00Z
LAST = 253402300799  # 9999-12-31T23:59:59Z
LONGEST = (
    "browsers keep a cookie 400 days at most, so max_age=timedelta(days=400) lasts"
    " as long as any"
)
REMOVE = "use clear_cookie() to remove a cookie"


def refused(message: str, **options: Any) -> None:
    res = ApiResponse()
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        res.cookie("id", "a1", **options)
    assert "Set-Cookie" not in res.headers


def expires_line(when: str, max_age: int | None = None) -> str:
    age = "" if max_age is None else f" Max-Age={max_age};"
    return f"id=a1; Expires={when};{age} HttpOnly; Path=/; SameSite=Lax"


@pytest.mark.parametrize(
    "expires",
    [1796588352257, 1796588352257.7534, LAST + 1, (LAST + 1) * 1000 - 1],
    ids=["int", "float", "first-past-9999", "last-in-milliseconds"],
)
def test_an_expires_in_milliseconds_is_refused_with_the_fix(
    expires: int | float,
) -> None:
    refused(
        "cookie 'id' expires must be seconds since the epoch, not milliseconds:"
        f" {expires!r} seconds is past the year 9999; divide it by 1000",
        expires=expires,
    )


@pytest.mark.parametrize(
    ("options", "shown", "fix"),
    [
        ({"expires": 1e300}, "1e+300", LONGEST),
        ({"expires": 10**30}, "1000000000000000000000000000000", LONGEST),
        ({"expires": (LAST + 1) * 1000}, "253402300800000", LONGEST),
        ({"expires": 1e300, "max_age": 0}, "1e+300", LONGEST),
        ({"expires": -1e300}, "-1e+300", REMOVE),
        ({"expires": FIRST - 1}, "-11644473601", REMOVE),
        (
            {"expires": datetime(1600, 12, 31, 23, 59, 59, tzinfo=UTC)},
            "datetime.datetime(1600, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc)",
            REMOVE,
        ),
        (
            {"expires": datetime(50, 1, 1)},  # a browser reads the year 0050 as 2050
            "datetime.datetime(50, 1, 1, 0, 0)",
            REMOVE,
        ),
        (
            {
                "expires": datetime(
                    9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=5))
                )
            },
            "datetime.datetime(9999, 12, 31, 23, 0, tzinfo=datetime.timezone("
            "datetime.timedelta(days=-1, seconds=68400)))",
            LONGEST,
        ),
        (
            {"expires": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))},
            "datetime.datetime(1, 1, 1, 0, 0, tzinfo=datetime.timezone("
            "datetime.timedelta(seconds=18000)))",
            REMOVE,
        ),
    ],
    ids=plain_id,
)
def test_an_expires_no_cookie_date_can_hold_is_refused(
    options: dict[str, Any], shown: str, fix: str
) -> None:
    refused(
        "cookie 'id' expires must fall in the years 1601 to 9999, the dates a cookie"
        f" can hold, not {shown}; {fix}",
        **options,
    )


@pytest.mark.parametrize(
    "max_age",
    [10**30, 2**63, 10**12, timedelta.max, timedelta(days=3_000_000)],
    ids=plain_id,
)
def test_a_max_age_past_the_year_9999_is_refused(max_age: int | timedelta) -> None:
    refused(
        "cookie 'id' max_age must expire it by the end of the year 9999, the last a"
        f" cookie date can hold, not {max_age!r}; {LONGEST}",
        max_age=max_age,
    )


def test_expires_holds_every_second_from_1601_to_9999() -> None:
    assert one(expires=FIRST) == expires_line("Mon, 01 Jan 1601 00:00:00 GMT")
    assert one(expires=float(FIRST)) == expires_line("Mon, 01 Jan 1601 00:00:00 GMT")
    last = expires_line("Fri, 31 Dec 9999 23:59:59 GMT")
    assert one(expires=LAST) == last
    assert one(expires=LAST + 0.99996) == last
    assert one(expires=datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)) == last
    assert one(expires=datetime.max) == last
    assert one(
        expires=datetime(1601, 1, 1, 5, tzinfo=timezone(timedelta(hours=5)))
    ) == (expires_line("Mon, 01 Jan 1601 00:00:00 GMT"))
    refused(
        "cookie 'id' expires must fall in the years 1601 to 9999, the dates a cookie"
        f" can hold, not -11644473601; {REMOVE}",
        expires=FIRST - 1,
    )


def test_the_range_is_read_in_utc_whatever_the_machines_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "IST-5:30")  # 5 h 30 ahead of UTC, as a POSIX rule
    time.tzset()
    try:
        naive = datetime(1601, 1, 1)  # read as UTC, as werkzeug reads it
        assert one(expires=naive) == expires_line("Mon, 01 Jan 1601 00:00:00 GMT")
        late_1600 = datetime(1600, 12, 31, 23, 59, 59, tzinfo=UTC)
        refused(
            "cookie 'id' expires must fall in the years 1601 to 9999, the dates a"
            f" cookie can hold, not {late_1600!r}; {REMOVE}",
            expires=late_1600,
        )
    finally:
        monkeypatch.undo()  # the machine's own TZ back, then read again
        time.tzset()


def test_max_age_holds_up_to_the_last_second_of_9999(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import nextresp._cookies

    monkeypatch.setattr(nextresp._cookies, "time", SimpleNamespace(time=lambda: 1.5e9))
    most = LAST - 1_500_000_000
    last = expires_line("Fri, 31 Dec 9999 23:59:59 GMT", most)
    assert one(max_age=most) == last
    assert one(max_age=timedelta(seconds=most)) == last
    # with expires given, Max-Age sets no Expires: any number of seconds is sent
    assert one(max_age=10**30, expires=0) == (
        "id=a1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age="
        "1000000000000000000000000000000; HttpOnly; Path=/; SameSite=Lax"
    )
    refused(
        "cookie 'id' max_age must expire it by the end of the year 9999, the last a"
        f" cookie date can hold, not {most + 1}; {LONGEST}",
        max_age=most + 1,
    )


@pytest.mark.parametrize(
    ("name", "options", "error", "message"),
    [
        (None, {}, TypeError, "cookie name must be a str, not None (NoneType)"),
        (
            "a b",
            {},
            ValueError,
            "cookie name must be a token (letters, digits and !#$%&'*+-.^_`|~),"
            " not 'a b'",
        ),
        (
            "id",
            {"path": "api"},
            ValueError,
            "cookie 'id' path must start with '/', not 'api'; a browser ignores any"
            " other path",
        ),
        (
            "id",
            {"domain": "a;b"},
            ValueError,
            "cookie 'id' domain must be a host name such as 'example.com', not 'a;b';"
            " write a non-ASCII name in its xn-- form",
        ),
    ],
)
def test_clear_cookie_checks_its_arguments(
    name: Any, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        ApiResponse().clear_cookie(name, **options)
    assert str(info.value) == message


@pytest.mark.parametrize("helper", ["cookie", "clear_cookie"])
def test_helpers_after_the_response_was_sent_raise(helper: str) -> None:
    res = ApiResponse().json({})
    args = ("id", "v") if helper == "cookie" else ("id",)
    with pytest.raises(RuntimeError) as info:
        getattr(res, helper)(*args)
    assert str(info.value) == (
        f"{helper}() was called after json() already sent the response; a response"
        " is sent once, so set the status and headers before sending the body"
    )
    assert "Set-Cookie" not in res.headers


def test_the_helpers_chain() -> None:
    res = ApiResponse()
    assert res.cookie("a", "1") is res
    assert res.clear_cookie("b") is res


# -- with errors -------------------------------------------------------------------


def test_cookies_survive_folding_and_500s(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.cookie("a", "1").cookie("b", "2").json({"sent": True})
        if req.method == "POST":
            raise ApiError(409, "Taken")
        raise LookupError("hidden")

    for method, status in (("POST", 409), ("GET", 500)):
        r = call(handler, method)
        assert r.status_code == status
        assert r.headers.getlist("Set-Cookie") == [
            "a=1; HttpOnly; Path=/; SameSite=Lax",
            "b=2; HttpOnly; Path=/; SameSite=Lax",
        ]


def test_an_errors_own_set_cookie_wins(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.cookie("a", "1")
        raise ApiError(401, headers={"Set-Cookie": "session=; Max-Age=0"})

    r = call(handler)
    assert r.headers.getlist("Set-Cookie") == ["session=; Max-Age=0"]


# -- reading -----------------------------------------------------------------------


def test_req_cookies_decode_as_werkzeug_does(call: Call) -> None:
    @api_handler
    def handler(req: ApiRequest, res: ApiResponse) -> None:
        res.json(req.cookies.to_dict(flat=False))

    # Quoted values are unescaped, percent-escapes are left alone, and a raw '"'
    # (Next.js's example sends j:{"k":1} unquoted) drops the pair.
    header = 'a="x\\073 y"; b=caf%C3%A9; c="\\303\\251"; a=2; d=j:{"k":1}; e=1'
    r = call(handler, headers={"Cookie": header}, use_cookies=False)
    assert r.get_json() == {
        "a": ["x; y", "2"],
        "b": ["caf%C3%A9"],
        "c": ["é"],
        "e": ["1"],
    }
