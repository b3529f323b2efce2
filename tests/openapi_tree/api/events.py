from nextresp import Event


def GET(req, res):
    """Stream the clock."""
    res.sse(iter([Event("tick", event="clock")]))
