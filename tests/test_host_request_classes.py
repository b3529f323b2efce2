"""``req`` is the host's own request object, lent ``ApiRequest``'s helpers.

Whatever ``Request`` subclass the host uses, the handler sees that very object with
its own attributes plus ``query`` and ``body``, of one class per host class; after the
handler its class is the host's again. A request ``api_handler`` builds itself reads
as werkzeug's.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.datastructures import EnvironHeaders, Headers
from werkzeug.routing import Map, Rule
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from nextresp import ApiRequest, ApiResponse, api_handler

from .support import call_wsgi


def app_with_request_class(request_class: type[Request], handler: Any) -> Any:
    """A werkzeug app that builds ``request_class`` and calls ``handler`` with it."""
    url_map = Map([Rule("/items/<int:id>", endpoint=handler)])
    seen: list[Request] = []

    def app(environ: Any, start_response: Any) -> Any:
        request = request_class(environ)
        endpoint, values = url_map.bind_to_environ(environ).match()
        response: Response = endpoint(request, **values)
        seen.append(request)
        return response(environ, start_response)

    app.seen = seen  # type: ignore[attr-defined]
    return app


def test_a_hosts_own_request_class_is_kept_and_lent_the_helpers() -> None:
    # A class made for this test alone: no earlier request has used it.
    class TenantRequest(Request):
        @property
        def tenant(self) -> str:
            return self.headers.get("X-Tenant", "none")

    classes: list[type[Request]] = []

    @api_handler
    def handler(req: Any, res: ApiResponse, id: int) -> None:
        classes.append(type(req))
        res.json(
            {
                "tenant": req.tenant,
                "id": req.query["id"],
                "body": req.body,
                "is_api_request": isinstance(req, ApiRequest),
                "is_host_request": isinstance(req, TenantRequest),
            }
        )

    app = app_with_request_class(TenantRequest, handler)
    for _ in range(2):
        r = call_wsgi(
            app,
            "POST",
            "/items/7",
            json={"name": "x"},
            headers={"X-Tenant": "acme"},
        )
        assert json.loads(r.data) == {
            "tenant": "acme",
            "id": 7,
            "body": {"name": "x"},
            "is_api_request": True,
            "is_host_request": True,
        }
    assert classes[0] is classes[1]  # one class per host class, not per request
    assert [type(request) for request in app.seen] == [TenantRequest, TenantRequest]


def test_a_host_request_that_is_already_an_api_request_is_used_as_it_is() -> None:
    class Mine(ApiRequest):
        pass

    classes: list[type[Request]] = []

    @api_handler
    def handler(req: Any, res: ApiResponse, id: int) -> None:
        classes.append(type(req))
        res.send("ok")

    app = app_with_request_class(Mine, handler)
    assert call_wsgi(app, "GET", "/items/1").data == b"ok"
    assert classes == [Mine]


def test_the_request_class_is_restored_when_the_handler_fails() -> None:
    class Strict(Request):
        pass

    @api_handler(propagate_exceptions=True)
    def handler(req: Any, res: ApiResponse) -> None:
        raise RuntimeError("crash")

    request = Strict.from_values("/")
    with pytest.raises(RuntimeError, match="crash"):
        handler(request)
    assert type(request) is Strict


@pytest.mark.parametrize("method", [None, "get", "DELETE"], ids=str)
def test_a_request_built_by_api_handler_reads_its_method_as_werkzeug(
    method: str | None,
) -> None:
    environ = EnvironBuilder().get_environ()
    if method is None:
        del environ["REQUEST_METHOD"]  # a gateway that leaves it out
    else:
        environ["REQUEST_METHOD"] = method
    assert ApiRequest.lazy(dict(environ)).method == Request(dict(environ)).method


def test_a_request_built_by_api_handler_has_werkzeugs_attributes() -> None:
    environ = EnvironBuilder("/a/b?x=1", method="PUT").get_environ()
    expected = vars(Request(dict(environ)))
    lazy = ApiRequest.lazy(dict(environ))
    lazy.path  # noqa: B018 (the first deferred read runs werkzeug's set-up)
    got = vars(lazy)
    for name in expected.keys() - {"environ"}:
        assert (name, *comparable(got[name])) == (name, *comparable(expected[name]))


def comparable(value: object) -> tuple[type, object]:
    """The type and value of an attribute; ``EnvironHeaders`` compare by identity,
    and the lazy request's are werkzeug's with a faster ``get``."""
    if isinstance(value, EnvironHeaders):
        return EnvironHeaders, list(value)
    return type(value), list(value) if isinstance(value, Headers) else value
