"""Chinese characters in figure titles render (braindyn.visualize.fonts).

With a CJK font installed (CI installs Debian's fonts-noto-cjk: `make cjk-fonts`),
drawing a bilingual title warns of no missing glyph, and the Chinese characters
take ink (they are not empty boxes: a box is the same outline for every
character, so two different characters drawn alike would be boxes).  Without
one, importing braindyn's plotting warns once, saying how to install one.
"""
from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from braindyn.visualize import fonts


def _need_font():
    font = fonts.cjk_font()
    if font is None:
        if os.environ.get("CI"):
            pytest.fail("no CJK font on CI: `make test` installs fonts-noto-cjk there")
        pytest.skip("no CJK font installed (sudo apt-get install fonts-noto-cjk)")
    return font


def _render(text: str) -> np.ndarray:
    fig = Figure(figsize=(1.2, 0.6), dpi=80)
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=24)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., 0]


def test_bilingual_title_has_no_missing_glyph():
    _need_font()
    fonts.use_cjk_fonts()
    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title("Euler's method · 欧拉法")
    ax.set_xlabel("膜电位 V (mV)")
    ax.plot([0, 1], [-1, 1], label="参考解 · reference")
    ax.legend()
    with warnings.catch_warnings():
        warnings.simplefilter("error")        # "Glyph ... missing from font(s)" would raise
        fig.canvas.draw()


def test_chinese_characters_are_drawn_not_boxes():
    _need_font()
    fonts.use_cjk_fonts()
    a, b = _render("欧"), _render("法")
    assert (a < 128).sum() > 20 and (b < 128).sum() > 20     # ink for each
    assert not np.array_equal(a, b)                           # and not the same box


def test_latin_text_keeps_dejavu_first():
    fonts.use_cjk_fonts()
    import matplotlib as mpl
    assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"


def test_no_cjk_font_warns_once_with_how_to_install(monkeypatch):
    monkeypatch.setattr(fonts, "_done", None)
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="fonts-noto-cjk"):
        assert fonts.use_cjk_fonts() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fonts.use_cjk_fonts() is None      # the second call is silent
