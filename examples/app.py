"""The demo app: the ``examples/api`` tree, served by ``routes`` as Next.js would.

Serve it with ``gunicorn examples.app:app``, or from the repository's root with
``gunicorn "nextresp:routes('examples/api')"``.
"""

from pathlib import Path

from nextresp import routes

app = routes(Path(__file__).with_name("api"))
