"""``ApiRequest``: werkzeug's request with the ``query`` and ``body`` of Next.js."""

from __future__ import annotations

import json
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from werkzeug.datastructures import EnvironHeaders, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from ._errors import ApiError

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

#: Next.js's default request body limit: a body of exactly this size passes.
DEFAULT_BODY_LIMIT = 1024 * 1024
#: JSON bodies nested deeper are refused: parsers recurse, and no API needs more.
MAX_JSON_DEPTH = 512
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

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        if type is None and isinstance(key, str):
            name = key.upper().replace("-", "_")
            if name != "CONTENT_TYPE" and name != "CONTENT_LENGTH":
                name = "HTTP_" + name
            return self.environ.get(name, default)
        return super().get(key, default, type)


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
    def body(self) -> Any:
        """The body, parsed by its Content-Type; ``None`` when there is none.

        JSON types give Python objects (malformed JSON is answered 400 "Invalid JSON"),
        urlencoded and multipart forms give ``form`` (files stay in ``files``),
        ``text/*`` gives ``str`` and anything else ``bytes``. A body over the handler's
        ``body_limit`` is answered 413 without being read whole.
        """
        if self.content_length == 0:
            return None
        limit = self.max_content_length
        if self.mimetype in _FORM_TYPES:
            try:
                return self.form
            except RequestEntityTooLarge:
                # The whole body, one field, or the number of parts: werkzeug's form
                # limits (max_form_memory_size, max_form_parts) as well as ours.
                raise ApiError(
                    413, "Request form exceeds the limits on its size or parts"
                ) from None
        try:
            data = self.get_data()
            # werkzeug stops a stream of unknown length (which it reads only from
            # servers that end such streams themselves) at the limit without saying
            # whether more was coming: one more byte tells.
            if (
                data
                and len(data) == limit
                and self.content_length is None
                and self.environ.get("wsgi.input_terminated")
                and self.environ["wsgi.input"].read(1)
            ):
                raise RequestEntityTooLarge()
        except RequestEntityTooLarge:
            raise ApiError(
                413, f"Request body exceeds the limit of {limit} bytes"
            ) from None
        if not data:
            return None
        if self.is_json:
            try:
                value = json.loads(data)
            except ValueError:  # UnicodeDecodeError is a ValueError too
                raise ApiError(400, "Invalid JSON") from None
            except RecursionError:
                raise ApiError(400, _TOO_DEEP) from None
            # Newer Pythons parse far deeper than older ones: one limit for all. Only
            # a body with more brackets than the limit can be nested past it.
            if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH and _deeper(
                value, MAX_JSON_DEPTH
            ):
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


_CONTAINERS = frozenset({dict, list})


def _deeper(value: object, limit: int) -> bool:
    """Tell whether ``value``, from ``json.loads``, nests more than ``limit`` levels.

    PERF: one level at a time, each in one comprehension: a fraction of the time of a
    walk node by node (with a stack of its own or Python's), which made the check cost
    more than the parse. ``json.loads`` makes plain dicts and lists only, so their
    exact types are checked. A test pins the answers against the recursive definition.
    """
    level: list[Any] = [value] if type(value) in _CONTAINERS else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) in _CONTAINERS
        ]
    return False


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
