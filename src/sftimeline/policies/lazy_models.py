"""Classes declared as pydantic models, that import pydantic only when they validate.

A framework's shape (:mod:`.model`) and each primitive's arguments (:mod:`.leaves`) are
declared exactly as pydantic models are — annotated fields, ``Field(...)`` defaults and
constraints, ``model_config``, ``field_validator`` and ``model_validator`` — but their
classes are plain: importing them, and reading an instance, imports no pydantic. Pydantic
and the models it builds were ≈ 150 ms of the 310 ms every evaluating command spent
before it could decide a family (``evaluate``, ``explain``, the policy process; issue
14), although a packaged framework's validated form never changes
(:mod:`.validated`).

Validating (``Cls.model_validate(data)``, or ``Cls(**data)``) builds, once per class, a
pydantic model of the same declaration, its *twin*: the same fields with the same
annotations (``PositiveInt`` and the other names of :data:`PYDANTIC_TYPES` read as
pydantic's own, a plain class as its twin), defaults, constraints, aliases, config and
validators. So what is accepted, how it is coerced, and every error message are
pydantic's, word for word. The validated values are then held by an instance of the plain
class, which is frozen, compares and hashes by its values, pickles, and dumps
(``model_dump``) through its twin.
"""

from __future__ import annotations

import copy
import hashlib
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="LazyModel")

#: names an annotation may use for pydantic's own types: read as pydantic's when a twin is
#: built (the objects of the same names here only stand in for them, and type-check so)
PYDANTIC_TYPES = ("PositiveInt", "NonNegativeInt")
PositiveInt = Annotated[int, "pydantic.PositiveInt"]
NonNegativeInt = Annotated[int, "pydantic.NonNegativeInt"]


class FieldSpec:
    """``Field(...)`` as declared: given to ``pydantic.Field`` when the twin is built."""

    __slots__ = ("args", "kwargs")

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.args = args
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return f"Field(*{self.args!r}, **{self.kwargs!r})"


def Field(*args: Any, **kwargs: Any) -> Any:
    """pydantic's ``Field``, declared now and made when the twin is built."""
    return FieldSpec(args, kwargs)


class ValidatorSpec:
    """A ``field_validator`` or ``model_validator`` as declared (see :func:`Field`)."""

    __slots__ = ("args", "func", "kind", "kwargs")

    def __init__(self, kind: str, args: tuple[Any, ...], kwargs: dict[str, Any], func: Any):
        self.kind, self.args, self.kwargs, self.func = kind, args, kwargs, func


def model_validator(*, mode: str) -> Callable[[Any], Any]:
    """pydantic's ``model_validator``, applied when the twin is built."""
    return lambda func: ValidatorSpec("model", (), {"mode": mode}, func)


def field_validator(*fields: str, **kwargs: Any) -> Callable[[Any], Any]:
    """pydantic's ``field_validator``, applied when the twin is built."""
    return lambda func: ValidatorSpec("field", fields, kwargs, func)


class LazyModelMeta(type):
    """The plain classes' type: :func:`twin` and :func:`declared` know them by it."""


class LazyModel(metaclass=LazyModelMeta):
    """The plain base (see the module's docstring). A subclass sets ``model_config`` as
    pydantic's ``ConfigDict`` would (a plain dict)."""

    model_config: ClassVar[dict[str, Any]] = {}

    def __init__(self, /, **data: Any) -> None:
        _set(self, "__dict__", type(self).model_validate(data).__dict__)

    @classmethod
    def model_validate(cls: type[M], data: Any) -> M:
        """``data`` validated by the twin, held by an instance of this class (raises
        pydantic's ``ValidationError``). A plain instance in ``data`` is taken as the
        twin's instance of the same values, as pydantic takes a model's own instance."""
        validated = twin(cls).model_validate(_twin_of(data))
        plain: M = _plain(validated)
        return plain

    @classmethod
    def model_construct(cls: type[M], **values: Any) -> M:
        """An instance of ``values`` (by name or alias) and the declared defaults for the
        rest, validating nothing, as pydantic's ``model_construct``: for arguments a
        builder makes of arguments already validated, without pydantic."""
        made = object.__new__(cls)
        state: dict[str, Any] = {}
        for name, (alias, default, factory) in _fields(cls).items():
            if alias is not None and alias in values:
                state[name] = values[alias]
            elif name in values:
                state[name] = values[name]
            elif factory:
                state[name] = default()
            elif default is not _REQUIRED:
                state[name] = copy.deepcopy(default)
        _set(made, "__dict__", state)
        return made

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        """What the twin's ``model_dump(**kwargs)`` gives of the same values."""
        dumped: dict[str, Any] = _twin_of(self).model_dump(**kwargs)
        return dumped

    def model_copy(self: M, *, update: dict[str, Any] | None = None) -> M:
        """A copy with ``update``'s values (not validated, as pydantic's)."""
        made = object.__new__(type(self))
        _set(made, "__dict__", {**self.__dict__, **(update or {})})
        return made

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be deleted")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        values = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({values})"


