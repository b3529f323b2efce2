"""``/api/thing``: the seed's second example (``examples/thing.py``) as a route."""

from examples.thing import handler as app

__all__ = ["app"]
