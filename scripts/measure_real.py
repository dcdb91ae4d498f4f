#!/usr/bin/env python
"""Print every real-talk figure: word timing, audio-video offset, cuts, gesture units, per-gesture kinematics.

Each part has its own script, runnable alone; this one runs them one after the
other on the committed real fixtures and their known-answer constructions
(see ``tests/fixtures/real/SOURCE.md``) and stops on the first that fails.
The tests assert the same targets as counts and errors
(``tests/integration/test_*_real.py``)::

    python scripts/measure_real.py            # all parts
    python scripts/measure_real.py words cuts # some of them
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
#: Part name -> (script, extra arguments).
PARTS = {
    "words": ("measure_word_timing.py", []),
    "offset": ("measure_av_offset.py", ["--end-to-end"]),
    "cuts": ("measure_cuts.py", []),
    "gestures": ("measure_gesture_units.py", []),
    "kinematics": ("measure_gesture_kinematics.py", []),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", metavar="PART", help=f"parts to run: {', '.join(PARTS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}: expected some of {', '.join(PARTS)}")
    for name in args.parts or list(PARTS):
        script, extra = PARTS[name]
        print(f"\n=== {name}: scripts/{script} {' '.join(extra)}".rstrip(), flush=True)
        code = subprocess.call([sys.executable, str(SCRIPTS / script), *extra])
        if code != 0:
            print(f"{script} exited with {code}", file=sys.stderr)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
