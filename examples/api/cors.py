"""``/api/cors``: Next.js's ``api-routes-cors`` example.

There, the ``cors`` middleware (``methods: ["POST", "GET", "HEAD"]``, any origin) runs
before the handler; here it is the handler's ``cors`` option.
"""

from nextresp import ApiRequest, ApiResponse, Cors, api_handler


@api_handler(cors=Cors("*", methods=["POST", "GET", "HEAD"]))
def hello(req: ApiRequest, res: ApiResponse) -> None:
    res.json({"message": "Hello Everyone!"})


app = hello
