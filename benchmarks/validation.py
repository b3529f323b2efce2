"""Benchmark typed input: a 100 KB JSON POST validated into a model, and its 422.

    python benchmarks/validation.py            # the full run (about a minute)
    python benchmarks/validation.py --smoke    # briefly, to check that it runs

A body of 560 records (about 100 KB of JSON) is POSTed, in process, to each peer as
a WSGI app called with a prepared environ, and validated into the same model:

- nextresp: ``def handler(req, res, body: Batch)`` (pydantic) and the same with a
  msgspec ``Struct``;
- Falcon 4 by hand: ``Batch.model_validate_json(req.bounded_stream.read())`` and
  ``msgspec.json.decode(req.bounded_stream.read(), type=Batch)``;
- Flask with flask-pydantic's ``@validate()``.

Then the same body with three schema errors: nextresp's 422 against Falcon sending the
same RFC 9457 problem by hand. Peers take turns (A B C, then C B A); each figure is
the median CPU time per request of the rounds, with their spread. The answers are
checked first.

Strategy: each request makes thousands of objects (560 models), so the collector's
full passes come every few dozen requests, and each walks every object of the
process (four frameworks' worth) for milliseconds. Where one lands depends on the
allocations before it, the same in every round, so it kept landing on the same
peer. After the warm-up, ``gc.freeze()`` moves the objects made at import to the
permanent generation (as servers that preload do), and every batch of calls starts
after a full collection: each peer pays for its own garbage only.
"""

# No `from __future__ import annotations`: flask-pydantic reads the view's
# annotations as written, and cannot resolve strings.
import argparse
import gc
import io
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import falcon  # noqa: E402
import flask  # noqa: E402
import msgspec  # noqa: E402
import pydantic  # noqa: E402

from nextresp import api_handler  # noqa: E402

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]
PROBLEM_TYPE = "https://nextresp.readthedocs.io/en/latest/validation.html"


class Record(pydantic.BaseModel):
    id: int
    name: str
    email: str
    active: bool
    score: float
    qty: int
    tags: list[str]
    sku: str
    note: str


class Batch(pydantic.BaseModel):
    records: list[Record]


class SRecord(msgspec.Struct):
    id: int
    name: str
    email: str
    active: bool
    score: float
    qty: int
    tags: list[str]
    sku: str
    note: str


class SBatch(msgspec.Struct):
    records: list[SRecord]


def records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "name": f"Item number {i}",
            "email": f"user{i}@example.com",
            "active": i % 3 != 0,
            "score": i * 0.25,
            "qty": i % 17,
            "tags": ["alpha", "beta"],
            "sku": f"sku-{i:08d}",
            "note": "handle with care",
        }
        for i in range(count)
    ]


GOOD = json.dumps({"records": records(560)}).encode()
_bad = records(560)
_bad[3]["qty"] = "three"
_bad[200]["email"] = None
del _bad[500]["name"]
BAD = json.dumps({"records": _bad}).encode()


# -- nextresp -----------------------------------------------------------------------


@api_handler(methods=["POST"])
def nextresp_pydantic(req: Any, res: Any, body: Batch) -> None:
    res.json({"count": len(body.records)})


@api_handler(methods=["POST"])
def nextresp_msgspec(req: Any, res: Any, body: SBatch) -> None:
    res.json({"count": len(body.records)})


# -- Falcon by hand -----------------------------------------------------------------


def _pointer(location: Iterable[Any]) -> str:
    return "#" + "".join(
        "/" + str(step).replace("~", "~0").replace("/", "~1") for step in location
    )


class FalconPydantic:
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        try:
            batch = Batch.model_validate_json(req.bounded_stream.read())
        except pydantic.ValidationError as exc:
            errors = exc.errors(
                include_url=False, include_context=False, include_input=False
            )
            problem = {
                "type": PROBLEM_TYPE,
                "title": "The request's input is not valid",
                "status": 422,
                "detail": f"The request body has {len(errors)} errors",
                "errors": [
                    {"detail": e["msg"], "pointer": _pointer(e["loc"])} for e in errors
                ],
            }
            resp.status = 422
            resp.content_type = "application/problem+json"
            resp.text = json.dumps(problem, separators=(",", ":"))
            return
        resp.media = {"count": len(batch.records)}


class FalconMsgspec:
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        batch = msgspec.json.decode(req.bounded_stream.read(), type=SBatch)
        resp.media = {"count": len(batch.records)}


