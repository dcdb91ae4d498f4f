"""Every public function documents its parameters and what it returns (numpydoc sections).

Public: a function or method whose name and module path have no leading
underscore (``__init__`` modules included; dunder methods such as
``__init__`` are documented in their class's ``Parameters``). A parameter is
documented when its name appears on a line of the ``Parameters`` section
(``window_s, hop_s`` documents both; ``**options`` as ``options``); a function
whose return annotation is not ``None`` has a ``Returns`` (or ``Yields``)
section. Properties, overrides of ``Protocol`` members and the command-line
modules' ``add_arguments``/``run``/``format_human`` hooks (documented by
``alloava COMMAND --help``) are left out.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "alloava_analysis"
CLI_HOOKS = {"add_arguments", "run", "format_human"}
SECTION = re.compile(r"^\s*(\w[\w ]*)\n\s*-{3,}\s*$", re.M)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py")
                  if not any(part.startswith("_") and part != "__init__.py" for part in p.relative_to(PACKAGE).parts))


def _sections(doc: str) -> dict[str, str]:
    """``{section title: its text}`` of a numpydoc docstring."""
    heads = list(SECTION.finditer(doc))
    return {m.group(1).strip(): doc[m.end():heads[i + 1].start() if i + 1 < len(heads) else len(doc)]
            for i, m in enumerate(heads)}


def _documented_names(section: str) -> set[str]:
    names = set()
    for line in section.splitlines():
        if line.strip() and (len(line) - len(line.lstrip())) == min(
                len(x) - len(x.lstrip()) for x in section.splitlines() if x.strip()):
            head = line.split(" : ")[0]
            names.update(n.strip().lstrip("*") for n in head.split(","))
    return names


def _parameters(fn: ast.FunctionDef | ast.AsyncFunctionDef, method: bool) -> list[str]:
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
    if method and names and names[0] in ("self", "cls"):
        names = names[1:]
    return names


def _public_functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_cli = path.relative_to(PACKAGE).parts[0] == "cli"
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            if not (in_cli and node.name in CLI_HOOKS):
                yield node.name, node, False
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            if any(getattr(b, "id", getattr(b, "attr", "")) == "Protocol" for b in node.bases):
                continue
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_") and \
                        not any(getattr(d, "id", getattr(d, "attr", "")) in ("property", "setter", "overload")
                                for d in item.decorator_list):
                    yield f"{node.name}.{item.name}", item, True


def problems_of(path: Path) -> list[str]:
    out = []
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    for name, fn, method in _public_functions(path):
        doc = ast.get_docstring(fn) or ""
        where = f"{module}.{name}"
        if not doc:
            out.append(f"{where}: no docstring")
            continue
        sections = _sections(doc)
        params = _parameters(fn, method)
        if params:
            missing = [p for p in params if p not in _documented_names(sections.get("Parameters", ""))]
            if missing:
                out.append(f"{where}: Parameters section does not list {missing}")
        returns = fn.returns
        returns_none = returns is None or (isinstance(returns, ast.Constant) and returns.value in (None, "None"))
        if not returns_none and not ({"Returns", "Yields"} & set(sections)):
            out.append(f"{where}: no Returns section")
    return out


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_public_functions_document_parameters_and_returns(path):
    problems = problems_of(path)
    assert not problems, "\n".join(problems)


def test_the_checker_finds_what_is_missing(tmp_path):
    sample = PACKAGE / "zz_docstring_sample.py"  # inside the package folder so module names resolve; removed after
    sample.write_text('def good(x: int, *, y: float = 1.0) -> int:\n    """Add.\n\n    Parameters\n    ----------\n'
                      '    x, y\n        Numbers.\n\n    Returns\n    -------\n    int\n        The sum.\n    """\n'
                      '    return x + y\n\n\n'
                      'def bad(x: int, z: int) -> int:\n    """Add.\n\n    Parameters\n    ----------\n    x\n'
                      '        A number.\n    """\n    return x\n', encoding="utf-8")
    try:
        problems = problems_of(sample)
    finally:
        sample.unlink()
    assert problems == ["alloava_analysis.zz_docstring_sample.bad: Parameters section does not list ['z']",
                        "alloava_analysis.zz_docstring_sample.bad: no Returns section"]
