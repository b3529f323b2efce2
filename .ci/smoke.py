"""Answer one request with nextresp as installed, through werkzeug's test client.

CI runs it with the wheel installed in a new virtual environment, from a folder
that holds no copy of the source, so it proves the wheel alone works.
"""

import sys
from importlib.metadata import version

from werkzeug.test import Client

import nextresp
from nextresp import api_handler


@api_handler(methods=["GET"])
def handler(req, res):
    res.status(200).json({"name": "Next.js"})


response = Client(handler).get("/")
assert response.status_code == 200, response.status
assert response.data == b'{"name":"Next.js"}', response.data
assert response.headers["Content-Type"] == "application/json"
assert "site-packages" in nextresp.__file__, nextresp.__file__
assert version("nextresp") == nextresp.__version__
print(f"smoke: nextresp {nextresp.__version__} from {nextresp.__file__}: 200 OK")
sys.exit(0)
