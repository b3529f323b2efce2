"""CORS in a real browser: a page on one port of 127.0.0.1 calls the API on another.

Headless Chromium loads the page, whose script calls the API with ``fetch`` and writes
what it could read into the page; the test reads the page back (``--dump-dom``). Only
what the browser lets a script read reaches the page, so this tests our headers
against the browser's own CORS checks: the preflight, credentials, exposed headers.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from .support import gunicorn

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian's package chromium; .ci/run installs it)",
)

PAGE = """<!doctype html>
<html><body><pre id="out">pending</pre><script>
const api = "http://API";
async function probe(name, path, init) {
  try {
    const r = await fetch(api + path, init);
    return {
      name,
      status: r.status,
      type: r.headers.get("Content-Type"),
      requestId: r.headers.get("X-Request-Id"),
      hidden: r.headers.get("X-Hidden"),
      authenticate: r.headers.get("WWW-Authenticate"),
      body: await r.text(),
    };
  } catch (error) {
    return {name, error: String(error)};
  }
}
(async () => {
  const withCookies = {credentials: "include"};
  const results = [
    await probe("success", "/cors/hello", withCookies),
    await probe("preflighted", "/cors/hello", {
      ...withCookies,
      method: "PUT",
      headers: {"X-Token": "t", "Content-Type": "application/json"},
      body: "{}",
    }),
    await probe("unauthorized", "/cors/hello?kind=auth", withCookies),
    await probe("crash", "/cors/hello?kind=crash", withCookies),
    await probe("other-origin", "/cors/elsewhere", {}),
  ];
  document.getElementById("out").textContent = JSON.stringify(results);
})();
</script></body></html>
"""


@dataclass
class PageServer:
    """A web server on a free port of 127.0.0.1 that serves ``page`` at ``/``."""

    origin: str = ""
    page: bytes = b""
    requested: list[str] = field(default_factory=list)


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    served = PageServer()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requested.append(self.path)
            body = served.page if self.path == "/" else b""
            self.send_response(200 if self.path == "/" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    served.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def read_page(url: str, profile: Path) -> list[dict[str, Any]]:
    """Load ``url`` in headless Chromium; return what its script wrote in the page."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=20000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="out">(.*?)</pre>', done.stdout, flags=re.DOTALL)
    assert found is not None, done.stdout + done.stderr
    result: list[dict[str, Any]] = json.loads(html.unescape(found.group(1)))
    return result


def test_a_page_on_another_port_reads_what_cors_allows(
    page_server: PageServer, tmp_path: Path
) -> None:
    origin = page_server.origin
    with gunicorn(
        "tests.real_app:app", "--workers=1", f"--env=NEXTRESP_TEST_ORIGIN={origin}"
    ) as (api, _log):
        page_server.page = PAGE.replace("API", api).encode()
        results = read_page(origin + "/", tmp_path / "profile")
    assert page_server.requested[0] == "/"
    by_name = {result.pop("name"): result for result in results}
    problem_401 = {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Sign in first",
    }
    assert by_name == {
        "success": {
            "status": 200,
            "type": "application/json",
            "requestId": "r1",  # exposed
            "hidden": None,  # not exposed: the browser hides it
            "authenticate": None,
            "body": json.dumps({"method": "GET", "cookies": {}}, separators=(",", ":")),
        },
        "preflighted": {
            "status": 200,
            "type": "application/json",
            "requestId": "r1",
            "hidden": None,
            "authenticate": None,
            # The cookie set by the first answer came back: credentials work.
            "body": '{"method":"PUT","cookies":{"seen":"1"}}',
        },
        "unauthorized": {
            "status": 401,
            "type": "application/problem+json",
            "requestId": "r1",
            "hidden": None,
            "authenticate": None,  # not exposed
            "body": json.dumps(problem_401, separators=(",", ":")),
        },
        "crash": {
            "status": 500,
            "type": "application/problem+json",
            "requestId": "r1",
            "hidden": None,
            "authenticate": None,
            "body": (
                '{"type":"about:blank","title":"Internal Server Error","status":500}'
            ),
        },
        "other-origin": {"error": "TypeError: Failed to fetch"},
    }
