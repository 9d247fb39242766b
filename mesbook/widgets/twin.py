"""Offline twins of the explorers: a slider grid computed at build time, played back by the browser.

A live explorer (:class:`~mesbook.widgets.base.Explorer`) needs a kernel. Its *twin* is the same
explorer driven over a small grid of control values when the book is built: for every grid point the
figure (a palette PNG) and the numbers the explorer reports, written into one ``text/html`` block with
range inputs, step/play buttons and the numbers beside the figure. Each explorer declares its own grid
(``twin_axes()``, a list of :class:`Axis`) and its numbers (``readout(params)``); this module knows no
explorer, only that interface. The page's
script (``book/_static/mesbook-twin.js``, shipped once) swaps precomputed frames; nothing runs Python
and nothing is fetched, so it works from ``file://``.

One display object carries both: an explorer's mime bundle holds the widget view (JupyterLab shows the
live sliders) and, in a book build, the twin as ``text/html`` (the HTML builder skips widget views, see
``nb_mime_priority_overrides`` in ``_config.yml``). Twins are computed only when the environment
variable :data:`TWIN_ENV` is set — ``book/_ext/offline_assets.py`` sets it for the kernels of a book
build — so JupyterLab, nbval and ``tools/store_notebooks.py`` never pay for them.

    ex = signal_explorer(data)
    twin = build_twin(ex)              # every frame of the explorer's grid (ex.twin_axes())
    twin.html()                        # the block the book embeds; twin.frames[k].numbers, .params
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
from dataclasses import dataclass, field
from typing import Any, Optional, Protocol, Sequence

import numpy as np

from .controls import control_problem

#: Set (to anything but "" or "0") in the kernels of a book build; explorers then add their twin.
TWIN_ENV = "MESBOOK_TWINS"

#: Colours kept per frame: line charts and the sweep heatmap read the same as the full PNG at a
#: quarter of its size (measured in benchmarks/bench_twin.py).
PALETTE_COLORS = 128


def twins_enabled() -> bool:
    """True in a book build (``$MESBOOK_TWINS`` set and not "0")."""
    return os.environ.get(TWIN_ENV, "").strip() not in {"", "0"}


# -- the grid -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Axis:
    """One control of a twin: its label, and per position the explorer parameters and their text."""

    label: str
    settings: tuple[dict, ...]
    texts: tuple[str, ...]
    start: int = 0

    def __post_init__(self) -> None:
        if not self.settings or len(self.settings) != len(self.texts):
            raise ValueError(f"axis {self.label!r}: give one text per setting (got {len(self.settings)} settings, "
                             f"{len(self.texts)} texts)")
        if not 0 <= self.start < len(self.settings):
            raise ValueError(f"axis {self.label!r}: start {self.start} outside 0..{len(self.settings) - 1}")


class Drivable(Protocol):
    """What a twin drives: an explorer (:class:`mesbook.widgets.base.Explorer`), known here by its interface
    only, so that this module imports no explorer and each explorer declares its own grid and numbers."""

    controls: dict
    figure: Any

    @property
    def params(self) -> dict[str, Any]: ...

    def problem(self, params: dict[str, Any]) -> Optional[str]: ...

    def recompute(self, params: dict[str, Any]) -> Optional[str]: ...

    def twin_axes(self) -> Optional[list[Axis]]: ...

    def readout(self, params: dict[str, Any]) -> dict[str, str]: ...


def slider_axis(explorer: Drivable, name: str, values: Sequence[Any], fmt: str = "{:g}") -> Axis:
    """An axis over one control: ``values`` plus the control's current value, sorted; starts at the current one."""
    control = explorer.controls[name]
    current = control.value
    grid = sorted(set(values) | {current})
    label = getattr(control, "description", name) or name
    return Axis(label, tuple({name: v} for v in grid), tuple(fmt.format(v) for v in grid), grid.index(current))


def choice_axis(explorer: Drivable, name: str) -> Axis:
    """An axis over every option of a dropdown; starts at the current one."""
    control = explorer.controls[name]
    options = [o if isinstance(o, tuple) else (str(o), o) for o in control.options]
    values = [v for _, v in options]
    return Axis(control.description or name, tuple({name: v} for v in values), tuple(t for t, _ in options),
                values.index(control.value))


