"""What the ``res.send_file`` tests share: a ten-byte file with a known date (the
``path`` fixture of ``conftest.py``), and a handler that sends what it is given."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nextresp import api_handler

DATA = b"0123456789"
#: The file's modification time, as ``Last-Modified`` gives it.
MODIFIED = "Tue, 14 Nov 2023 22:13:20 GMT"
#: The ``ETag`` send_file gives the file: its mtime in ns and its size, in hex.
TAG = f'"{1_700_000_000 * 10**9:x}-a"'


def write_data(tmp_path: Path) -> Path:
    """Write ``DATA`` to ``data.txt`` in ``tmp_path``, modified at ``MODIFIED``."""
    file = tmp_path / "data.txt"
    file.write_bytes(DATA)
    os.utime(file, (1_700_000_000, 1_700_000_000))
    return file


def sender(source: Any, **options: Any) -> Any:
    return api_handler(lambda req, res: res.send_file(source, **options))
