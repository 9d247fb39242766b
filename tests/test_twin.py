"""mesbook.widgets.twin: the explorers' offline twins (frames over a slider grid, computed at build time)."""
from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest

import mesbook as mb
from mesbook import widgets
from mesbook.article.signals import crossing_bars
from mesbook.widgets import twin


@pytest.fixture(scope="module")
def data():
    return mb.simulate_market_data(seed=7)


def small_grid(ex):
    return [twin.slider_axis(ex, "short", (5,), "{} bars"), twin.slider_axis(ex, "long", (40,), "{} bars")]


def test_every_frame_of_the_grid_with_the_explorers_numbers(data):
    ex = widgets.signal_explorer(data)
    result = twin.build_twin(ex, small_grid(ex))
    # short (5, 10) x long (30, 40), row-major: the last axis varies fastest
    assert [(f.params["short"], f.params["long"]) for f in result.frames] == [(5, 30), (5, 40), (10, 30), (10, 40)]
    for frame in result.frames:
        frame_signals = mb.generate_signals(mb.calculate_indicators(data, frame.params["short"], frame.params["long"]))
        counts = frame_signals["signal"].value_counts()
        assert frame.numbers == {"BUY signals": str(counts.get("BUY", 0)), "SELL signals": str(counts.get("SELL", 0))}
    assert result.start == result.index([1, 0]) == 2  # the explorer's own setting, 10 / 30
    assert len(result.images) == 4 and sorted({f.image for f in result.frames}) == [0, 1, 2, 3]


def test_indicator_numbers_are_the_crossings(data):
    ex = widgets.indicator_explorer(data)
    frame = twin.build_twin(ex, small_grid(ex)).frames[0]  # 5 / 30
    frame_ind = mb.calculate_indicators(data, 5, 30)
    up, down = crossing_bars(frame_ind["oi_short_sma"].to_numpy(), frame_ind["oi_long_sma"].to_numpy())
    assert frame.numbers["crossings above"] == str(len(up)) and frame.numbers["crossings below"] == str(len(down))
    assert frame.numbers["first crossing at bar"] == "4"  # the short average appears at bar 5 - 1, above 0


def test_the_explorer_is_left_as_it_was(data):
    ex = widgets.simulation_explorer(data)
    before_params, before_png = ex.params, ex.figure.png_bytes()
    canvas, engine = ex.figure.canvas, ex.figure.get_layout_engine()
    twin.build_twin(ex, small_grid(ex))
    assert ex.params == before_params
    assert ex.figure.canvas is canvas and ex.figure.get_layout_engine() is engine
    assert ex.figure.png_bytes() == before_png


def test_identical_frames_are_stored_once(data):
    ex = widgets.indicator_explorer(data)
    axes = [twin.slider_axis(ex, "gradient", (1, 20), "{}")]  # the article never uses the gradient window
    result = twin.build_twin(ex, axes)
    assert len(result.frames) == 3 and len(result.images) == 1


def test_a_grid_point_the_explorer_refuses_is_an_error(data):
    ex = widgets.indicator_explorer(data)
    with pytest.raises(ValueError, match="short window"):
        twin.build_twin(ex, [twin.slider_axis(ex, "short", (40,), "{}")])
    with pytest.raises(ValueError, match="outside the slider's range"):
        twin.build_twin(ex, [twin.slider_axis(ex, "short", (500,), "{}")])


def test_axes_are_checked():
    with pytest.raises(ValueError, match="one text per setting"):
        twin.Axis("short", ({"short": 5},), ("5", "6"))
    with pytest.raises(ValueError, match="start 3"):
        twin.Axis("short", ({"short": 5},), ("5",), start=3)


def test_the_html_block_is_self_contained(data):
    ex = widgets.indicator_explorer(data)
    result = twin.build_twin(ex, small_grid(ex))
    page = result.html()
    assert not re.search(r"(src|href)=\"(?!data:)", page), "the twin must not reference any file or URL"
    assert "http" not in page.replace("http://www.w3.org", "")
    payload = re.search(r'<script type="application/json" class="mesbook-twin-data">(.*)</script></div>$', page, re.S)
    data_ = json.loads(payload.group(1))
    assert len(data_["frames"]) == 4 and len(data_["images"]) == 4
    assert [a["start"] for a in data_["axes"]] == [1, 0]
    assert data_["frames"][2]["params"]["short"] == 10 and all(i.startswith("data:image/png;base64,") for i in data_["images"])
    first = result.frames[result.start]
    assert all(f"<dd>{v}</dd>" in page for v in first.numbers.values())  # readable before the script runs


