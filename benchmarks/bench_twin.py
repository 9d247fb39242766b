"""The offline twins (mesbook.widgets.twin): frame format, cost per chapter, page weight, build time.

Prints sizes and ratios, never pass/fail:

1. **Frame format.** One explorer's frames saved as full-colour PNG (what ``savefig`` writes), palette
   PNG (what the twins use), JPEG, WebP and SVG: bytes and milliseconds per frame, as ratios to the
   palette PNG. (A JavaScript chart library would need each figure rewritten in JS; the frames reuse
   the book's matplotlib figures as they are.)
2. **Cost per chapter.** Seconds (CPU) to build each chapter's twin over its grid, frames, HTML size.
3. **The built book** (``$MESBOOK_HTML`` or ``_build/html``, if built): each chapter page against the
   3 MB budget, the whole folder against 60 MB, and ``make book``'s wall time (written by the
   Makefile to ``_build/book-seconds.txt``) against the 78 s measured before the twins (budget 1.5x).
   ``make book`` reads one chapter per core at once (``tools/build_book.py``); ``BOOK_JOBS=1`` gives the
   serial time.
"""
from __future__ import annotations

import io
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: ``make book`` wall time on the 2-core machine before issue 13 (twins, MathJax), seconds.
BUILD_SECONDS_BEFORE = 78.0
PAGE_BUDGET_MB, SITE_BUDGET_MB, BUILD_BUDGET_RATIO = 3.0, 60.0, 1.5


def explorers() -> dict[str, object]:
    """The main explorer of each chapter, built as its notebook builds it."""
    import mesbook as mb
    from mesbook import widgets

    data = mb.simulate_market_data(seed=7)
    return {
        "01 payoff": lambda: widgets.payoff_explorer(),
        "02 open interest": lambda: widgets.oi_explorer(seed=7),
        "03 indicators": lambda: widgets.indicator_explorer(data),
        "04 signals": lambda: widgets.signal_explorer(data),
        "05 simulation": lambda: widgets.simulation_explorer(data),
        "06 caveats": lambda: widgets.caveat_explorer(checked=("marks", "expiry", "costs")),
        "07 Greeks": lambda: widgets.greeks_explorer(),
        "08 window sweep": lambda: widgets.sweep_explorer(),
        "09 Monte Carlo": lambda: widgets.monte_carlo_explorer(),
        "10 attribution": lambda: widgets.attribution_explorer(mb.simulate_realistic_market(seed=7)),
    }


def frame_formats(frames: int = 6) -> None:
    from PIL import Image

    from mesbook.widgets import twin

    ex = explorers()["05 simulation"]()
    axes = ex.twin_axes()
    settings = [{**a.settings[k]} for a in axes[:1] for k in range(min(frames, len(a.settings)))]
    totals: dict[str, list[float]] = {}

    def add(name: str, size: int, seconds: float) -> None:
        entry = totals.setdefault(name, [0.0, 0.0])
        entry[0] += size
        entry[1] += seconds

    for setting in settings:
        ex.recompute({**ex.params, **setting})
        start = time.process_time()
        png = ex.figure.png_bytes(tight=False)
        add("full-colour PNG (savefig)", len(png), time.process_time() - start)
        image = Image.open(io.BytesIO(png)).convert("RGB")
        for name, save in (
            ("palette PNG, 128 colours (twins)", lambda out: twin.palette_png(image, 128)),
            ("palette PNG, 64 colours", lambda out: twin.palette_png(image, 64)),
            ("JPEG, quality 80", lambda out: image.save(out, "JPEG", quality=80)),
            ("WebP, quality 80", lambda out: image.save(out, "WEBP", quality=80)),
            ("SVG (savefig)", lambda out: ex.figure.savefig(out, format="svg")),
        ):
            out = io.BytesIO()
            start = time.process_time()
            result = save(out)
            size = len(result) if isinstance(result, bytes) else len(out.getvalue())
            add(name, size, time.process_time() - start)
    base = totals["palette PNG, 128 colours (twins)"][0]
    n = len(settings)
    print(f"\nframe formats: {n} frames of the chapter 5 explorer (800 px wide), per frame")
    for name, (size, seconds) in totals.items():
        print(f"  {name:<36}{size / n / 1024:>8.1f} KB {size / base:>6.2f} x palette PNG   "
              f"{seconds / n * 1000:>6.0f} ms to encode")


def twin_costs() -> None:
    from mesbook.widgets import twin

    workers = twin.twin_workers()
    print(f"\ntwin per chapter: CPU seconds in one process, wall seconds with {workers} worker(s) as in the build")
    total_cpu = total_wall = total_mb = 0.0
    for name, make in explorers().items():
        start = time.process_time()
        ex = make()
        made = time.process_time() - start
        start = time.process_time()
        built = twin.build_twin(ex, workers=1)
        cpu = time.process_time() - start
        fresh = make()  # explorers cache their runs: time the build's case, a fresh explorer
        start = time.perf_counter()
        twin.build_twin(fresh)
        wall = time.perf_counter() - start
        size = len(built.html()) / 1e6
        total_cpu, total_wall, total_mb = total_cpu + cpu, total_wall + wall, total_mb + size
        grid = " x ".join(str(len(a.settings)) for a in built.axes)
        print(f"  {name:<18} grid {grid:<7} {len(built.frames):>3} frames  CPU {cpu:>6.2f} s "
              f"({cpu / max(made, 1e-9):>5.1f} x building the explorer)  wall {wall:>6.2f} s  {size:>5.2f} MB of HTML")
    print(f"  {'all ten':<18} CPU {total_cpu:.1f} s = {total_cpu / BUILD_SECONDS_BEFORE:.2f} x the {BUILD_SECONDS_BEFORE:g} s "
          f"build before twins; wall {total_wall:.1f} s = {total_wall / BUILD_SECONDS_BEFORE:.2f} x; {total_mb:.2f} MB of HTML")


def built_book() -> None:
    html = Path(os.environ.get("MESBOOK_HTML") or REPO / "_build" / "html")
    if not (html / "index.html").is_file():
        print(f"\nbuilt book: none at {html} (run `make book` first)")
        return
    pages = sorted((html / "book").glob("[0-9][0-9]_*.html"))
    print(f"\nbuilt book at {html}: chapter pages against the {PAGE_BUDGET_MB:g} MB budget")
    for page in pages:
        mb_ = page.stat().st_size / 1e6
        print(f"  {page.name:<40}{mb_:>7.2f} MB {mb_ / PAGE_BUDGET_MB:>6.2f} x budget")
    total = sum(f.stat().st_size for f in html.rglob("*") if f.is_file()) / 1e6
    mathjax = sum(f.stat().st_size for f in (html / "_static" / "mathjax").rglob("*") if f.is_file()) / 1e6
    print(f"  {'whole folder':<40}{total:>7.2f} MB {total / SITE_BUDGET_MB:>6.2f} x the {SITE_BUDGET_MB:g} MB budget "
          f"(MathJax {mathjax:.2f} MB)")
    stamp = html.parent / "book-seconds.txt"
    if stamp.is_file():
        seconds = float(stamp.read_text().split()[0])
        print(f"  make book took {seconds:.0f} s = {seconds / BUILD_SECONDS_BEFORE:.2f} x the {BUILD_SECONDS_BEFORE:g} s "
              f"before the twins (budget {BUILD_BUDGET_RATIO:g}x)")
    else:
        print(f"  (no {stamp.name}: `make book` writes it)")


def main() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    frame_formats()
    twin_costs()
    built_book()


if __name__ == "__main__":
    main()
