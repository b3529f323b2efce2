"""``Client``: requests through the real WSGI path, answered with a ``Result``."""

from __future__ import annotations

import json as _json
import os
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Self, TypedDict, Unpack
from urllib.parse import urlencode, urlsplit

import werkzeug.test
from werkzeug.datastructures import Headers
from werkzeug.http import dump_cookie
from werkzeug.wsgi import get_current_url

from ._reader import BodyReader
from ._result import STREAMS, Result, Stream, check_timeout

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication, WSGIEnvironment

#: What ``files=`` takes for one field: ``(filename, content)``,
#: ``(filename, content, content_type)``, or an open binary file.
FileField = (
    tuple[str, bytes | IO[bytes]] | tuple[str, bytes | IO[bytes], str] | IO[bytes]
)


class RequestOptions(TypedDict, total=False):
    """The keyword arguments every request method takes."""

    query: Mapping[str, Any] | Iterable[tuple[str, Any]] | str
    headers: Mapping[str, str] | Iterable[tuple[str, str]]
    cookies: Mapping[str, str]
    content_type: str
    json: object
    data: bytes | str | Mapping[str, Any]
    files: Mapping[str, FileField]
    environ: Mapping[str, Any]
    follow_redirects: bool


class Client:
    """Send requests to a WSGI app in process, through werkzeug's test client.

    ``app`` is an :func:`~nextresp.api_handler`, an :func:`~nextresp.api_methods`
    app, a :func:`~nextresp.routes` app, any other WSGI application (a Flask app),
    or the path of a directory of route files, served with
    ``routes(path, **route_options)``. Every request goes through the app's WSGI
    call, as a server makes it, and Set-Cookie answers fill a cookie jar that
    later requests send, as a browser would. ``base_url`` is where requests go
    (``https://example.com`` for a secure origin); ``headers`` go with every
    request (a request's own headers replace those of the same name);
    ``cookies`` start the jar; ``timeout`` bounds every wait for a stream, in
    seconds, unless a read says otherwise.
    """

    def __init__(
        self,
        app: WSGIApplication | str | os.PathLike[str],
        /,
        *,
        base_url: str = "http://localhost",
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        cookies: Mapping[str, str] | None = None,
        timeout: float = 5.0,
        **route_options: Any,
    ) -> None:
        if isinstance(app, str | os.PathLike):
            from nextresp import routes

            app = routes(app, **route_options)
        elif route_options:
            raise TypeError(
                f"route options ({', '.join(route_options)}) apply to a directory"
                f" of routes, not to {app!r}; give them to api_handler or routes()"
            )
        elif not callable(app):
            raise TypeError(
                "Client takes a WSGI application (an api_handler, api_methods or"
                f" routes() app) or a directory of routes, not {app!r}"
                f" ({type(app).__name__})"
            )
        if not isinstance(base_url, str) or urlsplit(base_url).scheme not in {
            "http",
            "https",
        }:
            raise ValueError(f"base_url must be an http or https URL, not {base_url!r}")
        #: The WSGI application requests go to.
        self.app: WSGIApplication = app
        self.base_url = base_url
        self.timeout = check_timeout(timeout)
        #: The headers every request sends.
        self.headers = Headers(headers)
        self._werkzeug = _WerkzeugClient(app)
        for name, value in (cookies or {}).items():
            self.set_cookie(name, value)
        self._open: list[Result] = []

    def __repr__(self) -> str:
        return f"<Client {self.app!r}>"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every stream this client's answers left open.

        Re-raise the first error a stream's ``close()`` raised, after closing all.
        """
        results, self._open = self._open, []
        failed: BaseException | None = None
        for result in results:
            try:
                result.close()
            except Exception as exc:  # close the others, then report the first
                failed = failed or exc
        if failed is not None:
            raise failed

    @property
    def cookies(self) -> dict[str, str]:
        """The cookie jar's cookies, name to value (decoded), whatever their path."""
        jar = self._werkzeug._cookies or {}
        return {cookie.decoded_key: cookie.decoded_value for cookie in jar.values()}

    def set_cookie(
        self, name: str, value: str, /, *, domain: str = "localhost", path: str = "/"
    ) -> None:
        """Put a cookie in the jar, as if an answer had set it."""
        self._werkzeug.set_cookie(name, value, domain=domain, path=path)

    def delete_cookie(
        self, name: str, /, *, domain: str = "localhost", path: str = "/"
    ) -> None:
        """Take a cookie out of the jar."""
        self._werkzeug.delete_cookie(name, domain=domain, path=path)

    def get(self, path: str = "/", /, **options: Unpack[RequestOptions]) -> Result:
        """Send a GET request; see :meth:`request` for the options."""
        return self.request("GET", path, **options)

    def head(self, path: str = "/", /, **options: Unpack[RequestOptions]) -> Result:
        """Send a HEAD request."""
        return self.request("HEAD", path, **options)

    def options(self, path: str = "/", /, **options: Unpack[RequestOptions]) -> Result:
        """Send an OPTIONS request (a CORS preflight with its headers)."""
        return self.request("OPTIONS", path, **options)

    def post(self, path: str = "/", /, **options: Unpack[RequestOptions]) -> Result:
        """Send a POST request."""
        return self.request("POST", path, **options)

    def put(self, path: str = "/", /, **options: Unpack[RequestOptions]) -> Result:
        """Send a PUT request."""
        return self.request("PUT", path, **options)

    def patch(self, path: str = "/", /, **options: Unpack[RequestOptions]) -> Result:
        """Send a PATCH request."""
        return self.request("PATCH", path, **options)

    def delete(self, path: str = "/", /, **options: Unpack[RequestOptions]) -> Result:
        """Send a DELETE request."""
        return self.request("DELETE", path, **options)

    def request(
        self, method: str, path: str = "/", /, **options: Unpack[RequestOptions]
    ) -> Result:
        """Send a request and return its answer.

        - ``query``: the query string, as a mapping (a list value repeats the
          key), pairs, or a string; added to one already in ``path``.
        - ``headers``: request headers, as a mapping or pairs.
        - ``cookies``: cookies for this request only, sent before the jar's, so
          they win over a jar cookie of the same name.
        - ``content_type``: the body's ``Content-Type``, as werkzeug's client
          takes it.
        - ``json``: a value sent as JSON (``application/json``), strictly: NaN
          and infinities are refused, as nextresp refuses to send them.
        - ``data``: the body as ``bytes`` or ``str`` (give its ``Content-Type`` in
          ``headers``), or a mapping of form fields.
        - ``files``: uploads, field name to ``(filename, content)``,
          ``(filename, content, content_type)`` or an open binary file; sent as
          ``multipart/form-data`` with the fields of ``data``.
        - ``environ``: WSGI environ keys to set (``REMOTE_ADDR``, say).
        - ``follow_redirects``: follow 3xx answers, as a browser does.
        """
        builder = _builder(method, path, self.base_url, self.headers, options)
        try:
            response = self._werkzeug.open(
                builder, follow_redirects=options.get("follow_redirects", False)
            )
        finally:
            builder.close()
        result = Result(response, timeout=self.timeout)
        if isinstance(response.response, Stream):
            self._open.append(result)
        return result


