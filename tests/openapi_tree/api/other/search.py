from nextresp import api_handler
from tests.openapi_tree.models import Search, TodoGone


def search(req, res, query: Search):
    """Search the todos."""
    res.status(200).json({"q": query.q, "limit": query.limit})


app = api_handler(
    search,
    methods=["GET"],
    responses={200: dict[str, str | int]},
    raises=[TodoGone, 429],
)
