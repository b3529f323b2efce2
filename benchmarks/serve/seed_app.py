"""The seed's two handlers as a route tree, served as ``benchmarks.serve.seed_app:app``.

``GET /api/hello`` → ``200 {"name":"Next.js"}`` (``examples/hello.py``);
``DELETE /api/thing`` without ``Authorization`` → ``401`` problem with
``WWW-Authenticate: Basic`` (``examples/thing.py``): the paths of the Next.js and
Express apps beside it.
"""

from pathlib import Path

from nextresp import routes

app = routes(Path(__file__).with_name("api"))
