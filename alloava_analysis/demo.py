"""``make demo``: the command line and every notebook, headless, on the embedded sample, into HTML reports.

First the embedded sample is made or reused
(:func:`alloava_analysis.sample_data.sample_corpus`) and the ``alloava``
commands ``validate``, ``convert``, ``stats`` and ``correlate`` run on it with
``--json`` (``reports/cli/<command>.json``). Then, for each notebook: papermill
executes it (``reports/notebooks/NAME.ipynb``), nbconvert renders it to
``reports/NAME.html`` and its PNG figures are written to
``reports/figures/NAME/``. ``reports/index.html`` lists every notebook with
its purpose, status, run time and key results (see :mod:`alloava_analysis.report`),
and a one-screen summary is printed at the end. A notebook that fails is
rendered up to its error, listed as failed, and the others still run. Last, the
course labs are released and each lab's solution is graded by the offline
autograder (``reports/labs/``); the index shows their grades.

Run it as ``python -m alloava_analysis.demo [--out reports] [NOTEBOOK ...]``.
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import html
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .checks import check_int, check_nonnegative, check_options
from .errors import ParameterError
from .io.atomic import atomic_path
from .io.notebooks import kernel_config, read_notebook, write_bytes, write_notebook, write_text
from .report import plain_number, read_key_results

__all__ = ["CLI_STEPS", "build_reports", "run_cli_steps", "export_html", "notebook_intro", "run_notebook",
           "summary_text", "write_index"]

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
#: Notebooks run by default: the numbered ones (the labs' solutions are released and graded after them).
DEFAULT_GLOB = "notebooks/[0-9][0-9]_*.ipynb"


#: ``alloava`` commands run on the sample before the notebooks (each with ``PATH --json``).
CLI_STEPS = ("validate", "convert", "stats", "correlate")


def run_cli_steps(sample: str | Path, out_dir: str | Path, *, steps: tuple[str, ...] = CLI_STEPS) -> list[dict]:
    """Run ``alloava <step> SAMPLE --json --quiet`` for each step; the JSON goes to ``out_dir/cli/<step>.json``.

    Parameters
    ----------
    sample
        The corpus folder given to each command.
    out_dir
        The reports folder.
    steps
        ``alloava`` commands to run, in order (names of :data:`alloava_analysis.cli.COMMANDS`).

    Returns
    -------
    list of dict
        One ``{command, ok, exit_code, seconds, json}`` per step (a failing step does not stop the others).
    """
    import subprocess

    from .cli import COMMANDS

    if isinstance(steps, str) or not isinstance(steps, (tuple, list)):
        raise ParameterError(f"invalid value for steps: expected a tuple of alloava commands such as {CLI_STEPS}, "
                             f"got {steps!r}", name="steps")
    check_options("steps", steps, COMMANDS)
    rows = []
    for step in steps:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "alloava_analysis.cli", step, str(sample), "--json", "--quiet"],
                              capture_output=True, text=True, check=False)
        path = Path(out_dir) / "cli" / f"{step}.json"
        write_text(path, proc.stdout)
        if proc.returncode:
            log.warning("alloava %s exited %d: %s", step, proc.returncode, proc.stderr.strip()[-500:])
        rows.append({"command": f"alloava {step}", "ok": proc.returncode == 0, "exit_code": proc.returncode,
                     "seconds": time.perf_counter() - start, "json": path})
    return rows


def notebook_intro(notebook: dict[str, Any]) -> dict[str, str]:
    """Title and purpose sentence from a notebook's first markdown cell (convention: ``**Purpose.** ...``).

    Parameters
    ----------
    notebook
        The notebook as a dict (nbformat JSON).

    Returns
    -------
    dict
        ``title`` (the first heading) and ``purpose`` (the first sentence after
        ``**Purpose.**``, markup removed); empty strings when absent.
    """
    first = next((c for c in notebook.get("cells", []) if c.get("cell_type") == "markdown"), None)
    text = "".join(first["source"]) if first else ""
    title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), "")
    purpose = re.search(r"\*\*Purpose\.\*\*\s*(.+?)(?:\n\s*\n|$)", text, flags=re.S)
    purpose = re.sub(r"[*`]", "", " ".join(purpose.group(1).split())) if purpose else ""
    first = re.match(r"(.+?[.!?])(\s|$)", purpose)
    return {"title": title, "purpose": first.group(1) if first else purpose}


@contextlib.contextmanager
def _kernel_scratch():
    """A scratch folder that the kernel's ``tempfile`` uses (``TMPDIR``), removed with all it holds afterwards."""
    keys = ("TMPDIR", "TEMP", "TMP")
    saved = {k: os.environ.get(k) for k in keys}
    with tempfile.TemporaryDirectory(prefix="alloava-demo-kernel-", ignore_cleanup_errors=True) as scratch:
        os.environ.update({k: scratch for k in keys})
        try:
            yield Path(scratch)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def run_notebook(path: str | Path, out: str | Path, *, parameters: dict | None = None,
                 cwd: str | Path | None = None) -> dict[str, Any]:
    """Execute one notebook with papermill into ``out``; never raises for an error inside the notebook.

    A notebook that fails is written up to its error (or unexecuted when papermill wrote nothing).
    The kernel talks over local IPC sockets (:func:`kernel_config`), and its temporary files go to a
    scratch folder removed after the run, whether the notebook succeeded or not.

    Parameters
    ----------
    path
        The notebook to run.
    out
        Where the executed notebook is written (atomically).
    parameters
        Values for the notebook's ``parameters`` cell (papermill).
    cwd
        Working folder of the kernel (default: the notebook's folder).

    Returns
    -------
    dict
        ``ok``, ``seconds``, ``error`` (the exception's first line, or None) and ``executed`` (the path).
    """
    import papermill

    out = Path(out)
    start = time.perf_counter()
    error = None
    from traitlets.config import Config

    with atomic_path(out) as tmp, _kernel_scratch():
        try:
            papermill.execute_notebook(str(path), str(tmp), parameters=parameters or {}, kernel_name="python3",
                                       cwd=str(cwd or Path(path).parent), progress_bar=False,
                                       config=Config(kernel_config()))
        except Exception as err:  # noqa: BLE001 - a failing notebook is reported, the others run on
            if hasattr(err, "ename"):  # papermill's PapermillExecutionError: the notebook's own exception
                error = f"In [{getattr(err, 'exec_count', '?')}]: {err.ename}: {err.evalue}"
            else:
                error = f"{type(err).__name__}: {err}"
            if not tmp.exists() or tmp.stat().st_size == 0:
                write_notebook(tmp, read_notebook(path))
    return {"ok": error is None, "seconds": time.perf_counter() - start, "error": error, "executed": out}


