"""``res.send_file``: a file with its type, name, validators, and answers to ``Range``.

A front on werkzeug: ``Response.make_conditional`` answers ``Range``, ``If-Range``,
``If-None-Match`` and ``If-Modified-Since`` (RFC 9110), and werkzeug's ``Headers``
quote the RFC 6266 file name. What this module decides:

- which file: a path is opened at the call (a missing one is a 404 then, while
  the handler can still see it), a binary file object is sent from its position;
- the headers: ``Content-Type`` guessed from the name, ``Content-Disposition``
  only when asked for, ``Last-Modified`` and an ``ETag`` from the file's status;
- which ``Range`` headers count: one byte range is answered 206 (or 416 when it
  starts past the end); several ranges, another unit or a malformed header are
  ignored, and the whole file is sent with 200, as RFC 9110 lets a server do.

The request is known only when the response goes out, so ``send_file`` records a
:class:`SentFile` and ``finalize`` calls its ``finish``.
"""

from __future__ import annotations

import io
import mimetypes
import os
import re
import stat
import unicodedata
from typing import IO, TYPE_CHECKING
from urllib.parse import quote

from werkzeug.datastructures import Headers
from werkzeug.exceptions import NotFound, RequestedRangeNotSatisfiable
from werkzeug.http import http_date, parse_range_header
from werkzeug.wsgi import FileWrapper

from ._headers import find, lines_of, replace, setdefault

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

    from ._framing import FramedResponse

#: What ``send_file`` sends: a path, or a file object opened in binary mode.
PathOrFile = str | os.PathLike[str] | IO[bytes]

_CHUNK_SIZE = 64 * 1024
# A suffix range of zero bytes asks for nothing: unsatisfiable, not malformed.
_EMPTY_SUFFIX = re.compile(r"bytes\s*=\s*-0+\s*")
# The request headers make_conditional weighs (If-Range only with Range).
_CONDITIONS = (
    "HTTP_RANGE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What mimetypes calls an encoding is, sent as a file, the file's own type: a
# Content-Encoding would make the browser unpack a download it was asked to save.
_ENCODED_TYPES = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "br": "application/x-brotli",
    "compress": "application/x-compress",
}


class SentFile:
    """A file ``send_file`` set as the body, waiting for the request's conditions."""

    __slots__ = ("file", "ranges", "size")

    def __init__(self, file: IO[bytes], size: int | None, ranges: bool) -> None:
        self.file = file
        self.size = size
        self.ranges = ranges

    def finish(self, res: FramedResponse, environ: WSGIEnvironment) -> None:
        """Answer the request's conditions: 200, 206, 304, 412 or 416."""
        lines = lines_of(res.headers)
        if res.status_code != 200 or self.size is None:
            # The handler chose a status, or the stream has no size and no
            # validators: send it as it is (werkzeug would read it all to count it).
            return
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return
        if not any(name in environ for name in _CONDITIONS):
            # PERF: werkzeug's make_conditional costs four times the rest of the
            # answer; with no condition and no range it would only add this.
            if self.ranges:
                setdefault(lines, "Accept-Ranges", "bytes")
            return
        had_date = find(lines, "date") is not None
        try:
            res.make_conditional(
                _counted_range(environ, self.size),
                accept_ranges=self.ranges,
                complete_length=self.size if self.ranges else None,
            )
        except RequestedRangeNotSatisfiable:
            self._not_satisfiable(res)
        if not had_date:  # the server writes its own Date; two would disagree
            replace(lines, "Date", ())
        if res.status_code != 200:  # no body, or part of one: not the whole file
            res._file = None

    def _not_satisfiable(self, res: FramedResponse) -> None:
        self.file.close()
        res.status_code = 416
        problem: dict[str, object] = {
            "type": "about:blank",
            "title": "Range Not Satisfiable",
            "status": 416,
            "detail": f"The file has {self.size} bytes.",
        }
        body, content_type = res.error_body(problem)
        lines = lines_of(res.headers)
        for name in ("ETag", "Last-Modified", "Content-Disposition", "Accept-Ranges"):
            replace(lines, name, ())
        replace(lines, "Content-Type", [content_type])
        replace(lines, "Content-Length", [str(len(body))])
        replace(lines, "Content-Range", [f"bytes */{self.size}"])
        res.response = [body]


def _counted_range(environ: WSGIEnvironment, size: int) -> WSGIEnvironment:
    """Return ``environ`` with the ``Range`` header werkzeug is to answer, if any.

    Without it when it is to be ignored; a suffix longer than the file asks for
    the whole file (RFC 9110, section 14.1.2), which werkzeug would refuse.
    """
    value = environ.get("HTTP_RANGE")
    if value is None or _EMPTY_SUFFIX.fullmatch(value):
        return environ
    parsed = parse_range_header(value)
    if parsed is not None and parsed.units == "bytes" and len(parsed.ranges) == 1:
        start, _end = parsed.ranges[0]
        if start < -size:
            return {**environ, "HTTP_RANGE": "bytes=0-"}
        return environ
    return {key: item for key, item in environ.items() if key != "HTTP_RANGE"}