def _builder(
    method: str,
    path: str,
    base_url: str,
    defaults: Headers,
    options: RequestOptions,
) -> werkzeug.test.EnvironBuilder:
    """Make werkzeug's environ builder for one request, checking the options."""
    unknown = options.keys() - RequestOptions.__annotations__.keys()
    if unknown:
        raise TypeError(
            f"unexpected request options {sorted(unknown)}; the options are"
            f" {', '.join(RequestOptions.__annotations__)}"
        )
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"path must be a str starting with '/', not {path!r}")
    headers = Headers(options.get("headers"))
    if defaults:  # PERF: most clients have none
        headers = Headers(
            [*((k, v) for k, v in defaults.items() if k not in headers), *headers]
        )
    if "content_type" in options:
        headers["Content-Type"] = options["content_type"]
    cookies = options.get("cookies")
    if cookies:
        own = "; ".join(
            dump_cookie(name, value).partition(";")[0]
            for name, value in cookies.items()
        )
        headers["Cookie"] = (
            f"{own}; {headers['Cookie']}" if "Cookie" in headers else own
        )
    data: Any = options.get("data")
    if "json" in options:
        if data is not None or "files" in options:
            raise TypeError("give a request json= or data= (and files=), not both")
        try:
            data = _json.dumps(options["json"], allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"json= must be JSON, strictly: {exc}") from None
        headers.setdefault("Content-Type", "application/json")
    files = options.get("files")
    if files:
        data = {**_form(data), **{name: _file(name, f) for name, f in files.items()}}
    path, _, query = path.partition("?")
    extra = _query(options.get("query"))
    return werkzeug.test.EnvironBuilder(
        path,
        base_url=base_url,
        method=method,
        headers=headers,
        data=data,
        query_string=f"{query}&{extra}" if query and extra else query or extra,
        environ_overrides=options.get("environ"),
    )


