from tests.openapi_tree.models import Health


def GET(req, res) -> Health:
    """Tell that the service is up.

    Load balancers call this every few seconds.
    """
    return Health(ok=True, version="1.0")
