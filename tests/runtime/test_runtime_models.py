"""``match_shape``: variants told apart by shape, groups of look-alike variants left to pydantic,
enum variants chosen by the values they declare; ``discriminate``: the tag's mapping, and for a
value without a known tag the variant its shape fits."""

from __future__ import annotations

from typing import Annotated, Union

import pydantic
from pydantic import Discriminator, Tag

from rtpkg._models import BaseModel, OpenIntEnum, OpenStrEnum, discriminate, match_shape


class Status(OpenStrEnum):
    OPEN = "open"


class Blank(OpenStrEnum):
    EMPTY = ""


class Priority(OpenIntEnum):
    VALUE_1 = 1


class Flat(BaseModel):
    rooms: int | None = None
    floor: int | None = None


class House(BaseModel):
    rooms: int | None = None
    floor: str | None = None


class Boat(BaseModel):
    hull: str


def test_enum_values_select_the_declaring_enum() -> None:
    select = match_shape(
        [("Status", (), (), False), ("Blank", (), (), False), ("Priority", (), (), False)],
        enums={"Status": ("open",), "Blank": ("",), "Priority": (1,)},
    )
    assert select("") == "Blank"
    assert select("open") == "Status"
    assert select(1) == "Priority"
    assert select(True) != "Priority"  # a boolean is no integer
    assert select(Blank.EMPTY) == "Blank"
    assert select("pending") == "Status"  # unknown: the first enum of its type
    assert select(7) == "Priority"


def test_a_scalar_variant_takes_unknown_values_before_an_open_enum() -> None:
    select = match_shape(
        [("Status", (), (), False), ("string", (), (), False)], enums={"Status": ("open",)}
    )
    assert select("open") == "Status"
    assert select("other") == "string"


def test_grouped_variants_are_left_to_pydantic() -> None:
    group = "Flat | House"
    select = match_shape(
        [
            ("Flat", (), ("floor", "rooms"), False),
            ("House", (), ("floor", "rooms"), False),
            ("Boat", ("hull",), ("hull",), False),
        ],
        groups={"Flat": group, "House": group},
    )
    assert select({"rooms": 1}) == group
    assert select({"hull": "x"}) == "Boat"
    assert select(House(floor="x")) == group
    union = Annotated[
        Union[Annotated[Union[Flat, House], Tag(group)], Annotated[Boat, Tag("Boat")]],
        Discriminator(select),
    ]
    ta = pydantic.TypeAdapter(union)
    assert type(ta.validate_python({"rooms": 2, "floor": "ground"})) is House
    assert type(ta.validate_python({"rooms": 2, "floor": 3})) is Flat
    assert type(ta.validate_python({"hull": "wood"})) is Boat
    built = House(floor="1")
    assert ta.validate_python(built) is built
    assert ta.dump_python(built, mode="json", exclude_unset=True) == {"floor": "1"}


def test_discriminate_maps_known_tags_and_matches_the_rest_by_shape() -> None:
    fallback = [
        ("Cat", ("kind", "meows"), ("kind", "meows"), False, True),
        ("Dog", ("barks",), ("barks", "kind"), False, False),
        ("Fish", ("fins",), ("fins", "kind"), True, False),
    ]
    select = discriminate("kind", {"cat": "Cat", "dog": "Dog", "fish": "Fish"}, fallback=fallback)
    assert select({"kind": "cat"}) == "Cat"  # the tag wins over the shape
    assert select({"kind": Status.OPEN}) == "UnknownVariant"  # an enum tag is read by its value
    assert select({"barks": True}) == "Dog"  # no tag: the variant whose required keys it has
    # an unknown tag is a variant this client does not know yet, whatever its shape
    assert select({"kind": "wolf", "barks": True}) == "UnknownVariant"
    assert select({"kind": "lion", "meows": 1}) == "UnknownVariant"
    assert select({"fins": 2, "colour": "red"}) == "UnknownVariant"  # Fish is closed
    assert select({"fins": 2}) == "Fish"
    assert select({"hull": "x"}) == "UnknownVariant"  # fits nothing
    assert select(Flat(rooms=1)) == "UnknownVariant"
    assert discriminate("kind", {"cat": "Cat"})({"meows": 1}) == "UnknownVariant"  # no fallback


def test_discriminate_prefers_the_variant_that_knows_most_keys() -> None:
    fallback = [
        ("Bar", ("$type",), ("$type", "bar", "foo"), False, False),
        ("Qux", ("$type",), ("$type", "bar", "foo", "qux"), False, False),
    ]
    select = discriminate("$type", {"FooBar": "Bar", "BarQux": "Qux"}, fallback=fallback)
    # without the tag the shape decides: a tie goes to the first declared
    fallback = [(t, (), a, c, f) for t, _, a, c, f in fallback]
    select = discriminate("$type", {"FooBar": "Bar", "BarQux": "Qux"}, fallback=fallback)
    assert select({"bar": "b"}) == "Bar"
    assert select({"qux": "q"}) == "Qux"
