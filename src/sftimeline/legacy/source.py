"""Mapped files as one stream of rows: what ``convert`` prints and ``import`` stores.

A file that cannot be read as a table at all (missing, not an XLSX, a header without
a mapped column) becomes one rejection at line 0 naming the file; the other files
are still converted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from pydantic import ValidationError

from sftimeline.decoding import EncodingNameError, canonical_encoding
from sftimeline.importer import Rejection, SourceRow
from sftimeline.legacy.convert import ConversionError, RowConverter
from sftimeline.legacy.fields import Header
from sftimeline.legacy.model import Mapping, Reading
from sftimeline.legacy.readers import ReadError, open_table


@dataclass(frozen=True)
class Overrides:
    """Command-line settings that win over the mapping's own."""

    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    extract_date: date | None = None

    def reading(self, base: Reading) -> Reading:
        changes: dict[str, object] = {}
        if self.sheet is not None:
            changes["sheet"] = self.sheet
        if self.encoding is not None:
            changes["encoding"] = canonical_encoding(self.encoding)
        if self.delimiter is not None:
            changes["delimiter"] = "\t" if self.delimiter in ("\\t", "tab") else self.delimiter
        try:
            return Reading.model_validate({**base.model_dump(), **changes})
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            raise ValueError(f"--{first['loc'][0]}: {first['msg']}") from None


def _file_failure(path: str, message: str) -> SourceRow:
    return SourceRow(path, 0, rejection=Rejection(path, 0, ["file"], message, ""))


def file_rows(mapping: Mapping, path: str, overrides: Overrides) -> Iterator[SourceRow]:
    """Every row of one file, converted (records, filtered or rejected)."""
    try:
        reading = overrides.reading(mapping.reading)
        with open_table(path, reading) as table:
            header = Header(
                table.header,
                frozenset(v.strip().casefold() for v in mapping.missing_values),
                mapping.two_digit_years_end,
            )
            converter = RowConverter(mapping, header, path, extract_date=overrides.extract_date)
            yield from converter.convert(table.rows)
    except (ReadError, ConversionError, EncodingNameError, ValueError) as exc:
        yield _file_failure(path, str(exc).removeprefix(f"{path}: "))


def mapped_rows(
    mapping: Mapping, paths: Iterable[str], overrides: Overrides | None = None
) -> Iterator[SourceRow]:
    for path in paths:
        yield from file_rows(mapping, path, overrides or Overrides())
