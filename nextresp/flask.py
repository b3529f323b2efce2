"""``init_app``: a Flask app answers its own errors in nextresp's format.

Importing this module imports Flask; ``import nextresp`` never does.
"""

from __future__ import annotations

from typing import Unpack

import flask
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from ._cors import add_cors_headers
from ._errors import error_response, error_response_for
from ._handler import logger
from ._headers import lines_of
from ._options import ApiOptions, OptionKeywords, options_of

__all__ = ["init_app"]

#: The options that shape an app's error answers; the others are each handler's.
_APP_WIDE = ("problem_details", "response_class", "cors")


def init_app(
    app: flask.Flask,
    /,
    *,
    options: ApiOptions | None = None,
    **keywords: Unpack[OptionKeywords],
) -> None:
    """Answer the app's errors as :func:`api_handler` answers a handler's.

    That is routing's 404 and 405 (with ``Allow``), ``abort(...)``, an
    :class:`ApiError` raised in a plain view, and unexpected exceptions: the same
    problem details (plain text for clients that rule JSON out, or for every client
    with ``problem_details=False``), ``Vary: Accept`` and ``nosniff``. An unexpected
    exception is logged on the ``nextresp`` logger and answered with a bare 500,
    unless Flask propagates it (``PROPAGATE_EXCEPTIONS``, or testing or debug
    mode); Flask's ``got_request_exception`` signal is sent either way.

    Of the options (keywords, or ``options=ApiOptions(...)``), those that shape an
    error answer apply: ``problem_details``, ``response_class`` (whose
    ``error_body`` renders every error) and ``cors`` (error answers to an allowed
    origin carry the CORS headers, so a browser sees the 404, not a CORS failure).
    The others belong to a handler, not to an app: a body limit is Flask's
    ``MAX_CONTENT_LENGTH``, exceptions propagate by ``PROPAGATE_EXCEPTIONS``, and an
    ``ETag`` is for answers that succeed; passing them here is a ``TypeError``.

    Strategy: the handlers are registered on ``HTTPException`` and ``Exception``,
    the most general keys Flask looks up, so the app's own ``errorhandler`` for a
    code or a more specific class still wins.
    """
    if not isinstance(app, flask.Flask):
        raise TypeError(f"init_app expected a Flask app, not {app!r}")
    for name in keywords:
        if name in _APP_WIDE:
            continue
        if name in OptionKeywords.__annotations__:
            raise TypeError(
                f"init_app option {name} applies to a handler, not to a whole Flask"
                f" app; the app-wide options are {', '.join(_APP_WIDE)} (give"
                f" {name} to api_handler, or use Flask's own configuration)"
            )
        raise TypeError(
            f"init_app() got an unexpected keyword argument {name!r}; its options"
            f" are {', '.join(_APP_WIDE)} and options="
        )
    try:
        checked = options_of(options, keywords, "init_app")
    except (TypeError, ValueError) as exc:  # worded for the call the user made
        message = str(exc).replace("api_handler option", "init_app option", 1)
        raise type(exc)(message) from None

    def http_error(error: HTTPException) -> Response:
        if isinstance(error, InternalServerError) and error.original_exception:
            # Flask wrapped an exception it has logged: a bare 500, as below.
            return _bare_500(checked)
        response = error_response_for(
            error,
            flask.request.environ,
            problem_details=checked.problem_details,
            response_class=checked.response_class,
        )
        return _with_cors(checked, response)

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
        return _bare_500(checked)

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected)


def _bare_500(options: ApiOptions) -> Response:
    response = error_response(
        500,
        None,
        [],
        flask.request.environ,
        problem_details=options.problem_details,
        response_class=options.response_class,
    )
    return _with_cors(options, response)


def _with_cors(options: ApiOptions, response: Response) -> Response:
    """Give an error answer the CORS headers its origin may have, as handlers do."""
    if options.cors is not None:
        add_cors_headers(
            options.cors, lines_of(response.headers), flask.request.environ
        )
    return response
