"""Next.js's ``api-routes-rest`` example: users, listed, read and renamed."""

from nextresp import ApiRequest, ApiResponse, api_handler


@api_handler(methods=["GET"])
def users(req: ApiRequest, res: ApiResponse) -> None:
    res.status(200).json([{"id": 1}, {"id": 2}, {"id": 3}])


@api_handler(methods=["GET", "PUT"])
def user(req: ApiRequest, res: ApiResponse, id: int) -> None:
    # The method guard answers everything but GET, HEAD and PUT (405 with Allow);
    # the route's <int:id> answers a non-numeric id 404 before the handler runs.
    if req.method == "PUT":
        name = req.query.get("name") or f"User {id}"
        res.status(200).json({"id": id, "name": name})
    else:
        res.status(200).json({"id": id, "name": f"User {id}"})