def export_html(executed: str | Path, html_path: str | Path, figures_dir: str | Path) -> list[Path]:
    """Render an executed notebook to HTML (nbconvert, lab template) and write its PNG figures.

    Parameters
    ----------
    executed
        The executed notebook.
    html_path
        The HTML file to write.
    figures_dir
        Folder for the figures (created when there is one).

    Returns
    -------
    list of Path
        The figure files, named ``cell<NN>_<k>.png`` (cell number, k-th PNG output of that cell).
    """
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(str(executed), as_version=4)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    write_text(html_path, body)
    figures = []
    for number, cell in enumerate(notebook.cells):
        k = 0
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                k += 1
                path = Path(figures_dir) / f"cell{number:02d}_{k}.png"
                write_bytes(path, base64.b64decode(data["image/png"]))
                figures.append(path)
    return figures


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.45em 0.6em; text-align: left; vertical-align: top; }}
td.num {{ text-align: right; white-space: nowrap; }}
.ok {{ color: #1a7f37; font-weight: bold; }} .failed {{ color: #cf222e; font-weight: bold; }}
ul.key {{ margin: 0; padding-left: 1.1em; font-size: 0.92em; }}
p.note {{ color: #555; }}
</style></head><body>
<h1>{title}</h1>
<p class="note">{note}</p>
<h2>Notebooks</h2>
<table><tr><th>notebook</th><th>purpose</th><th>status</th><th>run time</th><th>key results</th><th>figures</th></tr>
{rows}
</table>
{cli}
</body></html>
"""


def _labs_table(labs: list[dict], out_dir: Path) -> str:
    rows = []
    for lab in labs:
        status = "ok" if not lab["error"] and lab["total"] == lab["max"] else "failed"
        points = ", ".join(f"{q} {v:g}" for q, v in lab["points"].items()) or html.escape(lab["error"])
        link = (f"<a href='{html.escape(lab['feedback'].relative_to(out_dir).as_posix())}'>feedback</a>, "
                f"<a href='{html.escape(lab['gradebook'].relative_to(out_dir).as_posix())}'>gradebook</a>"
                if lab["gradebook"] else "")
        rows.append(f"<tr><td>{html.escape(lab['lab'])}: {html.escape(lab['notebook'])}</td>"
                    f"<td class='{status}'>{lab['total']:g} / {lab['max']:g}</td><td>{points}</td><td>{link}</td></tr>")
    return ("<h2>Course labs: the instructor solutions, released and graded by the offline autograder</h2>"
            "<table><tr><th>lab</th><th>grade</th><th>points per question</th><th>files</th></tr>"
            + "".join(rows) + "</table>") if rows else ""


def write_index(rows: list[dict[str, Any]], out_dir: str | Path, *, note: str = "",
                cli: list[dict] | None = None, labs: list[dict] | None = None) -> Path:
    """``out_dir/index.html``: one row per notebook with links to its report and figures (and the CLI JSON).

    Parameters
    ----------
    rows
        One dict per notebook, as :func:`build_reports` makes them (paths inside ``out_dir``).
    out_dir
        The reports folder.
    note
        A sentence shown under the title.
    cli
        The rows of :func:`run_cli_steps` (a table of commands; None or empty: no table).
    labs
        The rows of :func:`alloava_analysis.labs.autograde.grade_solutions` (a table of lab grades; None or empty:
        no table).

    Returns
    -------
    Path
        The index file.
    """
    if not isinstance(note, str):
        raise ParameterError(f"invalid value for note: expected a string, got {note!r}", name="note")
    if labs is not None and not isinstance(labs, list):
        raise ParameterError(f"invalid value for labs: expected a list of graded labs, got {labs!r}", name="labs")
    out_dir = Path(out_dir)
    lines, cli_rows = [], []
    for step in cli or []:
        status = "ok" if step["ok"] else "failed"
        cli_rows.append(f"<tr><td><a href='{html.escape(step['json'].relative_to(out_dir).as_posix())}'>"
                        f"{html.escape(step['command'])} SAMPLE --json</a></td><td class='{status}'>{status} "
                        f"(exit {step['exit_code']})</td><td class='num'>{step['seconds']:.0f} s</td></tr>")
    cli_table = ("<h2>Command line on the sample</h2><table><tr><th>command</th><th>status</th><th>run time</th></tr>"
                 + "".join(cli_rows) + "</table>") if cli_rows else ""
    for row in rows:
        status = "ok" if row["ok"] else "failed"
        key = "".join(f"<li>{html.escape(k)}: {html.escape(plain_number(v))}</li>" for k, v in row["key"].items())
        if row["error"]:
            key += f"<li class='failed'>{html.escape(row['error'])}</li>"
        figs = " ".join(f"<a href='{html.escape(p.relative_to(out_dir).as_posix())}'>{i}</a>"
                        for i, p in enumerate(row["figures"], start=1))
        lines.append(f"<tr><td><a href='{html.escape(row['html'].relative_to(out_dir).as_posix())}'>"
                     f"{html.escape(row['title'] or row['name'])}</a></td><td>{html.escape(row['purpose'])}</td>"
                     f"<td class='{status}'>{status}</td><td class='num'>{row['seconds']:.0f} s</td>"
                     f"<td><ul class='key'>{key}</ul></td><td>{figs}</td></tr>")
    page = _PAGE.format(title="Allo-AVA toolkit: notebook reports", note=html.escape(note), rows="\n".join(lines),
                        cli=cli_table + _labs_table(labs or [], out_dir))
    return write_text(out_dir / "index.html", page)


def summary_text(rows: list[dict[str, Any]], *, total_s: float, index: Path, n_key: int = 3,
                 cli: list[dict] | None = None, sample: Path | None = None) -> str:
    """The one-screen summary printed at the end of ``make demo``.

    Parameters
    ----------
    rows
        One dict per notebook, as :func:`build_reports` makes them.
    total_s
        Run time of the whole demo, in seconds (>= 0).
    index
        The index page, named in the last line.
    n_key
        Key results shown per notebook (an integer >= 0).
    cli
        The rows of :func:`run_cli_steps`, summarised on one line (None: no line).
    sample
        The sample corpus folder, named in the first line (None: not named).

    Returns
    -------
    str
        The summary: totals, the commands, one line per notebook (cut at 150 characters), where the index is.
    """
    check_nonnegative("total_s", total_s)
    check_int("n_key", n_key, minimum=0)
    failed = [r for r in rows if not r["ok"]]
    lines = [f"make demo: {len(rows) - len(failed)} of {len(rows)} notebooks ok in {total_s / 60:.1f} min"
             + (f" on the embedded sample {sample}" if sample else "")]
    if cli:
        lines.append("  command line: " + ", ".join(f"{c['command'].split()[-1]} {'ok' if c['ok'] else 'FAILED'}"
                                                    f" ({c['seconds']:.0f} s)" for c in cli))
    for row in rows:
        key = ", ".join(f"{k} {plain_number(v)}" for k, v in list(row["key"].items())[:n_key])
        status = "ok  " if row["ok"] else "FAIL"
        lines.append((f"  {status} {row['name'][:34]:<34} {row['seconds']:5.0f} s  "
                      f"{key if row['ok'] else row['error']}")[:150])
    lines.append(f"Open {index} (or START_HERE.md in JupyterLab).")
    return "\n".join(lines)


def build_reports(notebooks: list[str | Path], out_dir: str | Path = "reports", *,
                  parameters: dict | None = None, cli: list[dict] | None = None,
                  labs: list[dict] | None = None) -> tuple[list[dict[str, Any]], Path]:
    """Execute ``notebooks`` and write their HTML reports, figures and the index under ``out_dir``.

    Parameters
    ----------
    notebooks
        The notebooks, run in this order.
    out_dir
        The reports folder (``notebooks/``, ``figures/<name>/``, ``<name>.html``, ``index.html``).
    parameters
        Values for every notebook's ``parameters`` cell.
    cli
        The rows of :func:`run_cli_steps`, listed in the index.
    labs
        The graded lab solutions (:func:`alloava_analysis.labs.autograde.grade_solutions`), listed in the index.

    Returns
    -------
    (list of dict, Path)
        One row per notebook (``name, title, purpose, ok, seconds, error, key, html, figures``) and the index.
    """
    from tqdm.auto import tqdm

    out_dir = Path(out_dir)
    rows = []
    for path in tqdm([Path(p) for p in notebooks], desc="notebooks", unit="notebook", file=sys.stderr):
        name = path.stem
        run = run_notebook(path, out_dir / "notebooks" / path.name, parameters=parameters)
        executed = read_notebook(run["executed"])
        html_path = out_dir / f"{name}.html"
        figures = export_html(run["executed"], html_path, out_dir / "figures" / name)
        rows.append({"name": name, **notebook_intro(executed), "ok": run["ok"], "seconds": run["seconds"],
                     "error": run["error"], "key": read_key_results(executed), "html": html_path,
                     "figures": figures})
        if not run["ok"]:
            log.warning("%s failed: %s", path, run["error"])
    index = write_index(rows, out_dir, cli=cli, labs=labs,
                        note="Every notebook executed headless on the embedded sample "
                        "(alloava_analysis.sample_data.sample_corpus()); rerun with `make demo`.")
    return rows, index


def main(argv: list[str] | None = None) -> int:
    """Execute notebooks into HTML reports; exit status 1 when any notebook failed.

    Parameters
    ----------
    argv
        Command-line arguments (None: ``sys.argv[1:]``): ``[NOTEBOOK ...] [--out DIR] [--no-cli]``.

    Returns
    -------
    int
        0 when every notebook and command ran, else 1.
    """
    parser = argparse.ArgumentParser(prog="python -m alloava_analysis.demo", description=main.__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help=f"notebooks to run (default: {DEFAULT_GLOB})")
    parser.add_argument("--out", default="reports", help="output folder (default: reports)")
    parser.add_argument("--no-cli", action="store_true", help="skip the alloava commands, run the notebooks only")
    parser.add_argument("--no-labs", action="store_true", help="skip releasing and grading the lab solutions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("traitlets").setLevel(logging.ERROR)  # nbconvert's alt-text notes on every figure
    from .sample_data import sample_corpus

    start = time.perf_counter()
    sample = sample_corpus(progress=True)
    notebooks = args.notebooks or sorted(ROOT.glob(DEFAULT_GLOB))
    cli = [] if args.no_cli else run_cli_steps(sample, args.out)
    labs = [] if args.no_labs or args.notebooks else _grade_labs(Path(args.out) / "labs")
    rows, index = build_reports(notebooks, args.out, cli=cli, labs=labs)
    print(summary_text(rows, total_s=time.perf_counter() - start, index=index, cli=cli, sample=sample))
    for lab in labs:
        print(f"  lab  {lab['lab']} solution graded {lab['total']:g} / {lab['max']:g}" + (f" ({lab['error']})"
                                                                                         if lab["error"] else ""))
    labs_ok = all(not lab["error"] and lab["total"] == lab["max"] for lab in labs)
    return 0 if all(r["ok"] for r in rows) and all(c["ok"] for c in cli) and labs_ok else 1


def _grade_labs(out_dir: Path) -> list[dict]:
    """Release the course labs and grade their solutions (the labs table of the index)."""
    from .labs.autograde import grade_solutions

    return grade_solutions(ROOT / "notebooks" / "labs" / "instructor", out_dir, progress=True)


if __name__ == "__main__":
    raise SystemExit(main())
