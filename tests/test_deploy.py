"""The deploy page's container image: what it copies exists, and its command serves."""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

from .support import ROOT

DOCKERFILE = (ROOT / "examples" / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    return re.findall(rf"^{name} (.+)$", DOCKERFILE, flags=re.MULTILINE)


def test_every_file_the_image_copies_exists() -> None:
    copied = [shlex.split(line)[:-1] for line in instructions("COPY")]
    assert copied == [
        ["pyproject.toml", "setup.cfg", "README.md", "LICENSE"],
        ["nextresp"],
        ["examples"],
    ]
    for sources in copied:
        for source in sources:
            assert (ROOT / source).exists(), source


def test_the_image_listens_on_port_and_runs_as_nobody() -> None:
    assert instructions("ENV") == [
        "PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PORT=8000"
    ]
    assert instructions("USER") == ["nobody"]
    [command] = instructions("CMD")
    assert command.startswith(
        'exec nextresp serve examples/api --host 0.0.0.0 --port "${PORT}"'
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_image_command_serves_the_tree_on_port(tmp_path: Path) -> None:
    [command] = instructions("CMD")
    # As in the container, where the app is in the working directory; here the
    # address is the loopback one, the only one tests may listen on.
    command = command.replace("--host 0.0.0.0", "--host 127.0.0.1")
    port = free_port()
    bin_dir = str(Path(sys.executable).parent)
    process = subprocess.Popen(
        ["/bin/sh", "-c", command],
        cwd=ROOT,
        env={**os.environ, "PORT": str(port), "PATH": f"{bin_dir}:/usr/bin:/bin"},
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/api/people/1")
                response = connection.getresponse()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "the server did not start"
                assert process.poll() is None, "the server exited"
                time.sleep(0.05)
        assert response.status == 200
        assert json.loads(response.read())["name"] == "Luke Skywalker"
        connection.close()
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0  # exec: the server itself got SIGTERM
