"""Reading many families' records in a few large ordered scans (issue 14, item 3).

The library reads one aggregate at a time (``select_events``: a query, a ``StoredEvent``
and a ``UUID`` per row, then the transcoder's object hook per value). A county is read
here instead in chunks of :data:`CHUNK` families: one ``SELECT … WHERE originator_id IN
(…) ORDER BY originator_id, originator_version`` per chunk on the store's own events
table, each state decrypted and decompressed by the library's cipher and compressor
when the store has them, then ``json.loads``-ed and folded straight into a
:class:`~sftimeline.records.Record` (``states.record_from_state``, the one decoder).

Memory holds one chunk at a time, so callers can still stream a county.

On PostgreSQL these reads ask for their results in binary format (:data:`PG_BINARY`). In
the text format the server spells every ``bytea`` state as hexadecimal and psycopg
parses the hex back: twice the bytes on the wire, and work on both sides. In binary the
state comes as its bytes, the id as a UUID's 16 bytes: the same Python values (a
``UUID``, an ``int``, a ``str``, ``bytes``; tests/test_scan_binary.py), for half the time
(a county of 100,000 records read in chunks: 0.73 s → 0.38 s, the client's CPU 0.50 s →
0.26 s).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import PersistenceError

if TYPE_CHECKING:
    from sftimeline.adapters.store import RecordStore
    from sftimeline.records import Record

#: Families read per query: about 100 records each, so ≈ 20,000 rows per scan.
CHUNK = 200


def _select(store: RecordStore, fids: Sequence[UUID]) -> list[Any]:
    """Rows (originator_id, originator_version, topic, state) of these families, ordered,
    as plain tuples (the library's connections make a ``sqlite3.Row`` or a dict per row;
    a tuple is cheaper to make and to read, and a county is a million rows)."""
    return select_rows(store.app.recorder, fids)


def select_rows(recorder: Any, fids: Sequence[UUID]) -> list[Any]:
    """:func:`_select` on any of the store's recorders (the policy process's outcomes
    have a table of their own: ``adapters/family_decisions.py``)."""
    table = recorder.events_table_name
    datastore = recorder.datastore
    cols = "originator_id, originator_version, topic, state"
    if hasattr(datastore, "schema"):  # PostgreSQL
        from psycopg.rows import tuple_row

        sql = pg_scan_sql(datastore.schema, table)
        params: Any = (list(fids),)
        factory: Any = tuple_row
    else:  # SQLite keeps ids as hex text
        marks = ",".join("?" * len(fids))
        sql = (
            f"SELECT {cols} FROM {table} WHERE originator_id IN ({marks})"
            " ORDER BY originator_id, originator_version"
        )
        params = [f.hex for f in fids]
        factory = None
    with datastore.transaction(commit=False) as curs:
        if factory is not None:
            curs.execute(PG_SCAN_SETTINGS)
        curs.row_factory = factory
        curs.execute(sql, params, **_results(factory))
        return list(curs.fetchall())


#: whether the PostgreSQL reads here take their results in binary format (see the
#: module's docstring)
PG_BINARY = True


def _results(factory: Any) -> dict[str, Any]:
    """The execute options of a read here: binary results on PostgreSQL (``factory``,
    its row factory, is set), none on SQLite (whose cursor takes none)."""
    return {} if factory is None else {"binary": PG_BINARY}


def pg_scan_sql(schema: str, table: str) -> str:
    """The chunk scan on PostgreSQL: one parameter, the families' ids as an array."""
    return (
        f'SELECT originator_id, originator_version, topic, state FROM "{schema}"."{table}"'
        " WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
    )


#: The planner settings of a chunk scan's read-only transaction on PostgreSQL (``SET
#: LOCAL``: they end with it). The scan's one good plan is the primary key's index, read
#: in the order asked for (about 20,000 rows of a table that may hold tens of millions);
#: with stale statistics (a bulk load on a server with ``autovacuum = off``, or before
#: autovacuum has run) the planner took it for a scan of millions of rows and chose a
#: parallel sequential scan with a sort and 0.4 s of JIT compilation: 5.7 s per chunk at
#: ten million events. Without the sequential and bitmap scans, parallel plans and JIT
#: left to it, only the ordered index scan remains, whatever the statistics say.
#: (An import also refreshes the statistics: ``adapters/pgstats.py``.)
PG_SCAN_SETTINGS = (
    "SELECT set_config('enable_seqscan', 'off', true),"
    " set_config('enable_bitmapscan', 'off', true),"
    " set_config('max_parallel_workers_per_gather', '0', true),"
    " set_config('jit', 'off', true)"
)


