"""The outcomes application: the eventsourcing ``Application`` that stores the families'
``FamilyOutcomes`` aggregates with a *process recorder*, so that a batch's outcome events
and its tracking record (the position in the families' notification log) are written in one
transaction (adapters/outcomes.py runs it). On SQLite its events have a table of their own
in the store's file; on PostgreSQL the library names the table after the application."""

from __future__ import annotations

from typing import cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, ProcessRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteProcessRecorder

from sftimeline.adapters.locks import create_once
from sftimeline.adapters.store import DateAsISO
from sftimeline.adapters.store_url import env_for_url


class OutcomesSQLiteRecorder(SQLiteProcessRecorder):
    """The built-in SQLite process recorder, on a table of its own in the store's file."""

    def __init__(
        self, datastore: SQLiteDatastore, *, events_table_name: str = "familyoutcomes_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)


class FamilyOutcomesApp(Application[UUID]):
    """Stores FamilyOutcomes aggregates; writes events and tracking atomically."""

    name = "FamilyOutcomes"

    def construct_recorder(self) -> ProcessRecorder:
        # tables created once, whoever opens first
        return create_once(self.env.get, self.factory.process_recorder)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    @property
    def process_recorder(self) -> ProcessRecorder:
        return cast(ProcessRecorder, self.recorder)


def outcomes_env(url: str, cipher: dict[str, str] | None = None) -> dict[str, str]:
    """The outcomes application's settings: the store's database (and its cipher)."""
    env = {**env_for_url(url), **(cipher or {})}
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        env["PROCESS_RECORDER_TOPIC"] = f"{__name__}:OutcomesSQLiteRecorder"
    return env
