"""Three chapters, used as a student would: in JupyterLab, in headless Chromium.

The test starts a real JupyterLab server on 127.0.0.1 (random port, random token) and opens the chapter
notebooks that build an open-interest window explorer (``indicator_explorer``, ``signal_explorer`` or
``simulation_explorer`` from :mod:`mesbook.widgets`; chapters 3-5). Before running anything it checks
that jupyterlab-myst rendered the book's MyST markup — no raw ``{term}``, ``{doc}``, ``{cite:p}``,
``{math}``, ``:::`` or ``{exercise}`` fences visible, formulas typeset, exercises boxed — and that every
solution starts folded (its prose in a closed box, its code cells collapsed, no ✓ answer visible).
The paragraphs' numbers ({eval}`prose.name`) must show as the chapter's numbers both before anything
runs (from the cells' stored ``user_expressions``) and after Run All (evaluated again in the kernel).
Each citation must read as references.bib gives it ("Harris et al., 2020", book/_ext/citations.py) and
link to its entry on the bibliography page. Then it runs every cell, presses → on the slider of the short
window and checks that the explorer's figure is redrawn, with no error output anywhere; last, it clicks
a citation and checks that JupyterLab shows bibliography.md, rendered, with the cited entry on it (at the
top of the page: jupyterlab-myst's viewer does not scroll to a link's #fragment).

The notebook's folder is copied into a temporary server root (the rest of the repository is linked
beside it), so JupyterLab can never autosave outputs or checkpoints into the book's sources while the
authors edit them. ``MESBOOK_NOTEBOOK=path/to.ipynb`` chooses another notebook.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from browser_support import REPO, NetworkGuard, artifacts_dir, chromium, free_port, require_chromium

#: A code cell that builds one of the explorers whose sliders are the OI windows (chapters 3-5).
WINDOW_EXPLORER = re.compile(r"\b(indicator|signal|simulation)_explorer\s*\(|\b(Indicator|Signal|Simulation)Explorer\s*\(")

SERVER_START_S = 90
RUN_ALL_S = 150
STDERR = 'application/vnd.jupyter.stderr'

#: JupyterLab settings for a quiet, side-effect-free session: no autosave, no news, no update checks.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    # Render every cell, not only those scrolled into view, so the MyST checks see the whole notebook.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

#: MyST source that must never be visible once jupyterlab-myst has rendered a markdown cell.
RAW_MYST = r"\{(term|doc|cite:p|cite:t|math|ref|numref|exercise|solution-start|solution-end)\}|^:::|^```|^:(label|class):"


def uses_window_explorer(notebook: Path) -> bool:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return False
    return any(c.get("cell_type") == "code" and WINDOW_EXPLORER.search("".join(c.get("source", ""))) for c in cells)


def window_notebooks() -> list[Path]:
    """The notebooks to drive: ``$MESBOOK_NOTEBOOK``, else every book chapter that builds a window explorer."""
    explicit = os.environ.get("MESBOOK_NOTEBOOK")
    if explicit:
        return [Path(explicit).resolve()]
    return sorted(p for p in (REPO / "book").glob("*.ipynb") if uses_window_explorer(p))


NOTEBOOKS = window_notebooks()


def make_workspace(notebook: Path, root: Path) -> Path:
    """A server root: the notebook's folder copied, everything else in the repository linked. Returns the copy."""
    try:
        rel_dir = notebook.parent.relative_to(REPO)
    except ValueError:
        rel_dir = Path("book")
    top = rel_dir.parts[0] if rel_dir.parts else None
    if REPO in notebook.parents:
        for entry in REPO.iterdir():
            link = root / entry.name
            if entry.name not in {top, ".git", "_build", "artifacts", ".ipynb_checkpoints"} and not link.exists():
                link.symlink_to(entry, target_is_directory=entry.is_dir())
    if not (root / rel_dir / notebook.name).exists():
        shutil.copytree(notebook.parent, root / rel_dir, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "_build", "__pycache__"))
    return root / rel_dir / notebook.name


