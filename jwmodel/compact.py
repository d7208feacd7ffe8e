"""Records that pickle compactly and are built quickly: what crosses from a reader worker to the main process,
thousands of times.

A frozen dataclass with slots pickles by default as its class, an empty tuple and a list of its field
values, and unpickles by setting each field again through ``object.__setattr__``: about half of it is
that bookkeeping. :func:`compact_pickle` gives a class a ``__reduce__`` that pickles it as its class
and its field values, rebuilt by calling the class: half the bytes and half the time each way, and
anything ``__post_init__`` ensures (a tuple, a frozen mapping, an enum) is ensured again.

The values are taken from :func:`dataclasses.fields` of the decorated class, so a field added later
is pickled with the rest and nothing here changes. Only fields taken by ``__init__``, in its order,
are pickled: the decorator refuses a class whose ``__init__`` would not take them back.

A frozen dataclass's own ``__init__`` sets each field through ``object.__setattr__`` (a frozen class's
``__setattr__`` refuses); where the class is frozen, has slots, and its ``__init__`` is the dataclass's
own with nothing more to do (no ``__post_init__``, no default factory, no init-only variable), the
decorator puts in its place one with the same signature that sets each slot through the slot's own
descriptor: the same object in half the time (the reader builds dozens a file, the main process
unpickles them). Any other class keeps its ``__init__``.
"""

from __future__ import annotations

import dataclasses
import inspect
import operator
import types
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["compact_pickle"]

T = TypeVar("T", bound=type)


def compact_pickle(cls: T) -> T:
    """Class decorator (outermost, above ``@dataclass``): pickle instances as ``(cls, field values)``.

    Raises:
        TypeError: ``cls`` is not a dataclass, has a field ``__init__`` does not take, or an
            ``__init__`` whose positional parameters are not its fields in order.
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    names = tuple(f.name for f in dataclasses.fields(cls))
    if any(not f.init for f in dataclasses.fields(cls)):
        raise TypeError(f"{cls.__name__} has a field its __init__ does not take: it cannot be rebuilt by a call")
    parameters = tuple(inspect.signature(cls.__init__).parameters)[1:]
    if parameters[: len(names)] != names:
        raise TypeError(f"{cls.__name__}.__init__ does not take its fields {names} in order (it takes {parameters})")
    if len(names) == 1:
        get_one = operator.attrgetter(names[0])

        def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
            return cls, (get_one(self),)

    else:
        get_all = operator.attrgetter(*names)

        def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
            return cls, get_all(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]
    init = _slot_init(cls, names)
    if init is not None:
        cls.__init__ = init  # type: ignore[misc]
    return cls


def _slot_init(cls: type, names: tuple[str, ...]) -> Callable[..., None] | None:
    """The dataclass's ``__init__`` made again to set each slot through its descriptor, or None where the class
    is not frozen with slots, or its ``__init__`` does more than set its fields (see the module docstring)."""
    params = getattr(cls, "__dataclass_params__", None)
    own = cls.__dict__.get("__init__")
    if (
        params is None
        or not (params.frozen and params.init)
        or hasattr(cls, "__post_init__")
        or getattr(getattr(own, "__code__", None), "co_filename", "") != "<string>"  # not the dataclass's own
        or any(f.default_factory is not dataclasses.MISSING for f in dataclasses.fields(cls))
    ):
        return None
    signature = inspect.signature(own)
    parameters = tuple(signature.parameters.values())[1:]
    if tuple(p.name for p in parameters) != names or any(
        p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters
    ):
        return None  # an init-only variable, keyword-only fields: left to the dataclass
    setters = [cls.__dict__.get(name) for name in names]
    if not all(isinstance(d, types.MemberDescriptorType) for d in setters):
        return None
    space: dict[str, Any] = {f"_jw_set_{i}": d.__set__ for i, d in enumerate(setters)}
    space.update({f"_jw_default_{i}": p.default for i, p in enumerate(parameters) if p.default is not p.empty})
    given = (p.name if p.default is p.empty else f"{p.name}=_jw_default_{i}" for i, p in enumerate(parameters))
    arguments = ", ".join(given)
    body = "".join(f"    _jw_set_{i}(self, {name})\n" for i, name in enumerate(names))
    exec(f"def __init__(self, {arguments}):\n{body}", space)  # noqa: S102 - our own names, as dataclasses does
    init = space["__init__"]
    init.__qualname__, init.__module__ = own.__qualname__, own.__module__
    init.__annotations__, init.__doc__ = dict(own.__annotations__), own.__doc__
    return init
