"""Grade a folder of submitted lab notebooks with the autograder of :func:`~alloava_analysis.labs.assign.release`.

Offline, without Docker:

1. the autograder's ``alloava_analysis`` wheel is installed into a private folder (``pip install --target``,
   no index, no dependencies: those come from this environment);
2. each submission runs in its own kernel with that folder first on ``PYTHONPATH`` and the release's settings
   forced after its parameters cell; only its answers come out, as JSON (:mod:`.answers`);
3. the hidden tests run in one separate process (the wheel's package, never any student code): each lab's
   ``reference(settings)`` is computed from the data once, then every submission's answers are checked;
4. ``gradebook.csv`` (one row per student: points per question, total) and ``feedback/<student>.txt``.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from ..checks import check_int
from ..errors import AlloAvaError, ParameterError
from ..io.notebooks import kernel_config, read_notebook, write_text

__all__ = ["collect_answers", "grade_solutions", "grade_submissions", "install_wheel", "load_autograder",
           "run_hidden_tests"]

DUMP_CELL = """\
import json as _alloava_json
from alloava_analysis.labs.answers import encode_answers as _alloava_encode
with open({path!r}, "w", encoding="utf-8") as _alloava_file:
    _alloava_json.dump(_alloava_encode(globals()), _alloava_file)
