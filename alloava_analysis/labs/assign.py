"""Assignment sources -> a student release and an offline autograder (the instructor's side of the labs).

A source is a solution notebook in otter-grader's assign markers (the subset the labs use):

* a raw cell ``# BEGIN QUESTION`` with lines ``name: q1`` and ``points: 2`` opens a question, a raw cell
  ``# END QUESTION`` closes it (both are dropped from the release);
* ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` lines in a code cell are solution code: the release keeps
  ``# YOUR CODE HERE`` in their place;
* a line ``answer_q1 = <expression>  # SOLUTION <note>`` becomes ``answer_q1 = ...  # YOUR ANSWER <note>``.

Hidden tests live beside the sources in ``tests/<lab>.py`` (``reference(settings)`` and ``CHECKS``); they go into
the autograder, never into the student release or the package.
"""
from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks import check_option
from ..errors import AlloAvaError, ParameterError
from ..io.notebooks import read_notebook, write_notebook, write_text

__all__ = ["LabSource", "build_wheel", "read_source", "release", "student_notebook"]

SOLUTION_LINE = re.compile(r"^(?P<lhs>\s*[A-Za-z_][\w.\[\]'\"]*\s*=\s*).*?#\s*SOLUTION\b\s*(?P<note>.*)$")
DOCKERFILE = """\
# Optional: grade in a container. Building needs the network once (dependencies from the registry);
# grading then runs with --network none. Without Docker, `alloava labs grade` does the same on this machine.
FROM python:3.11-slim
COPY . /autograder
RUN pip install /autograder/wheels/*.whl nbclient ipykernel
ENTRYPOINT ["alloava", "labs", "grade", "/autograder"]
"""