def _plain(store: RecordStore) -> Any:
    """A function from a stored state to its JSON bytes (decrypted, decompressed)."""
    mapper = store.app.mapper
    cipher, compressor = mapper.cipher, mapper.compressor
    if cipher is None and compressor is None:
        return None

    def plain(state: bytes) -> bytes:
        if cipher is not None:
            state = cipher.decrypt(state)
        if compressor is not None:
            state = compressor.decompress(state)
        return state

    return plain


def read_families(
    store: RecordStore, fids: Sequence[UUID], codes: Mapping[UUID, str]
) -> dict[UUID, list[Record]]:
    """Each family's records in store order (families with none are absent), in one scan.

    ``codes`` names each family id (the code is the Record's ``family``).
    """
    from sftimeline.adapters.states import record_from_state, record_topics
    from sftimeline.adapters.store_errors import StoreUnavailable

    with collector_paused():
        try:
            rows = _select(store, fids)
        except PersistenceError as exc:
            raise StoreUnavailable(f"cannot read store {store.url!r}: {exc}") from None
        except Exception as exc:  # driver errors (sqlite3 / psycopg) below the library
            raise StoreUnavailable(f"cannot read store {store.url!r}: {exc}") from None
        return _decoded(rows, fids, codes, _plain(store), record_from_state, record_topics())


def _decoded(
    rows: list[Any],
    fids: Sequence[UUID],
    codes: Mapping[UUID, str],
    plain: Any,
    record_from_state: Any,
    topics: frozenset[str],
) -> dict[UUID, list[Record]]:
    """The rows of :func:`_select` as each family's Records (record events only)."""
    out: dict[UUID, list[Record]] = {}
    by_hex = {f.hex: f for f in fids}
    current: list[Record] = []
    append = current.append
    code = ""
    last: object = None
    for raw_id, _version, topic, state in rows:
        if topic not in topics:
            continue
        if raw_id != last:
            last = raw_id
            fid = raw_id if isinstance(raw_id, UUID) else by_hex[raw_id]
            current = out.setdefault(fid, [])
            append = current.append
            code = codes[fid]
        if type(state) is not bytes:  # a driver's buffer
            state = bytes(state)
        if plain is not None:
            state = plain(state)
        append(record_from_state(state, code))
    return out


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a chunk is read and decoded (and, by
    ``service.parallel.FamilyJob``, while its families are decided).

    A chunk is ≈ 20,000 rows, then as many Records with their data: all of it survives
    the chunk, so each of the hundreds of young collections its allocations trigger
    walks the growing chunk again — ≈ a fifth of reading a county (0.615 s against
    0.502 s of CPU for 1,000 families read in tasks of 100). Rows, decoded JSON, dates
    and Records hold no reference cycles, so nothing is left for the collector to find
    that reference counting does not free; it runs again as soon as the chunk is done.
    A caller that paused it itself keeps it paused. Use it around work that does not
    yield: a generator left suspended inside it would leave the collector paused.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def read_rows(store: RecordStore, fids: Sequence[UUID]) -> dict[UUID, list[tuple[int, str, bytes]]]:
    """Each family's stored events as (version, topic, state as stored), in version
    order, in one scan (families with no events are absent); :func:`state_reader` gives
    the function that makes a state plain JSON. Raises what the driver raises."""
    rows = _select(store, fids)
    by_hex = {f.hex: f for f in fids}
    out: dict[UUID, list[tuple[int, str, bytes]]] = {}
    current: list[tuple[int, str, bytes]] = []
    last: object = None
    for raw_id, version, topic, state in rows:
        if raw_id != last:
            last = raw_id
            fid = raw_id if isinstance(raw_id, UUID) else by_hex[raw_id]
            current = out.setdefault(fid, [])
        current.append((version, topic, bytes(state)))
    return out


#: a function from a stored state to its plain JSON bytes, or None: stored plain
state_reader = _plain


def notified_families(store: RecordStore, after: int, limit: int) -> tuple[list[UUID], int, int]:
    """The families of the ``limit`` notifications after position ``after``, in first
    notified order, with the last notification's id and the number read.

    One query of ids only: the library's ``select_notifications`` returns every event's
    state (and, on SQLite, builds a ``UUID`` per row), and the families are read again
    by the chunk scans that decide them, so its states were most of a catch-up's reading:
    on PostgreSQL at ten million events, 2.4 GB sent twice.
    """
    recorder: Any = store.app.recorder
    datastore = recorder.datastore
    table = recorder.events_table_name
    if hasattr(datastore, "schema"):  # PostgreSQL: ids come as UUIDs
        runs, last, count = notification_page(store, after, limit)
        return [fid for fid, _ in runs], last, count
    sql = f"SELECT rowid, originator_id FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?"
    with datastore.transaction(commit=False) as curs:
        curs.execute(sql, (after, limit))
        rows = curs.fetchall()
    hexes: dict[str, None] = dict.fromkeys(row[1] for row in rows)
    return [UUID(h) for h in hexes], (rows[-1][0] if rows else after), len(rows)