def http_get(url: str, token: str, timeout: float = 5.0) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


class LabServer:
    """``jupyter lab`` as a subprocess on 127.0.0.1, with its own config, data, runtime and settings dirs."""

    def __init__(self, root: Path, state: Path) -> None:
        self.root, self.state = root, state
        self.token = secrets.token_hex(24)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = state / "jupyterlab.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _env(self) -> dict:
        env = dict(os.environ)
        for name in ("config", "runtime", "ipython"):
            (self.state / name).mkdir(exist_ok=True)
        env.update(JUPYTER_CONFIG_DIR=str(self.state / "config"), JUPYTER_RUNTIME_DIR=str(self.state / "runtime"),
                   IPYTHONDIR=str(self.state / "ipython"), MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1",
                   JUPYTER_PLATFORM_DIRS="1")
        env.pop("JUPYTER_TOKEN", None)
        return env

    def start(self) -> None:
        settings = self.state / "settings"
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        (self.state / "workspaces").mkdir(exist_ok=True)
        last_error = ""
        for _attempt in range(3):  # the port we picked may be taken before the server binds it
            self.port = free_port()
            command = [
                sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
                "--allow-root", "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}", "--ServerApp.terminals_enabled=False",
                "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={self.state / 'workspaces'}",
            ]
            log = open(self.log_path, "ab")
            try:
                self.proc = subprocess.Popen(command, cwd=self.root, env=self._env(), stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT)
            finally:
                log.close()
            deadline = time.monotonic() + SERVER_START_S
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    if http_get(f"{self.base}api/status", self.token, timeout=2) == 200:
                        return
                except (urllib.error.URLError, OSError) as exc:
                    last_error = str(exc)
                time.sleep(0.25)
            self.stop()
            last_error = f"{last_error}; log tail:\n{self.log_tail()}"
        pytest.fail(f"JupyterLab did not start: {last_error}", pytrace=False)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Ask the server to shut down (it stops its kernels too); terminate, then kill, if it will not."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            request = urllib.request.Request(f"{self.base}api/shutdown", method="POST", data=b"",
                                             headers={"Authorization": f"token {self.token}"})
            urllib.request.urlopen(request, timeout=10).close()
        except (urllib.error.URLError, OSError):
            pass
        try:
            proc.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def delete_sessions(server: LabServer) -> None:
    """Shut down every kernel session of the server (one notebook's kernel must not outlive its test)."""
    headers = {"Authorization": f"token {server.token}"}
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{server.base}api/sessions", headers=headers),
                                    timeout=10) as response:
            sessions = json.loads(response.read())
        for session in sessions:
            request = urllib.request.Request(f"{server.base}api/sessions/{session['id']}", method="DELETE",
                                             headers=headers)
            urllib.request.urlopen(request, timeout=30).close()
    except (urllib.error.URLError, OSError, ValueError):
        pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab server for the module, serving a copy of the notebooks' folder."""
    require_chromium()  # skip/fail before spending time on the server
    if not NOTEBOOKS:
        pytest.fail("no notebook under book/ builds a window explorer (indicator_explorer, signal_explorer or "
                    "simulation_explorer from mesbook.widgets); chapters 3-5 should", pytrace=False)
    missing = [str(p) for p in NOTEBOOKS if not p.is_file()]
    if missing:
        pytest.fail(f"MESBOOK_NOTEBOOK names no file: {missing}", pytrace=False)
    base = tmp_path_factory.mktemp("jupyterlab")
    root, state = base / "root", base / "state"
    root.mkdir()
    state.mkdir()
    copies = {nb: make_workspace(nb, root).relative_to(root).as_posix() for nb in NOTEBOOKS}
    server = LabServer(root, state)
    server.start()
    try:
        yield server, copies
    finally:
        server.stop()
        shutil.copy(server.log_path, artifacts_dir() / "jupyterlab.log")


# JavaScript run in the page, against the JupyterLab application object (exposed by expose_app_in_browser).
# The notebook panel is looked up by its path (shell.currentWidget is null whenever focus leaves the panel).
FIND_PANEL = """(path) => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content && w.sessionContext) return w;
  }
  return null;
}"""

