"""``init_app``: a Flask app answers its own errors in nextresp's format.

Importing this module imports Flask; ``import nextresp`` never does.
"""

from __future__ import annotations

import flask
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from ._errors import error_response, error_response_for
from ._handler import logger

__all__ = ["init_app"]


def init_app(app: flask.Flask, /, *, problem_details: bool = True) -> None:
    """Answer the app's errors as :func:`api_handler` answers a handler's.

    That is routing's 404 and 405 (with ``Allow``), ``abort(...)``, an
    :class:`ApiError` raised in a plain view, and unexpected exceptions: the same
    problem details (plain text for clients that rule JSON out, or for every client
    with ``problem_details=False``), ``Vary: Accept`` and ``nosniff``. An unexpected
    exception is logged on the ``nextresp`` logger and answered with a bare 500,
    unless Flask propagates it (``PROPAGATE_EXCEPTIONS``, or testing or debug
    mode); Flask's ``got_request_exception`` signal is sent either way.

    Strategy: the handlers are registered on ``HTTPException`` and ``Exception``,
    the most general keys Flask looks up, so the app's own ``errorhandler`` for a
    code or a more specific class still wins.
    """
    if not isinstance(app, flask.Flask):
        raise TypeError(f"init_app expected a Flask app, not {app!r}")
    if not isinstance(problem_details, bool):
        raise TypeError(
            f"init_app option problem_details must be True or False, not"
            f" {problem_details!r}"
        )

    def http_error(error: HTTPException) -> Response:
        if isinstance(error, InternalServerError) and error.original_exception:
            # Flask wrapped an exception it has logged: a bare 500, as below.
            return _bare_500(problem_details)
        environ = flask.request.environ
        return error_response_for(error, environ, problem_details=problem_details)

    def unexpected(error: Exception) -> Response:
        propagate = app.config["PROPAGATE_EXCEPTIONS"]
        if propagate is None:
            propagate = app.testing or app.debug
        if propagate:
            raise error
        flask.got_request_exception.send(
            app, _async_wrapper=app.ensure_sync, exception=error
        )
        request = flask.request
        logger.error(
            "unhandled exception in %s for %s %s",
            request.endpoint,
            request.method,
            request.path,
            exc_info=error,
        )
        return _bare_500(problem_details)

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)


def _bare_500(problem_details: bool) -> Response:
    return error_response(
        500, None, [], flask.request.environ, problem_details=problem_details
    )
