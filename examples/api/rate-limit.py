"""``/api/rate-limit``: Next.js's ``api-routes-rate-limit`` example.

Ten requests a minute per client address; every answer carries ``X-RateLimit-Limit``
and ``X-RateLimit-Remaining``, and the eleventh is ``429`` with ``Retry-After``. Set
``REDIS_URL`` to count in Redis, across workers and machines.
"""

import uuid

from examples.api._rate_limit import check, counter_from_environment
from nextresp import ApiRequest, ApiResponse, api_methods

COUNTER = counter_from_environment()


def get(req: ApiRequest, res: ApiResponse) -> None:
    check(req, res, COUNTER)
    res.json({"id": str(uuid.uuid4())})


app = api_methods(GET=get)
