"""Serve the ``examples/api`` tree under gunicorn on 127.0.0.1:8000.

It prints the routes (``nextresp routes``) and the requests to try first. ``PORT``
sets another port. It needs gunicorn 25.1 or later, which has the control socket that
``--no-control-socket`` turns off (it would leave a ``gunicorn.ctl`` in the clone);
``requirements/demo.txt`` asks for the release the tests run.
"""

import os
import subprocess
import sys

ADDRESS = f"127.0.0.1:{os.environ.get('PORT') or 8000}"
TRY = f"""\
nextresp demo on http://{ADDRESS}; try it in another terminal:

  curl -i http://{ADDRESS}/api/hello
  curl -i http://{ADDRESS}/api/people
  curl -i http://{ADDRESS}/api/people/1
  curl -i http://{ADDRESS}/api/people/42
  curl -i http://{ADDRESS}/api/people/
  curl -i http://{ADDRESS}/api/users
  curl -i -X PUT 'http://{ADDRESS}/api/user/7?name=Ada'
  curl -i -X DELETE http://{ADDRESS}/api/user/7
  curl -i -X OPTIONS http://{ADDRESS}/api/user/7
  curl -i http://{ADDRESS}/api/thing
  curl -i -X DELETE http://{ADDRESS}/api/thing
  curl -i -X DELETE -u Aladdin:wrong http://{ADDRESS}/api/thing
  curl -i -X DELETE -u 'Aladdin:open sesame' http://{ADDRESS}/api/thing
  curl -i -H 'Origin: https://example.com' http://{ADDRESS}/api/cors
  curl -i -X OPTIONS -H 'Origin: https://example.com' \\
       -H 'Access-Control-Request-Method: POST' http://{ADDRESS}/api/cors
  curl -i http://{ADDRESS}/api/cookies
  curl -i -X POST -H 'Content-Type: application/json' -d '{{"title": "Buy milk"}}' \\
       http://{ADDRESS}/api/todos
  curl -i -X POST -H 'Content-Type: application/json' -d '{{"done": "yes please"}}' \\
       http://{ADDRESS}/api/todos
  curl -i 'http://{ADDRESS}/api/todos?limit=5'
  curl -i -X PATCH -H 'Content-Type: application/json' -d '{{"done": true}}' \\
       http://{ADDRESS}/api/todos/1
  for i in $(seq 11); do curl -si http://{ADDRESS}/api/rate-limit | head -1; done
  curl -i -X POST -H 'X-Hub-Signature-256: sha256=00' -d '{{}}' \\
       http://{ADDRESS}/api/webhook

Press Ctrl+C to stop.
"""

APP = "nextresp:routes('examples/api')"

if __name__ == "__main__":
    subprocess.run(
        [sys.executable, "-m", "nextresp", "routes", "examples/api"], check=True
    )
    print(f"\n{TRY}", flush=True)
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(gunicorn, [gunicorn, "--bind", ADDRESS, "--no-control-socket", APP])
