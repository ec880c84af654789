"""A fast path from a decoded record to the engine's :class:`Record`, for the forms an
export nearly always takes; anything else is left to the full path.

:func:`fast_record` answers ``record_from_model(validate_record(raw, ...),
default_recorded_at=moment)`` (the same values, key, fingerprint, knowledge-time
semantics) or None, "not sure": the caller then runs that full path, so every
rejection and its message still come from pydantic and :mod:`.validation`. Per record
it costs a fraction of the full path (a pydantic model, its Python validators, then a
``model_dump`` to make the value; issue 14: validation was most of an import's CPU).

Nothing is written per record type: each type's checker is compiled from its form
(:mod:`.fast_forms`), which is read off the model's own pydantic core schema (its
fields, literal codes, constraints, nullability, defaults, and the model validators
wrapped around it). A schema element the describer does not know (a new kind of field,
an alias, a ``before`` validator, a non-None default) makes the whole type fall back, so
a new record type can never drift from its model silently. The packaged types' forms are
kept (:mod:`.kept_forms`): an import of records of the usual form loads neither pydantic
nor the models. The field types of :mod:`.fields` are recognised by their checks
(:mod:`.field_rules`): dates and knowledge times in their canonical forms are checked
here (with the same limits), any other value goes through the very function the model
uses. The cross-field rules are the model's own ``model_validator`` functions: told from
the checked values where the model restates them (``TOLD_RULES``), else run on an
instance of the model built from the checked values; any exception declines.

Input limits (:mod:`sftimeline.limits`): a caller that proved the record within them
(``within_limits``, from the line's text) skips the walk; otherwise the same
:func:`~sftimeline.limits.value_problems` the full path runs must find nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sftimeline.adapters.eventstate import PreparedRecord, prepared_fields
from sftimeline.limits import InputLimits, value_problems
from sftimeline.records.digest import canonical_digest
from sftimeline.records.fast_checker import write_checker
from sftimeline.records.fast_checks import Compiler, Field, Unsupported, nesting
from sftimeline.records.fast_forms import TypeForm
from sftimeline.records.kept_forms import kept_forms
from sftimeline.records.record import (
    DATE_FIELDS,
    RECORD_TYPES,
    Record,
    record_of_fields,
    source_key,
)

if TYPE_CHECKING:
    from sftimeline.records.base import RecordModel


class _Info:
    """What the fields' validators and the model validators read of pydantic's
    ``ValidationInfo``: the context (:func:`~sftimeline.records.validation.validate_record`
    passes ``{"limits": ..., "frameworks": ...}``). Anything else they read raises,
    which declines."""

    __slots__ = ("context",)

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context


def _told(rule: str) -> Callable[[dict[str, Any], Collection[str] | None], bool]:
    """A told rule (``TOLD_RULES``) as a function of the checked values and the frameworks
    a ``claim_submitted`` record may name (None: any)."""
    told: Callable[[dict[str, Any], Collection[str] | None], bool] = eval(
        f"lambda values, frameworks: {rule}"
    )
    return told


def _told_in_line(rule: str | None) -> str:
    """A rule as the generated checker writes it (``False``: not told there). A rule that
    reads the frameworks is told by :meth:`_Plan._rules_hold`, which knows them."""
    if rule is None or "frameworks" in rule:  # (a mention in a text too: safe, told later)
        return "False"
    return rule


class _Plan:
    """One record type's fast path under one set of limits, compiled from its form.
    ``model``: the type's model, when the form was described from it now (otherwise it
    is looked up only if a validator must be asked, :meth:`_model`)."""

    def __init__(
        self,
        form: TypeForm,
        limits: InputLimits,
        days: dict[str, date],
        model: type[RecordModel] | None = None,
    ):
        self.type = form.type
        self.limits = limits
        self._known_model = model
        self.info = _Info({"limits": limits, "frameworks": None})
        #: the validators' context under the last frameworks asked (an import asks one set)
        self._framework_info = self.info
        #: the model validators, innermost first: (name, takes info, told here)
        self.validators = [
            (v.name, v.with_info, None if v.rule is None else _told(v.rule))
            for v in form.validators
        ]
        #: the validators' functions, found when one is first asked (:meth:`_function`)
        self._functions: dict[str, Callable[..., Any]] = {}
        compiler = Compiler(limits, self.info, days)
        date_fields = DATE_FIELDS.get(self.type, ())
        self.fields: dict[str, Field] = {}
        for field in form.fields:
            if len(field.name) > limits.max_string_chars:
                raise Unsupported("a field name past the string limit")
            self.fields[field.name] = compiler.field(field.required, field.nullable, field.value)
        if any(not self.fields[n].is_date for n in date_fields if n in self.fields):
            raise Unsupported("a name in DATE_FIELDS that is not a date field")
        #: the type's own fields, in the model's order (the dump's): (name, kept as a date)
        self.own = [(n, n in date_fields) for n in form.own]
        rules = [_told_in_line(v.rule) for v in form.validators]
        self.check = write_checker(self.type, self.fields, set(form.own), rules)
        self.defaults = dict.fromkeys(self.fields)
        self.floats = form.floats
        #: the deepest a record of this type nests: the record, then its fields' lists and
        #: dicts (``InputLimits.max_depth`` counts the same way: ``limits.value_problems``)
        self.depth = 1 + max((nesting(f.check) for f in self.fields.values()), default=0)

    def record(
        self, raw: dict[str, Any], frameworks: Collection[str] | None, moment: datetime
    ) -> Record | None:
        """The record, or None when not sure (see the module's docstring)."""
        decided = self._decide(raw, frameworks)
        if decided is None:
            return None
        values, dumped, _, digest = decided
        own = {}
        for name, as_date in self.own:
            if name in dumped:
                own[name] = values[name] if as_date else dumped[name]
        recorded_at = values.get("recorded_at")
        source, source_id = values.get("source"), values.get("source_id")
        return record_of_fields(
            source_key(source, source_id) or f"#{digest[:16]}",
            self.type,
            values["family"],
            values["occurred_on"],
            recorded_at or moment,
            source,
            source_id,
            dumped.get("person"),
            own,
            digest,
            recorded_at is not None,
            values.get("recorded_at_basis"),
        )

    def prepared(
        self, raw: dict[str, Any], frameworks: Collection[str] | None, moment: datetime
    ) -> PreparedRecord | None:
        """``prepared_record(self.record(raw, frameworks, moment))`` without the Record:
        the same fields handed straight to the state's writer
        (:func:`~sftimeline.adapters.eventstate.prepared_fields`), a record's dates as the
        canonical text they were given in (which is their ``isoformat``). What
        :meth:`_decide` does, written out: an import's workers run it on every record."""
        checked = self.check(raw)
        if checked is None:
            return None
        values, dumped, own, told = checked
        if not told and not self._rules_hold(values, frameworks):
            return None
        basis = values.get("recorded_at_basis")
        digest = canonical_digest(basis, dumped, self.floats)
        recorded_at = values.get("recorded_at")
        source, source_id = values.get("source"), values.get("source_id")
        return prepared_fields(
            self.type,
            values["family"],
            values["occurred_on"],
            recorded_at or moment,
            recorded_at is not None,
            source,
            source_id,
            dumped.get("person"),
            own,
            f"#{digest[:16]}" if source_id is None else f"{source or ''}:{source_id}",
            digest,
            basis,
            True,  # every float checked finite (fast_checks): orjson spells the data exactly
        )

    def _decide(
        self, raw: dict[str, Any], frameworks: Collection[str] | None
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str] | None:
        """The checked values, their dump (as the model's JSON dump spells them), the
        dump's own fields (the type's, :attr:`own`) and the fingerprint, or None when not
        sure."""
        checked = self.check(raw)
        if checked is None:
            return None
        values, dumped, own, told = checked
        if not told and not self._rules_hold(values, frameworks):
            return None
        return (
            values,
            dumped,
            own,
            canonical_digest(values.get("recorded_at_basis"), dumped, self.floats),
        )

    def _rules_hold(self, values: dict[str, Any], frameworks: Collection[str] | None) -> bool:
        """Whether the model's validators accept the checked values: told here for the
        rules the model restates, else asked of the validator on a model instance (the
        model and pydantic are then loaded, once, if they were not)."""
        instance = None
        try:
            for name, with_info, told in self.validators:
                if told is not None and told(values, frameworks):
                    continue
                if instance is None:
                    instance = self._instance(values)
                function = self._function(name)
                if with_info:
                    kept = function(instance, self._info(frameworks))
                else:
                    kept = function(instance)
                if kept is not instance:
                    return False
        except Exception:  # any doubt: the full path decides, and says why
            return False
        return True

    def _model(self) -> type[RecordModel]:
        """The type's model (looked up on first need when the form was kept)."""
        if self._known_model is None:
            from sftimeline.records.validation import RECORD_MODELS

            self._known_model = RECORD_MODELS[self.type]
        return self._known_model

    def _function(self, name: str) -> Callable[..., Any]:
        """The model validator ``name``'s function, as pydantic runs it."""
        function = self._functions.get(name)
        if function is None:
            validators = self._model().__pydantic_decorators__.model_validators
            function = self._functions[name] = validators[name].func
        return function

    def _info(self, frameworks: Collection[str] | None) -> _Info:
        """The validators' context under ``frameworks`` (made once per import)."""
        if frameworks is None:
            return self.info
        info = self._framework_info
        if info.context["frameworks"] is not frameworks:
            info = self._framework_info = _Info({"limits": self.limits, "frameworks": frameworks})
        return info

    def _instance(self, values: dict[str, Any]) -> RecordModel:
        """The model instance pydantic would build of ``values`` (as ``model_construct``
        does, without its cost)."""
        instance = _new(self._model())
        state = dict(self.defaults)
        state.update(values)
        _set(instance, "__dict__", state)
        _set(instance, "__pydantic_fields_set__", set(values))
        _set(instance, "__pydantic_extra__", None)
        _set(instance, "__pydantic_private__", None)
        return instance


_new = object.__new__
_set = object.__setattr__


class _Plans:
    """The plans under one set of limits, each made on first use (None: the type
    always takes the full path), and the date texts known within those limits."""

    def __init__(self, limits: InputLimits) -> None:
        self.limits = limits
        self.by_type: dict[str, _Plan | None] = {}
        self.days: dict[str, date] = {}

    def get(self, record_type: str) -> _Plan | None:
        if record_type in self.by_type:
            return self.by_type[record_type]
        if record_type not in RECORD_TYPES:
            return None  # not remembered: a file of made-up types must not grow the cache
        try:
            plan: _Plan | None = _plan_of_type(record_type, self.limits, self.days)
        except Unsupported:
            plan = None
        self.by_type[record_type] = plan
        return plan


def _plan_of_type(record_type: str, limits: InputLimits, days: dict[str, date]) -> _Plan:
    """The type's plan from its kept form, else from its model's (:class:`Unsupported`:
    none)."""
    form = _kept_form(record_type)
    if form is not None:
        return _Plan(form, limits, days)
    from sftimeline.records.fast_forms import describe
    from sftimeline.records.validation import RECORD_MODELS

    model = RECORD_MODELS[record_type]
    return _Plan(describe(model), limits, days, model)


#: the kept forms (:mod:`.kept_forms`), read on first use; None: not current
_kept = cache(kept_forms)


def _kept_form(record_type: str) -> TypeForm | None:
    kept = _kept()
    return None if kept is None else kept.get(record_type)


#: the plans under each set of limits seen (by value), and the last (by identity)
_PLANS: dict[InputLimits, _Plans] = {}
_last: _Plans | None = None


def plan_for(record_type: str, limits: InputLimits) -> _Plan | None:
    """The type's fast path under ``limits`` (None: the type always takes the full path)."""
    return _plans_under(limits).get(record_type)


def _plans_under(limits: InputLimits) -> _Plans:
    """The plans under ``limits`` (by value; the last asked, by identity, at once)."""
    global _last
    plans = _last
    if plans is None or plans.limits is not limits:
        plans = _PLANS.get(limits)
        if plans is None:
            if len(_PLANS) >= 16:
                _PLANS.clear()
            plans = _PLANS[limits] = _Plans(limits)
        _last = plans
    return plans


def compile_plans(limits: InputLimits, types: Collection[str] | None = None) -> None:
    """The plans under ``limits`` of ``types`` (default: every record type) made now (each
    is otherwise made on first use): an import makes them before it forks its workers,
    which then share them."""
    for record_type in sorted(RECORD_TYPES):
        if types is None or record_type in types:
            plan_for(record_type, limits)


def fast_record(
    raw: Any,
    limits: InputLimits,
    frameworks: Collection[str] | None,
    moment: datetime,
    within_limits: bool = False,
) -> Record | None:
    """``record_from_model(validate_record(raw, limits=limits, frameworks=frameworks,
    within_limits=within_limits), default_recorded_at=moment)``, or None when not sure
    (then run exactly that). ``within_limits``: the caller proved ``raw`` within
    ``limits`` (:func:`sftimeline.limits.line_within_limits`)."""
    if type(raw) is not dict:
        return None
    plan = _plan_of(raw, limits)
    if plan is None:
        return None
    if not within_limits and value_problems(raw, limits):
        return None
    return plan.record(raw, frameworks, moment)


def fast_prepared(
    raw: dict[str, Any],
    limits: InputLimits,
    frameworks: Collection[str] | None,
    moment: datetime,
) -> PreparedRecord | None:
    """``prepared_record(fast_record(raw, limits, frameworks, moment, True))`` when that
    is a record, else None; for a ``raw`` dict parsed by orjson from a line whose text
    :func:`~sftimeline.limits.text_within_limits` passed. The numbers need no walk of
    their own: a type's checker accepts only integers within the limit's digits and
    floats below 2**63 (which orjson and the standard library read alike), and it
    sees every value, so a record it accepts is one the line's proof would have passed
    (:func:`~sftimeline.limits.orjson_line_within_limits`)."""
    plan = _plan_of(raw, limits)
    if plan is None:
        return None
    return plan.prepared(raw, frameworks, moment)


def fast_preparer(
    limits: InputLimits, frameworks: Collection[str] | None, moment: datetime
) -> Callable[[dict[str, Any]], PreparedRecord | None]:
    """:func:`fast_prepared` under these arguments, as one function of ``raw``, for a
    ``raw`` dict parsed by orjson from a line whose text
    :func:`~sftimeline.limits.strings_within_limits` passed: its nesting need not be
    counted, as a record the type's checker accepts nests no deeper than its type can
    (:attr:`_Plan.depth`; a type that can nest deeper than ``limits`` allows always
    declines). An import's workers run it on every line of a block: looking the plan up
    in line, and counting no brackets, saves them ≈ 5% of their work a record."""
    plans = _plans_under(limits)
    by_type, most = plans.by_type, limits.max_depth

    def prepare(raw: dict[str, Any]) -> PreparedRecord | None:
        record_type = raw.get("type")
        if type(record_type) is not str:
            return None
        plan = by_type.get(record_type)
        if plan is None:
            if record_type in by_type:
                return None
            plan = plans.get(record_type)
            if plan is None:
                return None
        if plan.depth > most:
            return None
        return plan.prepared(raw, frameworks, moment)

    return prepare


def _plan_of(raw: dict[str, Any], limits: InputLimits) -> _Plan | None:
    """The plan for ``raw``'s record type, or None (no type, or not a fast-path type)."""
    record_type = raw.get("type")
    if type(record_type) is not str:
        return None
    return plan_for(record_type, limits)