# Polled by wait_for_function, so synchronous (a returned Promise would count as truthy at once).
NOTEBOOK_READY = """(path) => {
  const app = window.jupyterapp;
  if (!app || !app.commands.hasCommand('notebook:run-all-cells')) return false;
  const w = (%s)(path);
  if (!w || !w.context.isReady || !w.sessionContext.isReady) return false;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}""" % FIND_PANEL

RUN_ALL = """async (path) => {
  const app = window.jupyterapp;
  const w = (%s)(path);
  app.shell.activateById(w.id);
  return await app.commands.execute('notebook:run-all-cells');
}""" % FIND_PANEL

ALL_EXECUTED = """(path) => {
  const w = (%s)(path);
  const kernel = w && w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  if (w.node.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) return true;
  const cells = w.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim());
  return cells.every(c => c.model.executionCount !== null);
}""" % FIND_PANEL

IMAGE_DIGEST = """async (img) => {
  const bytes = await (await fetch(img.src)).arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return {src: img.src, size: bytes.byteLength,
          sha: Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0')).join('')};
}"""

ERROR_OUTPUTS = f"""() => Array.from(document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="{STDERR}"], .jp-RenderedText[data-mime-type="{STDERR}"]'))
  .map(e => e.innerText.slice(0, 800))"""

# What the student sees before running anything: rendered markdown, exercises, solutions, collapsed cells.
MYST_REPORT = """([path, rawPattern]) => {
  const w = (%s)(path);
  const raw = new RegExp(rawPattern, 'm');
  const markdown = w.content.widgets.filter(c => c.model.type === 'markdown' && c.model.sharedModel.getSource().trim());
  const rendered = markdown.map(c => c.node.querySelector('.myst')).filter(Boolean);
  const boxes = Array.from(w.node.querySelectorAll('details.myst-exercise, .myst-exercise'));
  const title = b => (b.querySelector('summary, .myst-exercise-title') || b).textContent;
  const solutions = boxes.filter(b => b.tagName === 'DETAILS' && /Solution/.test(title(b)));
  const exercises = boxes.filter(b => /^\\s*Exercise/.test(title(b)));
  const folded = w.content.widgets.filter(c => c.model.type === 'code' && (c.model.getMetadata('jupyter') || {}).source_hidden);
  return {
    markdown: markdown.length, rendered: rendered.length,
    raw: rendered.map(e => e.innerText).flatMap(t => t.split('\\n')).filter(line => raw.test(line)).slice(0, 10),
    links: rendered.reduce((n, e) => n + e.querySelectorAll('a').length, 0),
    formulas: w.node.querySelectorAll('.myst .katex').length, formulaErrors: w.node.querySelectorAll('.myst .katex-error').length,
    exercises: exercises.length, solutions: solutions.length, openSolutions: solutions.filter(d => d.open).length,
    foldedCells: folded.length, unfolded: folded.filter(c => !c.inputHidden || !c.outputHidden).length,
    answersShown: (w.content.node.innerText.match(/✓ ch\\d+\\.[a-z_]+/g) || []).slice(0, 5),
  };
}""" % FIND_PANEL

MYST_RENDERED = """(path) => {
  const w = (%s)(path);
  if (!w) return false;
  const markdown = w.content.widgets.filter(c => c.model.type === 'markdown' && c.model.sharedModel.getSource().trim());
  return markdown.length > 0 && markdown.every(c => c.node.querySelector('.myst'));
}""" % FIND_PANEL

# Each markdown cell with inline expressions: its source and the text jupyterlab-myst rendered (textContent:
# a folded solution keeps its text out of innerText).
PROSE_REPORT = """(path) => {
  const w = (%s)(path);
  return w.content.widgets
    .filter(c => c.model.type === 'markdown' && /\\{eval\\}/.test(c.model.sharedModel.getSource()))
    .map(c => ({source: c.model.sharedModel.getSource(), text: (c.node.querySelector('.myst') || c.node).textContent}));
}""" % FIND_PANEL

