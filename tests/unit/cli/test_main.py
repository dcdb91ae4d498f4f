"""The ``alloava`` command itself: registry, parent parsers, the one exit rule, usage errors, lazy imports."""
from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from alloava_analysis import cli
from alloava_analysis.errors import AlloAvaError, ParameterError
from tests.unit.cli.helpers import run

REPO = Path(__file__).resolve().parents[3]


def test_every_registered_command_has_the_three_functions_and_is_in_the_help():
    code, out, _ = run(["--help"])
    assert code == 0
    for name in cli.COMMANDS:
        module = cli.command_module(name)
        assert callable(module.add_arguments) and callable(module.run) and callable(module.format_human)
        assert name in out
        code, text, _ = run([name, "--help"])
        assert code == 0 and "--json" in text and "--quiet" in text, name


@pytest.mark.parametrize("argv", [
    [],                                         # no command
    ["frobnicate"],                             # unknown command
    ["validate"],                               # missing PATH
    ["validate", ".", "--tolerance", "lots"],   # bad option value
    ["validate", ".", "--tolerance", "-1"],     # out of range
    ["convert", ".", "--no-such-flag"],
    ["synth", "out", "--clips", "many"],
    ["synth", "out", "--clips", "0"],
    ["correlate", ".", "--window", "0"],
    ["correlate", ".", "--window", "-1"],
    ["correlate", ".", "--group", "hand"],
    ["rebuild", "m.csv", "--out", "o", "--workers", "0"],
    ["validate", ".", "--workers", "0"],
], ids=["none", "unknown", "no-path", "bad-value", "negative", "bad-flag", "bad-int", "zero-clips", "window-0",
        "window-neg", "group", "workers", "executor-workers"])
def test_usage_errors_exit_2_with_the_usage_line(argv):
    code, out, err = run(argv)
    assert code == 2 and out == "" and "usage:" in err


def test_help_exits_0():
    code, out, _ = run(["--help"])
    assert code == 0 and "validate" in out and "Exit status: 0 success" in " ".join(out.split())


def _fake(monkeypatch, behaviour):
    """Register a command ``fake`` whose run() does ``behaviour(args)``."""
    module = types.ModuleType("alloava_analysis.cli.fake", "A fake command for the tests.")
    module.add_arguments = lambda parser: parser.add_argument("--value", default="x")
    module.run = behaviour
    module.format_human = lambda result: f"fake: {result.get('value')}"
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(cli.COMMANDS, "fake", "a fake command")


@pytest.mark.parametrize("result, code", [
    ({"value": 1, "skipped": [], "failed": []}, 0),
    ({"value": 1}, 0),
    ({"value": 1, "skipped": [{"path": "p", "reason": "r"}], "failed": []}, 1),
    ({"value": 1, "skipped": [], "failed": [{"clip_id": "c", "reason": "r"}]}, 1),
])
def test_one_exit_rule_from_the_skipped_and_failed_lists(monkeypatch, result, code):
    _fake(monkeypatch, lambda args: result)
    assert run(["fake", "--json"])[0] == code
    got, out, _ = run(["fake"])
    assert got == code and out.startswith("fake: 1")


def test_a_parameter_error_is_exit_2_with_a_json_error(monkeypatch):
    def bad(args):
        raise ParameterError("invalid value for --value: expected one of 'a', 'b'; got 'x'", name="--value")
    _fake(monkeypatch, bad)
    code, result, _ = run(["fake", "--json"])
    assert code == 2 and result == {"error": "ParameterError", "exit": 2,
                                    "message": "invalid value for --value: expected one of 'a', 'b'; got 'x'"}


def test_other_toolkit_errors_are_exit_1(monkeypatch):
    def bad(args):
        raise AlloAvaError("the data could not be processed")
    _fake(monkeypatch, bad)
    code, result, _ = run(["fake", "--json"])
    assert code == 1 and result["error"] == "AlloAvaError"


@pytest.mark.parametrize("error", [ValueError("deep"), KeyError("deep"), TypeError("deep")])
def test_other_exceptions_are_exit_1_with_a_json_error_and_a_traceback_only_with_v(monkeypatch, error):
    def bad(args):
        raise error
    _fake(monkeypatch, bad)
    code, result, err = run(["fake", "--json"])  # not a usage error (2), and never a bare traceback
    assert code == 1 and result["error"] == type(error).__name__ and "deep" in result["message"]
    assert "Traceback" not in err and "-v" in err
    code, _, err = run(["fake", "-v"])
    assert code == 1 and "Traceback" in err and "deep" in err


