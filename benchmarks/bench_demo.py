"""``make demo`` time after installation: cold sample, the command line, every notebook into HTML.

Target (issue #12): under 10 minutes on 2 cores. Runs what ``make demo`` runs
(``python -m alloava_analysis.demo``) step by step, with an empty cache folder
(``ALLOAVA_DATA_DIR`` in a temporary folder, so the sample is generated as on a
fresh machine) and reports into a temporary folder. Reports each step's
seconds, the total as a fraction of the 600 s budget, and, side by side, a
trivial notebook's run time (kernel start + papermill + nbconvert), so the
notebooks' own work (``work_over_overhead``) can be told from fixed costs on a
noisy, shared machine.

Run: ``.venv/bin/python benchmarks/bench_demo.py [--keep DIR]``
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BUDGET_S = 600.0


def _trivial_notebook(path: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# trivial\n\n**Purpose.** kernel overhead."),
                             new_code_cell("from alloava_analysis.report import show_key_results\n"
                                           "show_key_results({'x': 1})")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", default=None, help="write the reports here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_demo_") as tmp:
        tmp = Path(tmp)
        os.environ["ALLOAVA_DATA_DIR"] = str(tmp / "cache")  # cold: the sample is generated as on a new machine
        out = Path(args.keep) if args.keep else tmp / "reports"
        from alloava_analysis import demo
        from alloava_analysis.sample_data import sample_corpus

        t0 = time.perf_counter()
        sample = sample_corpus()
        t_sample = time.perf_counter() - t0
        cli = demo.run_cli_steps(sample, out)
        t_cli = time.perf_counter() - t0 - t_sample
        rows, index = demo.build_reports(sorted(REPO.glob(demo.DEFAULT_GLOB)), out, cli=cli)
        total = time.perf_counter() - t0
        trivial, _ = demo.build_reports([_trivial_notebook(tmp / "99_trivial.ipynb")], tmp / "trivial_reports")
        overhead = trivial[0]["seconds"]
        result = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "total_s": round(total, 1),
            "fraction_of_10_min_budget": round(total / BUDGET_S, 3),
            "sample_generation_s": round(t_sample, 1),
            "cli_s": {c["command"]: round(c["seconds"], 1) for c in cli} | {"all": round(t_cli, 1)},
            "notebooks_s": {r["name"]: round(r["seconds"], 1) for r in rows},
            "all_ok": all(r["ok"] for r in rows) and all(c["ok"] for c in cli),
            "trivial_notebook_s": round(overhead, 1),
            "work_over_overhead": {r["name"]: round(r["seconds"] / overhead, 2) for r in rows},
        }
    print(json.dumps(result, indent=1))
    print(f"make demo after installation: {total / 60:.1f} min = {total / BUDGET_S:.0%} of the 10 min budget "
          f"({len(rows)} notebooks; a trivial notebook takes {overhead:.1f} s)")


if __name__ == "__main__":
    main()
