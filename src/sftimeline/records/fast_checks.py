"""The fast path's field checkers (:mod:`.fast`), compiled from a model's pydantic core
schema: each takes a decoded JSON value and returns the value the model would hold, or
:data:`NO` ("not sure": the record takes the full path).

Every schema element is matched exactly (its keys, its constraints, the validator
function of a :mod:`.fields` type); anything else raises :class:`Unsupported`, and the
whole record type then always takes the full path. A checker accepts only what the
model accepts, giving the same value: for the :mod:`.fields` string types it runs the
type's own validator function; dates and knowledge times in their canonical spelling
are checked here, under the same limits (the round trip through the spelling proves the
text canonical, so ``_parse_iso_date`` / ``_parse_knowledge_time`` would give the same),
and any other knowledge time goes through ``_parse_knowledge_time`` itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sftimeline.limits import InputLimits
from sftimeline.records import fields as field_types

#: a checker's "not sure" (None is a value)
NO: Any = object()

Check = Callable[[Any], Any]
#: (text given, value checked) -> the value as the model's JSON dump spells it
Spell = Callable[[Any, Any], Any]

#: integers a float field takes exactly (pydantic converts an int to a float)
_EXACT_INT = 2**53
#: floats of this magnitude or more orjson may have read from an integer literal
#: (:data:`sftimeline.limits._INTEGER_AS_FLOAT`)
_INTEGER_AS_FLOAT = 2.0**63

#: a knowledge time as the dump spells a UTC one without microseconds
_utc_seconds = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z").fullmatch

_from_date_text = date.fromisoformat
_from_time_text = datetime.fromisoformat

#: the string field types of :mod:`.fields` whose validator returns the text unchanged
_STRING_VALIDATORS = frozenset(
    {
        field_types._non_blank,
        field_types._parse_term,
        field_types._parse_framework_id,
        field_types._parse_criterion,
    }
)


class Unsupported(Exception):
    """A schema element the fast path does not know: the type always takes the full path."""


def json_time(moment: datetime) -> str:
    """A UTC knowledge time as the model's JSON dump spells it (``...Z``, microseconds
    only when there are some; tests/test_fast_path.py pins it against pydantic's)."""
    return moment.isoformat()[:-6] + "Z"


def _as_given(text: Any, value: Any) -> Any:
    return text


class Field:
    """One model field's checker: ``check``, ``spell`` (None: the value is its own
    spelling), whether ``None`` is accepted and whether the field is required."""

    __slots__ = ("check", "is_date", "nullable", "required", "spell")

    def __init__(
        self, check: Check, spell: Spell | None, nullable: bool, required: bool, is_date: bool
    ) -> None:
        self.check, self.spell, self.nullable = check, spell, nullable
        self.required, self.is_date = required, is_date


