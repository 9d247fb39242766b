"""``make mutate``: mutation testing of the modules whose rules decide money, with their mirror tests.

For each module below, a throw-away copy of the checkout is made under ``MUTATE_DIR`` (default
``/tmp/mesbook-mutate``), and `mutmut <https://mutmut.readthedocs.io>`_ (pinned in
``benchmarks/requirements.txt``) mutates only that module and runs only its mirror tests, stopping at the
first failure (``-x``) with a lean hypothesis profile (few examples, no shrinking). The checkout itself is
never modified. It prints, and writes to ``MUTATE_REPORT`` (default ``mutation.md`` in the copy root), the
kill rate per module and every surviving mutant's diff: a survivor is either a missing test or a truly
equivalent change, to be argued one by one.

``python -m benchmarks.mutate [NAME ...]`` runs only the named modules (e.g. ``rules contract``); ``loader`` is
``mesbook/data/loader.py`` with its stages ``mesbook/data/loading/*.py``, and ``loader.layouts`` (any stage name) one
stage alone; by default every module is run, each stage once (as part of ``loader``);
``MUTATE_CHILDREN`` sets mutmut's parallel workers (default 1: the machine has two shared cores).
It is slow (minutes per module) and stays out of ``make test``.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The loader's stage modules (mesbook/data/loading/), mutated with loader.py against the loader's tests.
LOADER_STAGES = ("common", "source", "tables", "records", "header", "layouts", "numbers", "timestamps", "checks")
#: Module (or modules) -> its mirror tests (only these run against its mutants).
MODULES: dict[str, tuple[str | tuple[str, ...], tuple[str, ...]]] = {
    "rules": ("mesbook/engine/rules.py", ("tests/test_rules.py",)),
    "backtest": ("mesbook/engine/backtest.py", ("tests/test_backtest.py", "tests/test_engine_properties.py",
                                                "tests/test_engine.py")),
    "contract": ("mesbook/article/contract.py", ("tests/test_contract.py",)),
    "validation": ("mesbook/validation.py", ("tests/test_validation.py",)),
    "loader": (("mesbook/data/loader.py", *(f"mesbook/data/loading/{name}.py" for name in LOADER_STAGES)),
               ("tests/test_loader.py", "tests/test_loader_dialects.py",
                                           "tests/test_loader_files.py", "tests/test_loader_numeric_dates.py",
                                           "tests/test_loader_numbers.py",
                                           "tests/test_loader_text_dates.py", "tests/test_loader_vendors.py",
                                           "tests/test_loader_formats.py", "tests/test_loader_stages.py")),
    "metrics": ("mesbook/metrics.py", ("tests/test_metrics.py",)),
    "clock": ("mesbook/clock.py", ("tests/test_clock.py",)),
    "calendar": ("mesbook/options/calendar.py", ("tests/test_calendar.py",)),
    "release": ("mesbook/data/release.py", ("tests/test_release.py",)),
}
#: One stage of the loader at a time (``loader.layouts``, ...), against all of the loader's tests.
MODULES.update({f"loader.{stage}": (f"mesbook/data/loading/{stage}.py", MODULES["loader"][1]) for stage in LOADER_STAGES})
#: What the copy needs besides the module: the package, the tests and the project files.
COPIED = ("mesbook", "tests", "benchmarks", "pyproject.toml")
#: Hypothesis profile for mutant runs: the first failing example is enough, shrinking it is wasted time.
PROFILE = '''
from hypothesis import Phase, settings as _settings
_settings.register_profile("mesbook-mutate", parent=_settings.get_profile("mesbook"), max_examples=15,
                           phases=(Phase.explicit, Phase.reuse, Phase.generate), database=None)
_settings.load_profile("mesbook-mutate")
'''


def copy_checkout(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    with open(target / "tests" / "conftest.py", "a", encoding="utf-8") as conftest:
        conftest.write(PROFILE)


def run_module(name: str, base: Path, children: int) -> tuple[int, int, list[str]]:
    """Mutate one module in its own copy; returns (killed, total, survivor diffs)."""
    module, tests = MODULES[name]
    modules = [module] if isinstance(module, str) else list(module)
    work = base / name
    copy_checkout(work)
    listed = lambda values: "".join(f"\n    {v}" for v in values)  # setup.cfg lists: one value a line
    (work / "setup.cfg").write_text(
        f"[mutmut]\nsource_paths={listed(['mesbook'])}\nonly_mutate={listed(modules)}\n"
        f"pytest_add_cli_args_test_selection={listed(tests)}\n"
        f"pytest_add_cli_args={listed(['-x', '-q', '-p', 'no:cacheprovider'])}\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(work), "MPLBACKEND": "Agg"}
    mutmut = [sys.executable, "-m", "mutmut"]
    subprocess.run([*mutmut, "run", "--max-children", str(children)], cwd=work, env=env, check=False,
                   stdout=subprocess.DEVNULL)
    listing = subprocess.run([*mutmut, "results", "--all", "true"], cwd=work, env=env, text=True,
                             capture_output=True, check=False).stdout
    statuses = dict(re.findall(r"^\s*(\S+): (.+?)\s*$", listing, flags=re.M))
    killed = sum(status in ("killed", "timeout", "segfault", "suspicious") for status in statuses.values())
    survivors = [key for key, status in statuses.items() if status in ("survived", "no tests")]
    diffs = [subprocess.run([*mutmut, "show", key], cwd=work, env=env, text=True, capture_output=True,
                            check=False).stdout for key in survivors]
    return killed, len(statuses), diffs


def main(selected: list[str]) -> None:
    base = Path(os.environ.get("MUTATE_DIR", "/tmp/mesbook-mutate"))
    report = Path(os.environ.get("MUTATE_REPORT", base / "mutation.md"))
    children = int(os.environ.get("MUTATE_CHILDREN", "1"))
    names = selected or [name for name in MODULES if not name.startswith("loader.")]
    lines = ["# Mutation testing (mutmut, mirror tests only)", "", "| module | mutants | killed | kill rate |",
             "|---|---:|---:|---:|"]
    details = []
    for name in names:
        killed, total, diffs = run_module(name, base, children)
        rate = 100.0 * killed / total if total else float("nan")
        label = MODULES[name][0] if isinstance(MODULES[name][0], str) else f"{name} ({len(MODULES[name][0])} modules)"
        print(f"{label:<32} {total:>5} mutants {killed:>5} killed {rate:6.1f} %", flush=True)
        lines.append(f"| {label} | {total} | {killed} | {rate:.1f} % |")
        details += [f"\n## Survivors in {label}\n"] + [f"```diff\n{d.strip()}\n```" for d in diffs]
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(lines + details) + "\n", encoding="utf-8")
    print(f"report: {report}")


if __name__ == "__main__":
    main(sys.argv[1:])
