"""The app the shutdown tests serve: an endless event stream, a big file, a slow answer.

``/events`` ticks every 50 ms until the client leaves or the server stops;
``/big`` sends the file named by ``NEXTRESP_TEST_BIG_FILE``; ``/slow`` creates the file
named by ``NEXTRESP_TEST_SLOW_STARTED`` (so a test knows the server holds the request)
and answers half a second later.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator

from nextresp import ApiRequest, ApiResponse, Event, api_handler


def ticks() -> Iterator[Event]:
    for n in itertools.count(1):
        yield Event({"n": n}, event="tick", id=n)
        time.sleep(0.05)


@api_handler
def app(req: ApiRequest, res: ApiResponse) -> None:
    if req.path == "/events":
        res.sse(ticks(), heartbeat=1)
    elif req.path == "/big":
        res.send(open(os.environ["NEXTRESP_TEST_BIG_FILE"], "rb"))  # noqa: SIM115
    else:
        open(os.environ["NEXTRESP_TEST_SLOW_STARTED"], "x").close()
        time.sleep(0.5)
        res.json({"slow": True})
