"""The one error type the project raises for problems a user can fix."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from rag.terminal import shown

REBUILD = "run: rag build"  # how every index message ends: the one command that repairs it


class RagError(Exception):
    """A problem with input, corpus, index or model; the message says what to do next."""


class IndexStaleError(RagError):
    """The index on disk was built from another corpus, model or chunker."""


class IndexCorruptError(RagError):
    """An index file is unreadable or inconsistent with the others."""


def unknown_documents(unknown, known, *, shown: int = 8) -> RagError:
    """--source or sources= named documents the index does not hold: say which it does hold."""
    names = sorted(known)
    listed = ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")
    return RagError(f"no document {', '.join(map(repr, sorted(unknown)))} in the index; it holds: {listed}")


def disk_error(exc: OSError, *, writing: bool) -> RagError:
    """One line for an OSError: the path, what the system said, and what to do.

    OSError(ENOSPC, "No space left on device", "index/cache/x.npz"), writing ->
    "cannot write index/cache/x.npz (No space left on device); the disk is full: free space there
    or use --index-dir on another disk, then run: rag build"
    """
    path = exc.filename2 if writing and exc.filename2 is not None else exc.filename  # symlink/rename: the new name
    code, said = exc.errno, exc.strerror
    if code is None and writing and path is not None and _nearly_full(path):
        # numpy's short write ("8 requested and 0 written") comes without an errno
        code, said = errno.ENOSPC, os.strerror(errno.ENOSPC)
    path = shown(path) if path is not None else "a file"  # a corpus file's name may hold a newline
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        remedy = "the disk is full: free space there or use --index-dir on another disk"
    elif code in (errno.EACCES, errno.EPERM):
        remedy = "make it writable for this user or use --index-dir elsewhere" if writing else "make it readable"
    elif code == errno.EROFS:
        remedy = "the file system is read-only: use --index-dir on a writable disk"
    else:
        remedy = "check that path"
    verb = "write" if writing else "read"
    return RagError(f"cannot {verb} {path} ({said or (exc.args[0] if exc.args else exc)}); {remedy}, then {REBUILD}")


def _nearly_full(path) -> bool:
    """Whether the file system holding `path` (or its nearest existing folder) has under a megabyte free."""
    import shutil

    where = Path(path)
    while not where.exists() and where != where.parent:
        where = where.parent
    try:
        return shutil.disk_usage(where).free < 2**20
    except OSError:
        return False


@contextlib.contextmanager
def about(path):
    """OSErrors from write() and fsync() name no file: give them `path`, so the message can say where."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = os.fspath(path)
        raise
