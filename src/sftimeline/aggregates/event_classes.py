"""What the aggregates' event classes share: a cheaper way to define them (issue 14).

The library makes every event class a frozen dataclass anew, generating its ``__init__``,
``__eq__``, ``__repr__``, ``__hash__`` and ``__setattr__`` (about a millisecond a class).
The Family aggregate has one event class per record type and FamilyOutcomes one per
outcome kind, none adding a field to its base: at every command's start-up that was a
tenth of a second of generating the same methods again.

Two things keep it to once a class:

- each aggregate declares its own ``Event`` base, and derives every event from it, so the
  library finds nothing to define again as a subclass of one it would make (which it
  does for an event that does not derive from the aggregate's ``Event``);
- a base event declares :class:`FieldsOfItsBase` as its metaclass, so that its
  subclasses that declare no field inherit its dataclass methods, the same code.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any, NoReturn

from eventsourcing.domain import EventsourcingType, MetaDomainEvent


class FieldsOfItsBase(MetaDomainEvent):
    """The library's metaclass of event classes, except that a class that declares no
    field of its own (no annotations) is not made a dataclass again: it inherits its
    base's generated methods, and is as frozen as the library would make it (its base's
    ``__setattr__`` would let a name that is not a field be set on it). A class that
    declares a field is made one as the library makes it."""

    def __new__(mcs, name: str, bases: tuple[type[Any], ...], cls_dict: dict[str, Any]) -> Any:
        if cls_dict.get("__annotations__"):
            return super().__new__(mcs, name, bases, cls_dict)
        frozen = {"__setattr__": _frozen_set, "__delattr__": _frozen_delete}
        return EventsourcingType.__new__(mcs, name, bases, {**cls_dict, **frozen})


def _frozen_set(self: object, name: str, value: object) -> NoReturn:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delete(self: object, name: str) -> NoReturn:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