# Each citation link jupyterlab-myst rendered in the notebook's markdown cells (its text and its target), and
# the citations it could not resolve: a {cite} role shows its key in a "Citation Not Found" box.
CITATION_LINKS = """(path) => {
  const w = (%s)(path);
  return {
    links: Array.from(w.content.node.querySelectorAll('.jp-MarkdownCell .myst a'))
      .filter(a => /bibliography\\.md/.test(a.href))
      .map(a => ({text: a.textContent, href: a.href, hash: a.hash})),
    unresolved: Array.from(w.content.node.querySelectorAll('.jp-MarkdownCell .myst .cite-group')).map(e => e.textContent),
  };
}""" % FIND_PANEL

# The document JupyterLab shows in front once a citation was clicked: its path and the cited entry's text.
SHOWN_ENTRY = """(id) => {
  const w = window.jupyterapp.shell.currentWidget;
  const entry = w && w.node.querySelector('.jp-RenderedMySTMarkdown [id="' + id + '"]');
  return entry ? {path: w.context ? w.context.path : '', text: entry.textContent} : null;
}"""

WIDGET_ERRORS = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
  .map(e => e.innerText).filter(t => /Error displaying widget|Error rendering|model not found/i.test(t))"""


def wait_or_fail(page, predicate: str, arg, timeout_s: float, message: str, polling=500) -> None:
    """``page.wait_for_function``, failing the test with ``message`` (not a bare timeout) if it never holds."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(predicate, arg=arg, timeout=timeout_s * 1000, polling=polling)
        return
    except PlaywrightTimeout:
        pass
    pytest.fail(message, pytrace=False)


def check_myst_rendering(page, source: Path, notebook_path: str) -> None:
    """Before any cell runs: MyST rendered (no raw markup), exercises boxed, every solution folded."""
    wait_or_fail(page, MYST_RENDERED, notebook_path, 60,
                 f"{source.name}: markdown cells were not rendered by jupyterlab-myst within 60 s (no .myst "
                 "element: is jupyterlab-myst installed and enabled? `jupyter labextension list`)")
    report = page.evaluate(MYST_REPORT, [notebook_path, RAW_MYST])
    page.screenshot(path=str(artifacts_dir("screenshots") / f"jupyterlab-{source.stem}-myst.png"))
    text = source.read_text(encoding="utf-8")
    assert not report["raw"], f"{source.name}: raw MyST markup visible in JupyterLab: {report['raw']}"
    assert report["rendered"] == report["markdown"], f"{source.name}: {report}"
    if "{term}" in text or "{doc}" in text:
        assert report["links"] > 0, f"{source.name}: {{term}}/{{doc}} rendered without any link: {report}"
    if "{math}" in text:
        assert report["formulas"] > 0 and not report["formulaErrors"], f"{source.name}: formulas: {report}"
    if "{exercise}" in text:
        assert report["exercises"] > 0, f"{source.name}: no exercise box rendered: {report}"
    if "{solution-start}" in text:
        assert report["solutions"] > 0, f"{source.name}: no solution box rendered: {report}"
        assert report["openSolutions"] == 0, f"{source.name}: {report['openSolutions']} solution(s) start open"
        assert report["foldedCells"] > 0 and report["unfolded"] == 0, (
            f"{source.name}: solution code cells must start collapsed (metadata jupyter.source_hidden and "
            f"outputs_hidden): {report}")
    assert not report["answersShown"], f"{source.name}: solved answers visible before running: {report['answersShown']}"


