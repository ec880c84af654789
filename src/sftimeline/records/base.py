"""The fields every record has (:class:`RecordModel`) and the rules across them."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    model_validator,
)

from sftimeline.records.codes import (
    KnowledgeBasis,
)
from sftimeline.records.fields import (
    IsoDate,
    KnowledgeTime,
    RuleError,
    Text,
)


class RecordModel(BaseModel):
    """Fields every record has."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True
    )

    TYPE: ClassVar[str] = ""
    #: Whether the type requires ``person``. Types that take an optional person
    #: redeclare the field.
    PERSON_REQUIRED: ClassVar[bool] = True
    #: The class's own model validators' rules restated, each a Python expression over
    #: ``values`` (the checked values by field name; a field not given is absent) and
    #: ``frameworks`` (the ids a claim may name, as the validators' context has them; None:
    #: any) that is true only when the validator surely holds. The fast path tells them
    #: rather than build an instance to ask the validator (records/fast.py; those over
    #: ``values`` alone in line), and asks the validator when one is false or not restated.
    #: Beside the validator it restates, so that the two change together;
    #: tests/test_fast_path.py holds each to its validator on both sides of its boundary.
    TOLD_RULES: ClassVar[dict[str, str]] = {
        # holds when no basis is stated
        "_basis_matches_recorded_at": "values.get('recorded_at_basis') is None",
        # holds with no knowledge time, or a UTC one (every checked one is) on or after
        # the occurred_on day
        "_known_no_earlier_than_it_happened": (
            "((t := values.get('recorded_at')) is None or t.date() >= values['occurred_on'])"
        ),
    }

    #: one of the record types
    type: str
    #: the family's id in the council's systems
    family: Text
    #: the day the fact happened in the world (valid time)
    occurred_on: IsoDate
    #: when the fact became known to the council (knowledge time); absent: the moment
    #: of import. Never earlier than the start of the ``occurred_on`` day.
    recorded_at: KnowledgeTime | None = None
    #: the system the record came from (``police``, ``school-census``, ``mosaic`` ...)
    source: Text | None = None
    #: the record's id in that system. ``source`` + ``source_id`` identify a record:
    #: importing it again changes nothing; the same key with other content is a
    #: conflict, reported, and the stored record stays.
    source_id: Text | None = None
    #: set when ``recorded_at`` is a mapping's stated default, not the source's own
    #: value (a legacy import, docs/legacy.md): which default it was
    recorded_at_basis: KnowledgeBasis | None = None

    @model_validator(mode="after")
    def _basis_matches_recorded_at(self) -> RecordModel:
        if self.recorded_at_basis == "import_moment" and self.recorded_at is not None:
            raise ValueError("recorded_at_basis import_moment: recorded_at must be absent")
        if self.recorded_at_basis in ("extract_date", "mapping_constant") and (
            self.recorded_at is None
        ):
            raise ValueError(f"recorded_at_basis {self.recorded_at_basis}: recorded_at is required")
        return self

    @model_validator(mode="after")
    def _known_no_earlier_than_it_happened(self) -> RecordModel:
        if self.recorded_at is not None:
            start_of_day = datetime.combine(self.occurred_on, time(0), tzinfo=UTC)
            if self.recorded_at < start_of_day:
                raise RuleError(
                    f"recorded_at ({self.recorded_at.isoformat()}) is earlier than the start "
                    f"of the occurred_on day ({self.occurred_on.isoformat()}): nobody knows "
                    "a fact before it happens",
                    "recorded_at",
                    "occurred_on",
                )
        return self

    def own_fields(self) -> dict[str, Any]:
        """The type's own fields, as JSON values, only those that were given or required."""
        common = set(RecordModel.model_fields)
        data = self.model_dump(mode="json", exclude=common, exclude_none=True)
        return data
