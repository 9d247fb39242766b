"""Static checks of the book's sources: the toc, the config and the stored notebooks (no kernel needed)."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from mesbook import exercises, widgets
from mesbook.formatting import EVAL_ROLE
from mesbook.plots.base import TEXT_KEY

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
CHAPTER = re.compile(r"^book/\d\d_[a-z0-9_]+$")
MAX_CODE_LINES = 6
MACHINE_PATH = re.compile(r"(/work/|/tmp/|/root/|/home/|/Users/|[A-Za-z]:\\\\)")
WIDGET_CALL = re.compile(r"\bwidgets\.(\w+_explorer)\(")
CHECK_CALL = re.compile(r'exercises\.check\("([\w.]+)"')
SEED_LITERAL = re.compile(r"\bseed=(\d+)")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def toc_files() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return files


def chapters() -> list[str]:
    return [f for f in toc_files() if CHAPTER.match(f)]


def load(entry: str) -> dict:
    return json.loads((REPO / f"{entry}.ipynb").read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def text_of(output: dict) -> str:
    if "text" in output:
        return "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
    data = output.get("data", {})
    return "".join("".join(v) if isinstance(v, list) else str(v) for k, v in data.items() if k.startswith("text/"))


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def has_image(cell: dict) -> bool:
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


# ------------------------------------------------------------------------------------------------
# Table of contents and configuration
# ------------------------------------------------------------------------------------------------

def test_toc_structure():
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    assert toc["format"] == "jb-book" and toc["root"] == "book/intro"
    assert all(part.get("caption") for part in toc["parts"]), "every part needs a caption"
    assert [f.split("/")[-1][:2] for f in chapters()] == [f"{i:02d}" for i in range(1, len(chapters()) + 1)]
    assert len(chapters()) >= 5


@pytest.mark.parametrize("entry", toc_files())
def test_every_toc_entry_exists_once(entry):
    found = [p for p in (REPO / f"{entry}.md", REPO / f"{entry}.ipynb") if p.exists()]
    assert len(found) == 1, f"{entry}: expected exactly one of .md / .ipynb, found {found}"


def test_no_md_and_ipynb_twins_anywhere_in_the_book():
    stems = {}
    for path in BOOK.rglob("*"):
        if path.suffix in (".md", ".ipynb") and ".ipynb_checkpoints" not in path.parts:
            stems.setdefault(path.with_suffix(""), []).append(path.suffix)
    twins = {str(k.relative_to(REPO)): v for k, v in stems.items() if len(v) > 1}
    assert not twins, f"a chapter must not exist both as .md and .ipynb: {twins}"


def test_config_builds_from_the_toc_and_executes_everything():
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    assert config["title"] == "mesbook"
    assert config["only_build_toc_files"] is True
    # "inline" runs every chapter on every build (it has no cache) and evaluates the {eval} prose roles.
    assert config["execute"]["execute_notebooks"] == "inline"
    assert config["execute"]["timeout"] >= 60
    for pattern in (".venv", "_build", "**.ipynb_checkpoints", "tests", "benchmarks", "mesbook", "README.md"):
        assert pattern in config["exclude_patterns"], pattern
    assert {"sphinx_exercise", "sphinx_togglebutton"} <= set(config["sphinx"]["extra_extensions"])
    assert config["sphinx"]["config"]["nb_ipywidgets_js"] == {}, "widget JS must not come from a CDN"
    assert config["launch_buttons"]["thebe"] is False
    # The public repository URL is unverified: no repository or launch buttons (issue 13; see README).
    assert config["html"]["use_repository_button"] is False and "repository" not in config
    assert not config["launch_buttons"].get("binderhub_url") and not config["launch_buttons"].get("colab_url")
    for bib in config["bibtex_bibfiles"]:
        assert (REPO / bib).is_file()
    assert "dollarmath" not in config["parse"]["myst_enable_extensions"]


def test_intro_says_educational_not_advice_once():
    text = "\n".join((REPO / f"{f}.md").read_text(encoding="utf-8") if (REPO / f"{f}.md").exists()
                     else json.dumps(load(f)) for f in toc_files())
    assert len(re.findall(r"not trading advice", text, re.I)) == 1
    assert "not trading advice" in (REPO / "book" / "intro.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------
# Each chapter notebook
# ------------------------------------------------------------------------------------------------

@pytest.fixture(params=chapters(), scope="module")
def chapter(request):
    return request.param, load(request.param)


#: The closing chapter reads the book's results back: no explorer, figure or exercise of its own.
CLOSING = "book/11_verdict"


@pytest.fixture(params=[c for c in chapters() if c != CLOSING], scope="module")
def teaching_chapter(request):
    return request.param, load(request.param)


def test_the_closing_chapter_ends_with_the_verdict_table_checked_by_nbval():
    assert chapters()[-1] == CLOSING
    cells = [c for c in code_cells(load(CLOSING)) if "verdict_table()" in source(c)]
    assert cells and "nbval-check-output" in cells[-1]["metadata"].get("tags", [])
    assert cells[-1]["outputs"], "store the closing chapter with its verdict table"


def test_is_stored_executed_in_order_without_errors(chapter):
    name, nb = chapter
    counts = [c.get("execution_count") for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"{name}: run all cells in order before saving"
    for cell in code_cells(nb):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{name}: stored error output"
            assert out.get("name") != "stderr", f"{name}: stored stderr output: {text_of(out)[:200]}"


def test_code_cells_are_short(chapter):
    name, nb = chapter
    for cell in code_cells(nb):
        lines = [line for line in source(cell).splitlines() if line.strip()]
        assert len(lines) <= MAX_CODE_LINES, f"{name}: a code cell has {len(lines)} lines:\n{source(cell)}"


def test_has_a_static_figure_with_alt_text(teaching_chapter):
    name, nb = teaching_chapter
    figures = [c for c in code_cells(nb) if has_image(c)]
    assert figures, f"{name}: no figure"
    for cell in figures:
        alt = figure_text(cell).get("alt", "")
        assert len(alt) > 20, f"{name}: figure without alt text:\n{source(cell)}"


def figure_text(cell: dict) -> dict:
    """The alt text and caption a figure's output carries (mesbook.plots.BookFigure.describe), else {}."""
    for out in cell.get("outputs", []):
        if "image/png" in out.get("data", {}) and out.get("metadata", {}).get(TEXT_KEY):
            return out["metadata"][TEXT_KEY]
    return {}


