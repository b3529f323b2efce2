"""``/api/todos``: typed input. A query model pages the list; a body model creates.

The functions return a ``Todo`` (or a list of them): nextresp sends what they return
as JSON, and the OpenAPI document names its schema. A query or body that does not fit
its model is answered 422 with every error, and never with what the client sent.
"""

from examples.api._todos import TODOS, Paging, Todo, TodoIn
from nextresp import ApiRequest, ApiResponse, api_methods


def list_todos(req: ApiRequest, res: ApiResponse, query: Paging) -> list[Todo]:
    """List the todos, oldest first, a page at a time."""
    return TODOS.page(query)


def create_todo(req: ApiRequest, res: ApiResponse, body: TodoIn) -> Todo:
    """Create a todo: 201, with its address in ``Location``."""
    todo = TODOS.add(body)
    res.status(201).set_header("Location", f"/api/todos/{todo.id}")
    return todo


app = api_methods(GET=list_todos, POST=create_todo)
