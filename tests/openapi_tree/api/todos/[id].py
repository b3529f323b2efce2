from nextresp import ApiError
from tests.openapi_tree.models import Todo, TodoGone, TodoPatch


def GET(req, res, id: int) -> Todo:
    """Read one todo."""
    if id == 0:
        raise ApiError(404, "No such todo")
    if id == 9:
        raise TodoGone("Deleted")
    return Todo(id=id, title="write docs", done=False)


def PATCH(req, res, id: int, body: TodoPatch) -> Todo:
    return Todo(id=id, title=body.title or "write docs", done=bool(body.done))


def DELETE(req, res, id: int) -> None:
    res.status(204).end()