@dataclass(frozen=True)
class LabSource:
    """One assignment source: its lab id, the notebook, and the points of each question (in order)."""

    lab: str
    path: Path
    notebook: dict
    points: dict[str, float]


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _config(cell: dict, path: Path) -> dict[str, str]:
    out = {}
    for line in _text(cell).splitlines()[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            out[key.strip()] = value.strip()
    if "name" not in out:
        raise AlloAvaError(f"{path}: a '# BEGIN QUESTION' cell has no 'name:' line; expected e.g. 'name: q1'")
    return out


def read_source(path: str | Path) -> LabSource:
    """Read an assignment source notebook: its lab (from the file name ``NN_*.ipynb``) and questions with points.

    Parameters
    ----------
    path
        A source notebook such as ``notebooks/labs/instructor/01_loading_and_plotting_a_clip_solution.ipynb``.

    Returns
    -------
    LabSource
        The lab id (``lab01``), the notebook and ``{question: points}`` in the order of the questions.
    """
    path = Path(path)
    match = re.match(r"(\d\d)_", path.name)
    if not match:
        raise ParameterError(f"invalid value for path: expected a notebook named NN_*.ipynb, got {path.name!r}",
                             name="path")
    notebook = read_notebook(path)
    points: dict[str, float] = {}
    for cell in notebook["cells"]:
        if cell.get("cell_type") == "raw" and _text(cell).startswith("# BEGIN QUESTION"):
            config = _config(cell, path)
            try:
                value = float(config.get("points", "1"))
            except ValueError:
                value = -1.0
            if not value >= 0:
                raise AlloAvaError(f"{path}: question {config['name']}: points {config.get('points')!r}; expected "
                                   "a number >= 0")
            points[config["name"]] = value
    if not points:
        raise AlloAvaError(f"{path}: no '# BEGIN QUESTION' raw cell; expected one per question (name:, points:)")
    return LabSource(f"lab{match.group(1)}", path, notebook, points)


def _strip(code: str, where: str) -> str:
    lines, inside = [], False
    for line in code.splitlines():
        marker = line.strip()
        if marker == "# BEGIN SOLUTION":
            if inside:
                raise AlloAvaError(f"{where}: '# BEGIN SOLUTION' inside another solution block")
            inside = True
            lines.append(line.replace("# BEGIN SOLUTION", "# YOUR CODE HERE"))
        elif marker == "# END SOLUTION":
            if not inside:
                raise AlloAvaError(f"{where}: '# END SOLUTION' without '# BEGIN SOLUTION'")
            inside = False
        elif not inside:
            found = SOLUTION_LINE.match(line)
            if found:
                note = found["note"].strip()
                line = f"{found['lhs']}...  # YOUR ANSWER" + (note if note.startswith(":") else f" {note}").rstrip()
            lines.append(line)
    if inside:
        raise AlloAvaError(f"{where}: '# BEGIN SOLUTION' without '# END SOLUTION'")
    return "\n".join(lines)


def student_notebook(source: LabSource) -> dict:
    """The student version of a source: question markers dropped, solutions replaced, outputs cleared.

    Parameters
    ----------
    source
        From :func:`read_source`.

    Returns
    -------
    dict
        The nbformat JSON, with ``metadata.alloava_lab = {"lab": ...}`` so that the autograder knows the lab.
    """
    nb = copy.deepcopy(source.notebook)
    cells = []
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "raw" and _text(cell).startswith(("# BEGIN QUESTION", "# END QUESTION")):
            continue
        if cell.get("cell_type") == "code":
            cell["source"] = _strip(_text(cell), f"{source.path} cell {i}")
            cell["outputs"], cell["execution_count"] = [], None
        elif "# SOLUTION" in _text(cell) or "BEGIN SOLUTION" in _text(cell):
            raise AlloAvaError(f"{source.path} cell {i}: solution markers in a {cell.get('cell_type')} cell; "
                               "expected them in code cells only")
        cells.append(cell)
    if int(nb.get("nbformat_minor", 0)) >= 5:  # nbformat 4.5 cells need unique ids
        used = [cell.get("id") for cell in cells]
        for i, cell in enumerate(cells):
            if not cell.get("id") or used.count(cell["id"]) > 1:
                cell["id"] = used[i] = f"cell-{i}-{source.lab}"
    nb["cells"] = cells
    nb.setdefault("metadata", {})["alloava_lab"] = {"lab": source.lab}
    return nb


def _project_root() -> Path:
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file() or 'name = "alloava_analysis"' not in pyproject.read_text(encoding="utf-8"):
        raise ParameterError(f"invalid value for wheel: alloava_analysis is installed without its source tree "
                             f"({root}); build a wheel there and pass its path", name="wheel")
    return root


def build_wheel(out_dir: str | Path) -> Path:
    """Build the ``alloava_analysis`` wheel from this source tree, offline (``pip wheel --no-build-isolation``).

    The tree is copied to a temporary folder first, so building writes nothing into the checkout.

    Parameters
    ----------
    out_dir
        Folder the wheel is written to (created).

    Returns
    -------
    Path
        The wheel file.
    """
    root = _project_root()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="alloava-wheel-") as tmp:
        tree = Path(tmp) / "src"
        tree.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (root / name).is_file():
                shutil.copy2(root / name, tree / name)
        shutil.copytree(root / "alloava_analysis", tree / "alloava_analysis",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                               "-q", "-w", str(tmp), str(tree)], capture_output=True, text=True, check=False)
        wheels = sorted(Path(tmp).glob("alloava_analysis-*.whl"))
        if proc.returncode or not wheels:
            raise AlloAvaError(f"building the alloava_analysis wheel from {root} failed (pip wheel exit "
                               f"{proc.returncode}): {proc.stderr.strip()[-800:]}")
        return Path(shutil.copy2(wheels[-1], out_dir / wheels[-1].name))


