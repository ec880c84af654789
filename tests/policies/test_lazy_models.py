"""Plain classes declared as pydantic models (policies/lazy_models.py): they validate
exactly as pydantic does, and hold, compare, pickle and dump their values without it."""

from __future__ import annotations

import pickle
from typing import Literal

import pydantic
import pytest

from sftimeline.policies import lazy_models
from sftimeline.policies.lazy_models import (
    Field,
    LazyModel,
    PositiveInt,
    declared,
    field_validator,
    model_validator,
    twin,
    validated,
)

CONFIG = {"extra": "forbid", "frozen": True, "populate_by_name": True}


class Window(LazyModel):
    model_config = CONFIG
    months: PositiveInt = 6
    kinds: list[str] = Field(default=["incident_recorded"], min_length=1)
    who: Literal["person", "household"] = "person"
    from_: str = Field("identified", alias="from")
    where: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("who")
    @classmethod
    def _who(cls, value: str) -> str:
        return value

    @model_validator(mode="after")
    def _not_both(self) -> Window:
        if self.months > 24 and self.who == "household":
            raise ValueError("a household window is at most 24 months")
        return self


class Framed(LazyModel):
    model_config = CONFIG
    name: str = Field(pattern=r"^[a-z]+$")
    windows: list[Window] = []
    main: Window = Field(default_factory=Window)


class PydanticWindow(pydantic.BaseModel):
    """The same declaration as :class:`Window`, as a pydantic model."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    months: pydantic.PositiveInt = 6
    kinds: list[str] = pydantic.Field(default=["incident_recorded"], min_length=1)
    who: Literal["person", "household"] = "person"
    from_: str = pydantic.Field("identified", alias="from")
    where: dict[str, list[str]] = pydantic.Field(default_factory=dict)

    @pydantic.model_validator(mode="after")
    def _not_both(self) -> PydanticWindow:
        if self.months > 24 and self.who == "household":
            raise ValueError("a household window is at most 24 months")
        return self


@pytest.mark.parametrize(
    "data",
    [
        {"months": 0},
        {"months": "x", "kinds": []},
        {"who": "street"},
        {"months": 30, "who": "household"},
        {"unknown": 1},
        {"from": 3},
    ],
)
def test_a_bad_value_gets_pydantics_own_errors(data: dict[str, object]) -> None:
    _, errors = validated(Window, data)
    with pytest.raises(pydantic.ValidationError) as expected:
        PydanticWindow.model_validate(data)
    assert [(e["loc"], e["msg"]) for e in errors] == [
        (e["loc"], e["msg"]) for e in expected.value.errors(include_url=False)
    ]


def test_good_values_are_held_as_pydantic_holds_them() -> None:
    data = {"months": "12", "from": "nomination", "where": {"kind": ["a"]}}
    plain, real = Window.model_validate(data), PydanticWindow.model_validate(data)
    assert type(plain) is Window
    assert plain.__dict__ == real.__dict__
    assert plain.months == 12 and plain.from_ == "nomination"
    assert plain.model_dump(mode="json") == real.model_dump(mode="json")
    assert plain.model_dump(by_alias=True) == real.model_dump(by_alias=True)
    assert repr(plain) == repr(real).replace("PydanticWindow", "Window")


def test_nested_plain_classes_validate_and_dump_through_their_twins() -> None:
    framed = Framed(name="abc", windows=[{"months": 3}, Window()])
    assert [type(w) for w in framed.windows] == [Window, Window]
    assert framed.windows[0].months == 3
    assert type(framed.main) is Window  # a default made by its factory
    assert framed.model_dump(mode="json")["windows"][0]["months"] == 3
    with pytest.raises(pydantic.ValidationError, match="should match pattern"):
        Framed(name="ABC")


def test_an_instance_is_frozen_comparable_hashable_and_picklable() -> None:
    one, same = Window(months=3, kinds=["a"]), Window(months=3, kinds=["a"])
    assert one == same and one != Window(months=4, kinds=["a"])
    with pytest.raises(AttributeError, match="frozen"):
        one.months = 5
    with pytest.raises(TypeError):  # a list field, as pydantic's frozen models
        hash(one)
    assert pickle.loads(pickle.dumps(one)) == one
    assert one.model_copy(update={"months": 9}).months == 9 and one.months == 3


def test_model_construct_fills_defaults_and_aliases_and_validates_nothing() -> None:
    made = Window.model_construct(months=0, **{"from": "case_closed"})
    assert made.months == 0  # not validated, as pydantic's model_construct
    assert made.from_ == "case_closed"
    assert made.kinds == ["incident_recorded"] and made.where == {}
    assert made.kinds is not Window.model_construct().kinds  # defaults are copies
    assert list(made.__dict__) == list(PydanticWindow.model_fields)


def test_the_twin_is_built_once_and_only_when_validating() -> None:
    assert twin(Window) is twin(Window)
    assert issubclass(twin(Window), pydantic.BaseModel)
    assert not isinstance(Window(), pydantic.BaseModel)


def test_the_declaration_digest_follows_what_validation_reads() -> None:
    def declare(default: int, pattern: str) -> type[LazyModel]:
        class Probe(LazyModel):
            model_config = CONFIG
            months: PositiveInt = default
            name: str = Field("a", pattern=pattern)

        return Probe

    base = declared(declare(6, "^a$"))
    assert declared(declare(6, "^a$")) == base
    assert declared(declare(7, "^a$")) != base
    assert declared(declare(6, "^b$")) != base


def test_the_declaration_digest_reads_the_validators_source_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = declared(Window)
    lazy_models._DECLARED.clear()
    monkeypatch.setitem(lazy_models._FILES, __file__, "another text")
    assert declared(Window) != before
