"""The pytest plugin of nextresp: the ``nextresp_client`` fixture.

Registered by the ``pytest11`` entry point, so a project that installed
``nextresp[testing]`` has the fixture with no ``conftest.py``. pytest imports this
module in every run, before coverage starts measuring: it lives outside the
``nextresp`` package, and imports nextresp only when a test asks for the fixture,
so that measuring nextresp's own coverage still sees its imports run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import os
    from wsgiref.types import WSGIApplication

    from nextresp.testing import Client


@pytest.fixture
def nextresp_client() -> Iterator[Callable[..., Client]]:
    """Make test clients: ``nextresp_client(app_or_directory, **options)``.

    Takes what ``nextresp.testing.Client`` takes: an app, or the directory of a
    route tree and ``routes()`` options. Every stream the clients left open is
    closed when the test ends, so a source's ``finally`` runs then at the latest.
    """
    from nextresp.testing import Client

    clients: list[Client] = []

    def make(
        app: WSGIApplication | str | os.PathLike[str], /, **options: Any
    ) -> Client:
        client = Client(app, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
