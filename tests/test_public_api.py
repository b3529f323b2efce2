"""The public namespace: what users import from ``nextresp``."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest

import nextresp


def test_all_is_pinned_and_sorted() -> None:
    assert nextresp.__all__ == [
        "AccessLog",
        "ApiError",
        "ApiOptions",
        "ApiRequest",
        "ApiResponse",
        "Cors",
        "Event",
        "RequestId",
        "__version__",
        "api_handler",
        "api_methods",
        "encode_event",
        "error_response_for",
        "openapi",
        "routes",
    ]
    assert nextresp.__all__ == sorted(nextresp.__all__)


def test_every_public_name_is_importable() -> None:
    for name in nextresp.__all__:
        assert getattr(nextresp, name) is not None


def test_version_matches_the_installed_distribution() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+)?", nextresp.__version__)
    assert version("nextresp") == nextresp.__version__


def test_flask_is_not_imported_by_the_library() -> None:
    import subprocess
    import sys

    code = "import sys, nextresp; print('flask' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout == "False\n"


def test_the_flask_module_exports_init_app_only() -> None:
    import nextresp.flask

    assert nextresp.flask.__all__ == ["init_app"]


def test_routes_and_openapi_are_imported_on_first_use_and_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nextresp._openapi_entry import openapi
    from nextresp._routes import routes

    for name, function in (("routes", routes), ("openapi", openapi)):
        monkeypatch.delattr(nextresp, name, raising=False)
        assert name not in vars(nextresp)
        assert getattr(nextresp, name) is function
        assert vars(nextresp)[name] is function  # later look-ups skip __getattr__


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError) as caught:
        nextresp.route  # noqa: B018
    assert str(caught.value) == "module 'nextresp' has no attribute 'route'"