def release(sources: str | Path, out_dir: str | Path, *, wheel: str | Path | None = None,
            settings: dict[str, Any] | None = None, labs: tuple[str, ...] | None = None) -> dict:
    """Write the student release and the autograder of the labs in ``sources``.

    ``out_dir/student/`` holds the student notebooks (no solutions, no tests); ``out_dir/autograder/`` (and
    ``autograder.zip``) holds ``config.json`` (labs, points, grading settings), the hidden tests ``tests/<lab>.py``,
    the ``alloava_analysis`` wheel in ``wheels/`` and an optional ``Dockerfile``.

    Parameters
    ----------
    sources
        Folder of source notebooks ``NN_*.ipynb`` with the hidden tests in ``tests/labNN.py``.
    out_dir
        Folder to write into (created; must not be inside ``sources``).
    wheel
        A prebuilt ``alloava_analysis`` wheel; None builds one from this source tree (offline).
    settings
        Notebook parameters the grading forces in every submission (default ``{"corpus_dir": ""}``: the
        embedded sample); the hidden tests compute their references with the same settings.
    labs
        Only these labs (ids such as ``"lab01"``); None: every source found.

    Returns
    -------
    dict
        ``student`` (folder), ``autograder`` (folder), ``zip``, ``wheel``, ``labs`` (``{lab: {notebook, points}}``).
    """
    sources, out_dir = Path(sources), Path(out_dir)
    if not sources.is_dir():
        raise ParameterError(f"invalid value for sources: expected a folder of NN_*.ipynb sources, got {sources}",
                             name="sources")
    if out_dir.resolve().is_relative_to(sources.resolve()):
        raise ParameterError(f"invalid value for out_dir: {out_dir} is inside the sources folder {sources}; "
                             "the release would be handed out with the solutions", name="out_dir")
    if wheel is not None and not (Path(wheel).is_file() and Path(wheel).suffix == ".whl"):
        raise ParameterError(f"invalid value for wheel: expected a .whl file, got {wheel}", name="wheel")
    settings = {"corpus_dir": ""} if settings is None else dict(settings)
    if not all(isinstance(k, str) and k.isidentifier() for k in settings):
        raise ParameterError(f"invalid value for settings: expected notebook variable names, got {sorted(settings)}",
                             name="settings")
    found = {s.lab: s for s in map(read_source, sorted(sources.glob("[0-9][0-9]_*.ipynb")))}
    if labs is not None:
        if isinstance(labs, str):
            raise ParameterError(f"invalid value for labs: expected a tuple of lab ids, got {labs!r}", name="labs")
        for lab in labs:
            check_option("labs", lab, tuple(found))
        found = {lab: found[lab] for lab in labs}
    if not found:
        raise ParameterError(f"invalid value for sources: no NN_*.ipynb source in {sources}", name="sources")
    student, grader = out_dir / "student", out_dir / "autograder"
    for folder in (student, grader):
        if folder.exists():
            shutil.rmtree(folder)
    config: dict[str, Any] = {"settings": settings, "labs": {}}
    for lab, source in found.items():
        tests = sources / "tests" / f"{lab}.py"
        if not tests.is_file():
            raise AlloAvaError(f"{tests}: the hidden tests of {lab} are missing; expected reference(settings) and "
                               "CHECKS there")
        name = source.path.name.replace("_solution", "")
        write_notebook(student / name, student_notebook(source))
        (grader / "tests").mkdir(parents=True, exist_ok=True)
        shutil.copy2(tests, grader / "tests" / tests.name)
        config["labs"][lab] = {"notebook": name, "points": source.points}
    wheel = build_wheel(grader / "wheels") if wheel is None else Path(
        shutil.copy2(wheel, (grader / "wheels").mkdir(parents=True, exist_ok=True) or grader / "wheels"))
    config["wheel"] = f"wheels/{wheel.name}"
    write_text(grader / "config.json", json.dumps(config, indent=1))
    write_text(grader / "Dockerfile", DOCKERFILE)
    archive = shutil.make_archive(str(out_dir / "autograder"), "zip", root_dir=grader)
    return {"student": str(student), "autograder": str(grader), "zip": archive, "wheel": str(wheel),
            "labs": config["labs"]}
