"""``DELETE /api/thing`` without credentials → 401: the seed's second handler."""

from examples.thing import handler as app

__all__ = ["app"]