def check_prose_numbers(page, source: Path, notebook_path: str, when: str) -> None:
    """Every {eval}`prose.name` of the chapter shows the number the book shows, never its expression."""
    import ast

    cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
    expected = {"".join(c["source"]): [ast.literal_eval(item["result"]["data"]["text/plain"])
                                       for item in c["metadata"].get("user_expressions", [])]
                for c in cells if c["cell_type"] == "markdown" and "{eval}" in "".join(c["source"])}
    shown = page.evaluate(PROSE_REPORT, notebook_path)
    assert len(shown) == len(expected) > 0, f"{source.name} ({when}): {len(shown)} of {len(expected)} paragraphs"
    wrong = []
    for cell in shown:
        text = re.sub(r"\s+", " ", cell["text"])
        missing = [value for value in expected[cell["source"]] if value not in text]
        if missing or re.search(r"\bprose\.\w+|\b\w+Error\b", text):
            wrong.append(f"missing {missing} in: {text[:300]}")
    assert not wrong, f"{source.name} ({when}): paragraph numbers not shown:\n" + "\n".join(wrong)


def citation_rules():
    """book/_ext/citations.py, which writes the citations from references.bib."""
    sys.path.insert(0, str(REPO / "book" / "_ext"))
    import citations

    return citations


def expected_citations(source: Path) -> list[tuple[str, str]]:
    """The (text, anchor) of each citation link in the notebook's markdown, checked against references.bib."""
    citations = citation_rules()
    references = citations.by_anchor(citations.load())
    found = []
    for text in citations.markdown_texts(source):
        for match in citations.LINK.finditer(text):
            reference = references[match["anchor"]]  # an unknown anchor fails here (and in test_citations)
            shown = citations.unescape(match["text"])
            assert shown in (reference.textual, reference.parenthetical), f"{source.name}: {match[0]}"
            found.append((shown, match["anchor"]))
    return found


def check_citations(page, source: Path, notebook_path: str) -> list[dict]:
    """Every citation reads "Author, year" or "Author (year)", as the .bib gives it, and links to bibliography.md."""
    expected = expected_citations(source)
    report = page.evaluate(CITATION_LINKS, notebook_path)
    assert not report["unresolved"], f"{source.name}: citations shown as their keys: {report['unresolved']}"
    shown = report["links"]
    got = [(link["text"], link["hash"].lstrip("#")) for link in shown]
    assert got == expected, f"{source.name}: citations shown {got}, the notebook's are {expected}"
    wrong = [link["href"] for link in shown if "/bibliography.md" not in link["href"].split("?")[0]]
    assert not wrong, f"{source.name}: citation links that do not open bibliography.md: {wrong}"
    return shown


def check_citation_opens_its_entry(page, source: Path, citation: dict) -> None:
    """Clicking the citation shows bibliography.md, rendered by jupyterlab-myst, with the cited entry on it."""
    anchor = citation["hash"].lstrip("#")
    link = page.locator(f'.jp-MarkdownCell .myst a[href$="#{anchor}"]').first
    link.scroll_into_view_if_needed()
    link.click()
    wait_or_fail(page, f"(id) => !!({SHOWN_ENTRY})(id)", anchor, 30,
                 f"{source.name}: clicking {citation['text']!r} did not show its bibliography entry #{anchor}")
    entry = page.evaluate(SHOWN_ENTRY, anchor)
    page.screenshot(path=str(artifacts_dir("screenshots") / f"jupyterlab-{source.stem}-citation.png"))
    assert entry["path"].endswith("bibliography.md"), f"{source.name}: the citation opened {entry['path']!r}"
    citations = citation_rules()
    label = citations.by_anchor(citations.load())[anchor].textual  # each entry opens with it: "Hull (2022)."
    assert entry["text"].startswith(f"{label}."), f"{source.name}: entry #{anchor} reads {entry['text'][:120]!r}"