def test_no_figure_text_is_typed_in_a_cell(chapter):
    """A figure's alt text and caption come from its output (book/_ext/figure_text.py), never from the cell."""
    name, nb = chapter
    for cell in code_cells(nb):
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        typed = {"alt": mystnb.get("image", {}).get("alt"), "caption": mystnb.get("figure", {}).get("caption")}
        assert not any(typed.values()), f"{name}: typed figure text {typed} in cell {cell.get('id')}"


def test_has_a_widget_with_its_static_figure_just_before(teaching_chapter):
    name, nb = teaching_chapter
    cells = code_cells(nb)
    widget_cells = [i for i, c in enumerate(cells)
                    if any(text_of(o).strip() == widgets.STATIC_TEXT for o in c.get("outputs", []))]
    assert widget_cells, f"{name}: no widget cell (an output reading {widgets.STATIC_TEXT!r})"
    assert any(WIDGET_CALL.search(source(c)) for c in cells), f"{name}: no widgets.*_explorer(...) call"
    for i in widget_cells:
        assert i > 0 and has_image(cells[i - 1]), f"{name}: the widget needs its default figure in the cell before"
        for out in cells[i]["outputs"]:
            assert WIDGET_VIEW not in out.get("data", {}), f"{name}: stored widget views need a live kernel"
    assert "widgets" not in nb.get("metadata", {}), f"{name}: stored widget state"


def test_has_two_exercises_with_folded_solutions_and_checks(teaching_chapter):
    name, nb = teaching_chapter
    md = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    labels = re.findall(r":::\{exercise\}.*\n:label: ([\w-]+)", md)
    assert len(labels) >= 2, f"{name}: fewer than two exercises"
    for label in labels:
        assert re.search(rf"\{{solution-start\}} {re.escape(label)}\n:class: dropdown", md), \
            f"{name}: exercise {label} has no folded solution"
    assert md.count("{solution-start}") == md.count("{solution-end}")
    number = name.split("/")[-1][:2].lstrip("0")
    keys = set()
    for cell in code_cells(nb):
        keys.update(CHECK_CALL.findall(source(cell)))
    assert keys <= set(exercises.QUESTIONS), f"{name}: unknown exercise keys {keys - set(exercises.QUESTIONS)}"
    chapter_keys = {k for k in keys if k.startswith(f"ch{number}.")}
    assert len(chapter_keys) >= 2, f"{name}: fewer than two self-checked exercises"
    placeholders = [c for c in code_cells(nb) if source(c).startswith("answer = None")]
    assert len(placeholders) >= 2
    for cell in placeholders:
        assert "no answer yet" in "".join(text_of(o) for o in cell["outputs"])


