"""The explorer machinery (mesbook.widgets.base): checking values per control kind, messages, no redraw when invalid."""
from __future__ import annotations

from typing import Any, Optional

import ipywidgets
import pytest

from mesbook import plots
from mesbook.widgets import base, controls


class Counter(base.Explorer):
    """A tiny explorer: one slider, one dropdown, one checkbox; counts its recomputations."""

    def __init__(self):
        self.calls = 0
        fig, (ax,) = plots.new_figure()
        ax.plot([0, 1], [0, 1], gid="line")
        sliders = {"n": controls.int_slider("n", 3, 1, 10), "x": controls.float_slider("x", 0.5, 0.0, 1.0, 0.1),
                   "kind": controls.dropdown("kind", [("A", "a"), ("B", "b")], "a"),
                   "on": ipywidgets.Checkbox(value=False)}
        super().__init__(sliders, fig)

    def problem(self, params: dict[str, Any]) -> Optional[str]:
        return "n must not be 7." if params["n"] == 7 else None

    def recompute(self, params: dict[str, Any]) -> Optional[str]:
        self.calls += 1
        return f"n = {params['n']}"


def test_valid_update_recomputes_once_and_shows_the_note():
    ex = Counter()
    assert ex.calls == 1 and repr(ex) == base.STATIC_TEXT
    assert ex.update(n=4, x=0.2, kind="b", on=True) is True
    assert ex.calls == 2 and ex.last_valid == {"n": 4, "x": 0.2, "kind": "b", "on": True}
    assert "n = 4" in ex.message.value and ex.image.value[:4] == b"\x89PNG"


@pytest.mark.parametrize("params, message", [
    ({"n": 500}, "outside the slider"), ({"n": 2.5}, "whole number"), ({"n": "ten"}, "must be a number"),
    ({"kind": "c"}, "must be one of"), ({"on": 1}, "checkbox"), ({"n": True}, "must be a number"),
])
def test_bad_values_leave_the_figure_alone(params, message):
    ex = Counter()
    png = ex.image.value
    assert ex.update(**params) is False and message in ex.message.value
    assert ex.calls == 1 and ex.image.value == png and ex.params["n"] == 3


def test_problem_sentence_and_unknown_parameter():
    ex = Counter()
    assert ex.update(n=7) is False and "n must not be 7." in ex.message.value
    assert ex.last_valid["n"] == 3
    with pytest.raises(TypeError, match="unknown parameter"):
        ex.update(m=3)


def test_window_problem():
    assert controls.window_problem({"short": 10, "long": 30}) is None
    assert "must be shorter" in controls.window_problem({"short": 30, "long": 30})
    assert set(controls.window_controls(10, 30, 5)) == {"short", "long", "gradient"}