@pytest.mark.parametrize("source", NOTEBOOKS or [None], ids=lambda p: p.stem if p else "none")
def test_window_slider_redraws_the_figure(lab, source):
    server, copies = lab
    notebook_path = copies[source]
    started = time.monotonic()
    shots = artifacts_dir("screenshots")
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
        context.set_default_timeout(60_000)
        guard = NetworkGuard(context)
        page = context.new_page()
        page_errors: list[str] = []
        page.on("pageerror", lambda exc: page_errors.append(f"{exc.name}: {exc.message}"))
        try:
            page.goto(f"{server.base}lab/tree/{notebook_path}?token={server.token}", wait_until="load")
            wait_or_fail(page, NOTEBOOK_READY, notebook_path, 90,
                         f"{source.name}: JupyterLab did not open the notebook with an idle kernel within 90 s")
            check_myst_rendering(page, source, notebook_path)
            check_prose_numbers(page, source, notebook_path, "before running")
            cited = check_citations(page, source, notebook_path)

            page.evaluate(RUN_ALL, notebook_path)  # false if a cell failed: the error outputs say which
            wait_or_fail(page, ALL_EXECUTED, notebook_path, RUN_ALL_S,
                         f"{source.name}: Run All did not finish within {RUN_ALL_S} s")

            errors = page.evaluate(ERROR_OUTPUTS)
            assert not errors, f"{source.name}: error output after Run All:\n" + "\n---\n".join(errors)
            assert not page.evaluate(WIDGET_ERRORS), f"{source.name}: a widget failed to display"
            check_prose_numbers(page, source, notebook_path, "after Run All")

            sliders = page.locator(".jp-OutputArea-output .widget-slider")
            sliders.first.wait_for(state="visible", timeout=30_000)
            short = sliders.filter(has=page.locator(".widget-label", has_text=re.compile("short", re.I)))
            slider = short.first if short.count() else sliders.first
            label = slider.locator(".widget-label").inner_text()
            explorer = slider.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][.//img][1]")
            image = explorer.locator("img.widget-image, img").first
            image.scroll_into_view_if_needed()
            image.wait_for(state="visible")
            wait_or_fail(page, "img => img.complete && img.naturalWidth > 0", image.element_handle(), 30,
                         f"{source.name}: the explorer's figure never loaded")
            before = image.evaluate(IMAGE_DIGEST)
            readout = slider.locator(".widget-readout")
            value_before = readout.inner_text().strip()
            explorer.screenshot(path=str(shots / f"jupyterlab-{source.stem}-before.png"))

            handle = slider.locator(".noUi-handle").first
            handle.focus()
            handle.press("ArrowRight")
            wait_or_fail(page, "([el, v]) => el.innerText.trim() !== v", [readout.element_handle(), value_before], 10,
                         f"{source.name}: pressing → on the {label!r} slider did not move it from {value_before}")
            value_after = readout.inner_text().strip()
            wait_or_fail(page, "([img, src]) => img.src !== src && img.complete && img.naturalWidth > 0",
                         [image.element_handle(), before["src"]], 30,
                         f"{source.name}: moving {label!r} from {value_before} to {value_after} did not redraw the "
                         "figure within 30 s (an exception in the widget callback goes to JupyterLab's log console)",
                         polling=200)
            after = image.evaluate(IMAGE_DIGEST)
            explorer.screenshot(path=str(shots / f"jupyterlab-{source.stem}-after.png"))

            assert after["sha"] != before["sha"], (
                f"moving {label!r} from {value_before} to {value_after} did not change the figure's pixels")
            errors = page.evaluate(ERROR_OUTPUTS)
            assert not errors, f"{source.name}: error output after moving the slider:\n" + "\n---\n".join(errors)
            assert not page.evaluate(WIDGET_ERRORS), f"{source.name}: a widget failed to display"
            assert not page_errors, f"JavaScript errors in JupyterLab: {page_errors}"
            if cited:  # last: the bibliography opens in front of the notebook
                check_citation_opens_its_entry(page, source, cited[0])
                assert not page_errors, f"JavaScript errors in JupyterLab: {page_errors}"
            print(f"{source.name}: {label} {value_before} -> {value_after}; figure {before['size']} -> "
                  f"{after['size']} bytes; blocked requests: {sorted(set(u for _, u in guard.blocked))}; "
                  f"{time.monotonic() - started:.1f} s in the browser")
        except BaseException:  # pytest.fail raises a BaseException: keep a picture of what the reader would see
            try:
                page.screenshot(path=str(shots / f"jupyterlab-{source.stem}-failure.png"), full_page=True)
            except Exception:
                pass
            raise
        finally:
            context.close()
            delete_sessions(server)
