"""A record type's *form*: what the fast path (:mod:`.fast`) reads of its model's pydantic
core schema, as plain data (tuples, strings, numbers).

The form says, field by field, the kind of value (a date, a knowledge time, one of the
text types of :mod:`.fields` by its check's name, literal codes, a bounded integer or
number, a list or dict of those), whether it is required and whether it takes null; then
the model validators, innermost first, each with the rule the model restates for it
(``TOLD_RULES``); the type's own fields; and whether a dump can hold a float.
:class:`~.fast_checks.Compiler` compiles a form into the type's checker under a set of
limits. Being data, the forms of the packaged types can be kept (:mod:`.kept_forms`): an
import then builds its checkers without pydantic or the models (issue 14: its start-up).

Every schema element is matched exactly (its keys, its constraints, the validator
function of a :mod:`.fields` type); anything else raises :class:`~.fast_checks.Unsupported`
and the whole type then always takes the full path, so a new record type can never drift
from its model silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from sftimeline.records import field_rules
from sftimeline.records.fast_checks import STRING_CHECKS, Unsupported

if TYPE_CHECKING:
    from sftimeline.records.base import RecordModel

#: one field's value: ``("date",)``, ``("time",)``, ``("text", check's name)``,
#: ``("literal", codes)``, ``("str",)``, ``("bool",)``, ``("int", ge, gt, le, lt)``,
#: ``("float", ge, gt, le, lt)``, ``("list", item, least, most)``,
#: ``("dict", key, item, least, most)``
ValueForm = tuple[Any, ...]


class FieldForm(NamedTuple):
    name: str
    required: bool
    nullable: bool
    value: ValueForm


class ValidatorForm(NamedTuple):
    #: the validator's name in its class (its function, found by it, is the one pydantic runs)
    name: str
    #: whether it takes pydantic's ``ValidationInfo``
    with_info: bool
    #: its rule as the model restates it (``TOLD_RULES``), or None
    rule: str | None


class TypeForm(NamedTuple):
    type: str
    fields: tuple[FieldForm, ...]
    #: innermost first (the order pydantic runs them)
    validators: tuple[ValidatorForm, ...]
    #: the type's own fields (a record event's ``data``), in the model's order
    own: tuple[str, ...]
    #: whether a dump of the type may hold a float (:func:`~.value.floatless`)
    floats: bool


def describe(model: type[RecordModel]) -> TypeForm:
    """The model's form, or :class:`~.fast_checks.Unsupported`."""
    from sftimeline.records.base import RecordModel
    from sftimeline.records.value import floatless

    schema = _core_schema(model)
    told_by = told_rules(model)
    named = model.__pydantic_decorators__.model_validators
    validators: list[ValidatorForm] = []
    while schema["type"] == "function-after":
        _only(schema, "function", "schema", "ref")
        function = schema["function"]
        name = function["function"].__name__
        if name not in named or named[name].func is not function["function"]:
            raise Unsupported("a model validator not found by its name")
        rule = told_by.get(function["function"])
        validators.insert(0, ValidatorForm(name, function["type"] == "with-info", rule))
        schema = schema["schema"]
    _only(schema, "cls", "config", "custom_init", "root_model", "schema", "ref")
    config = dict(schema["config"])
    config.pop("title", None)
    if (
        schema["cls"] is not model
        or schema["custom_init"]
        or schema["root_model"]
        or config != {"extra_fields_behavior": "forbid", "str_strip_whitespace": False}
    ):
        raise Unsupported("a model with its own config, __init__ or root")
    fields = schema["schema"]
    _only(fields, "fields", "computed_fields", "model_name")
    if fields["computed_fields"] or list(fields["fields"]) != list(model.model_fields):
        raise Unsupported("computed fields, or fields out of the model's order")
    described = tuple(_field(name, s) for name, s in fields["fields"].items())
    common = RecordModel.model_fields
    own = tuple(f.name for f in described if f.name not in common and f.name != "person")
    return TypeForm(model.TYPE, described, tuple(validators), own, not floatless(model))