def test_frames_are_palette_pngs():
    from PIL import Image

    rgb = Image.fromarray(np.random.default_rng(7).integers(0, 255, (40, 60, 3), dtype=np.uint8))
    png = twin.palette_png(rgb, colors=16)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "P" and len(image.getcolors()) <= 16


def test_every_explorer_has_a_grid_and_numbers():
    kinds = [getattr(widgets, name) for name in widgets.__all__ if name.endswith("Explorer") and name != "Explorer"]
    assert len(kinds) >= 10
    own = lambda kind, name: getattr(kind, name) is not getattr(widgets.Explorer, name)
    missing = [k.__name__ for k in kinds if not (own(k, "twin_axes") and own(k, "readout"))]
    assert not missing, f"explorers without their own twin grid or readout: {missing}"


def test_the_twin_module_knows_no_explorer():
    """The twin drives any explorer through its interface: it imports no explorer module (no import circle)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(twin))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1}
    assert imported <= {"controls"}, imported


def test_the_twin_is_added_only_in_a_book_build(data, monkeypatch):
    ex = widgets.indicator_explorer(data)
    monkeypatch.setattr(ex, "twin_axes", lambda: small_grid(ex))
    monkeypatch.delenv(twin.TWIN_ENV, raising=False)
    live = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in live and "text/html" not in live
    assert live["text/plain"] == widgets.STATIC_TEXT
    monkeypatch.setenv(twin.TWIN_ENV, "0")
    assert "text/html" not in ex._repr_mimebundle_()
    monkeypatch.setenv(twin.TWIN_ENV, "1")
    book = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in book and 'class="mesbook-twin"' in book["text/html"]


def test_default_grids_start_at_the_explorers_setting(data):
    for ex in (widgets.payoff_explorer(), widgets.indicator_explorer(data, short=12)):
        axes = ex.twin_axes()
        start = {}
        for axis in axes:
            start.update(axis.settings[axis.start])
        assert all(ex.params[k] == v for k, v in start.items()), (start, ex.params)
        assert all(2 <= len(a.settings) <= 8 for a in axes)


def test_a_frame_is_the_figure_the_explorer_draws(data):
    from PIL import Image

    ex = widgets.payoff_explorer()
    result = twin.build_twin(ex, [twin.slider_axis(ex, "premium", (5.0,), "{:g}")])
    frame = next(f for f in result.frames if f.params["premium"] == 5.0)
    assert frame.numbers["premium"] == "$25.00" and frame.numbers["call breaks even at"] == "4,510.00 points"
    shown = Image.open(io.BytesIO(result.images[frame.image]))
    assert shown.size == tuple(int(round(v)) for v in ex.figure.get_size_inches() * ex.figure.dpi)
    other = Image.open(io.BytesIO(result.images[result.frames[result.start].image]))
    assert np.asarray(shown.convert("RGB")).tolist() != np.asarray(other.convert("RGB")).tolist()


def test_forked_workers_draw_the_same_frames(data):
    ex = widgets.simulation_explorer(data)
    alone = twin.build_twin(ex, small_grid(ex), workers=1)
    shared = twin.build_twin(ex, small_grid(ex), workers=2)
    assert shared.images == alone.images
    assert [(f.params, f.numbers, f.note, f.image) for f in shared.frames] == \
        [(f.params, f.numbers, f.note, f.image) for f in alone.frames]
    assert ex.params == alone.frames[alone.start].params | {}  # and the explorer is back at its setting



def test_a_failing_worker_falls_back_to_drawing_here(data, monkeypatch):
    """A forked child can fail (FreeType's "too many hints" was seen once in a build): the page still gets
    every frame, drawn in this process, identical to a one-process build."""
    ex = widgets.simulation_explorer(data)
    alone = twin.build_twin(ex, small_grid(ex), workers=1)

    def broken(_positions):
        raise RuntimeError("FT_Load_Glyph failed with error 0x16: too many hints")

    monkeypatch.setattr(twin, "_render_in_child", broken)
    fallback = twin.build_twin(ex, small_grid(ex), workers=2)
    assert fallback.images == alone.images
    assert [(f.params, f.numbers, f.image) for f in fallback.frames] == [(f.params, f.numbers, f.image) for f in alone.frames]

def test_workers_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(twin.TWIN_WORKERS_ENV, "1")
    assert twin.twin_workers() == 1
    monkeypatch.setenv(twin.TWIN_WORKERS_ENV, "3")
    assert twin.twin_workers() == 3
    monkeypatch.delenv(twin.TWIN_WORKERS_ENV)
    assert 1 <= twin.twin_workers() <= 2
