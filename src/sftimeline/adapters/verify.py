"""`sftimeline verify`: the store proves itself.

Walks the store and reports what it checked and every problem, named by family:

- **events**: every family's event versions are contiguous from 1, every event decodes
  (under the store's key: a flipped byte fails AES-GCM's tag), the family's id is the
  uuid5 of its code, and on SQLite the log has no hole (a deleted event);
- **records**: every record passes today's validation and still matches the
  fingerprint it was stored with (catches a changed byte in a store kept in clear);
- **retractions**: every retraction's target is among the family's records;
- **process**: the tracked position is within the log; for a sample of families (all
  with ``full``) each recorded decision equals a fresh evaluation on its own basis
  (on-date, knowledge time, the records it had seen) and no decision claims to have
  seen more events than the family has; a family the process has passed was evaluated;
- **read models**: the status and claims tables equal a rebuild from the outcome events.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from sftimeline.adapters.outcomes import LEADER
from sftimeline.adapters.outcomes_app import FamilyOutcomesApp, outcomes_env
from sftimeline.adapters.process_settings import enabled_frameworks
from sftimeline.adapters.sql import engine_for_url
from sftimeline.adapters.store import PAGE, RecordStore
from sftimeline.adapters.store_url import env_for_url
from sftimeline.aggregates.family import RECORD_TOPICS, REGISTERED_TOPIC, Family
from sftimeline.aggregates.outcomes import OUTCOME_TOPICS, FamilyOutcomes
from sftimeline.limits import WIDEST_LIMITS
from sftimeline.policies.evaluator import evaluate_family
from sftimeline.policies.loader import Framework, FrameworkError, list_frameworks, load_framework
from sftimeline.policies.process import earliest_pending
from sftimeline.projections.timeline import RETRACTION
from sftimeline.readmodels import status as rm
from sftimeline.records import Record, RecordError, fingerprint, validate_record

#: families whose recorded decisions are re-evaluated without --full
SAMPLE = 25
CHECKS = ("events", "records", "retractions", "process", "read models")


@dataclass(frozen=True)
class Problem:
    family: str
    check: str
    detail: str

    def line(self) -> str:
        return f"{self.family}: {self.check}: {self.detail}"


@dataclass
class Verification:
    """What ``verify`` checked (counts per check) and every problem it found."""

    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKS, 0))
    problems: list[Problem] = field(default_factory=list)
    families: int = 0
    sampled: int = 0
    full: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, family: str, check: str, detail: str) -> None:
        self.problems.append(Problem(family, check, detail))

    def lines(self) -> list[str]:
        out = [
            f"families:     {self.families}",
            f"events:       {self.checked['events']} checked (versions contiguous, decodable)",
            f"records:      {self.checked['records']} checked (validation, fingerprint)",
            f"retractions:  {self.checked['retractions']} checked (target present)",
            f"process:      {self.checked['process']} decision(s) re-evaluated in "
            f"{self.sampled} famil{'y' if self.sampled == 1 else 'ies'}"
            + (" (all)" if self.full else " (a sample; --full for all)"),
            f"read models:  {self.checked['read models']} row(s) compared with a rebuild",
        ]
        if self.ok:
            out.append("OK: every check holds")
        else:
            out.append(f"{len(self.problems)} problem(s):")
            out += ["  " + p.line() for p in self.problems]
        return out


@dataclass
class _FamilyLog:
    """What the notification log says of one aggregate."""

    versions: list[int] = field(default_factory=list)
    first_notification: int = 0


def verify_store(store: RecordStore, *, full: bool = False, sample: int = SAMPLE) -> Verification:
    """Run every check on ``store``; never raises for what it finds."""
    result = Verification(full=full)
    logs = _scan_log(store, result)
    families: dict[str, list[tuple[int, Record]]] = {}
    for fid, log in sorted(logs.items(), key=lambda kv: str(kv[0])):
        code, records = _check_family(store, fid, log, result)
        if code is not None:
            families[code] = records
    result.families = len(families)
    app = FamilyOutcomesApp(env=outcomes_env(store.url, store.cipher_env))
    engine = engine_for_url(store.url)
    try:
        _check_process(store, app, engine, families, logs, result, full, sample)
        _check_read_models(app, engine, result)
    finally:
        app.close()
        engine.dispose()
    return result


def _scan_log(store: RecordStore, result: Verification) -> dict[UUID, _FamilyLog]:
    """Every aggregate's versions from the notification log (holes on SQLite too)."""
    logs: dict[UUID, _FamilyLog] = defaultdict(_FamilyLog)
    sqlite = env_for_url(store.url)["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    previous = 0
    for n in _notifications(store.app.recorder.select_notifications):
        fid = UUID(str(n.originator_id))
        log = logs[fid]
        log.versions.append(n.originator_version)
        log.first_notification = log.first_notification or n.id
        if sqlite and n.id != previous + 1:
            result.add(
                "*",
                "events",
                f"the log skips position(s) {previous + 1}..{n.id - 1}: events were deleted",
            )
        previous = n.id
    return logs


def _notifications(select: Callable[..., Sequence[Notification]]) -> Iterator[Notification]:
    start: int | None = None
    while True:
        page = select(start, PAGE, inclusive_of_start=start is None)
        yield from page
        if len(page) < PAGE:
            return
        start = page[-1].id


def _check_family(
    store: RecordStore, fid: UUID, log: _FamilyLog, result: Verification
) -> tuple[str | None, list[tuple[int, Record]]]:
    """Events, records and retractions of one family; its code and (version, record)s."""
    label = f"#{fid}"
    versions = sorted(log.versions)
    missing = sorted(set(range(1, versions[-1] + 1)) - set(versions))
    mapper = store.app.mapper
    code: str | None = None
    records: list[tuple[int, Record]] = []
    problems: list[tuple[str, str]] = []
    if missing:
        problems.append(("events", f"event version(s) {_ranges(missing)} missing"))
    for se in store.app.recorder.select_events(fid):
        result.checked["events"] += 1
        try:
            ev = mapper.to_domain_event(se)
        except Exception as exc:  # a damaged event: whatever the decoder raises
            problems.append(
                ("events", f"event version {se.originator_version} cannot be decoded: {exc}")
            )
            continue
        if se.topic == REGISTERED_TOPIC:
            code = cast(Family.Registered, ev).family_code
        elif se.topic in RECORD_TOPICS:
            records.append((se.originator_version, cast(Family.RecordAdded, ev).to_record("")))
    if code is not None:
        label = code
        if Family.create_id(code) != fid:
            problems.append(("events", f"aggregate id {fid} is not the id of code {code!r}"))
        records = [(v, _with_family(r, code)) for v, r in records]
    elif 1 not in missing:
        problems.append(("events", "the family's registration cannot be read"))
    for check, detail in problems:
        result.add(label, check, detail)
    _check_records(label, [r for _, r in records], result)
    return code, records


def _with_family(rec: Record, code: str) -> Record:
    from dataclasses import replace

    return replace(rec, family=code)


def _check_records(label: str, records: list[Record], result: Verification) -> None:
    keys = {r.key for r in records}
    for rec in records:
        result.checked["records"] += 1
        raw = rec.to_interchange()
        if not rec.recorded_at_supplied:
            raw.pop("recorded_at", None)
        try:
            model = validate_record(raw, limits=WIDEST_LIMITS)
        except RecordError as exc:
            result.add(label, "records", f"{rec.key} ({rec.type}) fails validation: {exc}")
            continue
        if fingerprint(model) != rec.fingerprint:
            result.add(label, "records", f"{rec.key} ({rec.type}) differs from its fingerprint")
        if rec.type == RETRACTION:
            result.checked["retractions"] += 1
            target = f"{rec.get('target_source') or ''}:{rec.get('target_source_id')}"
            if target not in keys:
                result.add(label, "retractions", f"{rec.key} retracts {target}, not stored")


def _check_process(
    store: RecordStore,
    app: FamilyOutcomesApp,
    engine: Engine,
    families: dict[str, list[tuple[int, Record]]],
    logs: dict[UUID, _FamilyLog],
    result: Verification,
    full: bool,
    sample: int,
) -> None:
    position = app.process_recorder.max_tracking_id(LEADER) or 0
    head = store.app.recorder.max_notification_id() or 0
    if position > head:
        result.add("*", "process", f"tracked position {position} is beyond the log's end {head}")
    fws = _frameworks(engine, result)
    codes = sorted(families)
    chosen = codes if full or len(codes) <= sample else codes[:: max(1, len(codes) // sample)]
    result.sampled = len(chosen)
    for code in chosen:
        records = families[code]
        version = max((v for v, _ in records), default=1)
        try:
            agg = cast(FamilyOutcomes, app.repository.get(FamilyOutcomes.create_id(code)))
        except Exception:
            first = logs[Family.create_id(code)].first_notification
            if first and first <= position:
                result.add(code, "process", "the process passed the family but never evaluated it")
            continue
        for fw_id, decision in agg.decisions.items():
            _check_decision(code, records, version, decision, _framework(fw_id, fws), result)


def _frameworks(engine: Engine, result: Verification) -> dict[str, Framework]:
    out: dict[str, Framework] = {}
    for enabled in enabled_frameworks(engine):
        try:
            out[enabled.id] = enabled.load()
        except FrameworkError as exc:
            result.add("*", "process", f"enabled framework {enabled.id} cannot be loaded: {exc}")
    return out


def _framework(fw_id: str, fws: dict[str, Framework]) -> Framework | None:
    """The enabled framework of the id, else the packaged one (a run with --framework)."""
    if fw_id not in fws and fw_id in list_frameworks():
        fws[fw_id] = load_framework(fw_id)
    return fws.get(fw_id)


def _check_decision(
    code: str,
    records: list[tuple[int, Record]],
    version: int,
    decision: dict[str, Any],
    fw: Framework | None,
    result: Verification,
) -> None:
    seen = int(decision["seen_version"])
    basis = decision["basis"]
    if seen > version:
        result.add(
            code,
            "process",
            f"a decision under {basis['framework']} saw event version {seen}, the family "
            f"has {version}: events were lost",
        )
        return
    if fw is None or fw.fingerprint != basis["fingerprint"]:
        return  # the definition changed since: not reproducible with today's files
    result.checked["process"] += 1
    d = evaluate_family(
        fw,
        code,
        [r for v, r in records if v <= seen],
        date.fromisoformat(basis["on"]),
        datetime.fromisoformat(basis["known_at"]),
    )
    fresh = (d.status, _iso(d.eligible_from), _iso(earliest_pending(d)))
    stored = (decision["status"], decision["eligible_from"], decision["earliest_pending"])
    if fresh != stored:
        result.add(
            code,
            "process",
            f"the decision recorded under {fw.id} (status, eligible_from, earliest pending "
            f"{stored}) differs from a fresh evaluation on its basis {fresh}",
        )


def _check_read_models(app: FamilyOutcomesApp, engine: Engine, result: Verification) -> None:
    """The status and claims tables against a rebuild (in memory) up to their position."""
    rm.create_tables(engine)
    with engine.connect() as conn:
        position = rm.position(conn)
    rebuilt = create_engine("sqlite://")
    try:
        rm.create_tables(rebuilt)
        decode = app.mapper.to_domain_event
        events: list[tuple[int, str, dict[str, Any]]] = []
        for n in _notifications(
            lambda start, limit, **kw: app.recorder.select_notifications(
                start, limit, topics=tuple(OUTCOME_TOPICS), **kw
            )
        ):
            if n.id > position:
                break
            try:
                ev = cast(FamilyOutcomes.OutcomeRecorded, decode(n))
            except Exception as exc:
                result.add("*", "read models", f"outcome event {n.id} cannot be decoded: {exc}")
                continue
            events.append((n.id, ev.kind, ev.payload))
        if events:
            rm.apply_page(rebuilt, events, events[-1][0])
        for table, key in (
            (rm.status_table, ("family", "framework")),
            (rm.claims_table, ("family", "claim")),
        ):
            _compare(table, key, engine, rebuilt, result)
    finally:
        rebuilt.dispose()


def _compare(
    table: Any, key: tuple[str, str], engine: Engine, rebuilt: Engine, result: Verification
) -> None:
    def rows(e: Engine) -> dict[tuple[str, str], dict[str, Any]]:
        with e.connect() as conn:
            return {
                (r._mapping[key[0]], r._mapping[key[1]]): dict(r._mapping)
                for r in conn.execute(select(table))
            }

    stored, fresh = rows(engine), rows(rebuilt)
    for k in sorted(set(stored) | set(fresh)):
        result.checked["read models"] += 1
        a, b = stored.get(k), fresh.get(k)
        if a == b:
            continue
        what = f"{table.name} row {k[1]}"
        if a is None:
            result.add(k[0], "read models", f"{what} is missing (a rebuild has it)")
        elif b is None:
            result.add(k[0], "read models", f"{what} is not in a rebuild")
        else:
            diff = ", ".join(
                f"{c} {json.dumps(a[c], default=str)} (rebuild: {json.dumps(b[c], default=str)})"
                for c in a
                if a[c] != b[c]
            )
            result.add(k[0], "read models", f"{what} differs: {diff}")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _ranges(numbers: list[int]) -> str:
    out: list[str] = []
    for n in numbers:
        if out and out[-1].split("..")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('..')[0]}..{n}"
        else:
            out.append(str(n))
    return ", ".join(out)
