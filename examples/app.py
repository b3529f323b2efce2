"""The demo app: the seed's examples and Next.js's API examples, on werkzeug routing.

Serve it with ``gunicorn examples.app:app``.
"""

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from nextresp import ApiError

from . import hello, people, thing, users

url_map = Map(
    [
        Rule("/api/hello", endpoint=hello.hello),
        Rule("/api/thing", endpoint=thing.handler),
        Rule("/api/people", endpoint=people.people),
        Rule("/api/people/<id>", endpoint=people.person),
        Rule("/api/users", endpoint=users.users),
        Rule("/api/user/<int:id>", endpoint=users.user),
    ]
)


@Request.application
def app(request: Request) -> Response | HTTPException:
    """Route to the handler, which answers as ``endpoint(request, **values)``."""
    try:
        endpoint, values = url_map.bind_to_environ(request.environ).match()
    except NotFound:
        return ApiError(404)
    response: Response = endpoint(request, **values)
    return response
