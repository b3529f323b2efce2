"""A handler's signature read once, when it is decorated, into an ``InputPlan``.

``def POST(req, res, id: int, body: TodoIn, query: Paging)`` asks for a body
validated into ``TodoIn``, a query validated into ``Paging`` and a route parameter
converted to ``int``; ``headers: Auth`` the request's headers validated into
``Auth``. The plan records the adapter of each model and the converter of each
parameter; ``_validation`` executes it per request. A handler that asks for none
gets no plan and runs exactly as before.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import inspect
import re
import types
import typing
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from ._schema_libs import adapter_for
from ._schemas import SchemaAdapter

#: A route parameter's converter: raises ValueError for a value it cannot convert.
Converter = Callable[[Any], Any]

_INTEGER = re.compile(r"-?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)
_SEQUENCES = frozenset(
    {list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Set}
)
#: Methods whose requests carry no body nextresp reads.
BODILESS = frozenset({"GET", "HEAD"})
NO_DEFAULT = inspect.Parameter.empty
# The parameters that take a model, not a route parameter.
_INPUTS = ("body", "query", "headers")


def _to_int(value: Any) -> int:
    if type(value) is int:
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    raise ValueError(value)


def _to_float(value: Any) -> float:
    if type(value) in (int, float):
        return float(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return float(value)
    raise ValueError(value)


def _to_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(value)


def _to_segments(value: Any) -> list[str]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    if isinstance(value, str):  # a host's path converter: "a/b"
        return value.split("/")
    raise ValueError(value)


_CONVERTERS: dict[Any, Converter] = {
    int: _to_int,
    float: _to_float,
    uuid.UUID: _to_uuid,
    str: _to_str,
    list[str]: _to_segments,
}


@dataclasses.dataclass(frozen=True, slots=True)
class InputPlan:
    """What a handler asks of a request, beyond ``req`` and ``res``."""

    #: The adapter of ``body``, or None when the handler takes no typed body.
    body: SchemaAdapter | None = None
    #: ``body``'s default, passed for GET, HEAD and an empty body; else NO_DEFAULT.
    body_default: Any = NO_DEFAULT
    #: The adapter of ``query``, or None.
    query: SchemaAdapter | None = None
    #: The query keys whose every value is kept (``tags: list[str]``).
    query_lists: frozenset[str] = frozenset()
    #: The route parameters to convert, with their converters.
    params: tuple[tuple[str, Converter], ...] = ()
    #: The adapter of ``headers``, or None.
    headers: SchemaAdapter | None = None
    #: Each field of ``headers`` with the header it reads: ``("x_token", "X-Token")``.
    header_names: tuple[tuple[str, str], ...] = ()
    #: The fields of ``headers`` that take a comma-separated list.
    header_lists: frozenset[str] = frozenset()
    #: The types of ``body``, ``query`` and ``headers`` as annotated, for OpenAPI.
    body_type: Any = None
    query_type: Any = None
    headers_type: Any = None
    #: The return annotation's type, whose value is sent as JSON; None for none.
    returns: Any = None
    #: The adapter that turns a returned value into JSON-ready data, or None.
    returns_adapter: SchemaAdapter | None = None


def plan_for(
    func: Callable[..., object], name: str, methods: tuple[str, ...] | None
) -> InputPlan | None:
    """Read ``func``'s annotations into a plan, or return None if it asks for none.

    ``name`` names the function in messages; ``methods`` are those it answers
    (None for any). Raises ``TypeError`` for an annotation that cannot be
    resolved or validated, and for a typed body on a function answering GET or
    HEAD without a default.
    """
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # a builtin: nothing to read
        return None
    parameters = list(signature.parameters.values())[2:]  # after req and res
    fields: dict[str, Any] = _returned(func, name, signature.return_annotation)
    typed = [
        p
        for p in parameters
        if p.annotation is not NO_DEFAULT
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    if not typed and not fields:
        return None
    params: list[tuple[str, Converter]] = []
    for parameter in typed:
        annotation = _resolved(func, name, parameter)
        if parameter.name in _INPUTS:
            try:
                fields[parameter.name] = adapter_for(annotation)
            except TypeError as exc:
                raise TypeError(f"{name}() parameter {parameter.name}: {exc}") from None
            fields[f"{parameter.name}_type"] = annotation
            if parameter.name == "body":
                fields["body_default"] = parameter.default
            elif parameter.name == "query":
                fields["query_lists"] = list_fields(annotation)
            else:
                fields["header_names"] = header_names(annotation)
                fields["header_lists"] = list_fields(annotation)
            continue
        if annotation is Any or annotation is object:  # no conversion asked
            continue
        converter = _CONVERTERS.get(annotation)
        if converter is None and parameter.default is not NO_DEFAULT:
            continue  # a keyword of the function's own (a partial's), not a route's
        if converter is None:
            raise TypeError(
                f"{name}() route parameter {parameter.name} is annotated"
                f" {annotation!r}; a route parameter converts to int, float,"
                " uuid.UUID, str or list[str] (a catch-all)"
            )
        params.append((parameter.name, converter))
    if (
        "body" in fields
        and fields["body_default"] is NO_DEFAULT
        and (methods is None or BODILESS & set(methods))
    ):
        answered = "any method" if methods is None else ", ".join(methods)
        raise TypeError(
            f"{name}() takes a typed body but answers {answered}: GET and HEAD"
            " requests carry no body nextresp reads; answer the methods that take"
            " one (methods=['POST']), or give body a default (body: T | None = None)"
        )
    if not fields and not params:
        return None
    return InputPlan(params=tuple(params), **fields)


def input_models(func: Callable[..., object]) -> tuple[tuple[str, Any], ...]:
    """Return the models ``func`` takes as ``body``, ``query`` and ``headers``,
    each with its parameter's name, in the signature's order."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # a builtin: nothing to read
        return ()
    name = getattr(func, "__qualname__", None) or repr(func)
    return tuple(
        (parameter.name, _resolved(func, name, parameter))
        for parameter in list(signature.parameters.values())[2:]
        if parameter.name in _INPUTS
        and parameter.annotation is not NO_DEFAULT
        and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    )


