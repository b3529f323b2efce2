"""``/api/user/[id]``: Next.js's ``api-routes-rest`` example, a user read, renamed."""

import re

from nextresp import ApiError, ApiRequest, ApiResponse, api_methods


def user_id(req: ApiRequest) -> int:
    """Return the route's id as an int; any other id is a user that does not exist."""
    id: str = req.query["id"]
    if not re.fullmatch(r"[0-9]+", id):
        raise ApiError(404)
    return int(id)


def get_user(req: ApiRequest, res: ApiResponse, **params: str) -> None:
    id = user_id(req)
    res.status(200).json({"id": id, "name": f"User {id}"})


def put_user(req: ApiRequest, res: ApiResponse, **params: str) -> None:
    id = user_id(req)
    name = req.query.get("name") or f"User {id}"
    res.status(200).json({"id": id, "name": name})


# Every other method is answered 405 with Allow: GET, HEAD, OPTIONS, PUT.
app = api_methods(GET=get_user, PUT=put_user)