def test_has_deterministic_cells_checked_by_nbval(chapter):
    name, nb = chapter
    checked = [c for c in code_cells(nb) if "nbval-check-output" in c.get("metadata", {}).get("tags", [])]
    assert checked, f"{name}: tag at least one deterministic cell with nbval-check-output"
    for cell in checked:
        assert cell.get("outputs"), f"{name}: a checked cell has no stored output"


def test_no_test_markers_visible_to_readers(chapter):
    """nbval's markers live in cell tags, never in the code a reader sees."""
    name, nb = chapter
    for cell in code_cells(nb):
        assert "NBVAL" not in source(cell), f"{name}: a test marker in a cell's code; use the nbval-* cell tags"


def test_outputs_hold_no_machine_paths_or_timing(chapter):
    name, nb = chapter
    for cell in code_cells(nb):
        assert "execution" not in cell.get("metadata", {}), f"{name}: stored execution timing"
        for out in cell.get("outputs", []):
            text = text_of(out)
            assert not MACHINE_PATH.search(text), f"{name}: machine path in an output: {text[:200]}"
            assert not re.search(r"0x[0-9a-f]{8,}", text), f"{name}: memory address in an output"


def test_every_random_draw_uses_the_book_seed(chapter):
    name, nb = chapter
    for cell in code_cells(nb):
        text = source(cell)
        if "simulate_market_data(" in text:
            assert "seed=" in text, f"{name}: unseeded market:\n{text}"
        for seed in SEED_LITERAL.findall(text):
            assert int(seed) == exercises.BOOK_SEED, f"{name}: seed {seed}, the book uses {exercises.BOOK_SEED}"


