"""Checks of option values at function entry, in the style of MNE's ``_check_option``.

Each check returns the value (so ``window_s = check_positive("window_s", window_s)``
reads naturally) or raises :class:`~alloava_analysis.errors.ParameterError`
whose message names the option, what is allowed and what was given. Call them
first thing in a public function, before any file is read, so that a bad option
is one clear error instead of one failure per clip.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

from .errors import ParameterError

__all__ = ["check_option", "check_options", "check_positive", "check_nonnegative", "check_range", "check_int"]


def _show(value: Any) -> str:
    return repr(value)


def check_option(name: str, value: Any, allowed: Iterable[Any], *, extra: str = "") -> Any:
    """``value`` if it is one of ``allowed``; else a ParameterError listing them.

    Parameters
    ----------
    name
        The option's name as the user wrote it (``"group"``, ``"--group"``).
    value
        The given value.
    allowed
        The allowed values (listed in this order in the message).
    extra
        A hint appended to the message (what the values mean, where they come from).

    Returns
    -------
    object
        ``value``, unchanged.
    """
    allowed = tuple(allowed)
    if value in allowed:
        return value
    listing = ", ".join(_show(a) for a in allowed)
    message = f"invalid value for {name}: expected one of {listing}; got {_show(value)}"
    if extra:
        message += f" ({extra})"
    raise ParameterError(message, name=name, allowed=allowed)


def check_options(name: str, values: Iterable[Any], allowed: Iterable[Any]) -> list:
    """Every item of ``values`` checked with :func:`check_option`; returned as a list.

    Parameters
    ----------
    name
        The option's name as the user wrote it.
    values
        The given values: a list, tuple or other iterable (a single string is refused).
    allowed
        The allowed values.

    Returns
    -------
    list
        ``values`` as a list, in the given order.
    """
    allowed = tuple(allowed)
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        listing = ", ".join(_show(a) for a in allowed)
        raise ParameterError(f"invalid value for {name}: expected a list of values from {listing}; got {_show(values)}",
                             name=name, allowed=allowed)
    return [check_option(name, v, allowed) for v in values]


def _check_number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
        raise ParameterError(f"invalid value for {name}: expected a number, got {_show(value)}", name=name)
    return value


def _check_above_zero(name: str, value: Any, *, strict: bool, allow_none: bool) -> Any:
    if value is None and allow_none:
        return value
    _check_number(name, value)
    if not ((0 < value if strict else 0 <= value) and value < math.inf):
        bound = "> 0" if strict else ">= 0"
        raise ParameterError(f"invalid value for {name}: expected a number {bound}, got {_show(value)}", name=name)
    return value


def check_positive(name: str, value: Any, *, allow_none: bool = False) -> Any:
    """``value`` if it is a finite number > 0 (or None when ``allow_none``).

    Parameters
    ----------
    name
        The option's name as the user wrote it.
    value
        The given value.
    allow_none
        Accept None (meaning "not set").

    Returns
    -------
    object
        ``value``, unchanged.
    """
    return _check_above_zero(name, value, strict=True, allow_none=allow_none)


def check_nonnegative(name: str, value: Any, *, allow_none: bool = False) -> Any:
    """``value`` if it is a finite number >= 0 (or None when ``allow_none``).

    Parameters
    ----------
    name
        The option's name as the user wrote it.
    value
        The given value.
    allow_none
        Accept None (meaning "not set").

    Returns
    -------
    object
        ``value``, unchanged.
    """
    return _check_above_zero(name, value, strict=False, allow_none=allow_none)


def check_range(name: str, value: Any, low: float | None = None, high: float | None = None, *,
                inclusive: tuple[bool, bool] = (True, True), allow_none: bool = False) -> Any:
    """``value`` if it lies in the interval from ``low`` to ``high`` (either end may be open or absent).

    Parameters
    ----------
    name
        The option's name as the user wrote it.
    value
        The given value; NaN is refused.
    low, high
        The interval's ends; None leaves that side unbounded.
    inclusive
        Whether ``low`` and ``high`` themselves are allowed (closed ends).
    allow_none
        Accept None (meaning "not set").

    Returns
    -------
    object
        ``value``, unchanged.
    """
    if not (isinstance(inclusive, tuple) and len(inclusive) == 2 and all(isinstance(i, bool) for i in inclusive)):
        raise ParameterError(f"invalid value for inclusive: expected a pair of booleans (low end, high end), "
                             f"got {_show(inclusive)}", name="inclusive")
    if value is None and allow_none:
        return value
    _check_number(name, value)
    lo_ok = low is None or (value >= low if inclusive[0] else value > low)
    hi_ok = high is None or (value <= high if inclusive[1] else value < high)
    if not (lo_ok and hi_ok):
        left = "" if low is None else f"{'[' if inclusive[0] else '('}{low}"
        right = "" if high is None else f"{high}{']' if inclusive[1] else ')'}"
        interval = f"{left or '(-inf'}, {right or 'inf)'}"
        raise ParameterError(f"invalid value for {name}: expected a number in {interval}, got {_show(value)}",
                             name=name)
    return value


def check_int(name: str, value: Any, *, minimum: int | None = None, allow_none: bool = False) -> Any:
    """``value`` if it is an integer (not a bool), at least ``minimum`` when given.

    Parameters
    ----------
    name
        The option's name as the user wrote it.
    value
        The given value; numpy integers count, floats such as ``3.0`` do not.
    minimum
        The smallest allowed value; None for no lower bound.
    allow_none
        Accept None (meaning "not set").

    Returns
    -------
    object
        ``value``, unchanged.
    """
    if value is None and allow_none:
        return value
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ParameterError(f"invalid value for {name}: expected an integer, got {_show(value)}", name=name)
    if minimum is not None and value < minimum:
        raise ParameterError(f"invalid value for {name}: expected an integer >= {minimum}, got {_show(value)}",
                             name=name)
    return value
