"""Every docstring cross-reference to a dotted ``mesbook.…`` name resolves to something that exists.

A reference such as :func:`mesbook.studies.sweep.sweep_windows` (or ``~mesbook.…``) in a module, class or
function docstring is imported here, module by module and then attribute by attribute; a moved or renamed
name fails the test with the file, the line and the reference.
"""
from __future__ import annotations

import ast
import dataclasses
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mesbook"
#: A Sphinx cross-reference to a dotted name inside the package, e.g. :func:`~mesbook.core.contract.nearest_strike`.
REFERENCE = re.compile(r":(func|class|mod|data|meth|attr|obj|exc):`~?(mesbook(?:\.\w+)+)`")


def docstrings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of the module's docstring and of every class and function docstring in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in [tree, *ast.walk(tree)]:
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            text = ast.get_docstring(node, clean=False)
            if text:
                found.append((node.body[0].lineno, text))
    return found


def references() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, text in docstrings(path):
            for _, name in REFERENCE.findall(text):
                found.append((path.relative_to(PACKAGE.parent).as_posix(), line, name))
    return found


def resolve(name: str) -> object:
    """The object ``name`` (a dotted path below ``mesbook``) names; ``LookupError`` if there is none."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            fields = getattr(target, "__dataclass_fields__", {}) if isinstance(target, type) else {}
            if hasattr(target, attribute):
                target = getattr(target, attribute)
            elif attribute in fields or attribute in getattr(target, "__annotations__", {}):
                target = fields.get(attribute, attribute)  # a field without a class-level default
            else:
                raise LookupError(f"{'.'.join(parts[:cut])} has no {'.'.join(parts[cut:])}")
        return target
    raise LookupError(f"no module {parts[0]}")


def test_the_package_has_references_to_check():
    assert len(references()) > 50


@pytest.mark.parametrize("where, line, name", references(), ids=lambda value: str(value))
def test_reference_resolves(where, line, name):
    try:
        resolve(name)
    except LookupError as exc:
        pytest.fail(f"{where}, docstring at line {line}: {name} does not resolve ({exc})", pytrace=False)


def test_a_dangling_reference_is_caught():
    with pytest.raises(LookupError):
        resolve("mesbook.sweep.sweep_windows")  # the module is mesbook.studies.sweep
    with pytest.raises(LookupError):
        resolve("mesbook.studies.sweep.no_such_function")
    assert resolve("mesbook.studies.sweep.sweep_windows").__name__ == "sweep_windows"
    assert isinstance(resolve("mesbook.results.SimulationResult.trades"), dataclasses.Field)