_set = object.__setattr__
#: a name in an annotation's text
_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


#: a field without a default (:func:`_fields`)
_REQUIRED = object()
#: each plain class's fields (:func:`_fields`)
_FIELDS: dict[type, dict[str, tuple[str | None, Any, bool]]] = {}


def _fields(cls: type) -> dict[str, tuple[str | None, Any, bool]]:
    """``cls``'s fields in pydantic's order (its bases' first): name → (alias, default or
    :data:`_REQUIRED`, whether the default is a factory to call)."""
    found = _FIELDS.get(cls)
    if found is not None:
        return found
    fields: dict[str, tuple[str | None, Any, bool]] = {}
    for klass in reversed(cls.__mro__):
        if not isinstance(klass, LazyModelMeta):
            continue
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            if isinstance(annotation, str) and annotation.startswith("ClassVar"):
                continue
            fields[name] = _declared_default(vars(klass).get(name, _REQUIRED))
    _FIELDS[cls] = fields
    return fields


def _declared_default(value: Any) -> tuple[str | None, Any, bool]:
    """A field's (alias, default, factory) as declared by its class attribute ``value``."""
    if not isinstance(value, FieldSpec):
        return None, value, False
    alias = value.kwargs.get("alias")
    if "default_factory" in value.kwargs:
        return alias, value.kwargs["default_factory"], True
    default = value.args[0] if value.args else value.kwargs.get("default", _REQUIRED)
    return alias, _REQUIRED if default is ... else default, False


def validated(cls: type[M], data: Any) -> tuple[M | None, list[Any]]:
    """``(cls.model_validate(data), [])``, or ``(None, errors)``: pydantic's errors, each a
    dict with its ``loc`` and ``msg`` (``ValidationError.errors(include_url=False)``)."""
    from pydantic import ValidationError

    try:
        return cls.model_validate(data), []
    except ValidationError as exc:
        return None, list(exc.errors(include_url=False))

#: each plain class's twin, and each twin's plain class
_TWINS: dict[type, type[BaseModel]] = {}
_PLAINS: dict[type, type] = {}


def twin(cls: type) -> type[BaseModel]:
    """The pydantic model of ``cls``'s declaration (built on first use, with its bases')."""
    found = _TWINS.get(cls)
    if found is not None:
        return found
    import pydantic

    bases = tuple(
        twin(b) for b in cls.__bases__ if isinstance(b, LazyModelMeta) and b is not LazyModel
    ) or (pydantic.BaseModel,)
    ns: dict[str, Any] = {
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
        "__annotations__": _resolved(cls),
    }
    for name, value in vars(cls).items():
        if name.startswith("__") and name.endswith("__"):
            continue
        if name == "model_config":
            value = pydantic.ConfigDict(**value)  # type: ignore[typeddict-item]
        elif isinstance(value, FieldSpec):
            value = pydantic.Field(*value.args, **value.kwargs)
        elif isinstance(value, ValidatorSpec):
            decorate: Any = (
                pydantic.field_validator if value.kind == "field" else pydantic.model_validator
            )
            value = decorate(*value.args, **value.kwargs)(value.func)
        ns[name] = value
    made: type[BaseModel] = type(cls.__name__, bases, ns)
    _TWINS[cls] = made
    _PLAINS[made] = cls
    return made


def _resolved(cls: type) -> dict[str, Any]:
    """``cls``'s own annotations as types: read in its module, pydantic's types by name
    (:data:`PYDANTIC_TYPES`) and every plain class as its twin."""
    import pydantic

    module = vars(sys.modules[cls.__module__])
    local: dict[str, Any] = {name: getattr(pydantic, name) for name in PYDANTIC_TYPES}
    own = vars(cls).get("__annotations__", {})
    named = {w for v in own.values() if isinstance(v, str) for w in _NAME.findall(v)}
    for name in named:
        value = module.get(name)
        if isinstance(value, LazyModelMeta) and value is not LazyModel and value is not cls:
            local[name] = twin(value)
    return {k: eval(v, module, local) if isinstance(v, str) else v for k, v in own.items()}


