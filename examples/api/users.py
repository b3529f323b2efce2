"""``/api/users``: Next.js's ``api-routes-rest`` example, the list of users."""

from nextresp import ApiRequest, ApiResponse, api_methods


def list_users(req: ApiRequest, res: ApiResponse) -> None:
    res.status(200).json([{"id": 1}, {"id": 2}, {"id": 3}])


app = api_methods(GET=list_users)