"""


def load_autograder(path: str | Path, work_dir: str | Path) -> tuple[Path, dict]:
    """The autograder folder (a zip is unpacked into ``work_dir``) and its ``config.json``.

    Parameters
    ----------
    path
        The ``autograder`` folder or ``autograder.zip`` written by :func:`~alloava_analysis.labs.assign.release`.
    work_dir
        Where a zip is unpacked.

    Returns
    -------
    tuple
        ``(folder, config)``.
    """
    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        folder = Path(work_dir) / "autograder"
        if folder.exists():
            shutil.rmtree(folder)
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.startswith("/") or ".." in Path(member).parts:
                    raise AlloAvaError(f"{path}: member {member!r} would be written outside the autograder folder")
            archive.extractall(folder)
        path = folder
    config_path = path / "config.json"
    if not config_path.is_file():
        raise ParameterError(f"invalid value for autograder: {path} has no config.json; expected the autograder "
                             "folder or zip written by 'alloava labs release'", name="autograder")
    config = json.loads(config_path.read_text(encoding="utf-8"))
    for key in ("labs", "settings", "wheel"):
        if key not in config:
            raise AlloAvaError(f"{config_path}: no {key!r}; expected labs, settings and wheel")
    return path, config


def install_wheel(wheel: str | Path, target: str | Path) -> Path:
    """Install the wheel into ``target`` (``pip install --target``, offline, without dependencies).

    Parameters
    ----------
    wheel
        The ``alloava_analysis`` wheel shipped in the autograder.
    target
        The folder (replaced when it exists).

    Returns
    -------
    Path
        ``target``, to put first on ``PYTHONPATH``.
    """
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--no-compile", "-q",
                           "--target", str(target), str(wheel)], capture_output=True, text=True, check=False)
    if proc.returncode or not (target / "alloava_analysis").is_dir():
        raise AlloAvaError(f"installing {wheel} into {target} failed (pip exit {proc.returncode}): "
                           f"{proc.stderr.strip()[-800:]}")
    return target


def _environment(site: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(site)
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _force_settings(nb: dict, settings: dict[str, Any], dump_path: Path) -> dict:
    import nbformat

    forced = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in settings.items()))
    cells = list(nb["cells"])
    at = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    cells.insert(at, forced)
    cells.append(nbformat.v4.new_code_cell(DUMP_CELL.format(path=str(dump_path))))
    cells = [{**cell, "id": f"graded-{i}"} for i, cell in enumerate(cells)]  # unique, whatever the student did
    return {**nb, "cells": cells, "nbformat": 4, "nbformat_minor": max(5, int(nb.get("nbformat_minor", 5)))}


def collect_answers(submission: str | Path, out_json: str | Path, *, site: str | Path, settings: dict[str, Any],
                    timeout_s: int = 600) -> dict:
    """Run one submission in a fresh kernel and write its answers (as data) to ``out_json``.

    Parameters
    ----------
    submission
        A student's notebook.
    out_json
        Where the answers go (:func:`~alloava_analysis.labs.answers.encode_answers`).
    site
        The folder the wheel was installed into (first on the kernel's ``PYTHONPATH``).
    settings
        Notebook variables forced after the parameters cell (the release's settings).
    timeout_s
        The most seconds one cell may run.

    Returns
    -------
    dict
        ``errors``: how many cells raised (the run goes on after an error), ``ok``: whether the answers were written.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from traitlets.config import Config

    check_int("timeout_s", timeout_s, minimum=1)
    out_json = Path(out_json)
    if out_json.exists():
        out_json.unlink()
    nb = nbformat.reads(json.dumps(_force_settings(read_notebook(submission), settings, out_json.resolve())),
                        as_version=4)
    with tempfile.TemporaryDirectory(prefix="alloava-grade-") as cwd:
        client = NotebookClient(nb, timeout=timeout_s, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": cwd}}, config=Config(kernel_config(cwd)))
        try:
            client.execute(env=_environment(Path(site)), cwd=cwd)
            reason = ""
        except (CellExecutionError, CellTimeoutError, DeadKernelError, RuntimeError) as err:
            reason = f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err).strip() else ''}"
    errors = sum(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
    return {"errors": errors, "ok": out_json.is_file(), "reason": reason}


def run_hidden_tests(autograder: str | Path, lab: str, answers_dir: str | Path) -> dict:
    """Check every ``answers_dir/<student>.json`` with the lab's hidden tests (in this process).

    Run by :func:`grade_submissions` in a separate process that imports the wheel's ``alloava_analysis``.

    Parameters
    ----------
    autograder
        The autograder folder (``config.json``, ``tests/<lab>.py``).
    lab
        The lab id.
    answers_dir
        One JSON of answers per student.

    Returns
    -------
    dict
        ``package`` (where ``alloava_analysis`` was imported from) and ``students``:
        ``{student: {question: message or None}}``.
    """
    import importlib.util

    import alloava_analysis

    from .answers import decode_answers
    from .feedback import Feedback

    autograder, config = load_autograder(autograder, tempfile.gettempdir())
    spec = importlib.util.spec_from_file_location(f"_hidden_{lab}", autograder / "tests" / f"{lab}.py")
    tests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tests)
    settings = config["settings"]
    ref = tests.reference(settings)
    students = {}
    for path in sorted(Path(answers_dir).glob("*.json")):
        answers = decode_answers(json.loads(path.read_text(encoding="utf-8")))
        env = {**answers, **settings}
        results = {}
        for question in config["labs"][lab]["points"]:
            try:
                tests.CHECKS[question](env, ref)
                results[question] = None
            except Feedback as err:
                results[question] = str(err)
            except Exception as err:  # noqa: BLE001 - an answer the tests did not foresee is a failed question
                results[question] = f"the grader could not check this answer ({type(err).__name__}: {err})"
        students[path.stem] = results
    return {"package": alloava_analysis.__file__, "students": students}


def _fingerprint(*folders: Path) -> dict[str, str]:
    import hashlib

    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for folder in folders for p in sorted(folder.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def _student_name(path: Path, folder: Path) -> str:
    rel = path.relative_to(folder)
    name = rel.parts[0] if len(rel.parts) > 1 else path.stem
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def grade_submissions(autograder: str | Path, lab: str, submissions: str | Path, out_dir: str | Path, *,
                      timeout_s: int = 600, progress: bool = True) -> dict:
    """Grade every notebook in ``submissions``: a gradebook CSV and one feedback file per student.

    Parameters
    ----------
    autograder
        The ``autograder`` folder or ``autograder.zip`` of a release.
    lab
        Which lab the submissions are (a lab of the autograder's ``config.json``).
    submissions
        A folder of ``*.ipynb``: ``<student>.ipynb``, or ``<student>/<anything>.ipynb`` (one per student).
    out_dir
        Where ``gradebook.csv``, ``feedback/`` and the working files go (created).
    timeout_s
        The most seconds one cell of a submission may run.
    progress
        Show a progress bar over submissions (on stderr).

    Returns
    -------
    dict
        ``lab``, ``gradebook`` (path), ``feedback`` (folder), ``points`` (per question), ``rows`` (the gradebook
        as dicts), ``package`` (where the hidden tests imported ``alloava_analysis`` from) and ``failed``
        (``[{path, reason}]``: submissions that could not be run to the end; graded on what they answered).
    """
    from tqdm.auto import tqdm

    check_int("timeout_s", timeout_s, minimum=1)
    out_dir, submissions = Path(out_dir), Path(submissions)
    if not submissions.is_dir():
        raise ParameterError(f"invalid value for submissions: expected a folder of notebooks, got {submissions}",
                             name="submissions")
    work = out_dir / "work"
    work.mkdir(parents=True, exist_ok=True)
    folder, config = load_autograder(autograder, work)
    if lab not in config["labs"]:
        raise ParameterError(f"invalid value for lab: expected one of {sorted(config['labs'])}, got {lab!r}",
                             name="lab")
    points = config["labs"][lab]["points"]
    site = install_wheel(folder / config["wheel"], work / "site")
    answers_dir = work / "answers"
    if answers_dir.exists():
        shutil.rmtree(answers_dir)
    answers_dir.mkdir()
    paths = sorted(p for p in submissions.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    names = [_student_name(p, submissions) for p in paths]
    if len(set(names)) != len(names):
        raise AlloAvaError(f"{submissions}: two submissions map to one student name; expected one notebook per "
                           "student (<student>.ipynb or <student>/<notebook>.ipynb)")
    failed = []
    before = _fingerprint(folder / "tests", site)
    for path, name in tqdm(list(zip(paths, names)), desc=f"grading {lab}", unit="notebook", disable=not progress):
        run = collect_answers(path, answers_dir / f"{name}.json", site=site, settings=config["settings"],
                              timeout_s=timeout_s)
        if not run["ok"] or run["reason"]:
            failed.append({"path": str(path), "reason": run["reason"] or "the answers could not be read"})
        if not run["ok"]:
            write_text(answers_dir / f"{name}.json", "{}")
    if _fingerprint(folder / "tests", site) != before:  # the kernels run as this user: a notebook could write there
        raise AlloAvaError(f"{folder / 'tests'} or {site} changed while the submissions ran: a submission wrote into "
                           "the autograder; grade this class in the Docker image (read-only, no network)")
    code = ("import json, sys; from alloava_analysis.labs.autograde import run_hidden_tests; "
            "print(json.dumps(run_hidden_tests(sys.argv[1], sys.argv[2], sys.argv[3])))")
    proc = subprocess.run([sys.executable, "-c", code, str(folder.resolve()), lab, str(answers_dir.resolve())],
                          capture_output=True, text=True, env=_environment(site), cwd=str(work), check=False)
    if proc.returncode:
        raise AlloAvaError(f"the hidden tests of {lab} failed to run (exit {proc.returncode}): "
                           f"{proc.stderr.strip()[-1500:]}")
    hidden = json.loads(proc.stdout.strip().splitlines()[-1])
    rows, feedback = [], out_dir / "feedback"
    for name in names:
        results = hidden["students"][name]
        row = {"student": name, **{q: (points[q] if results[q] is None else 0.0) for q in points}}
        row["total"] = sum(row[q] for q in points)
        rows.append(row)
        lines = [f"{lab} — {name}: {row['total']:g} / {sum(points.values()):g} points", ""]
        for q in points:
            mark = "passed" if results[q] is None else "not passed"
            lines.append(f"{q} ({row[q]:g}/{points[q]:g}): {mark}" + ("" if results[q] is None else
                                                                    "\n  " + results[q].replace("\n", "\n  ")))
        write_text(feedback / f"{name}.txt", "\n".join(lines) + "\n")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["student", *points, "total"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    gradebook = write_text(out_dir / "gradebook.csv", buffer.getvalue())
    return {"lab": lab, "gradebook": str(gradebook), "feedback": str(feedback), "points": points, "rows": rows,
            "package": hidden["package"], "failed": failed}


def grade_solutions(sources: str | Path, out_dir: str | Path, *, labs: tuple[str, ...] | None = None,
                    progress: bool = True) -> list[dict]:
    """Release the labs in ``sources`` and grade each lab's own solution with its autograder (``make demo``).

    Parameters
    ----------
    sources
        The assignment sources (``notebooks/labs/instructor``).
    out_dir
        Where the release and the grades go (``release/``, ``<lab>/``).
    labs
        Only these labs; None: every source.
    progress
        Show progress bars (on stderr).

    Returns
    -------
    list of dict
        One row per lab: ``lab``, ``notebook``, ``points`` (per question: earned), ``total``, ``max``,
        ``gradebook``, ``feedback`` (the solution's feedback file) and ``error`` (empty when it was graded).
    """
    from .assign import release

    out_dir = Path(out_dir)
    released = release(sources, out_dir / "release", labs=labs)
    rows = []
    for lab, spec in released["labs"].items():
        row = {"lab": lab, "notebook": spec["notebook"], "max": sum(spec["points"].values()), "total": 0.0,
               "points": {}, "gradebook": None, "feedback": None, "error": ""}
        submissions = out_dir / lab / "submissions"
        if submissions.exists():
            shutil.rmtree(submissions)
        submissions.mkdir(parents=True)
        source = next(Path(sources).glob(f"{lab[3:]}_*.ipynb"))
        shutil.copy2(source, submissions / "solution.ipynb")
        try:
            result = grade_submissions(released["zip"], lab, submissions, out_dir / lab, progress=progress)
        except (AlloAvaError, OSError) as err:
            row["error"] = f"{type(err).__name__}: {err}"
        else:
            graded = result["rows"][0]
            row.update(points={q: graded[q] for q in spec["points"]}, total=graded["total"],
                       gradebook=Path(result["gradebook"]), feedback=Path(result["feedback"]) / "solution.txt",
                       error="; ".join(f["reason"] for f in result["failed"]))
        rows.append(row)
    return rows
