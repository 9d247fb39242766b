"""The package layout is the architecture: layer contracts (import-linter) and the diagram in ARCHITECTURE.md.

The contracts live in ``pyproject.toml`` under ``[tool.importlinter]``. These tests run them on the checkout, show
that they do fail when a lower layer imports a higher one, and hold ARCHITECTURE.md's module map against the tree.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(where: Path) -> subprocess.CompletedProcess:
    if not LINT.exists():
        pytest.fail(f"{LINT} is missing: import-linter is pinned in requirements.txt; run `make venv`")
    env = {**os.environ, "PYTHONPATH": str(where)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=where, env=env, capture_output=True, text=True, timeout=120)


def contract_states(stdout: str) -> dict[str, str]:
    """Each contract's name (as import-linter prints it, wrapped lines joined) and "KEPT" or "BROKEN"."""
    section = stdout.split("Contracts\n---------", 1)[-1]
    lines = [line.strip() for line in section.splitlines() if line.strip() and not line.startswith(("-", "Analyzed"))]
    text = " ".join(lines).replace("-> ", "->")
    return {name.strip(): state for name, state in re.findall(r"(.+?) (KEPT|BROKEN)", text)}


def test_layer_contracts_are_kept():
    run = lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BROKEN" not in run.stdout
    kept = re.search(r"Contracts: (\d+) kept, 0 broken", run.stdout)
    assert kept and int(kept.group(1)) >= 4, run.stdout
    states = contract_states(run.stdout)
    for name in ("Layers", "The foundation", "Exercises", "Explorers"):
        assert [s for n, s in states.items() if n.startswith(name)] == ["KEPT"], states


@pytest.mark.parametrize(
    "module, line, broken",
    [
        # the article's pipeline may not read the engine's settings
        ("mesbook/article/signals.py", "from ..engine import settings as _upward  # noqa\n", "Layers"),
        # nor option mathematics: the article stands on the core alone
        ("mesbook/article/market.py", "from ..options import pricing as _sideways  # noqa\n", "Layers"),
        # pricing may not reach up to the studies
        ("mesbook/options/pricing.py", "from ..studies import sweep as _upward  # noqa\n", "Layers"),
        # the core is below everything but the base modules: not the data, not the engine, not the article
        ("mesbook/core/market.py", "from ..data import synthetic as _upward  # noqa\n", "Layers"),
        ("mesbook/core/trades.py", "from ..engine import fastpath as _upward  # noqa\n", "Layers"),
        ("mesbook/core/contract.py", "from ..article import contract as _upward  # noqa\n", "Layers"),
        # the foundation never reads the article's script, even where the layers would allow it
        ("mesbook/core/contract.py", "from ..article import contract as _upward  # noqa\n", "The foundation"),
        ("mesbook/options/pricing.py", "from ..article.contract import get_atm_strike as _a  # noqa\n", "The foundation"),
        ("mesbook/data/synthetic.py", "from ..article.market import simulate_market_data as _a  # noqa\n",
         "The foundation"),
        ("mesbook/engine/fastpath.py", "from ..article import simulation as _a  # noqa\n", "The foundation"),
        # exercises compute their answers without plots
        ("mesbook/exercises/__init__.py", "from .. import plots as _sideways  # noqa\n", "Exercises"),
        # the offline twin knows no explorer, and the controls know neither (no circle in the widgets)
        ("mesbook/widgets/twin.py", "from . import edge as _circle  # noqa\n", "Explorers"),
        ("mesbook/widgets/controls.py", "from . import base as _circle  # noqa\n", "Explorers"),
    ],
)
def test_contracts_fail_on_a_forbidden_import(tmp_path, module, line, broken):
    """The same contracts on a copy of the package with one forbidden import added must be broken."""
    shutil.copytree(ROOT / "mesbook", tmp_path / "mesbook", ignore=shutil.ignore_patterns("__pycache__", "*.csv"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    if not target.exists():  # exercises may be a single module
        target = tmp_path / module.replace("/__init__.py", ".py")
    target.write_text(target.read_text() + "\n" + line)
    run = lint(tmp_path)
    assert run.returncode != 0, run.stdout
    states = contract_states(run.stdout)
    assert [s for n, s in states.items() if n.startswith(broken)] == ["BROKEN"], run.stdout


def _documented_modules() -> set[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    return set(re.findall(r"`(mesbook(?:/[a-z_]+)*\.py)`", text))


def _package_modules() -> set[str]:
    found = set()
    for path in (ROOT / "mesbook").rglob("*.py"):
        if path.name == "__init__.py" and path.parent.name != "mesbook":
            continue
        found.add(path.relative_to(ROOT).as_posix())
    return found


def test_architecture_map_matches_the_tree():
    """Every module is in ARCHITECTURE.md's map and every module the map names exists."""
    documented, actual = _documented_modules(), _package_modules()
    assert documented, "ARCHITECTURE.md names no module"
    assert actual - documented == set(), f"modules missing from ARCHITECTURE.md: {sorted(actual - documented)}"
    assert documented - actual == set(), f"ARCHITECTURE.md names modules that do not exist: {sorted(documented - actual)}"


def test_no_module_is_over_about_600_lines():
    long = {p.relative_to(ROOT).as_posix(): n for p in (ROOT / "mesbook").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 650}
    assert not long, f"split these modules: {long}"


def test_every_module_opens_with_a_docstring():
    import ast

    missing = [p.relative_to(ROOT).as_posix() for p in (ROOT / "mesbook").rglob("*.py")
               if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None]
    assert not missing, f"modules without a docstring: {missing}"
