"""``tests/unit`` mirrors the package: ``alloava_analysis/a/b.py`` is tested in ``tests/unit/a/test_b.py``.

Modules still tested elsewhere are listed in :data:`TESTED_ELSEWHERE` with the file that covers them; the list
may only shrink (a new module needs its mirrored test file), and every entry must still be true.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE, UNIT = ROOT / "alloava_analysis", ROOT / "tests" / "unit"

#: module (relative path) -> the test file that covers it instead of a mirrored one.
TESTED_ELSEWHERE: dict[str, str] = {}


def _modules() -> list[str]:
    return sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                  if p.name not in ("__init__.py", "__main__.py")
                  and not any(part.startswith("_") for part in p.relative_to(PACKAGE).parts))


def _mirror(module: str) -> Path:
    path = Path(module)
    return UNIT / path.parent / f"test_{path.name}"


def test_every_module_has_its_mirrored_test_file_or_a_listed_one():
    missing = [m for m in _modules() if not _mirror(m).exists() and m not in TESTED_ELSEWHERE]
    assert not missing, "modules without tests/unit/<same path>/test_<module>.py: " + ", ".join(missing)


def test_the_list_of_exceptions_is_true_and_only_shrinks():
    stale = [m for m in TESTED_ELSEWHERE if _mirror(m).exists() or m not in _modules()]
    assert not stale, f"mirrored now (or gone): remove from TESTED_ELSEWHERE: {stale}"
    for module, test_file in TESTED_ELSEWHERE.items():
        assert (ROOT / test_file).is_file(), f"{module}: {test_file} does not exist"


def test_no_test_file_mirrors_a_module_that_does_not_exist():
    known_extra = {"cli/test_main.py", "features/test_motion_synthetic.py",
                   "labs/test_checkers.py", "plots/helpers.py",
                   "test_dependencies.py", "test_docstrings.py", "test_layers.py", "test_mirror.py"}
    orphans = [str(t.relative_to(UNIT)) for t in sorted(UNIT.rglob("test_*.py"))
               if not (PACKAGE / t.relative_to(UNIT).parent / t.name[len("test_"):]).exists()
               and str(t.relative_to(UNIT)) not in known_extra
               and not t.name.startswith("test_bad_options")]  # the error-contract walks, one per package
    assert not orphans, f"test files named after no module: {orphans}"
