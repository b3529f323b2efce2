"""``GET /api/hello``: the seed's first handler, ``examples/hello.py``."""

from examples.hello import hello as app

__all__ = ["app"]
