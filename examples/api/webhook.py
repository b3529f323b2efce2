"""``/api/webhook``: check an HMAC-SHA256 signature over the raw body, then parse it.

A webhook sender (GitHub, Stripe, ...) signs the exact bytes it sends; parsing first and
serialising again would change them. ``req.get_data()`` gives those bytes, and
``req.body`` then parses the same bytes, which werkzeug keeps. The signature comes as
GitHub sends it, ``X-Hub-Signature-256: sha256=<hex>``, keyed with ``WEBHOOK_SECRET``.
"""

import hashlib
import hmac
import os

from nextresp import ApiError, ApiRequest, ApiResponse, api_methods


def receive(req: ApiRequest, res: ApiResponse) -> None:
    secret = os.environ.get("WEBHOOK_SECRET")
    if not secret:
        raise ApiError(503, "WEBHOOK_SECRET is not set")
    raw = req.get_data()  # the bytes as sent, before any parsing
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    sent = req.headers.get("X-Hub-Signature-256", "").encode("latin-1")
    if not hmac.compare_digest(f"sha256={digest}".encode(), sent):
        raise ApiError(401, "The signature does not match the body")
    res.json({"received": req.body})


# Next.js: export const config = { api: { bodyParser: { sizeLimit: "1mb" } } }
app = api_methods(POST=receive, body_limit="1mb")
