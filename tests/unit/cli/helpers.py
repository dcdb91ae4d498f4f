"""Run ``alloava`` in-process through :func:`alloava_analysis.cli.main` and capture what it printed."""
from __future__ import annotations

import contextlib
import io
import json

from alloava_analysis.cli import main


def run(argv) -> tuple[int, object, str]:
    """Run ``alloava argv``; return (exit code, parsed stdout JSON with ``--json`` else the text, stderr).

    With ``--json`` stdout must hold exactly one JSON object (usage errors included).
    """
    argv = [str(a) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    out, err = out.getvalue(), err.getvalue()
    if "--json" in argv and out.strip():
        lines = out.strip().splitlines()
        assert len(lines) == 1, f"expected one JSON object on stdout, got {out!r}"
        return code, json.loads(lines[0]), err
    return code, out, err
