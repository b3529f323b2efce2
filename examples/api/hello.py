"""``/api/hello``: the seed's first example (``examples/hello.py``) as a route."""

from examples.hello import hello as app

__all__ = ["app"]
