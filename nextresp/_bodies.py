"""Body sources: text, streamed chunks and files, made ready for the WSGI server.

What ``send`` accepts is decided in ``ApiResponse``; this module only turns a source
into what a server can iterate and close, without knowing about headers.
"""

from __future__ import annotations

import functools
import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

logger = logging.getLogger("nextresp")

#: What ``send()`` accepts; the docstring of ``send`` says what each becomes.
SendBody = (
    str
    | bytes
    | bytearray
    | memoryview
    | dict[str, Any]
    | list[Any]
    | int
    | float
    | IO[bytes]
    | Iterable[bytes | str]
    | None
)

TEXT_PLAIN = "text/plain; charset=utf-8"
#: How much of a sent file is read at a time when the server has no sendfile().
FILE_CHUNK_SIZE = 64 * 1024


def utf8(text: str, helper: str) -> bytes:
    """Encode a body's text as UTF-8, or say which helper got text it cannot encode."""
    try:
        return text.encode()
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{helper}() got text that UTF-8 cannot encode ({exc.reason} at index"
            f" {exc.start}); remove lone surrogates, or send bytes"
        ) from None


def chunk_bytes(chunk: object) -> bytes:
    """Return one chunk of a streamed body as bytes; ``str`` is encoded as UTF-8."""
    if type(chunk) is bytes:
        return chunk
    if isinstance(chunk, str):
        return utf8(chunk, "send")
    if isinstance(chunk, bytes | bytearray | memoryview):
        return bytes(chunk)
    raise TypeError(
        f"a streamed body must yield bytes or str, not {type(chunk).__name__}"
    )


class ByteStream:
    """Iterate a streamed body as bytes, and pass on close().

    A chunk that fails (a source that raises, a chunk that is neither bytes nor str)
    comes after the response began: the server can only close the connection, so
    the failure is logged here too, where the app's logs are, before it propagates.

    A class rather than a generator: a generator that never started skips its
    ``finally``, and a HEAD or 304 answer never starts the body, yet the source (an
    open file, a database cursor) must still be closed.
    """

    __slots__ = ("_chunks", "_sent", "_source")

    def __init__(self, source: Iterable[object]) -> None:
        self._source = source
        self._chunks = iter(source)
        self._sent = [0, 0]  # chunks and bytes handed to the server

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            chunk = chunk_bytes(next(self._chunks))
        except StopIteration:
            raise
        except Exception:
            log_cut_short("a streamed body", *self._sent)
            raise
        sent = self._sent
        sent[0] += 1
        sent[1] += len(chunk)
        return chunk

    def close(self) -> None:
        close = getattr(self._source, "close", None)
        if close is not None:
            close()


def log_cut_short(kind: str, chunks: int, size: int) -> None:
    """Log, with the current exception, that a body failed after it began.

    The app cannot see what reached the wire: a server that wrote the status line
    and the chunks closes the connection mid-body (gunicorn), and one that had not
    written anything yet may drop the answer whole (granian, at times).
    """
    logger.exception(
        "%s failed after %d %s (%d bytes) went to the server; the server closes the"
        " connection, so the client gets a body cut short, or no answer at all if"
        " the server had not written the status line yet",
        kind,
        chunks,
        "chunk" if chunks == 1 else "chunks",
        size,
    )


def stream_of(chunks: Iterable[object]) -> Iterable[bytes]:
    """Return a streamed body as the server will iterate it.

    A tuple has a known end, so its chunks are checked now, where a bad one can
    still raise at the call; any other iterable is checked chunk by chunk.
    """
    if isinstance(chunks, tuple):
        return tuple(map(chunk_bytes, chunks))
    return ByteStream(chunks)


def server_file_wrapper(
    file: IO[bytes], environ: WSGIEnvironment, callbacks: list[Callable[[], Any]]
) -> Iterable[bytes] | None:
    """Wrap ``file`` in the server's ``wsgi.file_wrapper``, or return None.

    The server's wrapper must be the app iterable itself for the server to use
    sendfile(), and then the server calls only the wrapper's close(): that close()
    must also run the response's close ``callbacks``, among them those a host
    registers later (Flask's after_request hooks run after this), so it reads the
    list when it runs.
    """
    file_wrapper = environ.get("wsgi.file_wrapper")
    if file_wrapper is None:
        return None
    wrapper = file_wrapper(file, FILE_CHUNK_SIZE)
    try:
        wrapper.close = functools.partial(_close_file, file, callbacks)
    except AttributeError:  # a wrapper that takes no attributes: iterate it
        return None
    return wrapper  # type: ignore[no-any-return]


def _close_file(file: IO[bytes], callbacks: list[Callable[[], Any]]) -> None:
    """Close a sent file, then run the response's close callbacks, once each.

    The list is emptied as it runs, so werkzeug's own ``close()``, which closes the
    body and then runs the same list, cannot run a callback twice.
    """
    try:
        file.close()
    finally:
        pending = callbacks[:]
        callbacks.clear()
        for callback in pending:
            callback()


def move_descriptor_to_position(file: IO[bytes]) -> None:
    """Put the file descriptor's offset where the file object says it is.

    PEP 3333 sends a file from its current position, and a server's sendfile()
    starts at the descriptor's offset; a buffered reader that has read, peeked or
    read a line has moved the descriptor ahead of its own position. Seeking from the
    end empties the read-ahead buffer, so the seek back reaches the descriptor.
    """
    try:
        position = file.tell()
        if os.lseek(file.fileno(), 0, os.SEEK_CUR) != position:
            file.seek(0, os.SEEK_END)
            file.seek(position)
    except (AttributeError, OSError, ValueError):  # not a regular, seekable file
        pass


def remaining_size(file: IO[bytes]) -> int | None:
    """Return how many bytes are left in a regular file, or None if it cannot tell."""
    try:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        return max(info.st_size - file.tell(), 0)
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation too
        return None
