from tests.openapi_tree.models import Paging, Todo, TodoIn


def GET(req, res, query: Paging) -> list[Todo]:
    """List the todos, a page at a time."""
    return [Todo(id=query.page, title="write docs", done=False)]


def POST(req, res, body: TodoIn) -> Todo:
    """Add a todo."""
    return Todo(id=1, title=body.title, done=body.done)