class Compiler:
    """Compiles field schemas into checkers under one set of limits; ``context`` is what
    the validators of :mod:`.fields` read of pydantic's ``ValidationInfo``."""

    def __init__(self, limits: InputLimits, info: Any, days: dict[str, date]) -> None:
        self.limits = limits
        self.info = info
        #: canonical date texts within the limits, and their dates (shared by every type)
        self.days = days
        #: integers are accepted below this magnitude only (``max_integer_digits``), and
        #: floats below 2**63: so a record a checker accepts holds no number that would
        #: break the limits or that orjson may read otherwise than the standard library
        #: (:func:`~sftimeline.records.fast.fast_prepared` relies on it)
        self.big = 10**limits.max_integer_digits

    def field(self, schema: dict[str, Any]) -> Field:
        """One ``model-field`` schema."""
        _only(schema, "schema")
        inner = schema["schema"]
        required = True
        if inner["type"] == "default":
            _only(inner, "schema", "default")
            if inner["default"] is not None:
                raise Unsupported("a default other than None")
            required, inner = False, inner["schema"]
        nullable = inner["type"] == "nullable"
        if nullable:
            _only(inner, "schema")
            inner = inner["schema"]
        if inner["type"] == "function-before":
            func = inner["function"]["function"]
            if func is field_types._parse_iso_date and inner["schema"] == {"type": "date"}:
                _only(inner, "function", "schema")
                return Field(self.iso_date(), _as_given, nullable, required, True)
            if func is field_types._parse_knowledge_time:
                _only(inner, "function", "schema")
                _only(inner["schema"], "microseconds_precision")
                if inner["schema"]["type"] != "datetime":
                    raise Unsupported("a knowledge time that is not a datetime")
                check, spell = self.knowledge_time()
                return Field(check, spell, nullable, required, False)
        return Field(self.value(inner), None, nullable, required, False)

    def value(self, schema: dict[str, Any]) -> Check:
        """A value that is its own JSON spelling (no date in it)."""
        kind = schema["type"]
        if kind == "function-before":
            return self.text(schema)
        if kind == "literal":
            _only(schema, "expected")
            expected = schema["expected"]
            if not all(type(e) is str for e in expected):
                raise Unsupported("a literal that is not all strings")
            codes = frozenset(expected)
            return _inline(
                lambda v: v if type(v) is str and v in codes else NO,
                "type(v) is not str or v not in codes{i}",
                codes=codes,
            )
        if kind == "str":
            _only(schema)
            return _inline(lambda v: v if type(v) is str else NO, "type(v) is not str")
        if kind == "bool":
            _only(schema, "strict")
            return _inline(lambda v: v if type(v) is bool else NO, "type(v) is not bool")
        if kind == "int":
            return self.integer(schema)
        if kind == "float":
            return self.number(schema)
        if kind == "list":
            return self.sequence(schema)
        if kind == "dict":
            return self.mapping(schema)
        raise Unsupported(f"a {kind} schema")

    def text(self, schema: dict[str, Any]) -> Check:
        """A string type of :mod:`.fields`, known by its validator function."""
        _only(schema, "function", "schema")
        func = schema["function"]["function"]
        if schema["schema"] != {"type": "str"} or func not in _STRING_VALIDATORS:
            raise Unsupported(f"the validator {func!r}")
        if func is field_types._non_blank:  # the most common field: inlined
            return _inline(
                lambda v: v if type(v) is str and v.strip() else NO,
                "type(v) is not str or not v.strip()",
            )

        def check(v: Any) -> Any:
            if type(v) is not str:
                return NO
            try:
                func(v)
            except Exception:  # the model would reject it (or fail): the full path says
                return NO
            return v

        return check

    def day(self, text: Any) -> Any:
        """The date of a canonical ``YYYY-MM-DD`` text within the limits, else NO."""
        if type(text) is not str or len(text) != 10:
            return NO
        try:
            day = _from_date_text(text)
        except ValueError:
            return NO
        if not (self.limits.earliest <= day <= self.limits.latest and day.isoformat() == text):
            return NO
        if len(self.days) > 100_000:
            self.days.clear()
        self.days[text] = day
        return day

    def iso_date(self) -> Check:
        """What ``_parse_iso_date`` gives a canonical date text within the limits."""
        days, day = self.days, self.day

        def check(v: Any) -> Any:
            if type(v) is str:
                known = days.get(v)
                if known is not None:
                    return known
            return day(v)

        # the generated checker (:mod:`.fast_checker`) looks the text up in ``days`` in line and
        # calls ``day`` only for a text not seen yet
        check.days = (days, day)  # type: ignore[attr-defined]
        return check

    def knowledge_time(self) -> tuple[Check, Spell]:
        """A UTC time spelled as the dump spells it (``2024-04-02T09:30:00Z``): parsed
        here (``_parse_knowledge_time`` would parse it alike: its ``Z`` is read as
        ``+00:00`` either way), and its spelling is the text; any other text goes
        through ``_parse_knowledge_time`` and is spelled by :func:`json_time`."""
        parse, info = field_types._parse_knowledge_time, self.info
        # the UTC moments whose date lies within the limits
        earliest = datetime.combine(self.limits.earliest, time(0), tzinfo=UTC)
        after: datetime | None = None  # limits that reach the end of the year 9999: none
        if self.limits.latest < date.max:
            after = datetime.combine(self.limits.latest + timedelta(days=1), time(0), tzinfo=UTC)
        #: the last text proven canonical (a str is immutable: the same object is too)
        proven: list[Any] = [None]

        def check(v: Any) -> Any:
            if type(v) is not str:
                return NO
            if len(v) == 20 and _utc_seconds(v):
                try:
                    moment = _from_time_text(v)
                except ValueError:
                    return NO
                if (
                    moment.tzinfo is UTC
                    and earliest <= moment
                    and (after is None or moment < after)
                ):
                    proven[0] = v
                    return moment
            try:
                moment = parse(v, info)
            except Exception:  # the model would reject it (or fail): the full path says
                return NO
            return moment if type(moment) is datetime and moment.tzinfo is UTC else NO

        def spell(text: Any, moment: Any) -> Any:
            return text if text is proven[0] else json_time(moment)

        # the generated checker (:mod:`.fast_checker`) tries the usual spelling in line, its
        # bounds compared as text (a canonical UTC time sorts as its moment does), and
        # calls ``check`` and ``spell`` for anything else
        low = json_time(earliest)
        high = None if after is None else json_time(after)
        check.utc = (low, high, _utc_seconds, _from_time_text)  # type: ignore[attr-defined]
        return check, spell

    def integer(self, schema: dict[str, Any]) -> Check:
        _only(schema, "strict", "ge", "gt", "le", "lt")
        if schema.get("strict") is not True:
            raise Unsupported("a lax integer")
        big = self.big
        if schema.keys() - {"type", "metadata", "strict"} == {"ge"}:  # NonNegativeInt
            ge = schema["ge"]
            return _inline(
                lambda v: v if type(v) is int and ge <= v < big else NO,
                "type(v) is not int or v < ge{i} or v >= big{i}",
                ge=ge,
                big=big,
            )
        within = _bounds(schema)
        return lambda v: v if type(v) is int and -big < v < big and within(v) else NO

    def number(self, schema: dict[str, Any]) -> Check:
        _only(schema, "ge", "gt", "le", "lt")
        within, big = _bounds(schema), self.big

        def check(v: Any) -> Any:
            kind = type(v)
            if kind is int and -_EXACT_INT <= v <= _EXACT_INT and -big < v < big:
                v = float(v)
            elif kind is not float or not -_INTEGER_AS_FLOAT < v < _INTEGER_AS_FLOAT:
                return NO  # (NaN and the infinities too)
            return v if within(v) else NO

        return check

    def sequence(self, schema: dict[str, Any]) -> Check:
        _only(schema, "items_schema", "min_length", "max_length")
        item = self.value(schema["items_schema"])
        least, most = schema.get("min_length", 0), schema.get("max_length")

        def check(v: Any) -> Any:
            if type(v) is not list or len(v) < least or (most is not None and len(v) > most):
                return NO
            out = [item(x) for x in v]
            return NO if NO in out else out

        check.nesting = 1 + nesting(item)  # type: ignore[attr-defined]
        return check

    def mapping(self, schema: dict[str, Any]) -> Check:
        _only(schema, "keys_schema", "values_schema", "min_length", "max_length")
        key, item = self.value(schema["keys_schema"]), self.value(schema["values_schema"])
        least, most = schema.get("min_length", 0), schema.get("max_length")

        def check(v: Any) -> Any:
            if type(v) is not dict or len(v) < least or (most is not None and len(v) > most):
                return NO
            out = {}
            for k, x in v.items():
                checked_key, checked = key(k), item(x)
                if checked_key is NO or checked is NO:
                    return NO
                out[checked_key] = checked
            return out

        check.nesting = 1 + max(nesting(key), nesting(item))  # type: ignore[attr-defined]
        return check


