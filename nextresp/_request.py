"""``ApiRequest``: werkzeug's request with the ``query`` and ``body`` of Next.js."""

from __future__ import annotations

import contextlib
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any, Generic, Self, TypeVar, cast, overload

from werkzeug.datastructures import EnvironHeaders, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request
from werkzeug.wsgi import LimitedStream

from ._errors import ApiError
from ._json_depth import MAX_JSON_DEPTH, nests_too_deeply
from ._json_read import loads

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

#: Next.js's default request body limit: a body of exactly this size passes.
DEFAULT_BODY_LIMIT = 1024 * 1024
_TOO_DEEP = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"

_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


_T = TypeVar("_T")


class _SetByInit(Generic[_T]):
    """An attribute werkzeug's ``Request.__init__`` sets, computed on first use.

    PERF: :meth:`ApiRequest.lazy` skips werkzeug's ``__init__``, most of whose work
    (server, paths, query string, remote address) few handlers read. The first read
    of any of them runs the real ``__init__``, which fills them all in; ``method``
    and ``headers``, set up front, keep their identity.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, req: None, owner: type) -> _SetByInit[_T]: ...

    @overload
    def __get__(self, req: Request, owner: type) -> _T: ...

    def __get__(self, req: Request | None, owner: type) -> _T | _SetByInit[_T]:
        if req is None:
            return self
        state = req.__dict__
        kept: dict[str, Any] = {"method": state["method"]}
        kept["headers"] = state.get("headers") or _FastEnvironHeaders(req.environ)
        Request.__init__(req, req.environ, populate_request=False, shallow=req.shallow)
        state.update(kept)
        value: _T = state[self.name]
        return value


class _FastEnvironHeaders(EnvironHeaders):
    """werkzeug's headers of a WSGI environ, finding an absent header without raising.

    PERF: werkzeug's ``get`` looks a header up by raising and catching ``KeyError``,
    which costs ten times the look-up when the header is absent (a request without
    ``Authorization``, say). A test pins that both answer alike.
    """

    def __init__(self, environ: WSGIEnvironment) -> None:
        # PERF: what werkzeug's two __init__ set, in one call (a test pins them alike).
        self._list = []
        self.environ = environ

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        if type is None and isinstance(key, str):
            name = _environ_keys.get(key) or _environ_key(key)
            return self.environ.get(name, default)
        return super().get(key, default, type)


def _environ_key(name: str) -> str:
    """Return the environ key of header ``name``, remembered (256 names at most)."""
    key = name.upper().replace("-", "_")
    if key != "CONTENT_TYPE" and key != "CONTENT_LENGTH":
        key = "HTTP_" + key
    if len(_environ_keys) < _MAX_ENVIRON_KEYS:
        _environ_keys[name] = key
    return key


# PERF: handlers ask for a few names again and again; the key of each is looked up
# rather than spelled anew (three new strings) on every request.
_environ_keys: dict[str, str] = {}
_MAX_ENVIRON_KEYS = 256


class _LazyHeaders:
    """``req.headers`` of a lazy request, made the first time it is read.

    PERF: many handlers read no header; the instance attribute made here hides this
    descriptor from then on, as werkzeug's own ``__init__`` would have set it.
    """

    def __get__(self, req: Request | None, owner: type) -> Any:
        if req is None:
            return self
        headers = req.__dict__["headers"] = _FastEnvironHeaders(req.environ)
        return headers


class ApiRequest(Request):
    """A werkzeug ``Request`` with ``query`` and ``body``, as Next.js API routes have.

    ``api_handler`` passes one as ``req`` in every host. Under Flask or a werkzeug app
    it is the host's own request object, lent these helpers for the handler's run, so
    it sees exactly the data the host sees.
    """

    headers = _LazyHeaders()
    scheme = _SetByInit[str]()
    server = _SetByInit[tuple[str, int | None] | None]()
    root_path = _SetByInit[str]()
    path = _SetByInit[str]()
    query_string = _SetByInit[bytes]()
    remote_addr = _SetByInit[str | None]()

    @classmethod
    def lazy(cls, environ: WSGIEnvironment) -> Self:
        """Return a request for ``environ`` that runs werkzeug's set-up when needed.

        Unlike werkzeug's default, the request is not stored in
        ``environ["werkzeug.request"]``: that makes a reference cycle per request,
        which only the garbage collector can free.
        """
        # PERF: see _SetByInit; a test pins that every attribute reads as werkzeug's own
        # __init__ sets it.
        req = cls.__new__(cls)
        req.environ = environ
        req.shallow = False
        req.method = environ.get("REQUEST_METHOD", "GET").upper()
        return req

    #: The route parameters the host matched (``<int:id>`` and the like).
    route_params: dict[str, Any] = {}  # noqa: RUF012 (replaced, never mutated)
    #: The request's id, once the ``RequestId`` middleware has given it one.
    request_id: str | None = None

    @cached_property
    def query(self) -> MultiDict[str, Any]:
        """Query-string arguments merged with the route parameters, which win a clash.

        A ``MultiDict``: ``query["tag"]`` is the first value, ``query.getlist("tag")``
        every value of a repeated key; a parameter whose value is a list (a
        catch-all's segments) gives one value per item, and no key for ``[]``.
        """
        query: MultiDict[str, Any] = MultiDict(self.args)
        for name, value in self.route_params.items():
            values = value if isinstance(value, list) else [value]
            if values:
                query.setlist(name, values)
            else:  # werkzeug would keep the key, with no value
                query.poplist(name)
        return query

    @cached_property
    def stream(self) -> IO[bytes]:
        """werkzeug's guarded input stream; a body over ``max_content_length`` is
        answered 413 "Request body exceeds the limit of N bytes", as by ``body``.

        ``get_data()``, ``data``, ``get_json()`` and form reads all read through it,
        so they all refuse a body over the limit in the same words. A declared body
        of up to twice the limit (or 64 KiB) is read and dropped first, so that a
        keep-alive connection survives the 413, as it does with Next.js.
        """
        try:
            stream = super().stream
        except RequestEntityTooLarge:  # the declared length is over the limit
            _drain(self.environ, self.content_length, self.max_content_length)
            raise _too_large(self.max_content_length) from None
        if isinstance(stream, LimitedStream) and stream._limit_is_max:
            # A body of unknown length (chunked), cut at the limit; nothing read yet.
            return cast("IO[bytes]", _CutAtTheLimit(stream._stream, stream.limit))
        return stream

    def _load_form_data(self) -> None:
        """Parse the form as werkzeug does, answering its refusals in our words.

        A body over the limit is refused by ``stream``, which the parser reads, as
        ``body`` refuses it; a form within the limit that breaks werkzeug's form
        limits (``max_form_memory_size``, ``max_form_parts``) gets its own sentence.
        """
        try:
            super()._load_form_data()
        except RequestEntityTooLarge:
            raise ApiError(
                413, "Request form exceeds the limits on its size or parts"
            ) from None

    @cached_property
    def body(self) -> Any:
        """The body, parsed by its Content-Type; ``None`` when there is none.

        JSON types give Python objects (malformed JSON, and the NaN, infinities and
        overflowing numbers that RFC 8259 has no values for, are answered 400
        "Invalid JSON"), urlencoded and multipart forms give ``form`` (files stay
        in ``files``), ``text/*`` gives ``str`` and anything else ``bytes``. A body
        over the handler's ``body_limit`` is answered 413 without being read whole.
        """
        if self.content_length == 0:
            return None
        if self.mimetype in _FORM_TYPES:
            return self.form
        data = self.get_data()
        if not data:
            return None
        limit = self.max_content_length
        if limit is not None and len(data) > limit:  # read by the host, unlimited
            raise _too_large(limit)
        if self.is_json:
            try:
                value = loads(data)
            except ValueError:  # UnicodeDecodeError is a ValueError too
                raise ApiError(400, "Invalid JSON") from None
            except RecursionError:
                raise ApiError(400, _TOO_DEEP) from None
            # Newer Pythons parse far deeper than older ones: one limit for all.
            if nests_too_deeply(data, value):
                raise ApiError(400, _TOO_DEEP)
            return value
        if self.mimetype.startswith("text/"):
            charset = self.mimetype_params.get("charset", "utf-8")
            try:
                return data.decode(charset)
            except (LookupError, ValueError):
                raise ApiError(
                    400, "Request body is not valid text in its declared charset"
                ) from None
        return data

    def body_as(self, model: type[_T], /) -> _T:
        """Validate the JSON body into ``model`` (a pydantic model, a msgspec
        ``Struct``, a dataclass, a ``TypedDict``), in one pass from the bytes.

        For a handler that decides late which model applies; ``body: Model`` in
        its signature does the same before it runs. A body that does not fit is
        answered 422 with every error (see the validation guide).
        """
        from ._validation import body_as

        return body_as(self, model)  # type: ignore[no-any-return]

    def query_as(self, model: type[_T], /) -> _T:
        """Validate the query string into ``model``, converting strings leniently."""
        from ._validation import query_as

        return query_as(self, model)  # type: ignore[no-any-return]

    def headers_as(self, model: type[_T], /) -> _T:
        """Validate the request's headers into ``model``: field ``x_token`` reads
        ``X-Token``, whatever its case; errors name the header."""
        from ._validation import headers_as

        return headers_as(self, model)  # type: ignore[no-any-return]


#: A body over the limit is drained when its declared length is at most this many
#: bytes, or twice the limit.
DRAIN_AT_LEAST = 64 * 1024


def _drain(environ: WSGIEnvironment, length: int | None, limit: int | None) -> None:
    """Read and drop a declared body refused for its size, if it is small enough.

    Strategy: a server keeps a connection open after the answer only once it has read
    the request's whole body (gunicorn reads 64 KiB of it at most, then closes;
    ``Connection: close`` cannot be sent by an application under PEP 3333). A body
    of at most twice the limit costs no more to drop than a body the handler may
    accept costs to read; a larger one is left to the server, which closes.
    """
    if length is None or length > max(2 * (limit or 0), DRAIN_AT_LEAST):
        return
    stream = environ["wsgi.input"]
    with contextlib.suppress(OSError, ValueError):  # the client went away
        while length > 0 and (chunk := stream.read(min(length, 64 * 1024))):
            length -= len(chunk)


class _CutAtTheLimit(LimitedStream):
    """werkzeug's stream of a body of unknown length, limited to ``max_content_length``,
    that tells a body that ends at the limit from one that goes on.

    werkzeug stops such a stream at the limit without saying whether more was coming
    (``read()`` returns the first N bytes of a longer body): one more byte tells.
    Servers hand such streams only when they end them themselves
    (``wsgi.input_terminated``), so the extra read never waits for a body that ended.
    """

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        super().__init__(stream, limit, is_max=True)

    def on_exhausted(self) -> None:
        if self._stream.read(1):
            raise _too_large(self.limit)

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted:
            self.on_exhausted()
        return data


def _too_large(limit: int | None) -> ApiError:
    """The answer to a body over ``limit`` bytes, however it was read."""
    return ApiError(413, f"Request body exceeds the limit of {limit} bytes")


_api_classes: dict[type[Request], type[ApiRequest]] = {Request: ApiRequest}


def api_request_class(host_class: type[Request]) -> type[ApiRequest]:
    """Return the class that adds ``ApiRequest``'s helpers to ``host_class``.

    Strategy: the host's request object may already hold the body (a Flask
    ``before_request`` hook read it), so ``req`` must be that very object. Its class
    is swapped for a subclass that adds the helpers, for the handler's run only.
    """
    if issubclass(host_class, ApiRequest):
        return host_class
    api_class = _api_classes.get(host_class)
    if api_class is None:
        name = f"Api{host_class.__name__}"
        api_class = _api_classes[host_class] = type(name, (ApiRequest, host_class), {})
    return api_class
