"""AWS Lambda behind API Gateway: the examples' tree through the ``apig-wsgi`` adapter.

Set the function's handler to ``examples.aws_lambda.handler``; API Gateway's REST APIs
(payload 1.0) and HTTP APIs (payload 2.0) both reach it. ``binary_support`` lets a
handler send bytes that are not text; JSON, problem details and text stay readable.
"""

from apig_wsgi import make_lambda_handler

from examples.app import app

handler = make_lambda_handler(app, binary_support=True)
