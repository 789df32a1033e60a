"""Sliders that hold the value the browser shows, so that the browser never changes it.

What a ``FloatSlider`` does with a value in the browser (ipywidgets 8, whose
slider is noUiSlider 15): it turns the number into a percentage of the range,
rounds that to a whole number of steps, turns it back into a number, and --
when ``continuous_update`` is on -- sends the result back to the kernel if it
differs from what the kernel sent.  It does so when the slider is first shown
and after every change made from code.  Two consequences:

* a value off the step grid comes back as the nearest grid point: the
  phase-plane explorer's Morris-Lecar phi of 1/15 came back as 0.067.  The
  echo travels behind the cells queued after the one that showed the slider,
  so after "Run All" it undid what a later cell had set (lesson 9 switched
  that explorer to class II, phi = 0.04, and the echo put phi back to 0.067);
* even a grid point can come back a rounding error away, because the
  percentages are floating-point numbers: 0.8 on a slider from 0.1 to 2.0 in
  steps of 0.01 comes back as 0.7999999999999998.

``browser_value(value, min, max, step)`` repeats the browser's arithmetic
(the same IEEE operations in the same order, from noUiSlider's ``toStepping``,
``getStep`` and ``fromStepping``), and ``GridSlider`` is a ``FloatSlider``
that stores ``browser_value`` of whatever it is given: the kernel then holds
what the browser holds, whether the value was set in its constructor, by a
lesson's code or by a drag, and no echo can change it.  The explorers' own
slider ranges are chosen so that their defaults and presets are grid points
the browser reproduces exactly (a range of 0 to 160 in steps of 0.5 does,
0 to 150 does not hold 80.0); ``grid_problems`` says what is wrong with a
slider's value, and tests/test_widgets_slider_grid.py checks every default.
"""
from __future__ import annotations

import math

import ipywidgets as widgets
from traitlets import validate


def _js_round(x: float) -> float:
    """JavaScript's ``Math.round``: to the nearest integer, halves upwards."""
    low = math.floor(x)
    return float(low + 1 if x - low >= 0.5 else low)


def browser_value(value: float, lo: float, hi: float, step: float | None) -> float:
    """The value a FloatSlider in the browser shows, and sends back, for ``value``.

    noUiSlider (``range: {min: lo, max: hi}``, ``step``) keeps a handle's
    position as a percentage of the range and snaps it to the step, each step
    also a percentage; the value is computed back from the snapped percentage.
    Written out as it computes, so that the results agree to the last bit.
    """
    value, lo, hi = float(value), float(lo), float(hi)
    if step is None or not step > 0 or not hi > lo:
        return min(max(value, lo), hi)
    # toStepping: the value as a percentage of the range
    if value >= hi:
        pct = 100.0
    else:
        offset = value + abs(lo) if lo < 0 else value - lo
        pct = 0 + (100 * offset / (hi - lo)) / (100 / (100 - 0))
    # getStep: a whole number of steps (each a percentage), clamped to [0, 100]
    if pct != 100:
        pct_step = (100 * float(step) / (hi - lo)) / (100 / (100 - 0))
        pct = 0 + _js_round((pct - 0) / pct_step) * pct_step
    pct = max(min(pct, 100.0), 0.0)
    # fromStepping: back to a value
    if pct >= 100:
        return hi
    return (pct - 0) * (100 / (100 - 0)) * (hi - lo) / 100 + lo


def decimals(step: float) -> int:
    """Decimals of a round step (0.05 -> 2): the readout's precision."""
    return max(0, -math.floor(math.log10(step) + 1e-9))


def grid_problems(slider) -> list[str]:
    """What is wrong with a slider's value, as sentences (empty when nothing is):

    * it is not min + k * step (to 1e-12);
    * its readout (``readout_format``) does not read back as the same number;
    * the browser would show, and send back, another number (``browser_value``).
    """
    v, lo, hi, step = float(slider.value), float(slider.min), float(slider.max), slider.step
    name = getattr(slider, "description", "") or "slider"
    out = []
    grid = round((v - lo) / step) * step + lo
    if abs(v - grid) > 1e-12 * max(1.0, abs(v)):
        out.append(f"{name} = {v!r} is not on its grid {lo:g} + k * {step:g}")
    spec = slider.readout_format
    try:
        if float(format(v, spec)) != v:
            out.append(f"{name} = {v!r} shows as {format(v, spec)} (readout_format {spec!r}) "
                       f"and reads back as another number")
    except ValueError:
        out.append(f"{name}: readout_format {spec!r} is not a Python format too")
    shown = browser_value(v, lo, hi, step)
    if shown != v:
        out.append(f"{name} = {v!r}: the browser would show and send back {shown!r}")
    elif browser_value(shown, lo, hi, step) != shown:
        out.append(f"{name} = {v!r}: the browser's value is not stable")
    return out


class GridSlider(widgets.FloatSlider):
    """A ``FloatSlider`` whose value is always the one the browser would hold.

    Setting ``value`` (in the constructor, from code, or by the browser)
    stores ``browser_value(value, min, max, step)``: the nearest grid point,
    computed as the browser computes it.  Set ``min``, ``max`` and ``step``
    before the value when changing them together.
    """

    @validate("value")
    def _validate_value(self, proposal):
        value = super()._validate_value(proposal)     # FloatSlider's: clip to [min, max]
        return browser_value(value, self.min, self.max, self.step)
