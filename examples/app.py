"""The demo app: the seed's two examples mounted with werkzeug routing.

Serve it with ``gunicorn examples.app:app``.
"""

from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule

from nextresp import ApiError

from . import hello, thing

url_map = Map(
    [
        Rule("/api/hello", endpoint=hello.hello),
        Rule("/api/thing", endpoint=thing.handler),
    ]
)


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Dispatch to the handler for the path; unknown paths are a 404 problem."""
    try:
        endpoint, _values = url_map.bind_to_environ(environ).match()
    except NotFound:
        return ApiError(404)(environ, start_response)
    return endpoint(environ, start_response)  # type: ignore[no-any-return]
