"""Course labs for instructors: release (student notebooks + offline autograder) and grade (a gradebook CSV).

``alloava labs release SOURCES OUT`` reads the assignment sources (solution notebooks with otter-style
``# BEGIN QUESTION`` / ``# BEGIN SOLUTION`` markers, hidden tests in ``SOURCES/tests/``) and writes
``OUT/student/`` (hand this out) and ``OUT/autograder/`` + ``OUT/autograder.zip`` (keep it). ``alloava labs grade
AUTOGRADER SUBMISSIONS OUT --lab lab01`` runs every submitted notebook offline, grades its answers with the hidden
tests and writes ``OUT/gradebook.csv`` and ``OUT/feedback/<student>.txt``.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import human

ACTIONS = {"release": ("SOURCES", "OUT"), "grade": ("AUTOGRADER", "SUBMISSIONS", "OUT")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=tuple(ACTIONS),
                        help="release: SOURCES OUT; grade: AUTOGRADER SUBMISSIONS OUT")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="the folders the action takes, in order")
    parser.add_argument("--lab", help="grade: which lab the submissions are (lab01, ...)")
    parser.add_argument("--wheel", type=Path, help="release: a prebuilt alloava_analysis wheel (default: build one "
                                                   "from this source tree, offline)")
    parser.add_argument("--timeout-s", type=int, default=600, help="grade: the most seconds one cell may run")


def run(args: argparse.Namespace) -> dict:
    from ..errors import ParameterError

    names = ACTIONS[args.action]
    if len(args.paths) != len(names):
        raise ParameterError(f"invalid value for PATH: 'alloava labs {args.action}' takes {' '.join(names)}, got "
                             f"{len(args.paths)} path(s)", name="paths")
    if args.action == "release":
        from ..labs.assign import release

        result = release(args.paths[0], args.paths[1], wheel=args.wheel)
        return {"action": "release", **result}
    if not args.lab:
        raise ParameterError("invalid value for --lab: 'alloava labs grade' needs --lab (e.g. lab01)", name="lab")
    from ..labs.autograde import grade_submissions

    result = grade_submissions(args.paths[0], args.lab, args.paths[1], args.paths[2], timeout_s=args.timeout_s,
                               progress=not args.quiet)
    return {"action": "grade", **result}


def format_human(result: dict) -> str:
    if result["action"] == "release":
        labs = ", ".join(f"{lab} ({sum(v['points'].values()):g} points)" for lab, v in result["labs"].items())
        return (f"released {labs}\nstudent notebooks: {result['student']} (hand these out)\n"
                f"autograder: {result['autograder']} and {result['zip']} (keep these; wheel "
                f"{Path(result['wheel']).name})")
    total = sum(result["points"].values())
    lines = [f"graded {human.num(len(result['rows']))} submission(s) of {result['lab']} -> {result['gradebook']}"]
    lines += [f"  {row['student']}: {row['total']:g} / {total:g}" for row in result["rows"]]
    lines.append(f"feedback per student: {result['feedback']}")
    lines += [f"  not run to the end: {f['path']}: {f['reason']}" for f in result["failed"]]
    return "\n".join(lines)
