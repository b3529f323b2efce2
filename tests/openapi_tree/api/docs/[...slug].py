from tests.openapi_tree.models import Page


def GET(req, res, slug: list[str]) -> Page:
    """Read a page of the docs at any depth."""
    return {"path": "/".join(slug), "words": len(slug)}
