"""The claims register's fields have one home (readmodels/claim_fields.py): the SQL table
is built from them, the read model's row and the service's ``Claim`` inherit them, and the
home loads no SQLAlchemy (the CLI loads ``Claim`` at start-up)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, fields
from datetime import date

import pytest

from sftimeline.readmodels.claim_fields import ClaimFields, ClaimRow
from sftimeline.readmodels.tables import _CLAIM_COLUMNS, _columns_of, claims_table
from sftimeline.service.results import Claim

ROW = [f.name for f in fields(ClaimFields)]


def test_the_claims_table_has_a_column_per_field_in_the_fields_order() -> None:
    assert [c.name for c in claims_table.columns] == ROW


def test_a_field_without_a_column_is_refused_when_the_table_is_built() -> None:
    @dataclass(frozen=True)
    class Wider(ClaimFields):
        reviewer: str = ""

    with pytest.raises(TypeError, match="reviewer"):
        _columns_of(Wider, _CLAIM_COLUMNS)


def test_the_row_and_the_claim_are_the_shared_fields_then_their_own() -> None:
    assert [f.name for f in fields(ClaimRow)] == [*ROW, "entry_not_shown"]
    assert [f.name for f in fields(Claim)] == [*ROW, "note", "entry_not_shown"]
    row, claim = fields(ClaimRow)[-1], fields(Claim)[-1]
    assert (row.type, row.default) == (claim.type, claim.default)


def _claim_values() -> list[object]:
    return [
        "F1",
        "mosaic:CL-1",
        "national-2022",
        date(2024, 10, 1),
        "2024-10-01T12:00:00+00:00",
        ["national-2022:7.1"],
        "at_risk",
        "eligible",
        "pending",
        [{"key": "police:INC-9", "type": "incident_recorded"}],
        "claim_at_risk",
        "2024-11-10T00:00:00+00:00",
    ]


def test_the_claims_json_keeps_its_keys_in_order() -> None:
    """``claims --format json`` and ``GET /api/claims``: same keys, same order as before
    the fields had one home."""
    claim = Claim(*_claim_values(), "at risk by …", ("national-2022:7.1",))  # type: ignore[arg-type]
    assert list(claim.to_dict()) == [*ROW, "note", "entry_not_shown"]
    assert claim.to_dict()["claim_date"] == "2024-10-01"
    assert claim.to_dict()["entry_not_shown"] == ["national-2022:7.1"]
    row = ClaimRow(*_claim_values(), entry_not_shown=("national-2022:7.1",))  # type: ignore[arg-type]
    assert row.to_dict() == {k: v for k, v in claim.to_dict().items() if k != "note"}


def test_the_fields_home_and_the_claim_load_no_sqlalchemy() -> None:
    code = (
        "import sys, sftimeline.readmodels.claim_fields, sftimeline.service.results; "
        "print(any(m.startswith('sqlalchemy') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
