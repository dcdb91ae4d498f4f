"""The ``alloava`` command: one module per subcommand.

With ``--json`` each command prints one JSON object on stdout; logs and
progress bars go to stderr. One exit rule for every command: 0 success; 1 when
the result's ``skipped`` or ``failed`` list is non-empty (lists of
``{clip_id or path, reason}``: the rest was processed and reported); 2 for a
usage error (argparse's, or a :class:`~alloava_analysis.errors.ParameterError`
raised by an option check before any clip is loaded). With ``--json`` every
error, usage errors included, is one JSON object ``{error, message, exit}`` on
stdout; an unexpected exception is exit 1 with its traceback only under ``-v``.
Ctrl-C (SIGINT) and SIGTERM stop a command cleanly: workers are ended,
temporary files removed, one line says so, and the exit status is 128 + the
signal's number (130, 143). The installed command ends through :func:`console`,
which skips the native libraries' teardown at exit, so a finished command's
exit status is its own.

Adding a command
----------------
1. Write ``alloava_analysis/cli/<name>.py`` with three functions::

       def add_arguments(parser: argparse.ArgumentParser) -> None   # options of the command
       def run(args: argparse.Namespace) -> dict                     # the result (the --json object)
       def format_human(result: dict) -> str                         # what people read without --json

   Its docstring's first line is the command's description. Import heavy
   modules (numpy, pandas, the analysis code) inside ``run``, never at the top:
   the module is imported to parse arguments. Take the shared options from
   :mod:`.common` parent parsers (every command gets the output options; a module
   asks for more with ``PARENTS = ("corpus", "seed", "executor")``), check option
   values with :mod:`alloava_analysis.checks` (or the argparse types in
   :mod:`.common`), and use :mod:`.human` for numbers and columns. Put things not
   processed in ``skipped`` and errors in ``failed``,
   both ``[{clip_id or path, reason}]``; give other lists other names.
2. Add one line to :data:`COMMANDS`: ``"<name>": "<one-line help>"``.
3. Add ``tests/unit/cli/test_<name>.py`` driving it through :func:`main`
   (human and ``--json`` output, its skipped/failed paths).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import os
import signal
import sys
import threading
import traceback
from types import ModuleType

from ..errors import AlloAvaError, ParameterError
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    corpus_parser,
    executor_parser,
    exit_status,
    output_parser,
    seed_parser,
)

#: command name -> one-line help; the command lives in ``alloava_analysis/cli/<name>.py``.
COMMANDS: dict[str, str] = {
    "synth": "write a synthetic corpus with planted effects",
    "validate": "check every clip of a corpus",
    "convert": "fill the columnar (Parquet) store from the JSON",
    "stats": "corpus statistics next to the published claims",
    "correlate": "speech rate vs movement intensity: correlation with CIs, lags, mutual information",
    "extract": "video -> 48 kHz audio, transcript and keypoints",
    "fetch": "download a subset of avalab/Allo-AVA from Hugging Face",
    "rebuild": "re-create clips from source videos listed in a manifest (resumable, parallel, Dask)",
    "audit": "demographic representation (clips, hours) and quality/behaviour by group, small cells suppressed",
    "evaluate": "generated vs real motion and talking heads: FGD (kinetic, geometric), APD, beat alignment, jerk, "
                "blinks",
    "export": "write a corpus in other tools' formats: netcdf (movement), eaf (ELAN), textgrid (Praat), pose, "
              "parquet, csv",
    "gestures": "per-gesture kinematics: submovements, holds, peak speed, McNeill gesture space (CSV, ELAN/Praat "
                "tiers)",
    "labs": "course labs: release student notebooks and an offline autograder; grade submissions into a gradebook",
}
DESCRIPTION = ("Analysis toolkit for the Allo-AVA speech-gesture corpus. With --json a command prints one JSON "
               "object on stdout (logs and progress bars go to stderr). Exit status: 0 success; 1 some clips or "
               "files were skipped or failed (listed; the rest was processed); 2 usage error.")
log = logging.getLogger(__name__)

#: the shared parent parsers a command may ask for in its module's ``PARENTS`` tuple
PARENT_PARSERS = {"corpus": corpus_parser, "seed": seed_parser, "executor": executor_parser}

__all__ = ["COMMANDS", "EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "command_module", "main"]


def command_module(name: str) -> ModuleType:
    """The module of command ``name`` (imported on first use).

    Parameters
    ----------
    name
        A command name, one of the keys of :data:`COMMANDS`.

    Returns
    -------
    module
        ``alloava_analysis.cli.<name>``.
    """
    return importlib.import_module(f"{__name__}.{name}")


class UsageError(ParameterError):
    """A command line argparse cannot parse (an unknown option, a missing argument, a bad value)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are :class:`UsageError` (so ``--json`` can report them as JSON)."""

    def error(self, message: str):  # noqa: D102 - argparse's hook
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: {message}")


def build_parser(*, only: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``alloava``.

    Parameters
    ----------
    only
        Build the options of this command only (the others are listed with
        their help but not imported), so that parsing one command never loads
        the modules of the others. None builds every command.

    Returns
    -------
    argparse.ArgumentParser
        The parser (its errors raise :class:`UsageError`).
    """
    parser = _Parser(prog="alloava", description=DESCRIPTION,
                                     epilog="`alloava COMMAND --help` shows the options of a command.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if only is not None and name != only:
            sub.add_parser(name, help=help_text, add_help=False)
            continue
        module = command_module(name)
        parents = [output_parser()] + [PARENT_PARSERS[p]() for p in getattr(module, "PARENTS", ())]
        description = (module.__doc__ or help_text).strip().split("\n\n")[0]
        p = sub.add_parser(name, parents=parents, help=help_text, description=description,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(p)
    return parser


def _command_in(argv: list[str]) -> str | None:
    """The command named on the command line (the first word that is not an option), if it is known."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS else None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``alloava`` command.

    Parameters
    ----------
    argv
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 success, 1 some clips failed or the data could not be processed, 2 usage error.
    """
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    command = _command_in(argv)
    parser = build_parser(only=command) if command else build_parser(only="")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0)
        return EXIT_USAGE if exc.code else EXIT_OK
    except UsageError as err:
        return _fail(argparse.Namespace(command=command or "", json="--json" in argv), err, EXIT_USAGE)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    module = command_module(args.command)
    try:
        with _signals_stop_the_command():
            result = module.run(args)
    except _Stopped as err:  # Ctrl-C or SIGTERM: the finally blocks on the way out ended workers, removed temporaries
        return _fail(args, err, 128 + err.signum)
    except ParameterError as err:  # an option or input path the command cannot use: a usage error
        return _fail(args, err, EXIT_USAGE)
    except AlloAvaError as err:  # the data could not be processed at all
        return _fail(args, err, EXIT_FAILED)
    except OSError as err:  # a file could not be read or written (permissions, a full disk): reported, exit 1
        return _fail(args, err, EXIT_FAILED)
    except Exception as err:  # noqa: BLE001 - a bug or an unforeseen input: reported like any failure
        if args.verbose:
            traceback.print_exc(file=sys.stderr)
        else:
            log.debug("unexpected error", exc_info=True)
        return _fail(args, err, EXIT_FAILED, hint="run with -v for the traceback" if not args.verbose else None)
    _emit(args, result, module.format_human)
    return exit_status(result)


def console(argv: list[str] | None = None) -> None:
    """Entry point of the installed ``alloava`` command: :func:`main`, then the process ends with its status.

    Python's own exit work runs (non-daemon threads joined, ``atexit``
    handlers, streams flushed), then the process ends with ``os._exit``,
    skipping C++ static destructors: Arrow's Parquet thread pools (which
    ``convert`` starts) torn down while their threads live abort with
    ``terminate called without an active exception`` (exit 134) after the
    work succeeded (apache/arrow#34314).

    Parameters
    ----------
    argv
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    None
        Never returns: the process exits with :func:`main`'s status (120 when stdout cannot be flushed).
    """
    code = main(argv)
    os._exit(_finish_python(code))


def _finish_python(code: int) -> int:
    """Do the exit work the interpreter would do before native teardown; the status to exit with."""
    import atexit

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()  # logging.shutdown, multiprocessing's and weakref.finalize's handlers
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: the output did not all arrive
            code = code or 120  # what Python itself exits with when it cannot flush stdout
    return code


def _emit(args: argparse.Namespace, result: dict, human) -> None:
    if args.json:
        from ..io.jsonable import to_jsonable

        json.dump(to_jsonable(result), sys.stdout, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(human(result))


class _Stopped(KeyboardInterrupt):
    """Ctrl-C or SIGTERM while a command runs."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}; workers ended and temporary files removed")


def _raise_stopped(signum: int, frame) -> None:
    for other in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the clean-up short
        signal.signal(other, signal.SIG_IGN)
    raise _Stopped(signum)


@contextlib.contextmanager
def _signals_stop_the_command():
    """SIGINT and SIGTERM raise :class:`_Stopped` in the command, so its ``finally`` blocks clean up."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = {signum: signal.signal(signum, _raise_stopped) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    except _Stopped:
        raise
    except KeyboardInterrupt:  # a SIGINT raised elsewhere (the default handler, in a library)
        raise _Stopped(signal.SIGINT) from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _fail(args: argparse.Namespace, err: Exception, code: int, *, hint: str | None = None) -> int:
    print(f"alloava {args.command}: error: {err}" + (f" ({hint})" if hint else ""), file=sys.stderr)
    if getattr(args, "json", False):
        json.dump({"error": type(err).__name__, "message": str(err), "exit": code}, sys.stdout)
        sys.stdout.write("\n")
    return code
