"""The store's own integrity and its key: ``verify``, ``rotate_key``; a new key.

The work is in ``adapters/verify.py``, ``adapters/rekey.py`` and ``adapters/cipher.py``;
these are the front doors' way to it. The key that opens a store comes from
``SFTIMELINE_KEY`` / ``SFTIMELINE_KEY_FILE`` (read inside the adapters).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

from sftimeline.service.base import StoreBase, translated
from sftimeline.service.errors import InvalidInput, NotFound, StoreProblem

if TYPE_CHECKING:
    from sftimeline.adapters.rekey import Rotation
    from sftimeline.adapters.verify import Verification


def generate_key() -> str:
    """A new random key (AES-256, base64) for ``SFTIMELINE_KEY`` / ``SFTIMELINE_KEY_FILE``."""
    from sftimeline.adapters.cipher import generate_key as new_key

    return new_key()


def write_new_key(path: str) -> None:
    """Write a new key to a new file readable by its owner only (never overwrites)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise InvalidInput(f"cannot create {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(generate_key() + "\n")


def open_private(path: str) -> TextIO:
    """A new file (rejects, an audit pack) for writing, readable by its owner only."""
    from sftimeline.adapters.files import open_private as private

    return private(path)


class KeysService(StoreBase):
    """Checks of the whole store, and re-encryption under a new key."""

    def verify(self, full: bool = False) -> Verification:
        """Walk the store: event versions, records, retractions, the process's decisions
        (a sample, or all with ``full``) and the read models; every problem by family."""
        from sftimeline.adapters.verify import verify_store

        store = self.record_store()
        with translated():
            return verify_store(store, full=full)

    def rotate_key(self, new_key_file: str) -> Rotation:
        """Re-encrypt every record and outcome event under the key in ``new_key_file``
        (the current key from the environment; none: the store becomes encrypted).
        Resumable: run it again after an interruption."""
        from sftimeline.adapters.cipher import RotationInterrupted, key_from_env, read_key_file
        from sftimeline.adapters.rekey import rotate_key

        try:
            self.record_store()  # a store that does not exist is not created here
        except StoreProblem as exc:
            if not isinstance(exc.__cause__ or exc.__context__, RotationInterrupted):
                raise  # (an interrupted rotation is what this method resumes)
        self.close()  # the rotation works on the database directly
        if not os.path.isfile(new_key_file):
            raise NotFound(f"cannot read {new_key_file}: no such file")
        with translated():
            return rotate_key(self.url, key_from_env(), read_key_file(new_key_file))
