"""Chinese characters in matplotlib figures: a fallback list of CJK fonts.

Matplotlib's default font, DejaVu Sans, has no Chinese glyphs: a title such as
``"Euler's method · 欧拉法"`` shows empty boxes and matplotlib warns
"Glyph ... missing from font(s) DejaVu Sans".  Since matplotlib 3.6 a text can
fall back, glyph by glyph, along ``rcParams['font.sans-serif']``, so
``use_cjk_fonts()`` keeps DejaVu Sans first (Latin letters, digits and the
figures' look stay as they were) and puts the common CJK fonts after it.
Matplotlib falls back along the *families* of ``rcParams['font.family']``, so
the installed CJK font is also appended there: ``['sans-serif', 'Noto Sans CJK SC']``.

It runs when ``braindyn.visualize`` or ``braindyn.widgets`` is imported.  When
no CJK font is installed it warns once, saying how to install one:

* Debian/Ubuntu: ``sudo apt-get install fonts-noto-cjk``
* Windows (Microsoft YaHei, SimHei) and macOS (PingFang SC) have one already.
"""
from __future__ import annotations

import warnings

# In order of preference; the first installed one draws the Chinese text.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
             "SimHei", "WenQuanYi Zen Hei", "Noto Sans CJK JP", "Noto Sans CJK TC",
             "Source Han Sans CN", "Heiti SC", "Arial Unicode MS")

# Font files of those families, for a matplotlib font cache made before the font
# was installed (matplotlib caches the font list once per version).
_FILE_HINTS = ("notosanscjk", "sourcehansans", "msyh", "pingfang", "simhei", "wqy-zenhei",
               "wqy_zenhei", "stheiti", "arial unicode")

INSTALL_HINT = ("No Chinese (CJK) font found for matplotlib: Chinese characters in figure "
                "titles will show as empty boxes. Install one: Debian/Ubuntu "
                "`sudo apt-get install fonts-noto-cjk` (then restart the kernel); Windows "
                "(Microsoft YaHei) and macOS (PingFang SC) have one. / 未找到中文字体, "
                "图中的中文会显示为方框。请安装: Debian/Ubuntu 用 "
                "`sudo apt-get install fonts-noto-cjk` (然后重启内核); Windows 与 macOS 自带中文字体。")

_done: str | None = None     # the CJK font in use, "" if none; None before the first call


def _installed_families() -> set[str]:
    from matplotlib import font_manager
    return {f.name for f in font_manager.fontManager.ttflist}


def _add_system_cjk_fonts() -> None:
    """Register CJK font files the (older) matplotlib font cache does not list."""
    from matplotlib import font_manager
    for path in font_manager.findSystemFonts():
        low = path.lower().replace(" ", "")
        if any(h.replace(" ", "") in low for h in _FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except Exception:   # an unreadable font file: skip it, try the next
                continue


def cjk_font() -> str | None:
    """The first font of ``CJK_FONTS`` that matplotlib can use, or None."""
    families = _installed_families()
    found = [f for f in CJK_FONTS if f in families]
    if not found:
        _add_system_cjk_fonts()
        families = _installed_families()
        found = [f for f in CJK_FONTS if f in families]
    return found[0] if found else None


def use_cjk_fonts(warn: bool = True) -> str | None:
    """Let matplotlib draw Chinese characters; returns the CJK font used (or None).

    Puts the installed fonts of ``CJK_FONTS`` after DejaVu Sans in
    ``rcParams['font.sans-serif']`` and the first of them after the families of
    ``rcParams['font.family']``.  Without any, warns once (``warn=True``)
    with how to install one.  Calling it again does nothing more.
    """
    global _done
    if _done is not None:
        return _done or None
    import matplotlib as mpl
    font = cjk_font()
    _done = font or ""
    if font is None:
        if warn:
            warnings.warn(INSTALL_HINT, UserWarning, stacklevel=2)
        return None
    families = _installed_families()
    cjk = [f for f in CJK_FONTS if f in families]
    current = [f for f in mpl.rcParams["font.sans-serif"] if f not in cjk]
    first = ["DejaVu Sans"] if "DejaVu Sans" in current else current[:1]
    rest = [f for f in current if f not in first]
    mpl.rcParams["font.sans-serif"] = first + cjk + rest
    # the glyph-by-glyph fallback walks font.family, not the sans-serif list
    family = [f for f in mpl.rcParams["font.family"] if f not in cjk]
    mpl.rcParams["font.family"] = family + [font]
    mpl.rcParams["axes.unicode_minus"] = True   # DejaVu Sans has the minus sign
    return font
