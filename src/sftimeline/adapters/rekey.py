"""Re-encrypting a store under a new key (``sftimeline key rotate``), safely resumable.

Stored events are immutable to the library, so the rotation rewrites their ``state``
column directly, a page at a time, each page in its own transaction. It is resumable
because every event is, at every moment, readable under exactly one of the two keys
(AES-GCM's tag tells which): the rotation first records ``rotating_to`` (the new key's
check) in the store's cipher setting — from then on the store refuses to open for
anything but finishing the rotation — then walks every event table, leaving events
already under the new key as they are and re-encrypting the others, and last records
the new key as the store's key. Killed at any point, it is run again with the same
two keys and finishes; nothing is half-written (a page commits or does not).

The same walk encrypts a store kept in clear (no old key): a plain event is recognised
because it does not open under the new key.

Writers must be stopped while a rotation runs: a process that opened the store before
the rotation started would go on writing under the old key. ``sftimeline verify``
finds any such event (it cannot be decoded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eventsourcing.cryptography import AESCipher
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from sftimeline.adapters.cipher import (
    CipherState,
    KeyProblem,
    check_key,
    cipher,
    key_check,
    key_matches,
    read_state,
    write_state,
)
from sftimeline.adapters.sql import engine_for_url
from sftimeline.adapters.store import RecordStore
from sftimeline.adapters.store_errors import StoreError
from sftimeline.adapters.store_url import env_for_url

#: events re-encrypted per transaction
PAGE = 500


@dataclass
class Rotation:
    """What a rotation did."""

    reencrypted: int = 0
    #: events found already under the new key (a resumed rotation)
    already: int = 0
    resumed: bool = False
    was_encrypted: bool = True

    def lines(self) -> list[str]:
        return [
            f"re-encrypted:   {self.reencrypted} event(s)"
            + ("" if self.was_encrypted else " (the store was in clear)"),
            f"already done:   {self.already} event(s)"
            + (" (an interrupted rotation was resumed)" if self.resumed else ""),
            "the store now opens with the new key only",
        ]


def event_tables(url: str) -> list[tuple[str, str]]:
    """(table, row id column) of every event table the store's applications use."""
    if env_for_url(url)["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        return [("stored_events", "rowid"), ("familyoutcomes_events", "rowid")]
    return [
        ("familyrecords_events", "notification_id"),
        ("familyoutcomes_events", "notification_id"),
    ]


def rotate_key(
    url: str,
    old_key: str | None,
    new_key: str,
    *,
    page: int = PAGE,
    after_page: Callable[[int], None] | None = None,
) -> Rotation:
    """Re-encrypt every event of the store at ``url`` from ``old_key`` to ``new_key``.

    ``old_key`` None: the store is in clear and becomes encrypted. ``after_page`` is
    called with the number of events handled so far after each committed page (tests
    use it to kill the rotation midway).
    """
    engine = engine_for_url(url)
    try:
        result = Rotation()
        state = _start(url, engine, old_key, new_key, result)
        result.was_encrypted = state.encrypted
        old = cipher(old_key) if old_key else None
        new = cipher(new_key)
        handled = 0
        existing = set(inspect(engine).get_table_names())
        for table, id_col in event_tables(url):
            if table not in existing:
                continue
            last = -1
            while True:
                last, n = _rotate_page(engine, table, id_col, last, page, old, new, result)
                if n == 0:
                    break
                handled += n
                if after_page is not None:
                    after_page(handled)
        write_state(engine, CipherState(True, key_check(new_key)))
        return result
    finally:
        engine.dispose()


def _start(
    url: str, engine: Engine, old_key: str | None, new_key: str, result: Rotation
) -> CipherState:
    """Check both keys and record the rotation's start (or find the one to resume)."""
    state = read_state(engine)
    if state is not None and state.rotating_to is not None:
        if state.encrypted and (old_key is None or not key_matches(old_key, state.check or "")):
            raise KeyProblem("the key supplied is not the key this store had before the rotation")
        if not state.encrypted and old_key:
            raise KeyProblem("this store was in clear before the rotation: supply no old key")
        if not key_matches(new_key, state.rotating_to):
            raise KeyProblem(
                "an interrupted rotation was moving this store to another key: finish it "
                "with that key file first"
            )
        result.resumed = True
        return state
    with RecordStore.open(url, key=old_key or ""):  # checks the old key, settles the state
        pass
    state = read_state(engine)
    if state is None:  # an empty store opened by a reader only
        state = CipherState(False)
    check_key(state, old_key)
    if old_key == new_key or (state.check and key_matches(new_key, state.check)):
        raise KeyProblem("the new key is the key this store already has")
    write_state(engine, CipherState(state.encrypted, state.check, key_check(new_key)))
    return state


def _rotate_page(
    engine: Engine,
    table: str,
    id_col: str,
    after: int,
    page: int,
    old: AESCipher | None,
    new: AESCipher,
    result: Rotation,
) -> tuple[int, int]:
    """Re-encrypt one page of ``table`` after row ``after``; (last row id, rows seen)."""
    with engine.begin() as conn:
        rows = conn.execute(
            text(
                f"SELECT {id_col}, state FROM {table} WHERE {id_col} > :after "
                f"ORDER BY {id_col} LIMIT :page"
            ),
            {"after": after, "page": page},
        ).all()
        updates = []
        for row_id, state in rows:
            blob = bytes(state)
            try:
                new.decrypt(blob)
                result.already += 1
                continue
            except ValueError:
                pass
            try:
                plain = old.decrypt(blob) if old is not None else _clear(blob)
            except ValueError:
                raise StoreError(
                    f"{table} row {row_id} opens under neither key (damaged?): run "
                    "`sftimeline verify`"
                ) from None
            updates.append({"id": row_id, "state": new.encrypt(plain)})
        if updates:
            conn.execute(text(f"UPDATE {table} SET state = :state WHERE {id_col} = :id"), updates)
            result.reencrypted += len(updates)
    return (rows[-1][0] if rows else after), len(rows)


def _clear(blob: bytes) -> bytes:
    """A state stored in clear (the library's JSON), else ValueError."""
    if not blob.startswith(b"{"):
        raise ValueError("not a state in clear")
    return blob
