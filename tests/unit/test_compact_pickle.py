"""Records crossing from reader workers pickle as (class, field values): equal after the trip, and smaller; a
frozen slots record is built by setting its slots, as the dataclass would build it."""

from __future__ import annotations

import copyreg
import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from jwmodel.compact import compact_pickle
from jwmodel.findings import Finding, Location
from jwmodel.model import ApportionmentRule, Category, Method, Range, SavingLine
from jwmodel.phasing import Profile
from jwmodel.submissions import SourceRecord, Status


def trip(value: object) -> object:
    return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def default_size(value: object) -> int:
    """The pickle's size as the dataclass would pickle without the decorator (its __getstate__)."""
    cls = type(value)
    saved = cls.__reduce__
    try:
        del cls.__reduce__
        return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    finally:
        cls.__reduce__ = saved


def test_a_record_comes_back_equal_and_is_smaller_than_the_default_pickle():
    where = Location("p.xlsx", "Saving lines", "B7")
    line = SavingLine(
        "Legal",
        "Shared team",
        Category.CASHABLE_STAFFING,
        Range(Decimal("-10.5"), Decimal("-20")),
        "HC",
        None,
        "n",
        where,
        Profile("2013/14", (Decimal(50), Decimal(100))),
    )
    record = SourceRecord(
        "p.xlsx",
        "ab" * 32,
        "workstream proposal",
        Status.WARNINGS,
        "1 line",
        (Finding("FTE_BLANK", "blank", where, None),),
    )
    for value in (line, record, where, ApportionmentRule(Method.FIXED, {"HC": Decimal(60), "HCC": Decimal(40)})):
        back = trip(value)
        assert back == value and type(back) is type(value)
        assert len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)) < default_size(value)


def test_a_field_added_later_is_pickled_with_the_rest():
    @compact_pickle
    @dataclass(frozen=True, slots=True)
    class Grown:
        a: int
        b: str = ""
        added: tuple[int, ...] = field(default=())

    globals()["Grown"] = Grown  # pickle finds classes by their module-level name
    Grown.__qualname__ = "Grown"
    try:
        assert trip(Grown(1, "x", (2, 3))) == Grown(1, "x", (2, 3))
        assert Grown(1, "x", (2, 3)).__reduce__() == (Grown, (1, "x", (2, 3)))
    finally:
        del globals()["Grown"]


def test_a_one_field_record_pickles_its_value_in_a_tuple():
    @compact_pickle
    @dataclass(frozen=True)
    class One:
        value: int

    assert One(5).__reduce__() == (One, (5,))


def test_a_class_that_cannot_be_rebuilt_by_a_call_is_refused():
    @dataclass(frozen=True)
    class Hidden:
        a: int
        b: int = field(default=0, init=False)

    with pytest.raises(TypeError, match="does not take"):
        compact_pickle(Hidden)

    @dataclass(frozen=True, init=False)
    class Reordered:
        a: int
        b: int

        def __init__(self, b: int, a: int) -> None:
            object.__setattr__(self, "a", a)
            object.__setattr__(self, "b", b)

    with pytest.raises(TypeError, match="in order"):
        compact_pickle(Reordered)
    with pytest.raises(TypeError, match="not a dataclass"):
        compact_pickle(int)


def test_the_default_state_pickle_is_not_what_records_use():
    # the decorator replaces the slots dataclass's __getstate__/copyreg route, not just wraps it
    assert Location.__reduce__ is not object.__reduce__
    assert Location("f").__reduce__()[0] is Location and copyreg.__newobj__ not in Location("f").__reduce__()


@dataclass(frozen=True, slots=True)
class _Plain:
    """A twin of _Fast without the decorator: what the dataclass's own __init__ builds."""

    a: int
    b: str = "b"
    c: tuple[int, ...] = ()


@compact_pickle
@dataclass(frozen=True, slots=True)
class _Fast:
    a: int
    b: str = "b"
    c: tuple[int, ...] = ()


def _fields(value: object) -> tuple[object, ...]:
    return tuple(getattr(value, f) for f in ("a", "b", "c"))


def test_a_frozen_slots_record_is_built_by_setting_its_slots_with_the_dataclass_signature():
    # the decorator's __init__ (not the dataclass's, which sets each field through object.__setattr__)
    assert "_jw_set_0" in _Fast.__init__.__globals__ and "_jw_set_0" not in _Plain.__init__.__globals__
    assert inspect.signature(_Fast.__init__) == inspect.signature(_Plain.__init__)
    for args, kwargs in (((1,), {}), ((1, "x"), {}), ((1,), {"c": (2,)}), ((), {"c": (3,), "a": 4, "b": ""})):
        assert _fields(_Fast(*args, **kwargs)) == _fields(_Plain(*args, **kwargs))
    with pytest.raises(TypeError):
        _Fast()  # a is required, as it is for the dataclass
    with pytest.raises(TypeError):
        _Fast(1, "b", (), 4)  # no fourth field
    with pytest.raises(dataclasses.FrozenInstanceError):
        _Fast(1).a = 2  # type: ignore[misc]
    assert _Fast(1, "x") == _Fast(1, "x") and hash(_Fast(1, "x")) == hash(_Fast(1, "x"))


def test_a_record_whose_init_does_more_keeps_the_dataclass_init():
    @compact_pickle
    @dataclass(frozen=True, slots=True)
    class Checked:
        items: tuple[int, ...]

        def __post_init__(self) -> None:
            object.__setattr__(self, "items", tuple(self.items))

    @compact_pickle
    @dataclass(frozen=True, slots=True)
    class Factory:
        items: tuple[int, ...] = field(default_factory=tuple)

    @compact_pickle
    @dataclass(frozen=True)
    class Unslotted:
        a: int

    assert Checked([1, 2]).items == (1, 2)  # __post_init__ still runs
    assert Factory().items == ()
    for cls in (Checked, Factory, Unslotted):
        assert "_jw_set_0" not in cls.__init__.__globals__
    # and the engine's records that have a __post_init__ keep theirs
    assert ApportionmentRule(Method.FIXED, {"HC": Decimal(100)}).percentages == {"HC": Decimal(100)}
    assert "_jw_set_0" not in ApportionmentRule.__init__.__globals__
    assert "_jw_set_0" in Location.__init__.__globals__ and "_jw_set_0" in SavingLine.__init__.__globals__
