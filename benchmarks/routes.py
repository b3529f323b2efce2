"""A routes tree of 33 routes against Falcon, Flask and a werkzeug ``Map``.

The same routes (static, ``[id]``, nested dynamic, catch-all) served by ``routes()``
from a tree of files, by Falcon's compiled router, by Flask and by a werkzeug ``Map``
dispatched by hand. Each answer is checked first (status, and the same JSON from every
peer: the route's pattern and its parameters), then the peers are timed in
interleaved rounds, CPU time per request, as ``bench.py`` times them; the report is the
median of the ratios to Falcon, round by round, with their spread.

Besides routing: a doubled slash (nextresp and werkzeug answer 308 to the canonical
path; Falcon answers 404, the cost a client meets there) and a CORS preflight (``Cors``
against Falcon's ``CORSMiddleware`` and Flask without one).

    python benchmarks/routes.py            # 15 rounds
    python benchmarks/routes.py --smoke    # 2 rounds, a few calls
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import Workload, environ, serve_once, time_calls  # noqa: E402

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]

#: The tree, in Next.js notation under /api: 12 static, 10 [id], 8 nested, 3 catch-all.
PATTERNS = [
    "/api/health",
    "/api/users",
    "/api/posts",
    "/api/orgs",
    "/api/settings",
    "/api/status",
    "/api/version",
    "/api/login",
    "/api/logout",
    "/api/search",
    "/api/users/me",
    "/api/posts/drafts",
    "/api/users/[id]",
    "/api/posts/[id]",
    "/api/orgs/[org]",
    "/api/products/[id]",
    "/api/orders/[id]",
    "/api/invoices/[id]",
    "/api/tags/[tag]",
    "/api/comments/[id]",
    "/api/teams/[team]",
    "/api/projects/[id]",
    "/api/users/[id]/followers",
    "/api/users/[id]/posts",
    "/api/users/[id]/posts/[post]",
    "/api/orgs/[org]/teams",
    "/api/orgs/[org]/teams/[team]",
    "/api/orgs/[org]/teams/[team]/members",
    "/api/orgs/[org]/teams/[team]/members/[member]",
    "/api/projects/[id]/tasks/[task]",
    "/api/files/[...path]",
    "/api/proxy/[...rest]",
    "/api/docs/[[...slug]]",
]
ORIGIN = "https://app.example.com"
_PARAM = re.compile(r"\[(?:\[?\.\.\.)?(\w+)\]?\]")

# label: (method, path, status, the JSON every peer answers or None, extra environ)
WORKLOADS: dict[str, tuple[str, str, int, object, dict[str, str]]] = {
    "dynamic, deep in the table": (
        "GET",
        "/api/users/42/posts/7",
        200,
        {"route": "/api/users/[id]/posts/[post]", "params": {"id": "42", "post": "7"}},
        {},
    ),
    "deepest pattern": (
        "GET",
        "/api/orgs/acme/teams/core/members/alice",
        200,
        {
            "route": "/api/orgs/[org]/teams/[team]/members/[member]",
            "params": {"org": "acme", "team": "core", "member": "alice"},
        },
        {},
    ),
    "static": ("GET", "/api/users", 200, {"route": "/api/users", "params": {}}, {}),
    "catch-all": (
        "GET",
        "/api/files/a/b/c.txt",
        200,
        {"route": "/api/files/[...path]", "params": {"path": "a/b/c.txt"}},
        {},
    ),
    "unknown path, 404": ("GET", "/api/nothing/here", 404, None, {}),
    "doubled slash, 308": ("GET", "/api//users", 308, None, {}),
    "CORS preflight": (
        "OPTIONS",
        "/api/users",
        204,
        None,
        {
            "HTTP_ORIGIN": ORIGIN,
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type",
        },
    ),
}
#: nextresp / Falcon at most this, per workload (issue 23).
TARGETS = {
    "dynamic, deep in the table": 0.80,
    "deepest pattern": 0.80,
    "static": 0.60,
    "catch-all": 0.80,
    "unknown path, 404": 0.48,
    "doubled slash, 308": 1.00,
    "CORS preflight": 0.80,
}
#: What each peer answers where it differs from nextresp's status.
OTHER_STATUS = {
    ("falcon", "doubled slash, 308"): 404,
    ("falcon", "CORS preflight"): 200,
    ("flask", "CORS preflight"): 200,
    ("werkzeug Map", "CORS preflight"): 200,
}


def names(pattern: str) -> list[str]:
    return _PARAM.findall(pattern)


def nextresp_tree(directory: Path) -> WSGIApp:
    from nextresp import Cors, routes

    for pattern in PATTERNS:
        file = directory / (pattern.removeprefix("/") + ".py")
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(
            f"ROUTE = {pattern!r}\n\n\n"
            "def GET(req, res, **params):\n"
            "    shown = {k: v if isinstance(v, str) else '/'.join(v)"
            " for k, v in params.items()}\n"
            "    res.json({'route': ROUTE, 'params': shown})\n"
        )
    return routes(directory / "api", cors=Cors([ORIGIN]))


def _answer(pattern: str, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"route": pattern, "params": {k: str(v) for k, v in params.items()}}


def _template(pattern: str, catch_all: str, param: str) -> str:
    """Rewrite ``pattern``'s parameters: ``param`` and ``catch_all`` take the name."""

    def one(found: re.Match[str]) -> str:
        return (catch_all if found.group(1) else param).format(found.group(2))

    return re.sub(r"\[\[?(\.\.\.)?(\w+)\]?\]", one, pattern)