# -- building -------------------------------------------------------------------------------------
@dataclass
class Frame:
    """One grid point: the explorer's parameters, its numbers and note, and which image shows it."""

    params: dict
    numbers: dict[str, str]
    note: str
    image: int


@dataclass
class Twin:
    """Every frame of an explorer's grid (row-major over ``axes``; the last axis varies fastest)."""

    title: str
    axes: list[Axis]
    frames: list[Frame]
    images: list[bytes] = field(repr=False)
    alt: str = ""

    def index(self, positions: Sequence[int]) -> int:
        """The frame at ``positions`` (one index per axis)."""
        return int(np.ravel_multi_index(tuple(positions), tuple(len(a.settings) for a in self.axes)))

    @property
    def start(self) -> int:
        return self.index([a.start for a in self.axes])

    @property
    def image_bytes(self) -> int:
        return sum(len(b) for b in self.images)

    def data(self) -> dict:
        """What the page's script reads: controls, frames (numbers, note, image index) and images."""
        return {
            "title": self.title, "alt": self.alt,
            "axes": [{"label": a.label, "texts": list(a.texts), "start": a.start} for a in self.axes],
            "frames": [{"n": list(f.numbers.items()), "note": f.note, "img": f.image,
                        "params": {k: _jsonable(v) for k, v in f.params.items()}} for f in self.frames],
            "images": ["data:image/png;base64," + base64.b64encode(b).decode("ascii") for b in self.images],
        }

    def html(self) -> str:
        """The block embedded in the page: the first frame as plain HTML, the rest as JSON for the script."""
        first = self.frames[self.start]
        payload = json.dumps(self.data(), separators=(",", ":"), ensure_ascii=True).replace("</", "<\\/")
        numbers = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in first.numbers.items())
        src = "data:image/png;base64," + base64.b64encode(self.images[first.image]).decode("ascii")
        return (f'<div class="mesbook-twin" data-frames="{len(self.frames)}">'
                f'<div class="mesbook-twin-controls"><noscript>Controls need JavaScript; this is the default '
                f'setting.</noscript></div>'
                f'<div class="mesbook-twin-body"><img class="mesbook-twin-figure" alt="{html.escape(self.alt)}" '
                f'src="{src}"><div class="mesbook-twin-side"><dl class="mesbook-twin-numbers" aria-live="polite">'
                f'{numbers}</dl><p class="mesbook-twin-note">{html.escape(first.note)}</p></div></div>'
                f'<script type="application/json" class="mesbook-twin-data">{payload}</script></div>')


def _jsonable(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def palette_png(image, colors: int = PALETTE_COLORS) -> bytes:
    """A PIL image (or PNG bytes) as a PNG with an adaptive palette of ``colors`` colours.

    A chart has few colours; the palette keeps them and their anti-aliased edges and makes the file
    about a third of the full-colour PNG (benchmarks/bench_twin.py compares the formats).
    """
    from PIL import Image

    if isinstance(image, (bytes, bytearray)):
        image = Image.open(io.BytesIO(image))
    out = io.BytesIO()
    image.convert("RGB").quantize(colors=colors, method=Image.Quantize.FASTOCTREE).save(out, "PNG")
    return out.getvalue()


class _Renderer:
    """Draws a figure straight into an Agg buffer (one draw per frame; ``savefig`` draws twice)."""

    def __init__(self, figure) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure, self.original = figure, figure.canvas
        self.canvas = FigureCanvasAgg(figure)

    def image(self):
        from PIL import Image

        self.canvas.draw()
        return Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)

    def close(self) -> None:
        self.figure.set_canvas(self.original)


#: Processes that render frames: both cores of the build machine by default (the build itself runs one
#: notebook at a time, so the second core is otherwise idle); ``$MESBOOK_TWIN_WORKERS`` overrides.
TWIN_WORKERS_ENV = "MESBOOK_TWIN_WORKERS"

_JOB: Optional[tuple] = None  # (explorer, axes, colors, renderer) for forked workers


def twin_workers() -> int:
    """How many processes render a twin's frames (1 = in this process)."""
    raw = os.environ.get(TWIN_WORKERS_ENV, "").strip()
    if raw:
        return max(1, int(raw))
    return max(1, min(2, os.cpu_count() or 1))


