"""Shared parent parsers, argument types and the exit rule of every ``alloava`` command.

Nothing here imports numpy, pandas or the analysis code: parsing must stay fast.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

from .. import checks as options
from ..errors import ParameterError
from ..parallel import check_scheduler

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# -- parent parsers ---------------------------------------------------------------------------
def output_parser() -> argparse.ArgumentParser:
    """``--json``, ``--quiet``, ``-v/--verbose``: every command has them.

    Returns
    -------
    argparse.ArgumentParser
        A parent parser (no ``--help``).
    """
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("output")
    group.add_argument("--json", action="store_true", help="print one JSON object on stdout (logs stay on stderr)")
    group.add_argument("--quiet", action="store_true", help="no progress bars")
    group.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    return parser


def corpus_parser() -> argparse.ArgumentParser:
    """``PATH`` (a corpus folder in the Allo-AVA layout) and ``--labels CSV``.

    Returns
    -------
    argparse.ArgumentParser
        A parent parser (no ``--help``).
    """
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("corpus")
    group.add_argument("path", type=Path, metavar="PATH",
                       help="corpus folder with video/ audio/ transcript/ keypoints/ keypoints_video/")
    group.add_argument("--labels", type=Path, metavar="CSV",
                       help="demographic labels CSV keyed by clip_id (default: PATH/labels.csv when present)")
    return parser


def seed_parser(default: int = 0) -> argparse.ArgumentParser:
    """``--seed S``: the seed of every random draw of the command.

    Parameters
    ----------
    default
        The seed when ``--seed`` is not given.

    Returns
    -------
    argparse.ArgumentParser
        A parent parser (no ``--help``).
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--seed", type=int, default=default, help=f"random seed (default {default})")
    return parser


def executor_parser() -> argparse.ArgumentParser:
    """``--workers N`` and ``--scheduler ADDRESS``: where the clips run (see :mod:`alloava_analysis.parallel`).

    Returns
    -------
    argparse.ArgumentParser
        A parent parser (no ``--help``).
    """
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("execution")
    group.add_argument("--workers", type=positive_int, default=None,
                       help="clips in parallel local processes (default: every core; 1 = in this process)")
    group.add_argument("--scheduler", metavar="ADDRESS", type=scheduler_address,
                       help="run clips on this Dask cluster (tcp://host:8786); the workers must see PATH at the "
                            "same path")
    return parser


# -- argument types: the same checks as the library's, reported as usage errors by argparse ----
def _as_type(name: str, convert: Callable[[str], Any], check: Callable[..., Any], **kw: Any) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {name}, got {text!r}") from None
        try:
            return check("value", value, **kw)
        except ParameterError as err:
            raise argparse.ArgumentTypeError(str(err).split(": ", 1)[1]) from None
    parse.__name__ = name  # argparse names the type in some messages
    return parse


positive_float = _as_type("a number > 0", float, options.check_positive)
nonnegative_float = _as_type("a number >= 0", float, options.check_nonnegative)
positive_int = _as_type("an integer >= 1", int, options.check_int, minimum=1)
nonnegative_int = _as_type("an integer >= 0", int, options.check_int, minimum=0)


def scheduler_address(text: str) -> str:
    """``--scheduler``: a Dask scheduler address, ``PROTOCOL://host:port`` or ``host:port``.

    Parameters
    ----------
    text
        The option's value.

    Returns
    -------
    str
        ``text`` unchanged, when it is an address a Dask client can connect to
        (:func:`alloava_analysis.parallel.check_scheduler`).
    """
    try:
        check_scheduler(text)
    except ParameterError as err:
        raise argparse.ArgumentTypeError(str(err).removeprefix("invalid value for scheduler: ")) from None
    return text


def choices_help(text: str, allowed: tuple | list) -> str:
    """``text`` followed by the allowed values, for ``help=`` (the same list argparse's error gives).

    Parameters
    ----------
    text
        The option's help.
    allowed
        Its allowed values, in the order to list them.

    Returns
    -------
    str
        ``"<text>: <value>, <value>, ..."``.
    """
    return f"{text}: {', '.join(map(str, allowed))}"


# -- the one exit rule ------------------------------------------------------------------------
def problems(result: dict) -> list[dict]:
    """The result's ``skipped`` and ``failed`` entries (``{clip_id or path, reason, ...}``).

    Parameters
    ----------
    result
        A command's result (the ``--json`` object).

    Returns
    -------
    list of dict
        The ``skipped`` entries, then the ``failed`` ones (empty when it has neither).
    """
    return list(result.get("skipped") or []) + list(result.get("failed") or [])


def exit_status(result: dict) -> int:
    """0 when nothing was skipped or failed, else 1 (usage errors, exit 2, never get a result).

    Parameters
    ----------
    result
        A command's result (the ``--json`` object).

    Returns
    -------
    int
        :data:`EXIT_OK` or :data:`EXIT_FAILED`.
    """
    return EXIT_FAILED if problems(result) else EXIT_OK
