"""``/api/people``: Next.js's ``api-routes`` example, the list of people."""

from examples.api._people import PEOPLE
from nextresp import ApiRequest, ApiResponse, api_handler


@api_handler(methods=["GET"])
def people(req: ApiRequest, res: ApiResponse) -> None:
    res.status(200).json(PEOPLE)


app = people
