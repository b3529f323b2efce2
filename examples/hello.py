"""The seed's first example: ``res.status(200).json({"name": "Next.js"})``."""

from werkzeug.wrappers import Request

from nextresp import ApiResponse, api_handler


@api_handler
def hello(req: Request, res: ApiResponse) -> None:
    res.status(200).json({"name": "Next.js"})
