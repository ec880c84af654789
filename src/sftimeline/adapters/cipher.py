"""Encryption at rest: the council's key, and the store's record of whether it has one.

Records and outcome events are encrypted by the eventsourcing library's own cipher
support (``CIPHER_TOPIC=eventsourcing.cryptography:AESCipher``: AES-GCM from the
``cryptography`` package, a fresh 96-bit nonce per event, the tag checked on every
read). The key is the council's: ``sftimeline key generate`` prints one, and
``SFTIMELINE_KEY`` (the key itself) or ``SFTIMELINE_KEY_FILE`` (a file holding it)
supplies it to every front door, resolved in ``RecordStore.open``.

A store remembers whether it was created with a key (setting ``store.cipher`` in the
store's own database) together with a *key check*: a constant encrypted under the key.
Opening then fails with a clear :class:`KeyProblem` — never a traceback, never garbage
— when an encrypted store is opened without its key or with another key, or a store
kept in clear is opened with a key. A key rotation in progress is recorded there too
(``adapters/rekey.py``).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sftimeline.adapters.store_errors import StoreError

if TYPE_CHECKING:  # imported where used: opening a store in clear needs neither
    from eventsourcing.cryptography import AESCipher
    from sqlalchemy.engine import Engine

KEY_ENV = "SFTIMELINE_KEY"
KEY_FILE_ENV = "SFTIMELINE_KEY_FILE"
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
#: bytes of a generated key (AES-256)
KEY_BYTES = 32
SETTING = "store.cipher"
_CHECK = b"sftimeline key check v1"


class KeyProblem(StoreError):
    """A key is missing, malformed, or does not open this store."""


class RotationInterrupted(KeyProblem):
    """A key rotation of this store was interrupted: only ``key rotate`` may open it."""


def generate_key() -> str:
    """A new random AES-256 key, base64 (what ``SFTIMELINE_KEY`` holds)."""
    from eventsourcing.cryptography import AESCipher

    return AESCipher.create_key(KEY_BYTES)


def parse_key(text: str, where: str) -> str:
    """The key in ``text`` (surrounding white space ignored), checked; ``where`` names
    its origin in the error."""
    key = text.strip()
    try:
        raw = base64.b64decode(key.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise KeyProblem(
            f"{where}: not a key (base64 of 16, 24 or 32 bytes; `sftimeline key generate` "
            "prints one)"
        ) from None
    from eventsourcing.cryptography import AESCipher

    if len(raw) not in AESCipher.KEY_SIZES:
        raise KeyProblem(f"{where}: a key is 16, 24 or 32 bytes, this one is {len(raw)}")
    return key


def read_key_file(path: str, where: str | None = None) -> str:
    label = where or path
    try:
        with open(path, encoding="ascii") as fh:
            text = fh.read(4096)
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyProblem(f"{label}: cannot read the key file: {exc}") from None
    return parse_key(text, label)


def key_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """The key ``SFTIMELINE_KEY`` or ``SFTIMELINE_KEY_FILE`` supplies (None: neither)."""
    env = os.environ if environ is None else environ
    key, path = env.get(KEY_ENV), env.get(KEY_FILE_ENV)
    if key and path:
        raise KeyProblem(f"both {KEY_ENV} and {KEY_FILE_ENV} are set: set one")
    if key:
        return parse_key(key, KEY_ENV)
    if path:
        return read_key_file(path, f"{KEY_FILE_ENV}={path}")
    return None


def cipher_env(key: str | None) -> dict[str, str]:
    """The library settings that make an application encrypt with ``key``."""
    return {"CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": key} if key else {}


def cipher(key: str) -> AESCipher:
    from eventsourcing.cryptography import AESCipher
    from eventsourcing.utils import Environment

    return AESCipher(Environment(env={"CIPHER_KEY": key}))


def key_check(key: str) -> str:
    return base64.b64encode(cipher(key).encrypt(_CHECK)).decode("ascii")


def key_matches(key: str, check: str) -> bool:
    try:
        return cipher(key).decrypt(base64.b64decode(check)) == _CHECK
    except ValueError:
        return False


@dataclass(frozen=True)
class CipherState:
    """What the store records about its encryption (setting ``store.cipher``)."""

    encrypted: bool
    #: key check of the store's key (None: stored in clear)
    check: str | None = None
    #: key check of the key an interrupted rotation is moving to
    rotating_to: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"encrypted": self.encrypted, "check": self.check, "rotating_to": self.rotating_to}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CipherState:
        return cls(bool(d["encrypted"]), d.get("check"), d.get("rotating_to"))


def read_state(engine: Engine) -> CipherState | None:
    from sftimeline.adapters.sql import get_setting

    raw = get_setting(engine, SETTING, None)
    return CipherState.from_json(raw) if raw else None


def write_state(engine: Engine, state: CipherState) -> None:
    from sftimeline.adapters.sql import set_setting

    set_setting(engine, SETTING, state.to_json())


def settle(engine: Engine, key: str | None, has_events: bool, *, create: bool) -> CipherState:
    """The store's cipher state, recorded on first use, and checked against ``key``.

    A store without the setting and without events is new: it is encrypted if and only
    if a key is supplied now. One with events but no setting predates encryption: it
    is in clear. Concurrent first openers race on one insert; the winner's state holds.
    (A SQLite file's writer settles it without SQLAlchemy: ``adapters/cipher_sqlite.py``.)
    """
    recorded = read_state(engine)
    state = to_record(recorded, key, has_events, create=create)
    if state is None:
        state = recorded or first_state(key, has_events)
        if recorded is None:
            return state  # a reader never decides for a store it did not create
    elif recorded is None:
        from sftimeline.adapters.sql import insert_setting_once

        insert_setting_once(engine, SETTING, state.to_json())
        state = read_state(engine) or state
    else:
        write_state(engine, state)
    check_key(state, key)
    return state


def first_state(key: str | None, has_events: bool) -> CipherState:
    """The state of a store that records none yet: encrypted if and only if a key is
    supplied now and nothing is stored (one with events predates encryption: in clear)."""
    return CipherState(True, key_check(key)) if key and not has_events else CipherState(False)


def to_record(
    recorded: CipherState | None, key: str | None, has_events: bool, *, create: bool
) -> CipherState | None:
    """The state to record now, given the ``recorded`` one (None: record nothing)."""
    if recorded is None:
        if not create and not has_events:
            return None  # a reader never decides for a store it did not create
        return first_state(key, has_events)
    if key and create and not recorded.encrypted and not has_events:
        # created empty without a key (`process enable` first, say): nothing is stored
        # in clear yet, so the first writer with a key makes it an encrypted store
        return CipherState(True, key_check(key))
    return None


def check_key(state: CipherState, key: str | None) -> None:
    """Raise :class:`KeyProblem` unless ``key`` opens a store in ``state``."""
    supply = f"supply it with {KEY_ENV} or {KEY_FILE_ENV}"
    if state.rotating_to is not None:
        raise RotationInterrupted(
            "a key rotation of this store was interrupted: run `sftimeline key rotate "
            "--new-key-file FILE` again, with the old key supplied and the same new key file"
        )
    if not state.encrypted:
        if key:
            raise KeyProblem(
                "this store was created without a key (its records are stored in clear): "
                f"unset {KEY_ENV}/{KEY_FILE_ENV}, or encrypt the store with "
                "`sftimeline key rotate --new-key-file FILE`"
            )
        return
    if not key:
        raise KeyProblem(f"this store is encrypted and no key was supplied: {supply}")
    if state.check is None or not key_matches(key, state.check):
        raise KeyProblem("the key supplied does not open this store (wrong key)")