def falcon_app() -> WSGIApp:
    import falcon

    class Resource:
        def __init__(self, pattern: str) -> None:
            self.pattern = pattern

        def on_get(self, req: Any, resp: Any, **params: Any) -> None:
            resp.media = _answer(self.pattern, params)

    app = falcon.App(middleware=[falcon.CORSMiddleware(allow_origins=ORIGIN)])
    for pattern in PATTERNS:
        template = _template(pattern, "{{{}:path}}", "{{{}}}")
        if pattern.endswith("]]"):  # an optional catch-all: also the bare folder
            app.add_route(template.rsplit("/", 1)[0], Resource(pattern))
        app.add_route(template, Resource(pattern))
    return app


def _werkzeug_rule(pattern: str) -> list[str]:
    rule = _template(pattern, "<path:{}>", "<{}>")
    return [rule.rsplit("/", 1)[0], rule] if pattern.endswith("]]") else [rule]


def flask_app() -> WSGIApp:
    import flask

    app = flask.Flask("routes")
    for pattern in PATTERNS:

        def view(pattern: str = pattern, **params: Any) -> dict[str, Any]:
            return _answer(pattern, params)

        for rule in _werkzeug_rule(pattern):
            app.add_url_rule(rule, rule, view)
    return app


def werkzeug_map_app() -> WSGIApp:
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import Map, Rule
    from werkzeug.wrappers import Request, Response

    url_map = Map([Rule(r, endpoint=p) for p in PATTERNS for r in _werkzeug_rule(p)])

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        try:
            endpoint, params = url_map.bind_to_environ(environ).match()
        except HTTPException as exc:
            return exc(environ, start_response)
        body = json.dumps(_answer(endpoint, params), separators=(",", ":"))
        response = Response(body, mimetype="application/json")
        return response(request.environ, start_response)

    return app


def check(label: str, name: str, app: WSGIApp) -> None:
    method, path, status, expect, extra = WORKLOADS[label]
    answer = serve_once(app, Workload(label, method, path, 0, None, "µs", 1, 1), extra)
    wanted = OTHER_STATUS.get((name, label), status)
    got = int(answer[0].split()[0])
    if got != wanted:
        raise SystemExit(f"{name} answered {label} with {answer[0]}, not {wanted}")
    headers = {k.lower(): v for k, v in answer[1]}
    location = headers.get("location", "")
    if status == 308 and got == 308 and not location.endswith("/api/users"):
        raise SystemExit(f"{name} redirected {label} to {headers.get('location')}")
    if (
        label == "CORS preflight"
        and name in ("nextresp", "falcon")
        and (headers.get("access-control-allow-origin") != ORIGIN)
    ):
        raise SystemExit(f"{name} answered {label} without Allow-Origin")
    if expect is not None and json.loads(answer[2]) != expect:
        raise SystemExit(f"{name} answered {label} with {answer[2]!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS))
    args = parser.parse_args(argv)
    rounds, calls = (2, 50) if args.smoke else (15, 2000)
    with tempfile.TemporaryDirectory() as tmp:
        apps = {
            "nextresp": nextresp_tree(Path(tmp)),
            "falcon": falcon_app(),
            "flask": flask_app(),
            "werkzeug Map": werkzeug_map_app(),
        }
        print(f"{rounds} interleaved rounds of {calls} calls, CPU µs per request;")
        print("ratio: the median of the rounds' nextresp / Falcon, and their spread")
        for label in args.only:
            method, path, _status, _expect, extra = WORKLOADS[label]
            for name, app in apps.items():
                check(label, name, app)
            workload = Workload(label, method, path, 0, None, "µs", calls, calls)
            base = {**environ(workload), **extra}
            times: dict[str, list[float]] = {name: [] for name in apps}
            for turn in range(rounds):
                order = list(apps) if turn % 2 == 0 else list(reversed(apps))
                for name in order:
                    times[name].append(
                        time_calls(apps[name], workload, base, calls) * 1e6
                    )
            ratios = [
                n / f for n, f in zip(times["nextresp"], times["falcon"], strict=True)
            ]
            ratio = statistics.median(ratios)
            shown = "  ".join(
                f"{name} {statistics.median(samples):.2f}"
                for name, samples in times.items()
            )
            print(
                f"{label:<28} {shown}  ratio {ratio:.2f}"
                f" ({min(ratios):.2f}-{max(ratios):.2f})"
                f" target <= {TARGETS[label]:.2f}: {ratio <= TARGETS[label]}",
                flush=True,
            )


if __name__ == "__main__":
    main()
