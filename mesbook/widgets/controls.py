"""The controls of the explorers: sliders, dropdowns, the three OI windows, and what a control may hold.

Every explorer (:mod:`mesbook.widgets.base`) and every offline twin (:mod:`mesbook.widgets.twin`) builds
its controls and checks a value against one with these helpers, so a slider means the same thing live
and in the HTML book.
"""
from __future__ import annotations

from typing import Any, Optional

import ipywidgets
import numpy as np


def control_problem(name: str, control: ipywidgets.ValueWidget, value: Any) -> Optional[str]:
    """A message if ``value`` cannot be put in ``control`` (dropdown choice, checkbox, slider), else ``None``."""
    if isinstance(control, ipywidgets.Dropdown):
        return _choice_problem(name, control, value)
    if isinstance(control, ipywidgets.Checkbox):
        return None if isinstance(value, (bool, np.bool_)) else f"{name} is a checkbox: pass True or False, got {value!r}."
    return _range_problem(name, control, value)


def _choice_problem(name: str, control: ipywidgets.Dropdown, value: Any) -> Optional[str]:
    """A message if ``value`` is not one of the dropdown's values, else ``None``."""
    values = [option[1] if isinstance(option, tuple) else option for option in control.options]
    if value not in values:
        return f"{name} must be one of {values}, got {value!r}."
    return None


def _range_problem(name: str, control: ipywidgets.ValueWidget, value: Any) -> Optional[str]:
    """A message if ``value`` is not a number inside ``control``'s range, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return f"{name} must be a number, got {value!r}."
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if low is not None and high is not None and not low <= value <= high:
        return f"{name} = {value} is outside the slider's range {low} to {high}."
    if isinstance(control, (ipywidgets.IntSlider, ipywidgets.BoundedIntText)) and int(value) != value:
        return f"{name} must be a whole number of bars, got {value}."
    return None


def int_slider(description: str, value: int, low: int, high: int) -> ipywidgets.IntSlider:
    return ipywidgets.IntSlider(value=value, min=low, max=high, step=1, description=description,
                                continuous_update=False, style={"description_width": "initial"})


def float_slider(description: str, value: float, low: float, high: float, step: float) -> ipywidgets.FloatSlider:
    return ipywidgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                                  continuous_update=False, style={"description_width": "initial"})


def dropdown(description: str, options: list[tuple[str, str]], value: str) -> ipywidgets.Dropdown:
    return ipywidgets.Dropdown(options=options, value=value, description=description,
                               style={"description_width": "initial"})


def window_controls(short: int, long: int, gradient: int) -> dict[str, ipywidgets.IntSlider]:
    return {
        "short": int_slider("short window (bars)", short, 2, 60),
        "long": int_slider("long window (bars)", long, 3, 120),
        "gradient": int_slider("gradient window (bars)", gradient, 1, 30),
    }


def window_problem(params: dict[str, Any]) -> Optional[str]:
    if params["short"] >= params["long"]:
        return (f"The short window ({params['short']} bars) must be shorter than the long window "
                f"({params['long']} bars): move the short slider left or the long one right.")
    return None


__all__ = ["control_problem", "dropdown", "float_slider", "int_slider", "window_controls", "window_problem"]
