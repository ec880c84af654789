"""The synthetic county is valid, realistic in mix, and deterministic."""

from __future__ import annotations

import io
from collections import Counter

from sftimeline.generate import family_records, write_county
from sftimeline.records import validate_record


def test_every_generated_record_is_valid_and_identified() -> None:
    types: Counter[str] = Counter()
    sizes = []
    for i in range(40):
        records = family_records(11, i)
        sizes.append(len(records))
        headlines = set()
        for raw in records:
            model = validate_record(raw)
            assert model.source and model.source_id
            types[model.TYPE] += 1
            if model.TYPE == "need_identified":
                headlines.add(raw["criterion"].split(":")[1].split(".")[0])
        if i % 10:
            assert len(headlines) >= 3
    assert 80 <= sum(sizes) / len(sizes) <= 130
    assert {
        "term_attendance_posted",
        "incident_recorded",
        "case_closed",
        "person_joined",
        "evidence_recorded",
    } <= set(types)


def test_same_seed_same_bytes() -> None:
    a, b, c = io.StringIO(), io.StringIO(), io.StringIO()
    write_county(a, 20, 5)
    write_county(b, 20, 5)
    write_county(c, 20, 6)
    assert a.getvalue() == b.getvalue() != c.getvalue()
