def GET(req, res, path: list[str] | None = None) -> list[str]:
    """List the files in a folder, or at the root."""
    return path or []
