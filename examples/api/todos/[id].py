"""``/api/todos/[id]``: one todo. ``id: int`` converts the route parameter; an id
that is not an integer names no todo, and is answered 404 before the function runs.
"""

from examples.api._todos import TODOS, Todo, TodoPatch
from nextresp import ApiRequest, ApiResponse, api_methods


def read_todo(req: ApiRequest, res: ApiResponse, id: int) -> Todo:
    """Return the todo, or 404."""
    return TODOS.get(id)


def update_todo(req: ApiRequest, res: ApiResponse, id: int, body: TodoPatch) -> Todo:
    """Change the fields the body sets; return the todo as it is now."""
    return TODOS.update(id, body)


def delete_todo(req: ApiRequest, res: ApiResponse, id: int) -> None:
    """Delete the todo: 204 with no body."""
    TODOS.remove(id)
    res.status(204).end()


app = api_methods(GET=read_todo, PATCH=update_todo, DELETE=delete_todo)
