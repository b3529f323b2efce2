"""The seed's second example: an error thrown with its status, message and headers."""

from werkzeug.wrappers import Request

from nextresp import ApiError, ApiResponse, api_handler

AUTH = "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="  # RFC 7617 example: Aladdin / open sesame
things = {"thing": "exists"}


def delete_the_thing() -> None:
    things.pop("thing", None)


@api_handler(methods=["GET", "DELETE"])
def handler(req: Request, res: ApiResponse) -> None:
    def authorize() -> None:
        if not req.headers.get("Authorization"):
            res.set_header("WWW-Authenticate", "Basic")
            raise ApiError(401, "Authentication required")
        if req.headers["Authorization"] != AUTH:
            raise ApiError(403)  # message becomes "Forbidden"

    if req.method == "DELETE":
        authorize()  # reusable across mutating methods
        delete_the_thing()
        res.status(204).end()
    else:  # GET, or HEAD, which the method guard lets through with GET
        res.json({"hello": "world"})
