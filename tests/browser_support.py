"""Shared helpers for the tests that use a real browser: where Chromium is, how to start it, a static server.

The browser tests need Debian's Chromium (``apt-get install chromium``; ``.ci/run`` installs it) driven by
the ``playwright`` Python package. ``playwright install`` cannot download browsers here, so the tests
launch the system executable. Locally a missing browser skips the tests with the reason; with
``CI=true`` (as ``.ci/run`` sets) a missing browser FAILS them, so CI can never go green untested.

Environment variables:

``MESBOOK_CHROMIUM``  path to a Chromium/Chrome executable (default: ``/usr/bin/chromium`` or the first
                      of chromium, chromium-browser, google-chrome on ``PATH``)
``MESBOOK_HTML``      the built HTML book (default ``<repo>/_build/html``, what ``make book`` writes)
``CI``                ``true`` turns every "cannot run here" skip into a failure

The accessibility test runs axe-core, from npm (pinned in ``package.json`` / ``package-lock.json``; ``make test``
runs ``npm ci`` first, ``make axe`` alone), injected into each page from ``node_modules``: nothing is fetched.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import threading
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]

#: Where test artefacts go (gitignored): screenshots, the list of blocked requests.
ARTIFACTS = REPO / "artifacts"

#: Flags that work for headless Debian Chromium as root on a machine whose only network is loopback.
#: Without the background-networking ones Chromium keeps trying (and failing) to reach Google's hosts.
#: ``--headless`` is added by playwright itself; it also gives every launch a fresh, empty profile.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--mute-audio",
)

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})


def in_ci() -> bool:
    """True when running under CI (``CI=true``, ``1`` or ``yes``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def cannot_run(reason: str) -> None:
    """Skip the test locally, fail it on CI: a missing prerequisite must never turn CI green untested."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this test must run on CI, so a missing prerequisite is a failure)",
                    pytrace=False)
    pytest.skip(reason)


def find_chromium() -> Optional[str]:
    """Path of a Chromium executable, or ``None``."""
    explicit = os.environ.get("MESBOOK_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    candidates = ["/usr/bin/chromium"] + [shutil.which(n) or "" for n in ("chromium", "chromium-browser", "google-chrome")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def require_chromium() -> str:
    """The Chromium executable, after checking that playwright is importable (else skip/fail)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        cannot_run(f"the playwright Python package is not installed ({exc}); run `make venv`")
    path = find_chromium()
    if path is None:
        cannot_run("no Chromium found (set MESBOOK_CHROMIUM, or `apt-get install chromium`; .ci/run does this)")
    return path


@contextlib.contextmanager
def chromium() -> Iterator["object"]:
    """A headless Chromium (playwright ``Browser``) that is closed, with its driver, on exit."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS), headless=True,
                                     timeout=60_000)
        try:
            yield browser
        finally:
            browser.close()


#: axe-core's browser bundle, as ``npm ci`` installs it (``make axe``).
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"


def axe_version() -> str:
    """The axe-core version package.json pins."""
    return json.loads((REPO / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]


def require_axe() -> Path:
    """axe-core's ``axe.min.js`` (else skip/fail: a missing engine must not pass the accessibility test)."""
    if not AXE_JS.is_file():
        cannot_run(f"axe-core is not installed ({AXE_JS} is missing): run `make axe` (npm ci; package.json pins "
                   f"axe-core {axe_version()})")
    return AXE_JS


#: The WCAG 2.1 A and AA rules, as axe-core tags them: every rule with one of these tags runs, none is disabled.
WCAG21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

#: Runs axe-core (already injected) on the whole page; the violations, each node with its own impact.
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return {version: axe.version, theme: document.documentElement.dataset.theme || '',
          violations: result.violations.map(v => ({rule: v.id, help: v.help, nodes: v.nodes.map(n => ({
            impact: n.impact || v.impact, target: n.target.join(' '), html: n.html.slice(0, 200)}))}))};
}"""


def run_axe(page, tags=WCAG21_AA) -> dict:
    """axe-core on ``page`` once it has settled (fonts, MathJax, the twins' controls): its report (see AXE_RUN)."""
    page.wait_for_function("() => document.readyState === 'complete'")
    page.evaluate("""async () => {
      await document.fonts.ready;
      if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
    }""")
    page.wait_for_function("() => Array.from(document.querySelectorAll('.mesbook-twin')).every(t => t.dataset.ready === '1')")
    page.add_script_tag(path=str(require_axe()))
    return page.evaluate(AXE_RUN, list(tags))


@contextlib.contextmanager
def recorded_page(context, record) -> Iterator["object"]:
    """A new page of ``context``, closed on exit. An exception inside goes to ``record(text)`` instead of up,
    so that one page that fails is reported with the others rather than hiding them."""
    page = context.new_page()
    try:
        yield page
    except Exception as exc:  # noqa: BLE001 - recorded, asserted on by the test
        record(f"{type(exc).__name__}: {exc}")
    finally:
        page.close()


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine (loopback, data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "chrome-error"}:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS or parts.hostname == "::1"


class NetworkGuard:
    """Installs a route on a playwright context: loopback requests go through, all others are aborted.

    ``blocked`` lists every request that was refused, as ``(page URL, request URL)`` pairs.
    """

    def __init__(self, context) -> None:
        self.blocked: list[tuple[str, str]] = []
        context.route("**/*", self._handle)

    def _handle(self, route, request) -> None:
        if is_local(request.url):
            route.continue_()
            return
        try:
            origin = request.frame.url
        except Exception:  # service workers and the like have no frame
            origin = "?"
        self.blocked.append((origin, request.url))
        route.abort("blockedbyclient")


class SiteGuard:
    """For pages opened from ``file://``: the site is one folder, and nothing may be requested outside it.

    Every request of the context is watched. Those that stay in the folder (or are ``data:``/``blob:``/
    ``about:``) are fine; every other one is recorded in ``outside`` as ``(page URL, request URL)``, and
    the ones that would reach a network (any host, loopback included) are aborted before they leave.
    """

    def __init__(self, context, site: Path) -> None:
        self.root = site.resolve().as_uri().rstrip("/") + "/"
        self.outside: list[tuple[str, str]] = []
        context.on("request", self._seen)
        context.route("**/*", self._route)

    def inside(self, url: str) -> bool:
        scheme = urlsplit(url).scheme
        if scheme in {"data", "blob", "about"}:
            return True
        return scheme == "file" and url.startswith(self.root)

    @staticmethod
    def _origin(request) -> str:
        try:
            return request.frame.url
        except Exception:  # service workers and the like have no frame
            return "?"

    def _seen(self, request) -> None:
        if not self.inside(request.url):
            self.outside.append((self._origin(request), request.url))

    def _route(self, route, request) -> None:
        if urlsplit(request.url).scheme in {"file", "data", "blob", "about"}:
            route.continue_()
        else:
            route.abort("blockedbyclient")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - signature from the base class
        pass


@contextlib.contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a random free port) from a thread; yields the base URL (ends in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def artifacts_dir(*parts: str) -> Path:
    """``artifacts/<parts>``, created (gitignored; CI can keep it)."""
    path = ARTIFACTS.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
