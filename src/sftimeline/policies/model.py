"""The shape of a framework definition file (validated with pydantic on load, declared as
pydantic models are, but plain classes: :mod:`sftimeline.policies.lazy_models`)."""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any, ClassVar, Literal

from sftimeline.policies.lazy_models import Field, LazyModel, field_validator, model_validator

_CODE = re.compile(r"^[A-Za-z0-9.\-]+$")


class Strict(LazyModel):
    model_config: ClassVar[dict[str, Any]] = {
        "extra": "forbid",
        "frozen": True,
        "populate_by_name": True,
    }


class Parameter(Strict):
    """A named reading of an ambiguity (docs/semantics.md §7)."""

    amb: str = Field(pattern=r"^(AMB-[A-L]\d*[a-z]?|FL-[A-Z0-9-]+)$")
    doc: str = Field(min_length=1)
    default: Any
    allowed: list[Any] | None = None
    type: Literal["int", "number", "bool", "str", "list"] | None = None

    @model_validator(mode="after")
    def _default_fits(self) -> Parameter:
        if self.allowed is not None:
            values = self.default if isinstance(self.default, list) else [self.default]
            bad = [v for v in values if v not in self.allowed]
            if bad:
                raise ValueError(
                    f"default {bad!r} is not one of the allowed values {self.allowed!r}"
                )
        checks: dict[str, type | tuple[type, ...]] = {
            "int": int,
            "number": (int, float),
            "bool": bool,
            "str": str,
            "list": list,
        }
        if self.type and not isinstance(self.default, checks[self.type]):
            raise ValueError(f"default {self.default!r} is not of type {self.type}")
        if self.type in ("int", "number") and isinstance(self.default, bool):
            raise ValueError(f"default {self.default!r} is not of type {self.type}")
        return self


class AgeBand(Strict):
    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=0)


class Criterion(Strict):
    code: str
    headline: int = Field(ge=1)
    need: str = Field(min_length=1)
    cite: str = Field(min_length=1)
    tag: Literal["DATA", "EVID", "MIXED"]
    subject: Literal["person", "family", "every_child"] = "person"
    age_band: AgeBand | None = None
    entry: dict[str, Any] | None = None
    outcome: dict[str, Any]
    notes: str | None = None
    #: FL-HT-6 (Hertfordshire 4.SA): once met, this criterion alone makes the family's claim,
    #: "regardless of progress against other indicators" (evaluator._decide)
    stand_alone: bool = False

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not _CODE.match(v):
            raise ValueError("must be a code such as 7.1 or 1.3.2")
        return v


class FamilyOutcome(Strict):
    """A family-level rule written in the outcome DSL, evaluated once for the family.

    For rules the fixed family rules above do not cover: Hampshire's "no regression in any
    area" (FL-HA-6), Hertfordshire's attendance of every school-age child (FL-HT-4), an
    approval a claim needs (FL-HT-8). The expression sees the family (no person), anchored
    at nomination (or, without one, the earliest identified need). Its status joins the
    criteria's (docs/semantics.md §5: the family takes the worst), and its ``met_since`` /
    ``expected_on`` join the eligible-from forecast.
    """

    id: str = Field(pattern=r"^[a-z0-9_\-]+$")
    rule: str = Field(min_length=1)
    cite: str = Field(min_length=1)
    expression: dict[str, Any]


class TermDatesModel(Strict):
    """One term's dates in a council's term calendar (catalogue §7 R10, docs/semantics.md §3)."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> TermDatesModel:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class FamilyRules(Strict):
    outcomes: list[FamilyOutcome] = []
    min_headlines: int | str = 3
    dependent_children_or_expectant: bool | str = True
    family_evidence: list[str] = []
    severe_offences: str = "severe_offences.yaml"
    #: "default" (docs/semantics.md §3: autumn Sep–Dec, spring Jan–Mar, summer Apr–Aug) or the
    #: council's own term dates by term id; terms not listed keep the default dates
    term_calendar: Literal["default"] | dict[str, TermDatesModel] = "default"
    #: FL-HT-6 stand-alone claims: the DSL family ``outcomes`` (e.g. FL-HT-4's attendance of
    #: every school-age child) are ``waived`` for them, or ``apply`` as to any claim; a
    #: ``$parameter`` names the reading
    stand_alone_outcomes: str = "waived"

    @field_validator("stand_alone_outcomes")
    @classmethod
    def _stand_alone_reading(cls, value: str) -> str:
        if value.startswith("$") or value in ("waived", "apply"):
            return value
        raise ValueError("must be waived, apply or a $parameter")

    @field_validator("term_calendar")
    @classmethod
    def _terms_in_order(
        cls, value: Literal["default"] | dict[str, TermDatesModel]
    ) -> Literal["default"] | dict[str, TermDatesModel]:
        """Term ids must be valid and the council's terms must follow each other in order."""
        if not isinstance(value, dict):
            return value
        from sftimeline.calendar import Term

        parsed = []
        for key, dates in value.items():
            try:
                parsed.append((Term.parse(key), key, dates))
            except ValueError:
                raise ValueError(
                    f"{key!r} is not a term id (2023-autumn, 2024-spring, 2024-summer)"
                ) from None
        parsed.sort(key=lambda t: t[0])
        for (_, k1, d1), (_, k2, d2) in itertools.pairwise(parsed):
            if d2.start <= d1.end:
                raise ValueError(f"term {k2} starts on or before {k1} ends")
        return value


class FrameworkModel(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    source: str
    headlines: dict[int, str]
    parameters: dict[str, Parameter] = {}
    family_rules: FamilyRules = Field(default_factory=FamilyRules)
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_unique(self) -> FrameworkModel:
        seen: set[str] = set()
        for c in self.criteria:
            if c.code in seen:
                raise ValueError(f"criterion code {c.code} appears twice")
            seen.add(c.code)
            if c.headline not in self.headlines:
                raise ValueError(f"criterion {c.code}: headline {c.headline} is not in headlines")
        return self
