"""Mapped imports of councils' legacy CSV, TSV and XLSX exports (docs/legacy.md).

``model`` is the mapping language, ``check`` loads and checks a mapping file,
``readers`` reads files, ``fields`` and ``convert`` turn rows into interchange
records, ``source`` strings files together, ``draft`` proposes a first mapping.
"""

from sftimeline.legacy.check import MappingError, load_mapping, load_mapping_text
from sftimeline.legacy.convert import ConversionError
from sftimeline.legacy.draft import draft_mapping
from sftimeline.legacy.readers import ReadError
from sftimeline.legacy.run import convert_files, import_mapped, validated
from sftimeline.legacy.source import Overrides, mapped_rows

__all__ = [
    "ConversionError",
    "MappingError",
    "Overrides",
    "ReadError",
    "convert_files",
    "draft_mapping",
    "import_mapped",
    "load_mapping",
    "load_mapping_text",
    "mapped_rows",
    "validated",
]