def _plain(value: Any) -> Any:
    """A twin's validated value as plain instances, all the way down."""
    return _rebuilt(value, _plain_instance)


def _plain_instance(value: Any) -> Any:
    """A twin's instance as its plain class's, or None for any other value."""
    plain = _PLAINS.get(type(value))
    if plain is None:
        return None
    made: Any = object.__new__(plain)
    _set(made, "__dict__", {k: _plain(v) for k, v in value.__dict__.items()})
    return made


def _twin_of(value: Any) -> Any:
    """The twins' instances holding a plain value's values (as ``model_construct``
    would make them), all the way down: what pydantic dumps exactly as the value it
    validated."""
    return _rebuilt(value, _twin_instance)


def _twin_instance(value: Any) -> Any:
    """A plain instance as its twin's, or None for any other value."""
    kind = type(value)
    if not isinstance(kind, LazyModelMeta):
        return None
    made = object.__new__(twin(kind))
    _set(made, "__dict__", {k: _twin_of(v) for k, v in value.__dict__.items()})
    _set(made, "__pydantic_fields_set__", set(value.__dict__))
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made


def _rebuilt(value: Any, instance: Callable[[Any], Any]) -> Any:
    """``value`` with every model instance in it (``instance`` of it is not None) made
    anew by ``instance``, through lists, dicts and tuples."""
    made = instance(value)
    if made is not None:
        return made
    kind = type(value)
    if kind is list:
        return [_rebuilt(v, instance) for v in value]
    if kind is dict:
        return {k: _rebuilt(v, instance) for k, v in value.items()}
    if kind is tuple:
        return tuple(_rebuilt(v, instance) for v in value)
    return value


#: each plain class's digest (:func:`declared`)
_DECLARED: dict[type, str] = {}


def declared(cls: type) -> str:
    """A digest of everything ``cls`` declares that validation reads: its bases' digests,
    its annotations, its other attributes (defaults, ``Field`` arguments, config) and the
    source files of its validators and methods (:func:`_source`). A validated form kept
    from an earlier declaration (:mod:`.validated`) is used only while every class in it
    has the same digest. Source, not bytecode: the same on every Python version."""
    found = _DECLARED.get(cls)
    if found is not None:
        return found
    parts: list[str] = [cls.__module__, cls.__qualname__]
    for base in cls.__bases__:
        parts.append(declared(base) if isinstance(base, LazyModelMeta) else base.__qualname__)
    parts += [f"{k}: {v}" for k, v in vars(cls).get("__annotations__", {}).items()]
    for name, value in vars(cls).items():
        if not (name.startswith("__") and name.endswith("__")):
            parts.append(f"{name} = {_stable(value)}")
    digest = _DECLARED[cls] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return digest


def _stable(value: Any) -> str:
    """``value`` as text that is the same in every process (no addresses, no set order)."""
    if isinstance(value, ValidatorSpec):
        return f"{value.kind}{_stable(value.args)}{_stable(value.kwargs)} {_stable(value.func)}"
    if isinstance(value, FieldSpec):
        return f"Field{_stable(value.args)}{_stable(value.kwargs)}"
    if isinstance(value, classmethod | staticmethod):
        return _stable(value.__func__)
    if isinstance(value, property):
        return _stable(value.fget)
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    if callable(value):
        return _source(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_stable(k)}: {_stable(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return f"{type(value).__name__}({', '.join(_stable(v) for v in value)})"
    if isinstance(value, set | frozenset):
        return f"{type(value).__name__}({', '.join(sorted(_stable(v) for v in value))})"
    return repr(value)


def _source(func: Any) -> str:
    """What decides a function's behaviour, as text: its name and the digest of the file
    that defines it (any edit there counts; reading the file is ≈ 0.1 ms, where
    ``inspect.getsource`` of a dozen validators took 17 ms of a load)."""
    code = getattr(func, "__code__", None)
    name = f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"
    if code is None:
        return name
    return f"{name} in {_file_digest(code.co_filename)}"


#: each source file's digest (:func:`_file_digest`)
_FILES: dict[str, str] = {}


def _file_digest(path: str) -> str:
    """The SHA-256 of a source file (the path itself where it cannot be read)."""
    found = _FILES.get(path)
    if found is None:
        try:
            with open(path, "rb") as fh:
                found = hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            found = path
        _FILES[path] = found
    return found