def falcon_app(resource: object) -> WSGIApp:
    app = falcon.App()
    app.add_route("/", resource)
    return app  # type: ignore[return-value]


# -- Flask + flask-pydantic ---------------------------------------------------------


def flask_pydantic_app() -> WSGIApp | None:
    try:
        from flask_pydantic import validate
    except ImportError:
        return None
    app = flask.Flask("bench")

    @app.post("/")
    @validate()
    def post(body: Batch) -> dict[str, int]:
        return {"count": len(body.records)}

    return app  # type: ignore[return-value]


# -- the run ------------------------------------------------------------------------


def environ(body: bytes) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT": "*/*",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def answer(app: WSGIApp, body: bytes) -> tuple[int, Any]:
    seen: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        seen.append(status)

    result = app(environ(body), start_response)
    data = b"".join(result)
    getattr(result, "close", lambda: None)()
    return int(seen[0].split()[0]), json.loads(data)


def cpu_per_call(app: WSGIApp, body: bytes, calls: int) -> float:
    base = environ(body)

    def ignore(status: str, headers: Any, exc_info: Any = None) -> None:
        return None

    start = time.process_time()
    for _ in range(calls):
        env = base.copy()
        env["wsgi.input"] = io.BytesIO(body)
        result = app(env, ignore)
        for _chunk in result:
            pass
        getattr(result, "close", lambda: None)()
    return (time.process_time() - start) / calls


def race(
    peers: dict[str, WSGIApp], body: bytes, rounds: int, calls: int
) -> dict[str, list[float]]:
    """Time each peer in turns: forwards, then backwards."""
    names = list(peers)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for app in peers.values():  # warm up: imports, caches, first allocations
        cpu_per_call(app, body, 3)
    gc.collect()
    gc.freeze()
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            gc.collect()
            samples[name].append(cpu_per_call(peers[name], body, calls))
    return samples


def summary(samples: list[float]) -> str:
    low, mid, high = min(samples), statistics.median(samples), max(samples)
    return f"{mid * 1e6:8.0f} µs ({low * 1e6:.0f}-{high * 1e6:.0f})"


def ratio(samples: dict[str, list[float]], name: str, base: str) -> float:
    return statistics.median(samples[name]) / statistics.median(samples[base])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a short run")
    args = parser.parse_args(argv)
    rounds, calls = (2, 3) if args.smoke else (24, 30)

    valid: dict[str, WSGIApp] = {
        "nextresp+pydantic": nextresp_pydantic,
        "falcon+pydantic": falcon_app(FalconPydantic()),
        "nextresp+msgspec": nextresp_msgspec,
        "falcon+msgspec": falcon_app(FalconMsgspec()),
    }
    flask_app = flask_pydantic_app()
    if flask_app is None:
        print("flask-pydantic is not installed: pip install flask-pydantic")
    else:
        valid["flask+flask-pydantic"] = flask_app
    for name, app in valid.items():
        if answer(app, GOOD) != (200, {"count": 560}):
            raise SystemExit(f"{name} answered {answer(app, GOOD)}")
    invalid = {
        "nextresp 422": nextresp_pydantic,
        "falcon 422": falcon_app(FalconPydantic()),
    }
    problems = {name: answer(app, BAD) for name, app in invalid.items()}
    if problems["nextresp 422"] != problems["falcon 422"]:
        raise SystemExit(f"the 422s differ: {problems}")
    status, problem = problems["nextresp 422"]
    if status != 422 or len(problem["errors"]) != 3:
        raise SystemExit(f"not the 422 expected: {problems['nextresp 422']}")

    print(f"{len(GOOD) / 1024:.0f} KB body, 560 records; {rounds} rounds of {calls}")
    samples = race(valid, GOOD, rounds, calls)
    samples.update(race(invalid, BAD, rounds, calls))
    for name, figures in samples.items():
        print(f"  {name:22} {summary(figures)}")
    print("ratios (median over median), and targets:")
    pairs = [
        ("nextresp+pydantic", "falcon+pydantic", 1.00),
        ("nextresp+msgspec", "falcon+msgspec", 1.00),
        ("nextresp+pydantic", "flask+flask-pydantic", 0.50),
        ("nextresp 422", "falcon 422", 1.00),
    ]
    for name, base, target in pairs:
        if base in samples:
            value = ratio(samples, name, base)
            met = "met" if value <= target else "NOT met"
            print(f"  {name} / {base}: {value:.2f}x (target <= {target:.2f}x: {met})")


if __name__ == "__main__":
    main()
