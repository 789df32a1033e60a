"""braindyn.widgets.set_language: every widget built in one language shows no
label, description, message or figure text left in the other.

The tree of each widget is walked (``children``), and every text a student
sees is collected: descriptions, tooltips, menu entries, HTML (tags removed)
and every text of its matplotlib figure (titles, axis labels, legends, notes).
English: no Chinese character anywhere.  Chinese: no English word left, where
symbols, units, method names and model names (written alike in both languages,
see ``i18n.py``) do not count as English words.
"""
from __future__ import annotations

import re

import ipywidgets as widgets
import pytest
from matplotlib.text import Text

import braindyn as bp
import braindyn.widgets as bw
from braindyn.widgets import i18n

CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z]{3,}")
MATH = re.compile(r"\$[^$]*\$")     # mathtext (tick labels such as $\mathdefault{10^{-4}}$)

# Written the same in both languages: names of models, methods and tools, symbols, units.
NEUTRAL = {
    "hodgkin", "huxley", "fitzhugh", "nagumo", "morris", "lecar", "izhikevich", "hindmarsh",
    "rose", "lif", "quaif", "expif", "adexif", "morrislecar", "hindmarshrose",
    "fitzhughnagumo", "scipy", "dop", "rtol", "atol", "max", "ref", "mohm", "tau", "delta",
    "phi", "gna", "g_ca", "g_k", "t_ref", "v_th", "v_reset", "v_t", "tau_w", "sin",
    "stp", "stdp", "psc", "ipsc", "epsc", "beta", "euler", "heun", "ralston", "kutta", "runge",
    "fehlberg", "dormand", "prince", "cash", "karp", "bogacki", "shampine", "tsodyks",
    "markram", "gca", "inf", "ltp", "ltd",
    "lts",            # Izhikevich's cell classes (RS, IB, CH, FS, LTS, ...)
    "pre", "post",    # subscripts of symbols: t_pre, t_post
}


def _neutral_words() -> set[str]:
    names = set(NEUTRAL)
    for info in bp.integrators.methods():
        names.update(w.lower() for w in WORD.findall(info.name))   # rk4_38rule: rule
    return names


def widget_texts(w) -> list[str]:
    """Every text a student sees in widget ``w`` and its children and figure."""
    out: list[str] = []
    seen: set[int] = set()

    def walk(x):
        if id(x) in seen:
            return
        seen.add(id(x))
        for attr in ("description", "tooltip", "placeholder"):
            v = getattr(x, attr, None)
            if isinstance(v, str) and v:
                out.append(v)
        if isinstance(x, (widgets.HTML, widgets.Label, widgets.HTMLMath)):
            out.append(re.sub(r"<[^>]*>|&#\d+;", " ", x.value))
        labels = getattr(x, "_options_labels", None)
        if labels:
            out.extend(labels)
        for child in getattr(x, "children", ()) or ():
            walk(child)

    walk(w)
    figure = getattr(w, "figure", None)
    if figure is not None:
        out.extend(t.get_text() for t in figure.findobj(Text) if t.get_text())
    return out


def english_left(texts: list[str], neutral: set[str]) -> list[str]:
    left = []
    for text in texts:
        for word in WORD.findall(MATH.sub(" ", text)):
            if word.lower() not in neutral:
                left.append(f"{word!r} in {text!r}")
    return left


def build_all():
    """One of each widget, with its menus run through."""
    made = []
    lab = bw.integrator_lab("decay_sine", methods=("euler", "rk4"), dt=0.1)
    made.append(lab)
    lab.problem_menu.value = "damped_oscillator"     # 'no input', a closed-form reference
    made.append(lab)
    made.append(bw.neuron_explorer("Izhikevich"))
    made.append(bw.neuron_explorer("HindmarshRose"))   # a time note, a second variable
    made.append(bw.phase_plane_explorer("fhn"))
    made.append(bw.phase_plane_explorer("morris_lecar"))
    for name in ("stp_explorer", "stdp_explorer", "tolerance_explorer"):
        if hasattr(bw, name):
            made.append(getattr(bw, name)())
    return made


@pytest.fixture
def language():
    before = i18n.get_language()
    yield i18n.set_language
    i18n.set_language(before)


def test_english_widgets_have_no_chinese(language):
    language("en")
    for w in build_all():
        texts = widget_texts(w)
        assert texts, type(w).__name__
        chinese = [t for t in texts if CJK.search(t)]
        assert not chinese, f"{type(w).__name__}: Chinese left in English: {chinese}"


def test_chinese_widgets_have_no_english_words(language):
    language("zh")
    neutral = _neutral_words()
    for w in build_all():
        texts = widget_texts(w)
        assert any(CJK.search(t) for t in texts), f"{type(w).__name__} shows no Chinese"
        left = english_left(texts, neutral)
        assert not left, f"{type(w).__name__}: English left in Chinese: {left}"


def test_the_walk_finds_english_in_a_chinese_tree():
    """The check above can fail: an English description in a Chinese tree is found."""
    box = widgets.VBox([widgets.HTML("<b>模型</b>"),
                        widgets.HBox([widgets.FloatSlider(description="onset (ms)")])])
    assert english_left(widget_texts(box), _neutral_words()) == ["'onset' in 'onset (ms)'"]


def test_set_language_accepts_aliases_and_refuses_others(language):
    language("zh-CN")
    assert i18n.get_language() == "zh"
    language("English")
    assert i18n.get_language() == "en"
    with pytest.raises(ValueError, match="'zh'.*'en'"):
        language("fr")


def test_language_is_read_when_a_widget_is_built(language):
    language("zh")
    ex = bw.phase_plane_explorer("fhn")
    language("en")
    assert "稳定性" in ex.table.value          # built in Chinese, stays Chinese
    assert "stability" in bw.phase_plane_explorer("fhn").table.value
