"""``/api/cookies``: Next.js's ``api-routes-middleware`` example.

Its ``setCookie(res, name, value, options)`` utility is ``res.cookie``; as there, the
cookie lasts 30 days, and the answer is the ``Set-Cookie`` header that was sent. Values
that are not text (the utility's ``j:`` + JSON) are encoded by the caller:
``res.cookie("user", "j:" + json.dumps(user))``.
"""

from nextresp import ApiRequest, ApiResponse, api_handler


@api_handler
def set_cookie(req: ApiRequest, res: ApiResponse) -> None:
    res.cookie("Next.js", "api-middleware!", max_age=2592000)
    res.end(res.headers["Set-Cookie"])


app = set_cookie
