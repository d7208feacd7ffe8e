"""Records that pickle compactly: what crosses from a reader worker to the main process, thousands of times.

A frozen dataclass with slots pickles by default as its class, an empty tuple and a list of its field
values, and unpickles by setting each field again through ``object.__setattr__``: about half of it is
that bookkeeping. :func:`compact_pickle` gives a class a ``__reduce__`` that pickles it as its class
and its field values, rebuilt by calling the class: half the bytes and half the time each way, and
anything ``__post_init__`` ensures (a tuple, a frozen mapping, an enum) is ensured again.

The values are taken from :func:`dataclasses.fields` of the decorated class, so a field added later
is pickled with the rest and nothing here changes. Only fields taken by ``__init__``, in its order,
are pickled: the decorator refuses a class whose ``__init__`` would not take them back.
"""

from __future__ import annotations

import dataclasses
import inspect
import operator
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
    return cls
