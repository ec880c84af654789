"""The value types of record fields: dates, knowledge times, text, codes and the lists
of allowed values, each with its own check (:mod:`.field_rules`, which needs no pydantic)
and its words in docs/records.md."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import (
    BeforeValidator,
    Field,
    StrictInt,
    WithJsonSchema,
)

from sftimeline.records.field_rules import (
    _CRITERION,
    _FRAMEWORK_ID,
    _TERM,
    MAX_FRAMEWORK_ID,
    RuleError,
    _non_blank,
    _parse_criterion,
    _parse_framework_id,
    _parse_iso_date,
    _parse_knowledge_time,
    _parse_term,
)

IsoDate = Annotated[
    date,
    BeforeValidator(_parse_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "description": "a date, YYYY-MM-DD"}),
]


KnowledgeTime = Annotated[
    datetime,
    BeforeValidator(_parse_knowledge_time),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ],
            "description": "an ISO date-time with a UTC offset, or a date (the start of "
            "that day, UTC)",
        }
    ),
]


Text = Annotated[
    str,
    BeforeValidator(_non_blank),
    WithJsonSchema({"type": "string", "pattern": "\\S", "description": "text, not blank"}),
]


NonNegativeInt = Annotated[StrictInt, Field(ge=0)]


TermId = Annotated[
    str,
    BeforeValidator(_parse_term),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _TERM.pattern,
            "description": "a term id: 2023-autumn, 2024-spring, 2024-summer",
        }
    ),
]


FrameworkId = Annotated[
    str,
    BeforeValidator(_parse_framework_id),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _FRAMEWORK_ID.pattern,
            "maxLength": MAX_FRAMEWORK_ID,
            "description": "a framework id such as national-2022",
        }
    ),
]


CriterionRef = Annotated[
    str,
    BeforeValidator(_parse_criterion),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": _CRITERION.pattern,
            "description": "a criterion, <framework>:<code>, e.g. national-2022:7.1",
        }
    ),
]


__all__ = [
    "MAX_FRAMEWORK_ID",
    "CriterionRef",
    "FrameworkId",
    "IsoDate",
    "KnowledgeTime",
    "NonNegativeInt",
    "RuleError",
    "TermId",
    "Text",
    "_non_blank",
    "_parse_criterion",
    "_parse_framework_id",
    "_parse_iso_date",
    "_parse_knowledge_time",
    "_parse_term",
]
