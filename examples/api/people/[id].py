"""``/api/people/[id]``: Next.js's ``api-routes`` example, one person by id."""

from examples.api._people import PEOPLE
from nextresp import ApiRequest, ApiResponse, api_handler


@api_handler(methods=["GET"])
def person(req: ApiRequest, res: ApiResponse, **params: str) -> None:
    # The id is compared as a string, as in Next.js: "01" is not "1".
    id = req.query["id"]
    found = next((p for p in PEOPLE if p["id"] == id), None)
    if found is None:
        res.status(404).json({"message": f"User with id: {id} not found."})
    else:
        res.status(200).json(found)


app = person