#: Return annotations that say the handler answers through ``res``.
_NOT_RETURNED = frozenset(
    {None, type(None), Any, object, "None", typing.NoReturn, typing.Never}
)


def _returned(
    func: Callable[..., object], name: str, annotation: Any
) -> dict[str, Any]:
    """Return the plan's fields for ``func``'s return annotation: none, or the type
    whose value the handler returns (``-> Todo``) with its adapter.

    An annotation that names no value sent (``-> None``, ``-> ApiResponse``, a
    ``TYPE_CHECKING``-only name) leaves the handler answering through ``res``.
    """
    if annotation is NO_DEFAULT or annotation in _NOT_RETURNED:
        return {}
    if isinstance(annotation, str):
        try:
            annotation = _evaluated(func, annotation)
        except Exception:  # a TYPE_CHECKING-only name: nothing to send
            return {}
        if isinstance(annotation, str):  # quoted twice: nothing resolved
            return {}
    origin = typing.get_origin(annotation) or annotation
    if annotation in _NOT_RETURNED or (
        isinstance(origin, type) and (_is_response(origin) or _is_awaitable(origin))
    ):
        return {}
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and any(
        isinstance(a, type) and _is_response(a) for a in typing.get_args(annotation)
    ):
        return {}
    try:
        adapter = adapter_for(annotation)
    except TypeError as exc:
        raise TypeError(f"{name}() return annotation: {exc}") from None
    return {"returns": annotation, "returns_adapter": adapter}


def _is_response(cls: type) -> bool:
    return any(base.__name__ in ("Response", "BaseResponse") for base in cls.__mro__)


def _is_awaitable(cls: type) -> bool:
    return issubclass(cls, collections.abc.Awaitable | collections.abc.Iterator)


