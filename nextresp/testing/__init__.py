"""Test nextresp apps in process: requests, JSON, problems and streams, in a few lines.

``Client(app)`` sends requests through the app's real WSGI call (werkzeug's test
client underneath) and answers with a :class:`Result`; the ``nextresp_client``
pytest fixture, registered when nextresp is installed, makes clients and closes
their streams after each test.
"""

from ._client import Client, RequestOptions
from ._problem import Problem
from ._result import Result
from ._streams import ReceivedEvent, StreamTimeout

__all__ = [
    "Client",
    "Problem",
    "ReceivedEvent",
    "RequestOptions",
    "Result",
    "StreamTimeout",
]