def send_file(
    res: FramedResponse,
    path_or_file: PathOrFile,
    *,
    download: bool | None,
    filename: str | None,
) -> SentFile:
    """Make the file the body of ``res`` and return what ``finalize`` must finish."""
    if download is not None and not isinstance(download, bool):
        raise TypeError(
            f"send_file() download must be True, False or None, not {download!r}"
        )
    if filename is not None:
        _check_filename(filename)
    path, file = _open(path_or_file)
    name = filename or _base_name(path if path is not None else file)
    start, info = _position_and_status(file)
    size = _size(file, start, info)
    lines = lines_of(res.headers)
    setdefault(lines, "Content-Type", _content_type(name))
    if download or (download is None and filename is not None):
        _disposition(lines, "attachment", name)
    elif download is False:
        _disposition(lines, "inline", name)
    if info is not None:
        setdefault(lines, "Last-Modified", http_date(info.st_mtime))
        if res.auto_etag and find(lines, "etag") is None:
            lines.append(("ETag", f'"{info.st_mtime_ns:x}-{info.st_size:x}"'))
    replace(lines, "Content-Length", [] if size is None else [str(size)])
    res.response = FileWrapper(file, _CHUNK_SIZE)
    res._file = file  # finalize hands it to the server's sendfile() if whole
    res._finished_by = "send_file"
    # Ranges count from the start of the file: a file object sent from further on
    # is sent whole.
    return SentFile(file, size, ranges=size is not None and start == 0)


def _open(path_or_file: object) -> tuple[str | None, IO[bytes]]:
    if isinstance(path_or_file, str | os.PathLike) and not isinstance(
        path_or_file, bytes
    ):
        path = os.fspath(path_or_file)
        if not isinstance(path, str):
            raise TypeError(f"send_file() takes a str path, not {path!r}")
        try:
            file = open(path, "rb")  # noqa: SIM115 (closed with the response)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, ValueError):
            raise NotFound() from None  # ValueError: a NUL, which no file name holds
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            file.close()  # a device or a pipe would never end
            raise NotFound()
        return path, file
    if isinstance(path_or_file, io.TextIOBase):
        raise TypeError(
            f"send_file() got a text-mode file ({path_or_file!r}); open it in binary"
            " mode ('rb')"
        )
    if not callable(getattr(path_or_file, "read", None)):
        raise TypeError(
            "send_file() takes a path (str or pathlib.Path) or a binary file object,"
            f" not {path_or_file!r} ({type(path_or_file).__name__})"
        )
    return None, path_or_file  # type: ignore[return-value]


def _position_and_status(file: IO[bytes]) -> tuple[int, os.stat_result | None]:
    """Return where the file is and, for a regular file, its status."""
    try:
        start = file.tell()
    except (AttributeError, OSError, ValueError):
        return -1, None
    try:
        info = os.fstat(file.fileno())
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation too
        return start, None
    if not stat.S_ISREG(info.st_mode):
        return start, None
    if start:
        # A server's sendfile() starts at the descriptor's offset, which a buffered
        # reader may have moved ahead; seeking from the end resets both.
        file.seek(0, os.SEEK_END)
        file.seek(start)
    return start, info


def _size(file: IO[bytes], start: int, info: os.stat_result | None) -> int | None:
    if info is not None:
        return max(info.st_size - start, 0)
    if isinstance(file, io.BytesIO):
        return max(file.getbuffer().nbytes - start, 0)
    return None


def _base_name(source: object) -> str | None:
    name = source if isinstance(source, str) else getattr(source, "name", None)
    if not isinstance(name, str) or not name:
        return None
    base = os.path.basename(name)
    # A name the file system allows but a header cannot carry.
    return _CONTROL.sub("_", base) or None


def _check_filename(filename: object) -> None:
    if not isinstance(filename, str):
        raise TypeError(
            f"send_file() filename must be a str, not {filename!r}"
            f" ({type(filename).__name__})"
        )
    if not filename or _CONTROL.search(filename) or "/" in filename:
        raise ValueError(
            f"send_file() filename must be a file name without control characters"
            f" or '/', not {filename!r}"
        )


def _content_type(name: str | None) -> str:
    if name is None:
        return "application/octet-stream"
    kind, encoding = mimetypes.guess_type(name, strict=False)
    if encoding is not None:
        return _ENCODED_TYPES.get(encoding, "application/octet-stream")
    if kind is None:
        return "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
        return f"{kind}; charset=utf-8"
    return kind


def _disposition(lines: list[tuple[str, str]], kind: str, name: str | None) -> None:
    """Set Content-Disposition: ``filename`` in ASCII, ``filename*`` in UTF-8."""
    names: dict[str, str] = {}
    if name is not None:
        try:
            name.encode("ascii")
            names["filename"] = name
        except UnicodeEncodeError:
            ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore")
            names["filename"] = ascii_name.decode() or "download"
            names["filename*"] = "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")
    headers = Headers()
    headers.set("Content-Disposition", kind, **names)
    replace(lines, "Content-Disposition", [headers["Content-Disposition"]])