@pytest.mark.parametrize("argv", [["correlate", ".", "--window", "0"], ["audit", "."], ["frobnicate"],
                                  ["validate", ".", "--tolerance", "lots"]])
def test_usage_errors_under_json_print_the_error_object(argv):
    code, result, err = run([*argv, "--json"])
    assert code == 2 and result["error"] == "UsageError" and result["exit"] == 2 and "usage:" in err
    assert result["message"]


@pytest.mark.parametrize("error", [PermissionError(13, "Permission denied", "labels.csv"),
                                   FileNotFoundError(2, "No such file or directory", "deep.json")])
def test_file_system_errors_the_command_meets_are_exit_1_not_usage_errors(monkeypatch, error):
    def bad(args):
        raise error
    _fake(monkeypatch, bad)
    code, result, _ = run(["fake", "--json"])
    assert code == 1 and result["error"] == type(error).__name__ and error.filename in result["message"]


@pytest.mark.parametrize("argv", [["--help"], ["correlate", "--help"], ["correlate", "/nonexistent/corpus"],
                                  ["correlate", ".", "--group", "hand"], ["stats", "/nonexistent/corpus"]])
def test_help_and_usage_errors_load_no_analysis_stack(argv):
    """Parsing imports only the named command's module: no pandas, xarray or scipy."""
    code = ("import sys; from alloava_analysis.cli import main; rc = main(sys.argv[1:]); "
            "heavy = sorted(m for m in ('pandas', 'xarray', 'scipy', 'matplotlib', 'statsmodels') "
            "if m in sys.modules); "
            "print(rc, heavy)")
    proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=REPO,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert proc.stdout.strip().splitlines()[-1] in ("0 []", "2 []"), proc.stdout + proc.stderr


@pytest.mark.parametrize("path_kind, words", [("missing", "no such file or folder"), ("file", "is a file"),
                                              ("empty", "holds none of the modality folders")])
@pytest.mark.parametrize("command", ["validate", "convert", "stats", "correlate"])
def test_a_path_that_is_not_a_corpus_says_so_and_exits_2(tmp_path, command, path_kind, words):
    path = tmp_path / "nope"
    if path_kind == "file":
        path.write_text("not a corpus")
    elif path_kind == "empty":
        path.mkdir()
        (path / "notes").mkdir()
    code, result, _ = run([command, path, "--json", "--quiet"])
    assert code == 2 and result["error"] == "CorpusPathError"
    assert str(path) in result["message"] and words in result["message"]
    assert "audio/" in result["message"] and "keypoints/" in result["message"]  # what was expected
    code, out, err = run([command, path, "--quiet"])
    assert code == 2 and out == "" and words in err


@pytest.mark.parametrize("address", ["bogus", "http://localhost:8787", "", "tcp://host:99999", "tcp://host"])
def test_a_scheduler_that_is_not_a_dask_address_is_a_usage_error_not_a_traceback(address):
    code, out, err = run(["validate", ".", "--scheduler", address])
    assert code == 2 and out == "" and "usage:" in err and "Traceback" not in err
    assert "expected a Dask scheduler address" in err and repr(address) in err


#: Runs the command as the installed entry point would, after registering a native exit-time handler that
#: aborts (as Arrow's thread pools do when torn down while their threads live).
_ABORT_AT_EXIT = ("import ctypes, sys; libc = ctypes.CDLL(None); "
                  "libc.__cxa_atexit(ctypes.cast(libc.abort, ctypes.c_void_p), None, None); "
                  "from alloava_analysis import cli; ")


@pytest.mark.parametrize("entry, expected", [("sys.exit(cli.main(sys.argv[1:]))", -6),  # what the bug looked like
                                             ("cli.console(sys.argv[1:])", 0)])
def test_native_teardown_at_exit_cannot_turn_a_finished_command_into_an_abort(synth_corpus, entry, expected):
    proc = subprocess.run([sys.executable, "-c", _ABORT_AT_EXIT + entry, "convert", str(synth_corpus),
                           "--workers", "1", "--json", "--quiet"], capture_output=True, text=True, cwd=REPO,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == expected, proc.stderr
    assert json.loads(proc.stdout)["clips"] == 3  # the result was flushed before the process ended


def test_convert_through_the_installed_entry_point_exits_0_every_time(synth_corpus):
    for _ in range(3):
        proc = subprocess.run([sys.executable, "-m", "alloava_analysis.cli", "convert", str(synth_corpus), "--force",
                               "--workers", "1", "--quiet"], capture_output=True, text=True, cwd=REPO,
                              env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
        assert proc.returncode == 0, proc.stderr