def notification_page(
    store: RecordStore, after: int, limit: int
) -> tuple[list[tuple[UUID, int]], int, int]:
    """PostgreSQL: the ``limit`` notifications after position ``after`` as each family's
    last notification id in the page, the families in first-notified order, with the
    page's last id and its number of notifications (``[], after, 0`` past the end).

    Grouped on the server, one row per family: a page of an import is a few families'
    runs, and the library's ``select_notifications`` sent every event's state to be
    dropped here (at a million events, 23 s of client CPU against 0.2 s). The catch-up's
    families and the shared queue's dispatch (``adapters/workqueue.py``) read it.
    """
    from psycopg.rows import tuple_row

    recorder: Any = store.app.recorder
    datastore = recorder.datastore
    sql = (
        "WITH page AS (SELECT notification_id, originator_id"
        f' FROM "{datastore.schema}"."{recorder.events_table_name}"'
        " WHERE notification_id > %s ORDER BY notification_id LIMIT %s)"
        " SELECT originator_id, max(notification_id), min(notification_id) AS first,"
        " (SELECT max(notification_id) FROM page), (SELECT count(*) FROM page)"
        " FROM page GROUP BY originator_id ORDER BY first"
    )
    with datastore.transaction(commit=False) as curs:
        curs.row_factory = tuple_row
        curs.execute(sql, (after, limit))
        rows = curs.fetchall()
    if not rows:
        return [], after, 0
    return [(row[0], row[1]) for row in rows], rows[0][3], rows[0][4]


def registered_sql(table: str) -> str:
    """SQLite's query of every family's Registered event (its aggregate's version 1).
    Each aggregate id is found by one seek past the last (a skip-scan of the primary
    key's index), not by reading every entry of the index for DISTINCT: for 1,000
    families in 100,000 records 13 ms against 18 ms, and from a cold cache (the first
    command after a reboot) 0.12 s against 1.1 s for a million records."""
    return (
        f"WITH RECURSIVE ids(id) AS (SELECT min(originator_id) FROM {table}"
        f" UNION ALL SELECT (SELECT min(originator_id) FROM {table}"
        " WHERE originator_id > ids.id) FROM ids WHERE ids.id IS NOT NULL)"
        f" SELECT e.originator_id, e.state FROM ids JOIN {table} AS e"
        " ON e.originator_id = ids.id AND e.originator_version = 1 WHERE e.topic = ?"
    )


def family_index(store: RecordStore) -> list[tuple[str, UUID]]:
    """Every family's (code, aggregate id), sorted by code (``store.family_index()``).

    The Registered events are found as their aggregates' version 1, through the primary
    key's index, instead of by the library's notification query, which pages through the
    whole table by notification id filtering on the topic: on SQLite ≈ 9 ms against ≈ 25 ms
    for a county of 100,000 records; on PostgreSQL 0.11 s of the server's against 1.2 s
    for a million events (a bitmap scan of the index). Paid before anything is decided
    (and, with workers, before they start).
    """
    import orjson

    from sftimeline.adapters.states import REGISTERED_TOPIC

    recorder: Any = store.app.recorder
    datastore = recorder.datastore
    table = recorder.events_table_name
    if hasattr(datastore, "schema"):  # PostgreSQL
        from psycopg.rows import tuple_row

        sql = (
            f'SELECT originator_id, state FROM "{datastore.schema}"."{table}"'
            " WHERE originator_version = 1 AND topic = %s"
        )
        factory: Any = tuple_row
    else:
        sql = registered_sql(table)
        factory = None
    try:
        with datastore.transaction(commit=False) as curs:
            if factory is not None:
                curs.row_factory = factory
            curs.execute(sql, (REGISTERED_TOPIC,), **_results(factory))
            rows = curs.fetchall()
    except PersistenceError as exc:
        from sftimeline.adapters.store_errors import StoreUnavailable

        raise StoreUnavailable(f"cannot read store {store.url!r}: {exc}") from None
    plain = _plain(store)
    loads = orjson.loads
    return sorted(
        (
            loads(bytes(state) if plain is None else plain(bytes(state)))["family_code"],
            raw_id if isinstance(raw_id, UUID) else UUID(raw_id),
        )
        for raw_id, state in rows
    )


def iter_families(
    store: RecordStore, families: Sequence[tuple[str, UUID]], chunk: int = CHUNK
) -> Iterator[tuple[str, list[Record]]]:
    """``(code, records)`` for each of ``families`` (code, id), in the order given."""
    for i in range(0, len(families), chunk):
        part = families[i : i + chunk]
        codes = {fid: code for code, fid in part}
        found = read_families(store, [fid for _, fid in part], codes)
        for code, fid in part:
            yield code, found.get(fid, [])
