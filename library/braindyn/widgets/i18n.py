"""The language of the widgets' labels, descriptions and messages.

    >>> import braindyn.widgets as bw
    >>> bw.set_language('zh')     # 中文: 之后创建的控件都用中文标签
    >>> lab = bw.integrator_lab()  # labels, table heads, messages in Chinese

Choices
-------
* ``'en'`` or ``'zh'`` (Simplified Chinese).  A widget reads the language when it
  is *built*: call ``set_language`` before the cell that makes it (the lessons do
  it in their first code cell).  Widgets built earlier keep their language.
* **Default**: the environment variable ``BRAINDYN_LANG`` (``zh`` or ``en``) if
  set, otherwise ``'en'``.  English is the default so that code and tests written
  before the switch existed see the same strings; a classroom sets
  ``BRAINDYN_LANG=zh`` once (or each lesson's first cell calls ``set_language``).
* **Not translated, on purpose**: symbols and units (``dt``, ``V (mV)``, ``tau (ms)``,
  ``I (uA/cm^2)``), method names (``rk4``, ``rkdp``) and model names
  (``Hodgkin-Huxley``, ``Izhikevich``): they are what the code and the slides write,
  in both languages.  Errors raised for bad arguments (``ValueError``) speak to the
  programmer and stay English.
"""
from __future__ import annotations

import os

LANGUAGES = ("en", "zh")


def _initial() -> str:
    value = os.environ.get("BRAINDYN_LANG", "en").strip().lower()
    return "zh" if value.startswith("zh") else "en"


_language = _initial()


def set_language(language: str) -> None:
    """Use ``'en'`` (English) or ``'zh'`` (简体中文) for widgets built from now on."""
    global _language
    key = str(language).strip().lower().replace("_", "-")
    aliases = {"zh-cn": "zh", "zh-hans": "zh", "cn": "zh", "chinese": "zh", "中文": "zh",
               "english": "en", "en-us": "en", "en-gb": "en"}
    key = aliases.get(key, key)
    if key not in LANGUAGES:
        raise ValueError(f"set_language({language!r}): write 'zh' (简体中文) or 'en' (English)")
    _language = key


def get_language() -> str:
    """The language widgets built now will use: ``'en'`` or ``'zh'``."""
    return _language


def tr(en: str, zh: str) -> str:
    """The English or the Chinese text, by the current language."""
    return zh if _language == "zh" else en


# Words that come from the library's measuring code (measure.firing_pattern,
# analysis.PhasePlane) and are shown in a widget: their Chinese.
TERMS_ZH = {
    # firing patterns (braindyn.measure.firing_pattern)
    "silent": "静息", "few spikes": "少量发放", "bursting": "簇发放",
    "initial burst": "起始簇发放", "adapting": "适应性发放", "regular": "规则发放",
    # fixed points (braindyn.analysis)
    "stable node": "稳定结点", "unstable node": "不稳定结点", "stable focus": "稳定焦点",
    "unstable focus": "不稳定焦点", "saddle": "鞍点", "center": "中心",
    "stable": "稳定", "unstable": "不稳定", "stable star": "稳定星形结点",
    "unstable star": "不稳定星形结点", "degenerate": "退化", "semi-stable": "半稳定",
    "saddle-node": "鞍结点",
    # problems of the integrator lab (problems.py) and their references
    "x'' = -4 x - 0.4 x' (damped oscillator)": "x'' = -4 x - 0.4 x' (阻尼振子)",
    "exact (closed form)": "精确解 (闭式)",
    "scipy DOP853, rtol = atol = 1e-10": "scipy DOP853, rtol = atol = 1e-10",
    # the neuron explorer's models (neuron_explorer.MODELS)
    "LIF - leaky integrate-and-fire": "LIF - 泄漏积分发放",
    "QuaIF - quadratic integrate-and-fire": "QuaIF - 二次积分发放",
    "ExpIF - exponential integrate-and-fire": "ExpIF - 指数积分发放",
    "AdExIF - adaptive exponential IF": "AdExIF - 自适应指数积分发放",
    "Izhikevich - simple model (2003)": "Izhikevich - 简单模型 (2003)",
    "HH - Hodgkin-Huxley": "HH - Hodgkin-Huxley",
    "MorrisLecar - Morris-Lecar": "MorrisLecar - Morris-Lecar",
    "HindmarshRose - Hindmarsh-Rose burster": "HindmarshRose - Hindmarsh-Rose 簇发放模型",
    "FitzHughNagumo - FitzHugh-Nagumo": "FitzHughNagumo - FitzHugh-Nagumo",
    "V (the paper's x)": "V (论文中的 x)", "z (slow)": "z (慢变量)",
    "w (recovery)": "w (恢复变量)", "n (K+ gate)": "n (K+ 门控)", "W (K+ gate)": "W (K+ 门控)",
    "dimensionless model, time read as ms": "无量纲模型, 时间按 ms 读",
    "custom": "自定义",
    # ODE methods' long names (bp.integrators.methods(), the integrator lab's menu)
    "forward Euler": "前向 Euler 法", "explicit midpoint": "显式中点法",
    "Heun's second-order method": "Heun 二阶方法", "Ralston's second-order method": "Ralston 二阶方法",
    "generic second-order Runge-Kutta (beta = 2/3)": "一般二阶 Runge-Kutta (beta = 2/3)",
    "Kutta's third-order method": "Kutta 三阶方法", "Heun's third-order method": "Heun 三阶方法",
    "Ralston's third-order method": "Ralston 三阶方法",
    "third-order strong stability preserving Runge-Kutta": "三阶强稳定保持 Runge-Kutta",
    "classical Runge-Kutta": "经典 Runge-Kutta", "Ralston's fourth-order method": "Ralston 四阶方法",
    "Runge-Kutta 3/8-rule": "Runge-Kutta 3/8 法则", "exponential Euler": "指数 Euler 法",
}


def term(word: str) -> str:
    """A word or phrase of the library (a firing pattern, a fixed point's stability, a
    model's title) in the current language; one not in ``TERMS_ZH`` stays as it is."""
    if _language == "zh":
        return TERMS_ZH.get(word, word)
    return word