def told_rules(model: type[RecordModel]) -> dict[Any, str]:
    """The model validators whose rule is told from the checked values without building
    an instance, each to its rule: ``TOLD_RULES`` of the model and of every class it
    derives from (:attr:`RecordModel.TOLD_RULES`), keyed by the validator's function as
    the core schema names it. A restated rule whose validator is not the class's is a
    mistake in the model: ``KeyError``, at once."""
    rules: dict[Any, str] = {}
    for cls in reversed(model.__mro__):
        own = vars(cls).get("TOLD_RULES", {})
        if own:
            validators = cls.__pydantic_decorators__.model_validators  # type: ignore[attr-defined]
            for name, rule in own.items():
                rules[validators[name].func] = rule
    return rules


def _core_schema(model: type[RecordModel]) -> dict[str, Any]:
    """The model's pydantic core schema (built now if the model defers building)."""
    if not model.__pydantic_complete__:
        model.model_rebuild()
    schema = model.__pydantic_core_schema__
    if not isinstance(schema, dict):
        raise Unsupported("no core schema")
    return schema


def _field(name: str, schema: dict[str, Any]) -> FieldForm:
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
        if func is field_rules._parse_iso_date and inner["schema"] == {"type": "date"}:
            _only(inner, "function", "schema")
            return FieldForm(name, required, nullable, ("date",))
        if func is field_rules._parse_knowledge_time:
            _only(inner, "function", "schema")
            _only(inner["schema"], "microseconds_precision")
            if inner["schema"]["type"] != "datetime":
                raise Unsupported("a knowledge time that is not a datetime")
            return FieldForm(name, required, nullable, ("time",))
    return FieldForm(name, required, nullable, _value(inner))


def _value(schema: dict[str, Any]) -> ValueForm:
    """A value that is its own JSON spelling (no date in it)."""
    kind = schema["type"]
    if kind == "function-before":
        _only(schema, "function", "schema")
        func = schema["function"]["function"]
        name = getattr(func, "__name__", "")
        if schema["schema"] != {"type": "str"} or STRING_CHECKS.get(name) is not func:
            raise Unsupported(f"the validator {func!r}")
        return ("text", name)
    if kind == "literal":
        _only(schema, "expected")
        expected = schema["expected"]
        if not all(type(e) is str for e in expected):
            raise Unsupported("a literal that is not all strings")
        return ("literal", tuple(sorted(set(expected))))
    if kind == "str":
        _only(schema)
        return ("str",)
    if kind == "bool":
        _only(schema, "strict")
        return ("bool",)
    if kind == "int":
        _only(schema, "strict", "ge", "gt", "le", "lt")
        if schema.get("strict") is not True:
            raise Unsupported("a lax integer")
        return ("int", *_bounds(schema))
    if kind == "float":
        _only(schema, "ge", "gt", "le", "lt")
        return ("float", *_bounds(schema))
    if kind == "list":
        _only(schema, "items_schema", "min_length", "max_length")
        item = _value(schema["items_schema"])
        return ("list", item, schema.get("min_length", 0), schema.get("max_length"))
    if kind == "dict":
        _only(schema, "keys_schema", "values_schema", "min_length", "max_length")
        key, item = _value(schema["keys_schema"]), _value(schema["values_schema"])
        return ("dict", key, item, schema.get("min_length", 0), schema.get("max_length"))
    raise Unsupported(f"a {kind} schema")


def _bounds(schema: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """A number's ``ge``, ``gt``, ``le`` and ``lt`` (None: no bound)."""
    return (schema.get("ge"), schema.get("gt"), schema.get("le"), schema.get("lt"))


def _only(schema: dict[str, Any], *known: str) -> None:
    """Refuse a schema with anything but ``known`` keys (and its type and metadata)."""
    extra = set(schema) - {"type", "metadata", *known}
    if extra:
        raise Unsupported(f"{schema['type']} schema with {sorted(extra)}")
