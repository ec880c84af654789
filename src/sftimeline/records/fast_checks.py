"""The fast path's field checkers (:mod:`.fast`), compiled from a record type's form
(:mod:`.fast_forms`: what its model's pydantic core schema says of each field): each takes
a decoded JSON value and returns the value the model would hold, or :data:`NO` ("not
sure": the record takes the full path).

A checker accepts only what the model accepts, giving the same value: for the
:mod:`.fields` string types it runs the type's own check (:mod:`.field_rules`); dates
and knowledge times in their canonical spelling are checked here, under the same limits
(the round trip through the spelling proves the text canonical, so ``_parse_iso_date`` /
``_parse_knowledge_time`` would give the same), and any other knowledge time goes through
``_parse_knowledge_time`` itself. A form this module does not know raises
:class:`Unsupported`: the type then always takes the full path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sftimeline.limits import InputLimits
from sftimeline.records import field_rules

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

#: the string field types of :mod:`.fields` whose check returns the text unchanged, by name
STRING_CHECKS: dict[str, Callable[[Any], Any]] = {
    check.__name__: check
    for check in (
        field_rules._non_blank,
        field_rules._parse_term,
        field_rules._parse_framework_id,
        field_rules._parse_criterion,
    )
}


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
    """Compiles the fields of forms into checkers under one set of limits; ``context`` is what
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

    def field(self, required: bool, nullable: bool, value: tuple[Any, ...]) -> Field:
        """One field of a form (:class:`~.fast_forms.FieldForm`)."""
        if value == ("date",):
            return Field(self.iso_date(), _as_given, nullable, required, True)
        if value == ("time",):
            check, spell = self.knowledge_time()
            return Field(check, spell, nullable, required, False)
        return Field(self.value(value), None, nullable, required, False)

    def value(self, form: tuple[Any, ...]) -> Check:
        """A value that is its own JSON spelling (no date in it)."""
        kind = form[0]
        if kind == "text" and len(form) == 2:
            return self.text(form[1])
        if kind == "literal" and len(form) == 2:
            codes = frozenset(form[1])
            return _inline(
                lambda v: v if type(v) is str and v in codes else NO,
                "type(v) is not str or v not in codes{i}",
                codes=codes,
            )
        if form == ("str",):
            return _inline(lambda v: v if type(v) is str else NO, "type(v) is not str")
        if form == ("bool",):
            return _inline(lambda v: v if type(v) is bool else NO, "type(v) is not bool")
        if kind == "int" and len(form) == 5:
            return self.integer(*form[1:])
        if kind == "float" and len(form) == 5:
            return self.number(*form[1:])
        if kind == "list" and len(form) == 4:
            return self.sequence(*form[1:])
        if kind == "dict" and len(form) == 5:
            return self.mapping(*form[1:])
        raise Unsupported(f"a value of the form {form!r}")

    def text(self, name: str) -> Check:
        """A string type of :mod:`.fields`, known by its check's name."""
        func = STRING_CHECKS.get(name)
        if func is None:
            raise Unsupported(f"the check {name!r}")
        if func is field_rules._non_blank:  # the most common field: inlined
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
        parse, info = field_rules._parse_knowledge_time, self.info
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

    def integer(self, ge: Any, gt: Any, le: Any, lt: Any) -> Check:
        """A strict integer within its bounds (None: no bound)."""
        big = self.big
        if ge is not None and gt is None and le is None and lt is None:  # NonNegativeInt
            return _inline(
                lambda v: v if type(v) is int and ge <= v < big else NO,
                "type(v) is not int or v < ge{i} or v >= big{i}",
                ge=ge,
                big=big,
            )
        within = _bounds(ge, gt, le, lt)
        return lambda v: v if type(v) is int and -big < v < big and within(v) else NO

    def number(self, ge: Any, gt: Any, le: Any, lt: Any) -> Check:
        """A float within its bounds (an integer taken exactly, as pydantic converts it)."""
        within, big = _bounds(ge, gt, le, lt), self.big

        def check(v: Any) -> Any:
            kind = type(v)
            if kind is int and -_EXACT_INT <= v <= _EXACT_INT and -big < v < big:
                v = float(v)
            elif kind is not float or not -_INTEGER_AS_FLOAT < v < _INTEGER_AS_FLOAT:
                return NO  # (NaN and the infinities too)
            return v if within(v) else NO

        return check

    def sequence(self, item_form: tuple[Any, ...], least: int, most: int | None) -> Check:
        item = self.value(item_form)

        def check(v: Any) -> Any:
            if type(v) is not list or len(v) < least or (most is not None and len(v) > most):
                return NO
            out = [item(x) for x in v]
            return NO if NO in out else out

        check.nesting = 1 + nesting(item)  # type: ignore[attr-defined]
        return check

    def mapping(
        self, key_form: tuple[Any, ...], item_form: tuple[Any, ...], least: int, most: int | None
    ) -> Check:
        key, item = self.value(key_form), self.value(item_form)

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


def _bounds(ge: Any, gt: Any, le: Any, lt: Any) -> Callable[[Any], bool]:
    """Whether a number lies within ``ge``/``gt``/``le``/``lt`` (None: no bound)."""

    def within(v: Any) -> bool:
        return (
            (ge is None or v >= ge)
            and (gt is None or v > gt)
            and (le is None or v <= le)
            and (lt is None or v < lt)
        )

    return within
