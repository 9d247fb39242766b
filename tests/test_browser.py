"""The HTML book as a reader meets it: every page opened from ``file://`` in headless Chromium.

The book must already be built (``make book``; ``make test`` does it first). ``MESBOOK_HTML`` points the
tests at another build, e.g. ``jupyter-book build . --path-output /tmp/b`` → ``MESBOOK_HTML=/tmp/b/_build/html``.

The reader has the built folder and no network. Every request that would leave the folder is recorded,
and every one that would reach a network (any host, 127.0.0.1 included) is aborted: the book must make
none (no CDN scripts, fonts, MathJax or images). Screenshots of the chapters, and the list of requests
that left the folder, go to ``artifacts/`` (gitignored).
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser_support import (REPO, SiteGuard, artifacts_dir, axe_version, chromium, recorded_page, require_axe,
                             run_axe)

#: Folders of a Sphinx build that hold assets, not pages.
ASSET_DIRS = {"_static", "_sources", "_images", "_downloads", "_panels_static", ".doctrees", "_sphinx_design_static"}

#: A chapter page: book/01_mes_basics.html, book/05_simulation.html, ...
CHAPTER = re.compile(r"^\d+_.+\.html$")

PAGE_TIMEOUT_MS = 30_000

#: JavaScript run in each page once it has loaded: waits for every image, then reports what is on it.
INSPECT_PAGE = """
async (timeoutMs) => {
  const images = Array.from(document.images);
  for (const img of images) { img.loading = "eager"; }
  const settled = images.map(img => img.complete ? Promise.resolve() : new Promise(done => {
    img.addEventListener("load", done, {once: true}); img.addEventListener("error", done, {once: true});
  }));
  const typeset = (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
  await Promise.race([Promise.all(settled.concat([typeset])), new Promise(done => setTimeout(done, timeoutMs))]);
  const output = img => !!img.closest(".cell_output, .output, figure, .sd-card") || /\\/_images\\//.test(img.src);
  return {
    images: images.map(img => ({src: img.getAttribute("src") || "", url: img.currentSrc || img.src,
                                 width: img.naturalWidth, complete: img.complete, output: output(img)})),
    links: Array.from(document.querySelectorAll("a[href]")).map(a => ({raw: a.getAttribute("href"), url: a.href})),
    ids: Array.from(document.querySelectorAll("[id], a[name]")).map(e => e.id || e.getAttribute("name")),
    title: document.title,
    math: Array.from(document.querySelectorAll("span.math, div.math")).map(e => ({
      typeset: !!e.querySelector("mjx-container"), error: !!e.querySelector("mjx-merror, [data-mjx-error]"),
      text: e.textContent.slice(0, 80)})),
    tex: (window.MathJax && MathJax.startup && MathJax.startup.document)
         ? Array.from(MathJax.startup.document.math).map(item => item.math) : [],
    strayMath: document.querySelectorAll("mjx-container").length
               - document.querySelectorAll(".math mjx-container").length,
    fontsLoaded: Array.from(document.fonts).filter(f => f.status === "loaded").map(f => f.family),
    fontsFailed: Array.from(document.fonts).filter(f => f.status === "error").map(f => f.family),
    text: document.body.innerText,
  };
}
"""


@dataclass
class PageReport:
    """What one page did in the browser."""

    path: str  # relative to the html dir, with forward slashes
    url: str
    final_url: str = ""
    images: list = field(default_factory=list)
    links: list = field(default_factory=list)
    ids: set = field(default_factory=set)
    math: list = field(default_factory=list)
    tex: list = field(default_factory=list)
    stray_math: int = 0
    fonts_failed: list = field(default_factory=list)
    text: str = ""
    js_errors: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    failed_local: list = field(default_factory=list)
    screenshot: Path | None = None
    load_error: str = ""


@dataclass
class Crawl:
    html: Path
    base: str
    pages: dict[str, PageReport]
    outside: list[tuple[str, str]]
    search: dict
    seconds: float


def html_dir() -> Path:
    """The built book: ``$MESBOOK_HTML`` or ``<repo>/_build/html``; fails if it was not built."""
    path = Path(os.environ.get("MESBOOK_HTML") or REPO / "_build" / "html").resolve()
    if not (path / "index.html").is_file():
        pytest.fail(f"no built book at {path} (no index.html): run `make book` first "
                    "(or set MESBOOK_HTML to a jupyter-book build's _build/html)", pytrace=False)
    return path


def book_pages(html: Path) -> list[str]:
    """Every HTML page of the build (assets excluded), relative paths with forward slashes, sorted."""
    pages = []
    for file in html.rglob("*.html"):
        rel = file.relative_to(html)
        if not ASSET_DIRS.intersection(rel.parts[:-1]):
            pages.append(rel.as_posix())
    return sorted(pages)


def chapter_pages(pages) -> list[str]:
    return [p for p in pages if CHAPTER.match(p.rsplit("/", 1)[-1])]


def toc_files(html: Path) -> list[str]:
    """The documents listed in the _toc.yml that the build came from (next to the build, else the repo's)."""
    import yaml

    toc = html.parent.parent / "_toc.yml"
    if not toc.is_file():
        toc = REPO / "_toc.yml"
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load(toc.read_text(encoding="utf-8")))
    return list(dict.fromkeys(re.sub(r"\.(md|ipynb|rst)$", "", f) for f in found))


def local_file(html: Path, base: str, url: str) -> Path | None:
    """The file in the build that a ``file://`` URL under ``base`` names (``None`` for other URLs)."""
    if not url.startswith(base):
        return None
    path = unquote(urlsplit(url).path)
    rel = path[len(urlsplit(base).path):]
    target = html / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    return target


REDIRECT = re.compile(r"<meta[^>]+http-equiv=[\"']?refresh", re.I)


def visit(page, report: PageReport, source: Path, shots: Path | None) -> None:
    page.goto(report.url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
    if REDIRECT.search(source.read_text(encoding="utf-8", errors="replace")[:5000]):
        # jupyter-book's index.html is <meta http-equiv="refresh"> to the root page: inspect where it lands.
        page.wait_for_url(lambda url: url.split("#")[0] != report.url, timeout=PAGE_TIMEOUT_MS)
        page.wait_for_load_state("load", timeout=PAGE_TIMEOUT_MS)
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:  # a page that keeps polling is still inspected; its requests are checked elsewhere
        pass
    report.final_url = page.url
    info = page.evaluate(INSPECT_PAGE, 15_000)
    report.images, report.links, report.ids = info["images"], info["links"], set(filter(None, info["ids"]))
    report.math, report.stray_math, report.text = info["math"], info["strayMath"], info["text"]
    report.tex = info["tex"]
    report.fonts_failed = info["fontsFailed"]
    if shots is not None:
        report.screenshot = shots / (report.path.replace("/", "__").removesuffix(".html") + ".png")
        page.screenshot(path=str(report.screenshot), full_page=True, timeout=PAGE_TIMEOUT_MS)


def run_search(context, base: str, query: str = "open interest") -> dict:
    """Open search.html?q=... and wait for Sphinx's client-side search to finish."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{exc.name}: {exc.message}"))
    try:
        page.goto(f"{base}search.html?q={query.replace(' ', '+')}", wait_until="load", timeout=PAGE_TIMEOUT_MS)
        hits = page.locator("#search-results ul.search li")
        status = page.locator("#search-results p.search-summary, #search-results .search-summary")
        try:
            page.wait_for_function(
                """() => document.querySelectorAll('#search-results ul.search li').length > 0
                         || /Search finished|did not match|found/i.test(
                              (document.querySelector('#search-results') || {}).innerText || '')""",
                timeout=PAGE_TIMEOUT_MS)
        except Exception as exc:
            return {"hits": [], "summary": f"search never finished: {exc}", "errors": errors}
        hrefs = hits.locator("a").evaluate_all("els => els.map(a => a.href)")
        summary = status.first.inner_text() if status.count() else ""
        shot = artifacts_dir("screenshots") / "search.png"
        page.screenshot(path=str(shot), full_page=True)
        return {"hits": hrefs, "summary": summary, "errors": errors}
    finally:
        page.close()


@pytest.fixture(scope="module")
def crawl() -> Crawl:
    """Open every page of the built book once, from file://, in one offline browser context."""
    html = html_dir()
    pages = book_pages(html)
    chapters = set(chapter_pages(pages))
    shots = artifacts_dir("screenshots")
    for old in shots.glob("*.png"):
        old.unlink()
    started = time.perf_counter()
    base = html.as_uri().rstrip("/") + "/"
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        guard = SiteGuard(context, html)
        reports: dict[str, PageReport] = {}
        try:
            for rel in pages:
                report = reports[rel] = PageReport(rel, base + rel)
                page = context.new_page()
                page.on("pageerror", lambda exc, r=report: r.js_errors.append(f"{exc.name}: {exc.message}"))
                page.on("console", lambda msg, r=report: r.console_errors.append(msg.text)
                        if msg.type == "error" else None)
                page.on("requestfailed", lambda req, r=report: r.failed_local.append(
                    f"{req.url} ({req.failure})") if guard.inside(req.url) and not req.url.startswith("data:")
                    else None)
                try:
                    visit(page, report, html / rel, shots if rel in chapters else None)
                except Exception as exc:  # recorded, asserted on below: one bad page must not hide the others
                    report.load_error = f"{type(exc).__name__}: {exc}"
                finally:
                    page.close()
            search = run_search(context, base)
        finally:
            context.close()
    outside = sorted(set(guard.outside))
    out = artifacts_dir()
    (out / "blocked-requests.txt").write_text(
        "".join(f"{page}\t{url}\n" for page, url in outside) or "(none)\n", encoding="utf-8")
    (out / "console-errors.txt").write_text(
        "".join(f"{r.path}\t{e}\n" for r in reports.values() for e in r.console_errors) or "(none)\n",
        encoding="utf-8")
    seconds = time.perf_counter() - started
    (out / "browser-pages.txt").write_text(
        f"{len(reports)} pages from {base} in {seconds:.1f} s; search 'open interest': {len(search['hits'])} hits\n"
        + "".join(f"{r.path}\t{len(r.images)} images\t{len(r.links)} links\t{len(r.math)} formulas\t"
                  f"{len(r.js_errors)} JS errors{chr(9) + r.load_error if r.load_error else ''}\n"
                  for r in reports.values()), encoding="utf-8")
    return Crawl(html, base, reports, outside, search, seconds)


def _problems(lines: list[str], what: str) -> str:
    return f"{len(lines)} {what}:\n  " + "\n  ".join(lines[:60])


def test_the_book_has_pages(crawl):
    assert any(p.endswith("index.html") for p in crawl.pages), "no index.html in the build"
    assert chapter_pages(crawl.pages), f"no chapter pages (book/NN_*.html) among {sorted(crawl.pages)}"


def test_every_toc_entry_was_built(crawl):
    missing = [f for f in toc_files(crawl.html) if not (crawl.html / f"{f}.html").is_file()]
    assert not missing, f"listed in _toc.yml but not built: {missing}"


def test_every_page_loads(crawl):
    bad = [f"{p}: {r.load_error}" for p, r in crawl.pages.items() if r.load_error]
    assert not bad, _problems(bad, "pages did not load")


def test_no_broken_images(crawl):
    bad = [f"{p}: <img src={img['src']!r}> (naturalWidth {img['width']})"
           for p, r in crawl.pages.items() for img in r.images if not img["width"]]
    assert not bad, _problems(bad, "broken images")


def test_no_broken_internal_links(crawl):
    bad = []
    for path, report in crawl.pages.items():
        for link in report.links:
            url, raw = link["url"], link["raw"]
            target = local_file(crawl.html, crawl.base, url)
            if target is None:
                if url.startswith("file:"):
                    bad.append(f"{path}: {raw!r} leaves the book's folder")
                continue  # mailto:, javascript:, and the web (not fetched: the tests run offline)
            if not target.is_file():
                bad.append(f"{path}: {raw!r} -> {target.relative_to(crawl.html) if target.is_relative_to(crawl.html) else target} does not exist")
                continue
            fragment = unquote(urlsplit(url).fragment)
            linked = crawl.pages.get(target.relative_to(crawl.html).as_posix())
            if fragment and linked is not None and not linked.load_error and fragment not in linked.ids:
                bad.append(f"{path}: {raw!r} -> no element with id {fragment!r} in {linked.path}")
    assert not bad, _problems(bad, "broken internal links")


def test_no_javascript_errors(crawl):
    # Uncaught exceptions only: console.error messages (listed in artifacts/console-errors.txt) include
    # the theme's harmless "Got invalid theme mode" on a fresh profile and the blocked-request notices.
    bad = [f"{p}: {e}" for p, r in crawl.pages.items() for e in r.js_errors]
    bad += [f"search.html?q=open+interest: {e}" for e in crawl.search["errors"]]
    assert not bad, _problems(bad, "JavaScript errors")


def test_no_missing_local_resources(crawl):
    bad = [f"{p}: {e}" for p, r in crawl.pages.items() for e in r.failed_local]
    assert not bad, _problems(bad, "local requests failed (missing CSS/JS/images?)")


def test_pages_request_nothing_outside_the_site(crawl):
    bad = [f"{page.removeprefix(crawl.base)}: {url}" for page, url in crawl.outside]
    assert not bad, _problems(bad, "requests outside the book's folder (network ones were blocked; the book "
                                   "must work offline from file://; see artifacts/blocked-requests.txt)")


def test_fonts_load_from_the_site(crawl):
    bad = [f"{p}: {family}" for p, r in crawl.pages.items() for family in r.fonts_failed]
    assert not bad, _problems(bad, "web fonts that failed to load")


#: The formulas the book must show (TeX fragments): the moving average, Black-76 and the t statistic.
FORMULAS = {"moving average": r"\mathrm{SMA}", "Black-76": "N(d_1)", "t statistic": r"\bar d"}


def test_formulas_are_typeset_offline(crawl):
    bad = []
    for name, tex in FORMULAS.items():
        pages = [p for p, r in crawl.pages.items() if any(tex in source for source in r.tex)]
        if not pages:
            bad.append(f"the {name} formula ({tex}) is on no page")
    for path, report in crawl.pages.items():
        for formula in report.math:
            if not formula["typeset"]:
                bad.append(f"{path}: formula left as raw TeX: {formula['text']!r}")
            elif formula["error"]:
                bad.append(f"{path}: MathJax error in {formula['text']!r}")
    assert not bad, _problems(bad, "formula problems (MathJax comes from _static/mathjax)")


def test_dollar_signs_stay_text(crawl):
    # No dollarmath: "$5 a point" must read as money, and MathJax must typeset nothing outside {math}.
    stray = [f"{p}: {r.stray_math} typeset block(s) outside a formula" for p, r in crawl.pages.items() if r.stray_math]
    assert not stray, _problems(stray, "text typeset as math")
    with_dollars = [p for p, r in crawl.pages.items() if re.search(r"\$\s?\d", r.text)]
    assert len(with_dollars) >= 3, f"dollar amounts ($5, $341, ...) shown on only {with_dollars}"


def test_every_chapter_shows_a_rendered_figure(crawl):
    # Chapters with an explorer (the closing chapter only reads results back, in tables).
    chapters = [p for p in chapter_pages(crawl.pages) if p in set(teaching_chapters())]
    bad = [p for p in chapters
           if not any(img["output"] and img["width"] > 0 for img in crawl.pages[p].images)]
    assert not bad, f"chapter pages without a rendered figure (an output <img> with naturalWidth > 0): {bad}"


def test_chapter_screenshots_are_saved(crawl):
    for path in chapter_pages(crawl.pages):
        shot = crawl.pages[path].screenshot
        assert shot is not None and shot.is_file() and shot.stat().st_size > 1000, f"no screenshot of {path}"
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_search_finds_open_interest(crawl):
    hits = crawl.search["hits"]
    assert hits, f"search.html?q=open+interest found nothing ({crawl.search['summary']!r})"
    missing = [h for h in hits if (f := local_file(crawl.html, crawl.base, h)) is None or not f.is_file()]
    assert not missing, f"search results that point nowhere: {missing}"


# -- accessibility: axe-core's WCAG 2.1 A/AA rules on every page, in light and dark mode -----------------
#: Impacts that fail the test (axe-core's scale: minor, moderate, serious, critical).
AXE_FAILS = {"serious", "critical"}

#: The theme's colour modes; each page is checked in both (prefers-color-scheme; the theme's default is "auto").
COLOR_MODES = ("light", "dark")


@dataclass
class AxeRun:
    path: str
    mode: str
    version: str = ""
    theme: str = ""
    violations: list = field(default_factory=list)
    error: str = ""


@pytest.fixture(scope="module")
def axe_runs() -> dict[tuple[str, str], AxeRun]:
    """axe-core (npm, node_modules; injected from disk) on every page from file://, network blocked, both modes."""
    html = html_dir()
    require_axe()
    runs: dict[tuple[str, str], AxeRun] = {}
    outside: list[tuple[str, str]] = []
    with chromium() as browser:
        for mode in COLOR_MODES:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block",
                                          color_scheme=mode)
            context.set_default_timeout(PAGE_TIMEOUT_MS)
            guard = SiteGuard(context, html)
            try:
                for rel in book_pages(html):
                    run = runs[rel, mode] = AxeRun(rel, mode)
                    with recorded_page(context, lambda error, r=run: setattr(r, "error", error)) as page:
                        page.goto((html / rel).as_uri(), wait_until="load")
                        if rel == "index.html":  # jupyter-book's redirect to the root page
                            page.wait_for_url(lambda url: not url.endswith("/index.html"))
                        report = run_axe(page)
                        run.version, run.theme, run.violations = report["version"], report["theme"], report["violations"]
            finally:
                context.close()
            outside += guard.outside
    lines = [f"{r.mode}\t{r.path}\t{v['rule']}\t{n['impact']}\t{n['target']}\t{v['help']}\n"
             for r in runs.values() for v in r.violations for n in v["nodes"]]
    (artifacts_dir() / "axe.txt").write_text("".join(lines) or "(no violation of any impact)\n", encoding="utf-8")
    for run in runs.values():
        run.error = run.error or "; ".join(f"request outside the site: {u}" for p, u in outside if p.endswith(run.path))
    return runs


def test_axe_checked_every_page_in_both_modes(axe_runs):
    assert len(axe_runs) >= 2 * 15, f"axe ran on only {sorted(axe_runs)}"
    bad = [f"{mode} {path}: {r.error}" for (path, mode), r in axe_runs.items() if r.error]
    bad += [f"{mode} {path}: axe-core {r.version}, package.json pins {axe_version()}"
            for (path, mode), r in axe_runs.items() if not r.error and r.version != axe_version()]
    bad += [f"{mode} {path}: the page showed the {r.theme!r} theme" for (path, mode), r in axe_runs.items()
            if not r.error and r.theme != mode]
    assert not bad, _problems(bad, "pages axe-core could not check as asked")


def test_no_serious_or_critical_accessibility_violations(axe_runs):
    # Every WCAG 2.1 A/AA rule runs; none is switched off. artifacts/axe.txt lists the minor ones too.
    bad = [f"{v['rule']} ({n['impact']}) on {path} [{mode}]: {n['target']} {n['html']!r} -- {v['help']}"
           for (path, mode), r in axe_runs.items() for v in r.violations for n in v["nodes"]
           if n["impact"] in AXE_FAILS]
    assert not bad, _problems(bad, "serious or critical axe-core violations (WCAG 2.1 A/AA)")


# -- the offline twins: a control moved with the keyboard changes the figure and the numbers ----------
#: The theme's own notice on a fresh profile; any other console error on a chapter page fails.
FOREIGN_CONSOLE = re.compile(r"invalid theme mode", re.I)

TWIN_STATE = """root => ({
  frame: root.dataset.frame, params: root.dataset.params ? JSON.parse(root.dataset.params) : null,
  src: root.querySelector('.mesbook-twin-figure').src,
  complete: root.querySelector('.mesbook-twin-figure').complete,
  width: root.querySelector('.mesbook-twin-figure').naturalWidth,
  numbers: Object.fromEntries(Array.from(root.querySelectorAll('.mesbook-twin-numbers dt')).map(
    dt => [dt.textContent, dt.nextElementSibling ? dt.nextElementSibling.textContent : ''])),
  controls: root.querySelectorAll('input[type=range]').length,
  // What the sliders point at, worked out here from their positions (row-major, last slider fastest)
  // and the embedded data, independently of the page's script.
  ...(() => {
    const data = JSON.parse(root.querySelector('script.mesbook-twin-data').textContent);
    const inputs = Array.from(root.querySelectorAll('input[type=range]'));
    const index = inputs.reduce((i, input) => i * (Number(input.max) + 1) + Number(input.value), 0);
    const frame = data.frames[index];
    return {slidersParams: frame.params,
            slidersFigure: root.querySelector('.mesbook-twin-figure').src === data.images[frame.img]};
  })(),
  buttons: Array.from(root.querySelectorAll('button')).map(b => b.textContent),
})"""


def teaching_chapters() -> list[str]:
    """Chapter pages whose notebook builds an explorer (``widgets.*_explorer(``): each must have a twin."""
    found = []
    for nb in sorted((REPO / "book").glob("[0-9][0-9]_*.ipynb")):
        if re.search(r"widgets\.\w+_explorer\(", nb.read_text(encoding="utf-8")):
            found.append(f"book/{nb.stem}.html")
    return found


@dataclass
class TwinRun:
    path: str
    twins: int = 0
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    key: str = ""
    console_errors: list = field(default_factory=list)
    js_errors: list = field(default_factory=list)
    outside: list = field(default_factory=list)
    error: str = ""


@pytest.fixture(scope="module")
def twin_runs() -> dict[str, TwinRun]:
    """Each teaching chapter from file://: focus the twin's first slider, press an arrow key, record both states."""
    html = html_dir()
    runs: dict[str, TwinRun] = {}
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        guard = SiteGuard(context, html)
        try:
            for rel in teaching_chapters():
                run = runs[rel] = TwinRun(rel)
                with recorded_page(context, lambda error, r=run: setattr(r, "error", error)) as page:
                    page.on("pageerror", lambda exc, r=run: r.js_errors.append(f"{exc.name}: {exc.message}"))
                    page.on("console", lambda msg, r=run: r.console_errors.append(msg.text)
                            if msg.type == "error" and not FOREIGN_CONSOLE.search(msg.text) else None)
                    page.goto((html / rel).as_uri(), wait_until="load")
                    twins = page.locator(".mesbook-twin")
                    run.twins = twins.count()
                    if not run.twins:
                        continue
                    root = twins.first
                    page.wait_for_function("r => r.dataset.ready === '1'", arg=root.element_handle())
                    run.before = root.evaluate(TWIN_STATE)
                    slider = root.locator("input[type=range]").first
                    slider.focus()
                    at_end = slider.evaluate("s => Number(s.value) >= Number(s.max)")
                    run.key = "ArrowLeft" if at_end else "ArrowRight"
                    slider.press(run.key)
                    page.wait_for_function("([r, f]) => r.dataset.frame !== f", arg=[root.element_handle(),
                                                                                    run.before["frame"]])
                    page.wait_for_function("r => { const i = r.querySelector('.mesbook-twin-figure'); "
                                           "return i.complete && i.naturalWidth > 0; }", arg=root.element_handle())
                    run.after = root.evaluate(TWIN_STATE)
                    root.screenshot(path=str(artifacts_dir("screenshots") / f"twin-{Path(rel).stem}.png"))
        finally:
            context.close()
    for run in runs.values():
        run.outside = [u for p, u in guard.outside if p.endswith(run.path)]
    return runs


def test_every_teaching_chapter_has_a_twin(twin_runs):
    assert len(twin_runs) >= 10, f"expected chapters 1-10 to build explorers: {sorted(twin_runs)}"
    bad = [f"{p}: {r.error or 'no .mesbook-twin on the page'}" for p, r in twin_runs.items() if r.error or not r.twins]
    assert not bad, _problems(bad, "chapters without a working twin")


def test_the_keyboard_moves_the_figure_and_the_numbers(twin_runs):
    bad = []
    for path, run in twin_runs.items():
        if run.error or not run.twins:
            continue
        before, after = run.before, run.after
        if before["controls"] < 1 or not any("play" in b for b in before["buttons"]):
            bad.append(f"{path}: controls {before['controls']}, buttons {before['buttons']}")
        if after["src"] == before["src"] or not after["width"]:
            bad.append(f"{path}: {run.key} on the first slider did not change the figure")
        if after["numbers"] == before["numbers"] or not after["numbers"]:
            bad.append(f"{path}: {run.key} did not change the numbers: {after['numbers']}")
        if after["params"] == before["params"]:
            bad.append(f"{path}: the parameters did not change: {after['params']}")
    assert not bad, _problems(bad, "twins that did not respond to the keyboard")


def test_twin_pages_stay_offline_and_quiet(twin_runs):
    bad = [f"{p}: request outside the site: {u}" for p, r in twin_runs.items() for u in r.outside]
    bad += [f"{p}: console error: {e}" for p, r in twin_runs.items() for e in r.console_errors + r.js_errors]
    assert not bad, _problems(bad, "problems while using the twins")


def expected_numbers(chapter: str, p: dict) -> dict[str, str]:
    """The numbers a twin must show for parameters ``p``, computed here from mesbook's public functions."""
    import mesbook as mb
    from mesbook.article.market import simulate_with_drift
    from mesbook.article.signals import crossing_bars
    from mesbook.constants import FUTURES_MULTIPLIER
    from mesbook.formatting import usd
    from mesbook.studies import caveats
    from mesbook.studies.sweep import SWEEP_LONGS, SWEEP_SHORTS

    data = mb.simulate_market_data(seed=7)
    if chapter == "01":
        return {"premium": usd(p["premium"] * FUTURES_MULTIPLIER),
                "call breaks even at": f"{p['strike'] + p['premium']:,.2f} points"}
    if chapter == "02":
        market = simulate_with_drift(p["seed"], p["price_drift"], p["oi_drift"])
        return {"final price": f"{market['futures_price'].iloc[-1]:,.2f} points"}
    if chapter == "03":
        frame = mb.calculate_indicators(data, p["short"], p["long"])
        up, down = crossing_bars(frame["oi_short_sma"].to_numpy(), frame["oi_long_sma"].to_numpy())
        return {"crossings above": str(len(up)), "crossings below": str(len(down))}
    if chapter == "04":
        counts = mb.generate_signals(mb.calculate_indicators(data, p["short"], p["long"]))["signal"].value_counts()
        return {"BUY signals": str(counts.get("BUY", 0)), "SELL signals": str(counts.get("SELL", 0))}
    if chapter == "05":
        _, result = mb.run_article(data, short_sma_window=p["short"], long_sma_window=p["long"])
        return {"net P&L": usd(result.net_pnl, signed=True), "trades": str(len(result.trades))}
    if chapter == "06":
        keys = [c.key for c in caveats.CAVEATS if p.get(c.key)]
        market = data if p["market"] == "article" else mb.simulate_realistic_market(500, seed=7)
        return {"switched net P&L": usd(caveats.run_caveats(market, keys, generator=p["market"]).net_pnl, signed=True)}
    if chapter == "07":
        call = mb.black76_price(p["strike"], p["strike"], p["days"] / 365, 0.04, p["vol"] / 100, True)
        return {"at-the-money call": f"{call:.2f} points ({usd(call * FUTURES_MULTIPLIER)})"}
    if chapter == "08":
        settings = mb.ARTICLE if p["signals"] == "article" else mb.ARTICLE.replace(gradient="backward")
        table = mb.sweep_windows(mb.simulate_market_data(500, seed=p["seed"]), SWEEP_SHORTS, SWEEP_LONGS,
                                 (p["gradient"],), settings=settings, statistic=p["statistic"])
        best = table.loc[table[p["statistic"]].idxmax()]
        return {"best pair": f"{int(best['short'])} / {int(best['long'])}"}
    if chapter == "09":
        result = mb.monte_carlo(p["paths"], seed=7, coupling=p["coupling"], generator="realistic")
        return {"t statistic": f"{result.t_statistic:.2f}"}
    if chapter == "10":
        attribution = mb.attribute_pnl(mb.simulate_realistic_market(seed=7), mb.REALISTIC)
        return {"net P&L of the trade": usd(attribution.trades.iloc[p["trade"] - 1]["pnl"], signed=True)}
    raise KeyError(chapter)


def test_twin_numbers_are_mesbooks(twin_runs):
    bad = []
    for path, run in twin_runs.items():
        if run.error or not run.after:
            continue
        chapter = Path(path).stem[:2]
        params = run.after["slidersParams"]  # the grid point the sliders are on
        expected = expected_numbers(chapter, params)
        shown = {k: run.after["numbers"].get(k) for k in expected}
        if shown != expected:
            bad.append(f"{path} at {params}: shows {shown}, mesbook gives {expected}")
        if not run.after["slidersFigure"]:
            bad.append(f"{path} at {params}: the figure shown is not the one computed for the sliders' setting")
    assert not bad, _problems(bad, "twin numbers that differ from mesbook")