def test_starts_with_a_title_and_imports_the_package(chapter):
    name, nb = chapter
    first_md = next(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert re.search(r"^# \S", first_md, re.M), f"{name}: the first markdown cell needs a # title"
    first_code = source(next(c for c in code_cells(nb) if "parameters" not in c["metadata"].get("tags", [])))
    assert "import mesbook as mb" in first_code


def test_markdown_escapes_dollars(chapter):
    """Jupyter renders $...$ as LaTeX: every dollar sign in prose is written \\$."""
    name, nb = chapter
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        prose = re.sub(r"`[^`]*`", "", source(cell))
        assert not re.search(r"(?<!\\)\$", prose), f"{name}: unescaped $ in:\n{source(cell)[:300]}"


# ------------------------------------------------------------------------------------------------
# Numbers quoted in the prose must still be what mesbook computes
# ------------------------------------------------------------------------------------------------

#: A number quoted in the prose: {eval}`prose.name` in a chapter (mesbook.formatting.Prose), or
#: {glue:text}`chapter.ipynb::name:s` on a markdown page quoting a chapter's glue record.
GLUE_ROLE = re.compile(r"\{glue:text\}`(?:([\w.]+)::)?(\w+)(?::[^`]*)?`|\{eval\}`prose\.()(\w+)`")


def role_names(text: str) -> list[tuple[str, str]]:
    """(other notebook or "", name) of each number role in ``text``."""
    return [(m[1] or "", m[2] or m[4]) for m in GLUE_ROLE.finditer(text)]


def shows(text: str, value: float) -> bool:
    """``text`` (e.g. "1,234.5", "−$12", "+0.25") is ``value`` rounded to the digits it shows."""
    digits = text.replace(",", "").replace("$", "").replace("+", "").replace("\u2212", "-").rstrip("%").strip()
    decimals = len(digits.partition(".")[2])
    return abs(float(digits) - float(value)) <= 0.5 * 10.0 ** -decimals + 1e-9


def glued(nb: dict) -> dict[str, str]:
    """Every value a notebook glues (``myst_nb.glue``): name -> its stored text/plain."""
    values = {}
    for cell in code_cells(nb):
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = out.get("data", {})
                values[name] = next(v for k, v in data.items() if k.endswith("text/plain"))
    return values


def _facts() -> list[tuple[str, str, object]]:
    """(chapter, glue name or text as written in the prose / alt text, value(s) computed now)."""
    import mesbook as mb
    from mesbook.core.oi import regime_table
    from mesbook.article.signals import crossings
    from mesbook.studies.audit import lookahead_table
    from mesbook.studies.luck import paired_difference, seed_sweep

    data = mb.simulate_market_data(500, seed=exercises.BOOK_SEED)
    frame, result = mb.run_article(data)
    summary = result.summary()
    up, down = crossings(frame)
    sweep = seed_sweep(range(200))
    coin = seed_sweep(range(200), coin_flip=True)
    regimes = regime_table(data)
    look = lookahead_table(data, bar=100, bump=1000)
    oi = data["open_interest"]
    per_run = paired_difference(sweep["net P&L ($)"], coin["net P&L ($)"])
    return [
        ("book/02_open_interest", "oi_start", oi.iloc[0]),
        ("book/02_open_interest", "oi_low", oi.min()),
        ("book/02_open_interest", "oi_end", oi.iloc[-1]),
        ("book/02_open_interest", "fresh buying {} bars, fresh selling {} bars",
         (regimes["bars"].iloc[0], regimes["bars"].iloc[1])),
        ("book/03_indicators", "look_before", -look.loc["oi_gradient", "before"]),
        ("book/03_indicators", "look_after", look.loc["oi_gradient", "after"]),
        ("book/03_indicators", "cross_all", len(up) + len(down)),
        ("book/03_indicators", "cross_up", len(up)),
        ("book/03_indicators", "short_first", frame["oi_short_sma"].iloc[9]),
        ("book/04_signals", "n_buy", summary.signal_counts["BUY"]),
        ("book/04_signals", "n_sell", summary.signal_counts["SELL"]),
        ("book/05_simulation", "seed7_pnl", summary.net_pnl),
        ("book/05_simulation", "seed7_trades", summary.num_trades),
        ("book/05_simulation", "sweep_profitable", 100 * (sweep["net P&L ($)"] > 0).mean()),
        ("book/05_simulation", "sweep_median", sweep["net P&L ($)"].median()),
        ("book/05_simulation", "coin_profitable", 100 * (coin["net P&L ($)"] > 0).mean()),
        ("book/05_simulation", "run_diff", per_run["mean"]),
        ("book/05_simulation", "seed7_low", result.equity.min()),
    ]


def test_numbers_in_the_prose_are_current():
    """Glued numbers are referenced by the prose and stored with today's value; typed ones are still right."""
    stale = []
    for entry, key, values in _facts():
        nb = load(entry)
        md = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
        md += "\n".join(json.dumps(figure_text(c), ensure_ascii=False) for c in nb["cells"])
        md = re.sub(r"\s+", " ", md)
        if re.fullmatch(r"\w+", key):
            stored = glued(nb).get(key)
            if stored is None or key not in {name for _, name in role_names(md)}:
                stale.append(f"{entry}: {key!r} is not glued, or no {{eval}}`prose.name` role in the prose uses it")
            elif not shows(ast.literal_eval(stored), values):
                stale.append(f"{entry}: glued {key} = {stored}, mesbook now computes {values}")
        elif key.format(*values) not in md:
            stale.append(f"{entry}: expected the prose to say {key.format(*values)!r}")
    assert not stale, "\n".join(stale)
    assert len(_facts()) >= 10


def test_every_glue_role_has_its_value():
    """A number role in a chapter or the intro names a value that notebook (or the one it points to) glues."""
    pages = {f: (REPO / f"{f}.md").read_text(encoding="utf-8") if (REPO / f"{f}.md").exists()
             else "\n".join(source(c) for c in load(f)["cells"] if c["cell_type"] == "markdown") for f in toc_files()}
    missing = []
    for page, text in pages.items():
        for other, name in role_names(text):
            notebook = f"book/{other.removesuffix('.ipynb')}" if other else page
            if not (REPO / f"{notebook}.ipynb").exists() or name not in glued(load(notebook)):
                missing.append(f"{page}: {other}::{name}")
    assert not missing, "glue roles without a glued value:\n" + "\n".join(missing)


@pytest.mark.parametrize("entry", [f for f in toc_files() if (REPO / f"{f}.ipynb").exists()])
def test_jupyterlab_shows_each_paragraph_number_before_anything_runs(entry):
    """Each {eval}`prose.name` has its stored result in the cell (jupyterlab-myst's ``user_expressions``),
    and that result is the text the chapter's glue record holds, which nbval checks against a fresh run."""
    nb = load(entry)
    records = {name: ast.literal_eval(text) for name, text in glued(nb).items()}
    wrong = []
    for cell in nb["cells"]:
        roles = EVAL_ROLE.findall(source(cell)) if cell["cell_type"] == "markdown" else []
        stored = {item["expression"]: item["result"] for item in cell.get("metadata", {}).get("user_expressions", [])}
        if set(roles) != set(stored):
            wrong.append(f"{cell.get('id')}: roles {sorted(set(roles))}, stored {sorted(stored)}")
            continue
        for expression, result in stored.items():
            shown = ast.literal_eval(result["data"]["text/plain"]) if result.get("status") == "ok" else result
            if not expression.startswith("prose.") or shown != records.get(expression.removeprefix("prose.")):
                wrong.append(f"{cell.get('id')}: {expression} shows {shown!r}, glued {records.get(expression[6:])!r}")
    assert not wrong, f"{entry}: re-store it (tools/store_notebooks.py):\n" + "\n".join(wrong)
