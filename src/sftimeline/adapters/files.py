"""Files holding records' data are created readable by their owner only.

Rejects files hold the rejected lines (records about children, abuse and crime) and
audit packs a family's whole history; like the SQLite store file they are created 0600,
and a file that already exists is made 0600 before anything is written to it.
"""

from __future__ import annotations

import os
from typing import TextIO

PRIVATE = 0o600


def open_private(path: str, *, encoding: str = "utf-8", newline: str | None = None) -> TextIO:
    """``path`` opened for writing (truncated), readable and writable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
        return os.fdopen(fd, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        raise