def _render(positions_list: list[tuple[int, ...]]) -> list[tuple[dict, dict, str, bytes]]:
    """Frames for ``positions_list`` of the job in :data:`_JOB`: (params, numbers, note, palette PNG)."""
    explorer, axes, colors, renderer = _JOB
    out = []
    for positions in positions_list:
        params = dict(explorer.params)
        for axis, k in zip(axes, positions):
            params.update(axis.settings[k])
        problem = next(filter(None, (control_problem(name, explorer.controls[name], value)
                                     for name, value in params.items())), None) or explorer.problem(params)
        if problem:
            raise ValueError(f"twin grid point {params} cannot be drawn: {problem}")
        note = explorer.recompute(params) or ""
        out.append((params, explorer.readout(params), note, palette_png(renderer.image(), colors)))
    return out


def _render_in_child(positions_list: list[tuple[int, ...]]) -> list[tuple[dict, dict, str, bytes]]:
    import sys

    sys.stdout = sys.stderr = open(os.devnull, "w")  # a forked kernel's streams have no thread behind them
    return _render(positions_list)


def build_twin(explorer: Drivable, axes: Optional[list[Axis]] = None, colors: int = PALETTE_COLORS,
               workers: Optional[int] = None) -> Twin:
    """Drive ``explorer`` over its grid (``axes``, default ``explorer.twin_axes()``) and record every frame.

    The figure's layout is computed once, for the current setting, and then held, so the axes do not
    move from frame to frame (and each frame renders faster). With ``workers`` > 1 (default
    :func:`twin_workers`) the grid is split between forked copies of this process; the frames are the
    same either way. The explorer is left as it was.
    """
    global _JOB
    kind = type(explorer)
    if axes is None:
        axes = explorer.twin_axes()
        if not axes:
            raise TypeError(f"no twin grid for {kind.__name__}; give it a twin_axes() method or pass axes=")
    grid = list(itertools.product(*(range(len(a.settings)) for a in axes)))
    workers = min(twin_workers() if workers is None else max(1, int(workers)), len(grid))
    current = explorer.params
    figure = explorer.figure
    engine = figure.get_layout_engine()
    renderer = _Renderer(figure)
    renderer.image()  # lay out once, for the current setting
    figure.set_layout_engine("none")
    _JOB = (explorer, list(axes), colors, renderer)
    try:
        if workers > 1 and "fork" in __import__("multiprocessing").get_all_start_methods():
            import multiprocessing

            pieces = [grid[i::workers] for i in range(workers)]
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    parts = pool.map(_render_in_child, pieces)
            except Exception:  # noqa: BLE001 - a forked child's FreeType/Agg state can fail; the frames are
                parts = None   # the same when drawn here, so draw them here (slower, never a broken page)
            if parts is None:
                rendered = _render(grid)
            else:
                rendered = [None] * len(grid)
                for i, part in enumerate(parts):
                    rendered[i::workers] = part
        else:
            rendered = _render(grid)
    finally:
        _JOB = None
        figure.set_layout_engine(engine)
        renderer.close()
        explorer.recompute(current)
    images: list[bytes] = []
    seen: dict[str, int] = {}
    frames: list[Frame] = []
    for params, numbers, note, png in rendered:
        digest = hashlib.sha1(png).hexdigest()
        if digest not in seen:
            seen[digest] = len(images)
            images.append(png)
        frames.append(Frame(params, numbers, note, seen[digest]))
    title = kind.__name__.removesuffix("Explorer")
    alt = (f"{title} explorer, precomputed for {len(frames)} settings of "
           + " and ".join(a.label for a in axes) + "; move the sliders to change the figure.")
    return Twin(title, list(axes), frames, images, alt)


def twin_bundle(explorer: Drivable) -> dict[str, str]:
    """``{"text/html": twin}`` in a book build (:func:`twins_enabled`), else ``{}``."""
    if not twins_enabled() or not explorer.twin_axes():
        return {}
    return {"text/html": build_twin(explorer).html()}


__all__ = [
    "Axis",
    "Drivable",
    "build_twin",
    "choice_axis",
    "Frame",
    "palette_png",
    "slider_axis",
    "Twin",
    "TWIN_ENV",
    "twin_bundle",
    "twin_workers",
    "twins_enabled",
]