def _inline(check: Check, refuses: str, **constants: Any) -> Check:
    """``check``, told how the generated checker (:mod:`.fast_checker`) writes it in line: the
    condition on ``v`` under which it gives NO (its constants suffixed by the field's
    number ``i``)."""
    check.refuses = (refuses, constants)  # type: ignore[attr-defined]
    return check


def nesting(check: Check) -> int:
    """How many levels of lists and dicts a value ``check`` accepts nests (0: none). Every
    checker of a container (:meth:`Compiler.sequence`, :meth:`Compiler.mapping`, the only
    ones a plan accepts) says so: the import's fast path bounds a record's nesting by its
    type's (:func:`~sftimeline.records.fast.fast_preparer`)."""
    return getattr(check, "nesting", 0)


def inline(check: Check) -> tuple[str, dict[str, Any]] | None:
    """How ``check`` is written in line (see :func:`_inline`), or None: call it."""
    return getattr(check, "refuses", None)


def _only(schema: dict[str, Any], *known: str) -> None:
    """Refuse a schema with anything but ``known`` keys (and its type and metadata)."""
    extra = set(schema) - {"type", "metadata", *known}
    if extra:
        raise Unsupported(f"{schema['type']} schema with {sorted(extra)}")


def _bounds(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """Whether a number lies within the schema's ``ge``/``gt``/``le``/``lt``."""
    ge, gt, le, lt = (schema.get(k) for k in ("ge", "gt", "le", "lt"))

    def within(v: Any) -> bool:
        return (
            (ge is None or v >= ge)
            and (gt is None or v > gt)
            and (le is None or v <= le)
            and (lt is None or v < lt)
        )

    return within
