"""An ``InputPlan`` executed on a request: typed values in, or the problem out.

The checks run in the order of the statuses they answer, so that the answer names
the first thing wrong: a route parameter that does not convert is 404 (the URL names
nothing), a body that is not JSON by its ``Content-Type`` 415, a body over the limit
413, bytes that are not JSON (or hold NaN, Infinity or 1e999) 400, and a body, query
or headers that do not fit their model 422 (or the ``validation_status`` chosen),
with every error at once. 405 and CORS preflights come before all of these, in the
fold. No error holds a submitted value.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from werkzeug.exceptions import RequestEntityTooLarge

from ._errors import ApiError
from ._finite_numbers import NOT_FINITE, holds_non_finite
from ._input_plan import (
    BODILESS,
    NO_DEFAULT,
    InputPlan,
    header_names,
    list_fields,
    plan_for,
)
from ._schema_libs import adapter_for
from ._schemas import InvalidInput, Location, MalformedInput, SchemaAdapter

if TYPE_CHECKING:
    from werkzeug.wrappers import Request

#: The ``type`` of a validation problem; the page documents its members.
VALIDATION_TYPE = "https://nextresp.readthedocs.io/en/latest/validation.html"
VALIDATION_TITLE = "The request's input is not valid"
#: Where a handler's ``validation_status`` travels to ``req.body_as``.
STATUS_ATTRIBUTE = "_nextresp_validation_status"
#: Set on a function ``typed`` need not wrap (again).
INPUT_ATTRIBUTE = "__nextresp_input__"
_NONE: tuple[dict[str, object], ...] = ()
# RFC 6901 section 6: a pointer in a URI fragment percent-encodes the rest.
_POINTER_SAFE = "/~!$&'()*+,;=:@?"


def typed(
    func: Callable[..., object], status: int, methods: tuple[str, ...] | None
) -> Callable[..., object]:
    """Return what the fold should call for ``func``: ``func`` itself if it takes
    no typed input (and ``status`` is the default), else a wrapper made once."""
    if getattr(func, INPUT_ATTRIBUTE, False):  # wrapped already, or a dispatcher
        return func
    name = getattr(func, "__qualname__", None) or repr(func)
    plan = plan_for(func, name, methods)
    if plan is not None:
        return with_input(func, plan, status)
    return func if status == 422 else with_status(func, status)


#: Where a wrapper made by ``with_input`` keeps its plan, for the OpenAPI document.
PLAN_ATTRIBUTE = "__nextresp_plan__"


def _sending(func: Callable[..., object], plan: InputPlan) -> Callable[..., object]:
    """Return ``func`` wrapped to send the value it returns as JSON (``-> Todo``).

    Only a handler annotated with a returned type gets this wrapper; any other
    keeps refusing a returned value, in the fold.
    """
    dump = getattr(plan.returns_adapter, "dump", None) or (lambda value: value)

    target = inspect.unwrap(func)
    if inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(
        getattr(target, "__call__", None)  # noqa: B004 (an object's async __call__)
    ):

        async def send_async(req: Request, res: Any, **route_params: Any) -> object:
            value = await func(req, res, **route_params)  # type: ignore[misc]
            if value is None or value is res:
                return value
            return res.json(dump(value))

        return send_async

    def send(req: Request, res: Any, **route_params: Any) -> object:
        value = func(req, res, **route_params)
        if value is None or value is res:
            return value
        return res.json(dump(value))

    return send


def with_input(
    func: Callable[..., object], plan: InputPlan, status: int
) -> Callable[..., object]:
    """Return ``func`` wrapped to take ``(req, res, **route_params)`` and run ``plan``.

    The wrapper is made once, when the handler is; per request it only executes
    the plan and calls ``func`` with the typed values as keywords.
    """
    body, query, params = plan.body, plan.query, plan.params
    default, lists = plan.body_default, plan.query_lists
    headers, names, header_lists = plan.headers, plan.header_names, plan.header_lists
    original = func
    if plan.returns is not None:
        func = _sending(func, plan)

    @functools.wraps(original)
    def call(req: Request, res: Any, **route_params: Any) -> object:
        if status != 422:
            setattr(req, STATUS_ATTRIBUTE, status)
        for name, convert in params:
            if name in route_params:
                try:
                    route_params[name] = convert(route_params[name])
                except (ValueError, TypeError, AttributeError):
                    raise ApiError(404) from None
        # PERF: the error lists are made only when there are errors.
        body_errors: Sequence[dict[str, object]] = _NONE
        query_errors: Sequence[dict[str, object]] = _NONE
        header_errors: Sequence[dict[str, object]] = _NONE
        if body is not None:
            if req.method in BODILESS:
                route_params["body"] = default
            else:
                try:
                    route_params["body"] = _typed_body(req, body, default)
                except _Errors as exc:
                    body_errors = exc.errors
        if query is not None:
            try:
                route_params["query"] = _typed_query(req, query, lists)
            except _Errors as exc:
                query_errors = exc.errors
        if headers is not None:
            try:
                route_params["headers"] = _typed_headers(
                    req, headers, names, header_lists
                )
            except _Errors as exc:
                header_errors = exc.errors
        if body_errors or query_errors or header_errors:
            raise validation_error(status, body_errors, query_errors, header_errors)
        return func(req, res, **route_params)

    setattr(call, PLAN_ATTRIBUTE, plan)
    return _named_like(call, original)


def with_status(func: Callable[..., object], status: int) -> Callable[..., object]:
    """Return ``func`` wrapped so that ``req.body_as`` answers with ``status``."""

    @functools.wraps(func)
    def call(req: Request, res: Any, **route_params: Any) -> object:
        setattr(req, STATUS_ATTRIBUTE, status)
        return func(req, res, **route_params)

    return _named_like(call, func)


def _named_like(
    call: Callable[..., object], func: Callable[..., object]
) -> Callable[..., object]:
    """Mark ``call`` as wrapped, named as the fold names ``func`` (a partial's
    function, a callable object's class) in logs and as a Flask endpoint."""
    target: object = func
    while isinstance(target, functools.partial):
        target = target.func
    named = target if hasattr(target, "__qualname__") else type(target)
    call.__module__ = named.__module__
    call.__qualname__ = named.__qualname__
    call.__name__ = named.__qualname__.rpartition(".")[2]
    setattr(call, INPUT_ATTRIBUTE, True)
    return call


def body_as(req: Request, model: Any) -> Any:
    """Validate the body of ``req`` into ``model``: ``req.body_as(TodoIn)``."""
    try:
        return _typed_body(req, adapter_for(model), NO_DEFAULT)
    except _Errors as exc:
        status = getattr(req, STATUS_ATTRIBUTE, 422)
        raise validation_error(status, exc.errors, _NONE) from None


def query_as(req: Request, model: Any) -> Any:
    """Validate the query of ``req`` into ``model``: ``req.query_as(Paging)``."""
    try:
        return _typed_query(req, adapter_for(model), list_fields(model))
    except _Errors as exc:
        status = getattr(req, STATUS_ATTRIBUTE, 422)
        raise validation_error(status, _NONE, exc.errors) from None


def headers_as(req: Request, model: Any) -> Any:
    """Validate the headers of ``req`` into ``model``: ``req.headers_as(Auth)``."""
    names = header_names(model)
    try:
        return _typed_headers(req, adapter_for(model), names, list_fields(model))
    except _Errors as exc:
        status = getattr(req, STATUS_ATTRIBUTE, 422)
        raise validation_error(status, _NONE, _NONE, exc.errors) from None


class _Errors(Exception):
    """The errors of one part of the request, as the problem lists them."""

    def __init__(self, errors: list[dict[str, object]]) -> None:
        self.errors = errors


def _typed_body(req: Request, adapter: SchemaAdapter, default: Any) -> Any:
    data = read_json(req)
    if not data:
        if default is NO_DEFAULT:
            raise _Errors([{"detail": "A request body is required", "pointer": "#"}])
        return default
    # PERF: a byte search (memchr) and, only where that byte is, a substring
    # search spare ordinary bodies the careful parse. rfind, not `in`: searching
    # backwards, CPython skips on the word's first letter, a capital rarer in
    # text than its last, and takes a third of the time on a body holding "I"s.
    # An adapter of the user's that is not strict_json may read 1e999 as an
    # infinity: every number with an exponent sends its body to the careful parse.
    if (
        not getattr(adapter, "strict_json", False)
        and (
            (b"N" in data and data.rfind(b"NaN") >= 0)
            or (b"I" in data and data.rfind(b"Infinity") >= 0)
            or (
                not getattr(adapter, "refuses_beyond_float", False)
                and (b"e" in data or b"E" in data)
            )
        )
        and holds_non_finite(data)
    ):
        raise ApiError(400, NOT_FINITE)
    try:
        return adapter.decode_json(data)
    except MalformedInput as exc:
        raise ApiError(400, str(exc)) from None
    except InvalidInput as exc:
        raise _Errors(
            [
                {"detail": message, "pointer": pointer(location)}
                for location, message in exc.errors
            ]
        ) from None


def _typed_query(req: Request, adapter: SchemaAdapter, lists: frozenset[str]) -> Any:
    args = req.args
    values = {key: args.getlist(key) if key in lists else args[key] for key in args}
    try:
        return adapter.convert(values)
    except InvalidInput as exc:
        raise _Errors(_named(exc, "parameter", {})) from None


def _typed_headers(
    req: Request,
    adapter: SchemaAdapter,
    names: tuple[tuple[str, str], ...],
    lists: frozenset[str],
) -> Any:
    headers = req.headers
    values: dict[str, Any] = {}
    if names:
        for key, header in names:
            value = headers.get(header)
            if value is not None:
                values[key] = (
                    [item.strip() for item in value.split(",")]
                    if key in lists
                    else value
                )
    else:  # a model without named fields: every header, by its lower-case name
        values = {name.lower(): value for name, value in headers.items()}
    try:
        return adapter.convert(values)
    except InvalidInput as exc:
        raise _Errors(_named(exc, "header", dict(names))) from None


def _named(
    exc: InvalidInput, member: str, shown: dict[str, str]
) -> list[dict[str, object]]:
    """Return the errors of a query or the headers, each naming its parameter or
    header (``shown`` maps a field to the header it reads)."""
    errors: list[dict[str, object]] = []
    for location, message in exc.errors:
        error: dict[str, object] = {"detail": message}
        if location:
            key = str(location[0])
            error[member] = shown.get(key, key)
        errors.append(error)
    return errors


def read_json(req: Request) -> bytes | None:
    """Return the body's bytes if it is JSON by its ``Content-Type``; None if empty.

    A body of another type is 415 (with ``Accept-Post`` or ``Accept-Patch`` for
    the methods RFC 9110 and RFC 5789 give them), one over the limit 413.
    """
    environ = req.environ
    # PERF: the exact type most clients send, before werkzeug parses the header.
    if environ.get("CONTENT_TYPE") != "application/json" and not req.is_json:
        length = req.content_length
        if length or (length is None and environ.get("wsgi.input_terminated")):
            headers = {}
            if req.method in ("POST", "PATCH"):
                headers[f"Accept-{req.method.title()}"] = "application/json"
            raise ApiError(
                415, "The request body must be JSON (application/json)", headers=headers
            )
        return None
    limit = req.max_content_length
    declared = environ.get("CONTENT_LENGTH")
    # PERF: a plain length, as werkzeug reads it, without its header look-ups.
    if (
        declared
        and declared.isdigit()
        and declared.isascii()
        and "HTTP_TRANSFER_ENCODING" not in environ
    ):
        length = int(declared)
    else:
        length = req.content_length
    state = req.__dict__
    if (
        length is not None
        and (limit is None or length <= limit)
        and "_cached_data" not in state
        and "stream" not in state
    ):
        # PERF: read the declared length straight from the server, as werkzeug's
        # get_data would, without its stream wrapper's two copies of the body;
        # kept where get_data keeps it, so req.body and get_data() see it.
        data: bytes = environ["wsgi.input"].read(length)
        if len(data) != length:
            raise ApiError(400, "The request body is shorter than its Content-Length")
        state["_cached_data"] = data
        return data
    try:
        data = req.get_data()
        if limit is not None and len(data) > limit:  # read by the host, unlimited
            raise RequestEntityTooLarge()
        # As req.body: werkzeug stops a stream of unknown length at the limit
        # without saying whether more was coming; one more byte tells.
        if (
            data
            and len(data) == limit
            and req.content_length is None
            and environ.get("wsgi.input_terminated")
            and environ["wsgi.input"].read(1)
        ):
            raise RequestEntityTooLarge()
    except RequestEntityTooLarge:
        raise ApiError(
            413, f"Request body exceeds the limit of {limit} bytes"
        ) from None
    return data


def pointer(location: Location) -> str:
    """Return the JSON Pointer (RFC 6901) of ``location`` as a URI fragment."""
    text = "#"
    for step in location:
        token = str(step)
        # PERF: a field name or an index, most steps, needs no escape.
        if not (token.isascii() and (token.isidentifier() or token.isdigit())):
            token = quote(
                token.replace("~", "~0").replace("/", "~1"), safe=_POINTER_SAFE
            )
        text += "/" + token
    return text


def validation_error(
    status: int,
    body_errors: Sequence[dict[str, object]],
    query_errors: Sequence[dict[str, object]],
    header_errors: Sequence[dict[str, object]] = (),
) -> ApiError:
    """Return the problem of a request whose input does not fit its models.

    The errors are listed query first, then headers, then body: the order in
    which the request's parts arrive.
    """
    parts = [
        (where, errors)
        for where, errors in (
            ("query has", query_errors),
            ("headers have", header_errors),
            ("request body has", body_errors),
        )
        if errors
    ]
    where = parts[0][0] if len(parts) == 1 else "request has"
    errors = [error for _, part in parts for error in part]
    count = len(errors)
    detail = f"The {where} {count} error{'' if count == 1 else 's'}"
    problem = ApiError(status, detail)
    # PERF: the members ApiError would check (a URI, a title, JSON-encodable
    # errors) are ours and known good: set as its constructor sets them, they
    # spare the 422 a second encoding of its errors.
    problem.extra = {
        "type": VALIDATION_TYPE,
        "title": VALIDATION_TITLE,
        "errors": errors,
    }
    return problem
