"""The school calendar and ages: terms, the term calendar, a person's age on a day
(docs/semantics.md §3).

These are reference facts about a day — which term it falls in, which terms had ended by
it, how old someone was on it in years — not windows over records. Window arithmetic
(months and weeks counted forward from a record's or an anchor's date, and so an age in
whole months) lives in :mod:`sftimeline.projections.months` and
:mod:`sftimeline.projections.weeks`; this module imports neither, so projections can use it.

Terms follow the built-in default calendar (autumn 1 September–31 December, spring
1 January–31 March, summer 1 April–31 August) unless a council supplies its own
:class:`TermCalendar`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

# ---------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------

SEASONS = ("autumn", "spring", "summer")
_TERM_ID = re.compile(r"^(\d{4})-(autumn|spring|summer)$")


@dataclass(frozen=True, order=True, slots=True)
class Term:
    """A school term. Ordered chronologically: ``(academic_year, index)``.

    ``academic_year`` is the calendar year in which the academic year starts
    (September); autumn 2023, spring 2024 and summer 2024 share academic year 2023.
    """

    academic_year: int
    index: int  # 0 autumn, 1 spring, 2 summer

    @classmethod
    def parse(cls, term_id: str) -> Term:
        match = _TERM_ID.match(term_id)
        if not match:
            raise ValueError(f"not a term id: {term_id!r}")
        year, season = int(match.group(1)), match.group(2)
        index = SEASONS.index(season)
        return cls(year if index == 0 else year - 1, index)

    @property
    def season(self) -> str:
        return SEASONS[self.index]

    @property
    def id(self) -> str:
        year = self.academic_year if self.index == 0 else self.academic_year + 1
        return f"{year}-{self.season}"

    def next(self) -> Term:
        if self.index == 2:
            return Term(self.academic_year + 1, 0)
        return Term(self.academic_year, self.index + 1)

    def previous(self) -> Term:
        if self.index == 0:
            return Term(self.academic_year - 1, 2)
        return Term(self.academic_year, self.index - 1)

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True, slots=True)
class TermDates:
    start: date
    end: date


class TermCalendar:
    """Which dates each term runs (docs/semantics.md §3: reference data, with a default).

    ``overrides`` maps term ids to their dates for the years a council supplies;
    every other term takes the built-in default dates.
    """

    def __init__(self, overrides: Mapping[str, TermDates] | None = None) -> None:
        self._overrides = {Term.parse(k): v for k, v in (overrides or {}).items()}
        self._dates = lru_cache(maxsize=4096)(self._compute_dates)
        self._last_ended = lru_cache(maxsize=65536)(self._compute_last_ended)

    def dates(self, term: Term) -> TermDates:
        return self._dates(term)

    def _compute_dates(self, term: Term) -> TermDates:
        if term in self._overrides:
            return self._overrides[term]
        if term.index == 0:
            y = term.academic_year
            return TermDates(date(y, 9, 1), date(y, 12, 31))
        y = term.academic_year + 1
        if term.index == 1:
            return TermDates(date(y, 1, 1), date(y, 3, 31))
        return TermDates(date(y, 4, 1), date(y, 8, 31))

    def end(self, term: Term) -> date:
        return self._dates(term).end

    def term_containing(self, day: date) -> Term:
        """The term whose dates contain ``day`` (or, between terms, the next one)."""
        guess = Term(day.year if day.month >= 9 else day.year - 1, 0)
        term = guess.previous()
        for _ in range(8):
            dates = self._dates(term)
            if day <= dates.end:
                return term
            term = term.next()
        return term

    def last_ended(self, on: date) -> Term:
        """The latest term that has ended on or before ``on``."""
        return self._last_ended(on)

    def _compute_last_ended(self, on: date) -> Term:
        term = self.term_containing(on)
        if self._dates(term).end <= on:
            return term
        return term.previous()

    def last_n_ended(self, on: date, n: int) -> list[Term]:
        """The ``n`` latest terms ended on or before ``on``, oldest first (§3)."""
        term = self.last_ended(on)
        out = [term]
        for _ in range(n - 1):
            term = term.previous()
            out.append(term)
        out.reverse()
        return out

    def terms_between(self, first: Term, last: Term) -> Iterator[Term]:
        term = first
        while term <= last:
            yield term
            term = term.next()


DEFAULT_TERM_CALENDAR = TermCalendar()


def school_age_on_31_august_before(born_on: date, term_start: date) -> int:
    """Age on the 31 August before a term starts (docs/semantics.md §3, "every child")."""
    year = term_start.year if term_start.month >= 9 else term_start.year - 1
    return age_on(born_on, date(year, 8, 31))


def age_on(born_on: date, day: date) -> int:
    """Whole years of age on ``day`` (a 29 February birthday ages on 1 March)."""
    years = day.year - born_on.year
    if (day.month, day.day) < (born_on.month, born_on.day):
        years -= 1
    return years


UK = ZoneInfo("Europe/London")


def today_uk() -> date:
    """Today in the UK: the day the policy process and the web view decide on when no date
    is given (a council's day, not the server's UTC one)."""
    return datetime.now(UK).date()