def _query(query: object) -> str:
    if query is None:
        return ""
    if isinstance(query, str):
        return query.removeprefix("?")
    pairs: Any = query.items() if isinstance(query, Mapping) else query
    return urlencode(list(pairs), doseq=True)


def _form(data: object) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise TypeError(
            "with files=, data must be a mapping of form fields, not"
            f" {type(data).__name__}"
        )
    return dict(data)


def _file(name: str, value: object) -> tuple[Any, ...]:
    """Turn one ``files=`` field into the tuple werkzeug's builder takes."""
    if isinstance(value, tuple) and len(value) in (2, 3) and isinstance(value[0], str):
        filename, content, *content_type = value
        if isinstance(content, bytes):
            import io

            content = io.BytesIO(content)
        return (content, filename, *content_type)
    if hasattr(value, "read"):
        filename = os.path.basename(getattr(value, "name", name))
        return (value, filename)
    raise TypeError(
        f"files[{name!r}] must be (filename, content), (filename, content,"
        f" content_type) or an open binary file, not {value!r}"
    )


class _WerkzeugClient(werkzeug.test.Client):
    """werkzeug's client, sending a request's own cookies and leaving streams open.

    werkzeug replaces a request's ``Cookie`` header with the jar's, and reads the
    first chunk of every body before it returns, which waits for a stream's first
    event. This runs the app itself: a stream's body is left to a ``BodyReader``,
    every other body is read at once and its iterable closed.
    """

    def run_wsgi_app(
        self, environ: WSGIEnvironment, buffered: bool = False
    ) -> tuple[Any, str, Headers]:
        # PERF: werkzeug works out the request's URL for the jar twice per request;
        # an empty jar, and an answer that sets no cookie, need it not at all.
        if self._cookies:
            own = environ.get("HTTP_COOKIE")
            self._add_cookies_to_wsgi(environ)
            if own:
                jar = environ.get("HTTP_COOKIE")
                environ["HTTP_COOKIE"] = f"{own}; {jar}" if jar else own
        body, status, headers = run(self.application, environ)
        set_cookies = headers.getlist("Set-Cookie")
        if set_cookies:
            url = urlsplit(get_current_url(environ))
            self._update_cookies_from_response(
                url.hostname or "localhost", url.path, set_cookies
            )
        return body, status, headers


def run(app: WSGIApplication, environ: WSGIEnvironment) -> tuple[Any, str, Headers]:
    """Call a WSGI app as a server does; return its body, status and headers.

    A stream (no Content-Length, an iterable that is not a list) becomes a
    :class:`Stream` read later; any other body is read now and closed.
    """
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Any:
        if started and exc_info is None:
            raise AssertionError("the app called start_response twice (PEP 3333)")
        started[:] = [status, headers]
        return written.append

    body = app(environ, start_response)
    close = getattr(body, "close", None)
    chunks = iter(body)
    first: list[bytes] = []
    try:
        while not started:  # an app that starts the response in its body
            first.append(next(chunks))
    except StopIteration:
        pass
    except BaseException:
        if close is not None:
            close()
        raise
    if not started:
        if close is not None:
            close()
        raise AssertionError("the app returned without calling start_response")
    status, header_list = started
    headers = Headers(header_list)
    code = int(status[:3])
    if (
        isinstance(body, list | tuple)
        or "Content-Length" in headers
        or code < 200
        or code in (204, 304)
        or 300 <= code < 400
        or environ["REQUEST_METHOD"] == "HEAD"
    ) and headers.get("Content-Type", "").partition(";")[0].strip().lower() not in (
        STREAMS
    ):
        try:
            return [*written, *first, *chunks], status, headers
        finally:
            if close is not None:
                close()
    return Stream([*written, *first], BodyReader(chunks, close)), status, headers