def _resolved(func: Callable[..., object], name: str, parameter: Any) -> Any:
    """Return a parameter's annotation, evaluating a string one in ``func``'s module.

    Only the parameters nextresp reads are evaluated: ``req: ApiRequest`` imported
    under ``TYPE_CHECKING`` only stays a string nobody evaluates.
    """
    annotation = parameter.annotation
    if not isinstance(annotation, str):
        return annotation
    try:
        return _evaluated(func, annotation)
    except Exception as exc:
        raise TypeError(
            f"{name}() parameter {parameter.name}: cannot resolve its annotation"
            f" {annotation!r} ({type(exc).__name__}: {exc}); define or import the"
            " name at the module's top level, not under `if TYPE_CHECKING:`"
        ) from None


def _evaluated(func: Callable[..., object], annotation: str) -> Any:
    """Evaluate a string annotation of ``func`` in its module, as ``from __future__
    import annotations`` left it; raise what evaluating it raises."""
    while isinstance(func, functools.partial):  # the module of the function it binds
        func = func.func
    target = func if inspect.isroutine(func) else type(func).__call__
    namespace = getattr(inspect.unwrap(target), "__globals__", None)
    if namespace is None:  # a partial, say: the module of the object
        namespace = getattr(inspect.getmodule(func), "__dict__", {})
    return eval(annotation, dict(namespace))


def unresolved_return(func: Callable[..., object]) -> str | None:
    """Return ``func``'s return annotation if it is a string that names nothing in
    its module (defined later, or only under ``TYPE_CHECKING``), else None."""
    target = inspect.unwrap(func)
    annotations = getattr(target, "__annotations__", None)
    value = annotations.get("return") if isinstance(annotations, dict) else None
    for _ in range(2):  # "'Todo'" under `from __future__ import annotations`
        if not isinstance(value, str):
            return None
        try:
            value = _evaluated(target, value)
        except Exception:
            return value
    return None


def header_names(model: Any) -> tuple[tuple[str, str], ...]:
    """Pair each field of ``model`` with the header it reads: ``x_token`` reads
    ``X-Token``, as FastAPI's ``Header`` does; the look-up ignores case.

    A field's key is the name its library validates: a pydantic alias, a msgspec
    ``rename``. A model without named fields (``dict[str, str]``) reads every
    header, each under its lower-case name.
    """
    return tuple(
        (key, "-".join(part[:1].upper() + part[1:] for part in key.split("_")))
        for key in _field_keys(model)
    )


def _field_keys(model: Any) -> tuple[str, ...]:
    return tuple(key for key, _ in _fields(model))


def _fields(model: Any) -> tuple[tuple[str, Any], ...]:
    """Return each field of ``model`` as the key its library validates (a pydantic
    alias, a msgspec ``rename``), with the field's type."""
    pydantic_fields = getattr(model, "__pydantic_fields__", None)
    if isinstance(pydantic_fields, dict):
        return tuple(
            (_pydantic_key(key, info), info.annotation)
            for key, info in pydantic_fields.items()
        )
    try:
        hints = typing.get_type_hints(model)
    except Exception:  # not a class with fields
        return ()
    encoded = getattr(model, "__struct_encode_fields__", None)
    names = getattr(model, "__struct_fields__", None)
    if isinstance(encoded, tuple) and isinstance(names, tuple):  # a msgspec Struct
        return tuple(zip(encoded, (hints.get(name) for name in names), strict=True))
    return tuple(
        (key, hint)
        for key, hint in hints.items()
        if typing.get_origin(hint) is not ClassVar
    )


def _pydantic_key(name: str, info: Any) -> str:
    for alias in (info.validation_alias, info.alias):
        if isinstance(alias, str):
            return alias
    return name


def list_fields(model: Any) -> frozenset[str]:
    """Name the fields of ``model`` that take several values (``tags: list[str]``),
    by the key their library validates."""
    return frozenset(key for key, hint in _fields(model) if _is_sequence(hint))


def _is_sequence(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return _is_sequence(typing.get_args(hint)[0])
    if origin is typing.Union or origin is types.UnionType:
        return any(_is_sequence(argument) for argument in typing.get_args(hint))
    return hint in _SEQUENCES or origin in _SEQUENCES
