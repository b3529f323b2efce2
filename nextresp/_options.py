"""``ApiOptions``: the settings of handlers and route trees, checked once, passed whole.

Every entry point (``api_handler``, ``api_methods``, ``routes``, ``flask.init_app``)
takes the same keywords, builds one ``ApiOptions`` from them where it is called, and
hands that object down; nothing below an entry point reads a keyword again. A new
option is a field here and a key of ``OptionKeywords``, and every entry point has it.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypedDict

from ._cors import Cors
from ._middleware import Middleware, check_middleware
from ._request import DEFAULT_BODY_LIMIT, ApiRequest
from ._response import ApiResponse
from ._sizes import parse_size
from ._status import check_status

#: ``on_error(exc, req)``: told of each unexpected exception before the 500.
ErrorHook = Callable[[Exception, ApiRequest], object]


class OptionKeywords(TypedDict, total=False):
    """The options as keywords: what each entry point accepts besides its own."""

    body_limit: int | str | None
    etag: bool
    problem_details: bool
    propagate_exceptions: bool
    response_class: type[ApiResponse]
    cors: Cors | None
    compress: bool
    validation_status: int
    use: Iterable[Middleware]
    on_error: ErrorHook | None
    errors: Mapping[type[Exception], int]
    responses: Mapping[int, Any]
    raises: Iterable[int | type[Exception]]


#: The names of the options, in the order they are documented.
OPTION_NAMES = tuple(OptionKeywords.__annotations__)


@dataclasses.dataclass(frozen=True, slots=True, init=False)
class ApiOptions:
    """How handlers answer: one value to share across handlers and route trees.

    ``api_handler``, ``api_methods``, ``routes`` and ``flask.init_app`` take these
    as keywords, or as ``options=ApiOptions(...)`` with keywords on top::

        shared = ApiOptions(cors=Cors(["https://app.example.com"]), body_limit="2mb")
        app = routes("api", options=shared)
        upload = api_handler(options=shared, body_limit="20mb")(receive_upload)

    - ``body_limit``: the largest request body ``req.body`` reads, in bytes (1 MiB)
      or as Next.js writes it (``"1mb"``, ``"500kb"``, 1024-based); ``None`` for no
      limit of ours. Kept as a number of bytes.
    - ``etag=False``: no automatic ``ETag`` and no automatic 304.
    - ``problem_details=False``: every error body is plain text, never JSON.
    - ``propagate_exceptions=True``: unexpected exceptions propagate to the server
      or middleware (debuggers, error reporters) instead of becoming a bare 500.
    - ``response_class``: an :class:`ApiResponse` subclass, the class of ``res`` and
      of every error response; its ``json_dumps``, ``auto_etag`` and ``error_body``
      apply.
    - ``cors=Cors(origins=[...])``: pages from those origins may call the handler;
      preflights are answered, and every answer carries the CORS headers.
    - ``compress=True``: bodies of one piece (JSON, text, problems) of 1 KiB or more
      are encoded as ``Accept-Encoding`` asks (gzip; brotli and zstd when their
      package is installed); streams and files never are.
    - ``validation_status=400``: the status of a body or query that does not fit
      its model (422 by default); see the validation guide.
    - ``use=[timing, auth]``: middleware ``def mw(req, res, call_next)`` (or
      ``async def``), outermost first, run inside the fold around the handler;
      kept as a tuple.
    - ``on_error=report``: ``report(exc, req)`` is called once for each unexpected
      exception, before the bare 500 goes out (or the exception propagates).
    - ``errors={LookupError: 404}``: an exception of a listed class (or of a
      subclass: the nearest class wins) is answered as a problem with that status,
      400 to 599, and the status's reason phrase as detail.
    - ``responses={201: Todo, 204: None}``: the answers a handler sends through
      ``res``, by status, with the type of each body (None for none), for the
      OpenAPI document; a return annotation (``-> Todo``) says it for 200.
    - ``raises=[404, TodoMissing]``: the problems a handler raises, as statuses
      (400 to 599) or ``HTTPException`` classes with a ``code`` (and a ``type``
      URI, if they have one), for the OpenAPI document; kept as a tuple.

    Each value is checked here, once; a wrong one raises ``TypeError`` or
    ``ValueError`` naming it.
    """

    body_limit: int | None
    etag: bool
    problem_details: bool
    propagate_exceptions: bool
    response_class: type[ApiResponse]
    cors: Cors | None
    compress: bool
    validation_status: int
    use: tuple[Middleware, ...]
    on_error: ErrorHook | None
    errors: Mapping[type[Exception], int]
    responses: Mapping[int, Any]
    raises: tuple[int | type[Exception], ...]

    def __init__(
        self,
        *,
        body_limit: int | str | None = DEFAULT_BODY_LIMIT,
        etag: bool = True,
        problem_details: bool = True,
        propagate_exceptions: bool = False,
        response_class: type[ApiResponse] = ApiResponse,
        cors: Cors | None = None,
        compress: bool = False,
        validation_status: int = 422,
        use: Iterable[Middleware] = (),
        on_error: ErrorHook | None = None,
        errors: Mapping[type[Exception], int] | None = None,
        responses: Mapping[int, Any] | None = None,
        raises: Iterable[int | type[Exception]] = (),
    ) -> None:
        for option, value in (
            ("etag", etag),
            ("problem_details", problem_details),
            ("propagate_exceptions", propagate_exceptions),
            ("compress", compress),
        ):
            if not isinstance(value, bool):
                raise TypeError(
                    f"api_handler option {option} must be True or False, not {value!r}"
                )
        limit = _body_limit(body_limit)
        if not (
            isinstance(response_class, type) and issubclass(response_class, ApiResponse)
        ):
            raise TypeError(
                "api_handler option response_class must be a subclass of ApiResponse,"
                f" not {response_class!r}"
            )
        if cors is not None and not isinstance(cors, Cors):
            raise TypeError(
                "api_handler option cors must be a Cors or None, as in"
                f" cors=Cors(origins=['https://app.example.com']), not {cors!r}"
            )
        _check_validation_status(validation_status)
        if on_error is not None and (
            not callable(on_error) or isinstance(on_error, type)
        ):
            raise TypeError(
                "api_handler option on_error must be a function def on_error(exc, req)"
                f" or None, not {on_error!r}"
            )
        init = object.__setattr__  # the one place a frozen instance is written
        init(self, "body_limit", limit)
        init(self, "etag", etag)
        init(self, "problem_details", problem_details)
        init(self, "propagate_exceptions", propagate_exceptions)
        init(self, "response_class", response_class)
        init(self, "cors", cors)
        init(self, "compress", compress)
        init(self, "validation_status", validation_status)
        init(self, "use", check_middleware(use))
        init(self, "on_error", on_error)
        init(self, "errors", _errors_map(errors))
        init(self, "responses", _responses_map(responses))
        init(self, "raises", _raised(raises))


def _responses_map(responses: object) -> Mapping[int, Any]:
    """Return ``responses`` as a read-only map, or raise naming the bad entry."""
    if responses is None:
        return _NO_RESPONSES
    if not isinstance(responses, Mapping):
        raise TypeError(
            "api_handler option responses must be a dict of statuses to types, as in"
            f" responses={{201: Todo}}, not {responses!r}"
        )
    checked: dict[int, Any] = {}
    for status, model in responses.items():
        code = check_status(status, 200, 599, "api_handler option responses' status")
        if model is not None and not (
            isinstance(model, type) or typing.get_origin(model) is not None
        ):
            raise TypeError(
                f"api_handler option responses[{code}] must be a type (Todo,"
                f" list[Todo]) or None for no body, not {model!r}"
            )
        checked[code] = model
    return MappingProxyType(checked)


def _raised(raises: object) -> tuple[int | type[Exception], ...]:
    """Return ``raises`` as a tuple of statuses and error classes, each checked."""
    if isinstance(raises, int | str | bytes) or not isinstance(raises, Iterable):
        raise TypeError(
            "api_handler option raises must be a list of statuses or error classes,"
            f" as in raises=[404, TodoMissing], not {raises!r}"
        )
    checked: list[int | type[Exception]] = []
    for item in raises:
        if isinstance(item, type) and issubclass(item, Exception):
            code = getattr(item, "code", None)
            if type(code) is not int or not 400 <= code <= 599:
                raise TypeError(
                    f"api_handler option raises lists {item.__name__}, which has no"
                    f" code from 400 to 599 (its code is {code!r}); give the class"
                    " code = 404, say, or list the status itself"
                )
            checked.append(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            checked.append(check_status(item, 400, 599, "api_handler option raises"))
        else:
            raise TypeError(
                "api_handler option raises must list statuses from 400 to 599 or"
                f" HTTPException classes with a code, not {item!r}"
            )
    return tuple(checked)


def _check_validation_status(status: object) -> None:
    """Refuse a ``validation_status`` other than 422 or 400."""
    if type(status) is not int:
        raise TypeError(
            f"api_handler option validation_status must be 422 or 400, not {status!r}"
        )
    if status not in (422, 400):
        raise ValueError(
            "api_handler option validation_status must be 422 (the default) or 400"
            f" for clients that expect it, not {status!r}"
        )


def _body_limit(body_limit: object) -> int | None:
    """Return ``body_limit`` in bytes, or raise saying what a limit may be."""
    limit = parse_size(body_limit) if isinstance(body_limit, str) else body_limit
    if body_limit is not None and (type(limit) is not int or limit < 0):
        error = (
            TypeError
            if type(body_limit) is not int and not isinstance(body_limit, str)
            else ValueError
        )
        raise error(
            "api_handler option body_limit must be a number of bytes (an int >= 0),"
            f" a size such as '1mb' or '500kb', or None, not {body_limit!r}"
        )
    return limit  # type: ignore[return-value]


def _errors_map(errors: object) -> Mapping[type[Exception], int]:
    """Return ``errors`` as a read-only map, or raise naming the bad entry."""
    if errors is None:
        return _NO_ERRORS
    if not isinstance(errors, Mapping):
        raise TypeError(
            "api_handler option errors must be a dict of exception classes to"
            f" statuses, as in errors={{LookupError: 404}}, not {errors!r}"
        )
    checked: dict[type[Exception], int] = {}
    for cls, status in errors.items():
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            raise TypeError(
                f"api_handler option errors maps {cls!r}, which is not an exception"
                " class; map classes such as LookupError"
            )
        what = f"api_handler option errors[{cls.__name__}]"
        checked[cls] = check_status(status, 400, 599, what)
    return MappingProxyType(checked)


_NO_ERRORS: Mapping[type[Exception], int] = MappingProxyType({})
_NO_RESPONSES: Mapping[int, Any] = MappingProxyType({})


#: The options of an entry point given none.
DEFAULT_OPTIONS = ApiOptions()


def options_of(
    options: ApiOptions | None, keywords: Mapping[str, Any], caller: str
) -> ApiOptions:
    """Return the options an entry point was called with: ``options``, then keywords.

    A keyword given beside ``options`` replaces that field, so a shared value can be
    adjusted for one handler. ``caller`` names the entry point in messages.
    """
    for name in keywords:
        if name not in OPTION_NAMES:
            raise TypeError(
                f"{caller}() got an unexpected keyword argument {name!r}; its options"
                f" are {', '.join(OPTION_NAMES)}"
            )
    if options is None:
        return ApiOptions(**keywords) if keywords else DEFAULT_OPTIONS
    if not isinstance(options, ApiOptions):
        raise TypeError(
            f"{caller} option options must be an ApiOptions, as in"
            f" options=ApiOptions(etag=False), not {options!r}"
        )
    return dataclasses.replace(options, **keywords) if keywords else options


class OptionAttributes:
    """Each option read as an attribute of what it configures: ``handler.body_limit``.

    Handlers and route trees kept their options as attributes before ``ApiOptions``
    existed; they still read that way, and ``options`` holds them all.
    """

    #: Every option, as one value.
    options: ApiOptions

    @property
    def body_limit(self) -> int | None:
        """The largest request body ``req.body`` reads, in bytes; None for no limit."""
        return self.options.body_limit

    @property
    def etag(self) -> bool:
        """Whether bodies get an automatic ``ETag`` and matching requests a 304."""
        return self.options.etag

    @property
    def problem_details(self) -> bool:
        """Whether error bodies are problem details (else plain text)."""
        return self.options.problem_details

    @property
    def propagate_exceptions(self) -> bool:
        """Whether unexpected exceptions propagate instead of becoming a bare 500."""
        return self.options.propagate_exceptions

    @property
    def response_class(self) -> type[ApiResponse]:
        """The class of ``res`` and of the error responses."""
        return self.options.response_class

    @property
    def cors(self) -> Cors | None:
        """Which other origins may call, or None."""
        return self.options.cors

    @property
    def compress(self) -> bool:
        """Whether bodies of one piece are compressed as the client asks."""
        return self.options.compress

    @property
    def validation_status(self) -> int:
        """The status of input that does not fit its model: 422, or 400."""
        return self.options.validation_status

    @property
    def use(self) -> tuple[Middleware, ...]:
        """The middleware, outermost first."""
        return self.options.use
