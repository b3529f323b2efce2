"""``openapi()``: the OpenAPI document of a route tree, loaded or to load."""

from __future__ import annotations

import os
from typing import Any

from ._routes import RoutesApp, routes


def openapi(
    app_or_directory: RoutesApp | str | os.PathLike[str],
    /,
    *,
    title: str = "API",
    version: str = "0.1.0",
    prefix: str | None = None,
) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of a route tree, as a dict of JSON values.

    Pass the app :func:`routes` returned, or a directory, which is loaded as
    ``routes(directory, prefix=prefix)`` would. Paths, parameters, bodies,
    answers and problems come from the handlers' signatures and options; see the
    OpenAPI guide. Each call returns a new dict.
    """
    if isinstance(app_or_directory, RoutesApp):
        if prefix is not None:
            raise TypeError(
                "openapi() takes prefix= with a directory only: the app's routes"
                f" have theirs ({app_or_directory.table.prefix!r})"
            )
        app = app_or_directory
    elif isinstance(app_or_directory, str | os.PathLike):
        app = routes(app_or_directory, prefix=prefix)
    else:
        raise TypeError(
            "openapi() expected the app routes() returns or a route directory, not"
            f" {app_or_directory!r}"
        )
    return app.openapi(title=title, version=version)
