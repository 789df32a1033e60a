"""The Hodgkin-Huxley homework: its parts, what is collected from a notebook, and the checks.

The assignment (lecture "Implement a Hodgkin-Huxley neuron model", homework):

* part 1: ``HHEuler``, the HH class with a hand-written explicit Euler ``update``;
* part 2: ``HH``, the same model with ``bp.odeint`` and a ``method`` argument, and
  Euler, RK4 and exponential Euler compared at several dt (``traces``, ``diverged``);
* part 3: ``firing_rates(currents)``, the f-I curve (Hz) of the part-2 class, and
  ``threshold``, the smallest current with repetitive firing;
* part 4: written answers (graded by hand).

Everything is done in two steps, so that the same code serves the notebook's
self-checks and the grader, and so that the grader never trusts the student's
process:

1. **Collect** (``collect_*``, run where the student's code is: in the notebook
   for a self-check, in the grading sandbox for ``braindyn grade``): build the
   student's class and run it on inputs the caller chooses (states, currents,
   steps), and return plain data (numbers, lists).  While a collector runs, the
   kit's own HH models (``braindyn.models``, ``reference``) are booby-trapped:
   a class that hands the work to them is caught (``kit`` in the data).
2. **Judge** (``judge_*``, run by the self-check in the notebook, and by the
   grader in its own process on the data from the sandbox): compare with the
   scipy reference (``reference.py``) and raise :class:`CheckFailed` with a
   message and a hint, both in Chinese and English.  The messages say what the
   student's model did and what to look at, never the expected numbers.

The hidden grading tests (``homework/hh/instructor/grading/``) call the same
collectors with other inputs (hidden currents, states and step sizes) and the
same judges.  Runs use ``jit=False``, so that an error points at the
student's own line.
"""
from __future__ import annotations

import ast
import contextlib
import sys

import numpy as np

from .. import measure
from . import reference
from .parts import Assignment, Bilingual, CheckFailed, Part

VARIABLES = {"V": -65.0, "m": 0.5, "h": 0.6, "n": 0.32, "input": 0.0, "spike": False}
MONITORS = ["V", "m", "h", "n"]
METHODS = ("euler", "rk4", "exponential_euler")


def bi(zh: str, en: str) -> str:
    """One line in both languages, as the notebook writes them: "中文 / English"."""
    return f"{zh} / {en}"


# Derivative probes: states (V, m, h, n) and one step this short (ms), so that
# (new - old) / dt is the derivative to about 1e-6 for any one-step method
# (at 1e-5, RK4's step already differs by 5 % in dh/dt, because V moves by
# 1000 mV/ms at the initial state).  Float64 keeps 1e-9 of it.
PROBE_STATES = ((-65.0, 0.5, 0.6, 0.32),     # the initial state: I_Na dominates
                (-70.0, 0.05, 0.6, 0.3),     # near rest: the small currents matter
                (-20.0, 0.9, 0.2, 0.6))      # depolarised: the gates at another V
PROBE_DT = 1e-7
PROBE_RTOL = 2e-3                            # of the derivative's size, plus:
PROBE_ATOL = {"V": 1e-2, "m": 1e-5, "h": 1e-5, "n": 1e-5}   # mV/ms and 1/ms

# Part 1 is explicit Euler: one step of EULER_DT from a state is x + dt f(x), to
# rounding.  (Exponential Euler differs by ~1e-2 mV there, RK4 by more.)
EULER_DT = 0.02
EULER_RTOL, EULER_ATOL = 1e-9, 1e-10

# The integration run, and how far a correct model may be from the reference
# there: spike times (ms) and V between spikes (mV), per method at RUN_DT.
# Measured on correct classes for I = 5 ... 15: the slides' Euler (gates
# updated first) 0.09 ms / 0.39 mV, exponential Euler 0.09 ms / 0.31 mV,
# RK4 1e-4 ms / 1e-4 mV.
RUN_T, RUN_DT = 20.0, 0.01
SPIKE_TOL = {"euler": 0.15, "exponential_euler": 0.15, "rk4": 0.01}
V_TOL = {"euler": 1.0, "exponential_euler": 1.0, "rk4": 0.05}
QUIET = (4.0, 12.0)          # ms: between the first two spikes, where V changes slowly

# The lecture's lesson on stability: exponential Euler still fires at dt = 0.2.
STABLE_DT, STABLE_T, STABLE_MIN_SPIKES = 0.2, 100.0, 5

# Part 2's comparison: the runs of the notebook (method, dt), 100 ms at I = 10.
COMPARE_I, COMPARE_T = 10.0, 100.0
COMPARE_DTS = (0.01, 0.05, 0.1, 0.2)
COMPARE_RUNS = tuple((m, dt) for m in METHODS for dt in COMPARE_DTS)

# Part 3: tolerances on the f-I curve and on the threshold (used by the grader
# against its hidden reference rates; the self-check has no expected rates).
RATE_TOL = 7.5               # Hz: 3 spikes in the 400 ms counting window
THRESHOLD_TOL = 0.25         # uA/cm^2
NEAR_THRESHOLD = 0.5         # uA/cm^2: rates this close to the threshold are not compared
WINDOW_S = (reference.FI_T_END - reference.FI_T_START) / 1000.0

_DV = "dV/dt = (-I_Na - I_K - I_L + I) / C"


def _dV(V, m, h, n, I, sNa=1, sK=1, sL=1, sI=1, pm=3, ph=1, pn=4):
    """dV/dt with the sign of each term and the gate powers as parameters."""
    return (-sNa * reference.GNA * m ** pm * h ** ph * (V - reference.ENA)
            - sK * reference.GK * n ** pn * (V - reference.EK)
            - sL * reference.GL * (V - reference.EL) + sI * I) / reference.C


# Common mistakes in dV/dt: the hint each earns, and the wrong formula as
# changes to _dV.  A student's dV/dt that matches one gets its hint.
V_MISTAKES = (
    (bi("检查 I_K 的符号：" + _DV + "，其中 I_K = gK n^4 (V - EK)",
        "check the sign of I_K: " + _DV + ", with I_K = gK n^4 (V - EK)"), dict(sK=-1)),
    (bi("检查 I_Na 的符号：" + _DV + "，其中 I_Na = gNa m^3 h (V - ENa)",
        "check the sign of I_Na: " + _DV + ", with I_Na = gNa m^3 h (V - ENa)"), dict(sNa=-1)),
    (bi("检查漏电流 I_L = gL (V - EL) 的符号", "check the sign of the leak current "
        "I_L = gL (V - EL)"), dict(sL=-1)),
    (bi("dV/dt 里缺少输入电流：加上 self.input（变量 `input`）",
        "the input current is missing from dV/dt: add self.input (the `input` Variable)"),
     dict(sI=0)),
    (bi("输入电流在 dV/dt 里的符号错了：应为 + I",
        "the input current enters dV/dt with the wrong sign: it is + I"), dict(sI=-1)),
    (bi("I_K 用 n^4，不是 n^3", "I_K uses n^4, not n^3"), dict(pn=3)),
    (bi("I_Na 用 m^3，不是 m^2", "I_Na uses m^3, not m^2"), dict(pm=2)),
    (bi("I_Na 是 m^3 h：缺少 h", "I_Na uses m^3 h: the h factor is missing"), dict(ph=0)),
)
# What each gate's equation is, for the hint when its derivative is wrong.
_GATES = {
    "m": "dm/dt = alpha_m (1 - m) - beta_m m, alpha_m = 0.1 (V + 40) / (1 - exp(-(V + 40) / 10)),"
         " beta_m = 4 exp(-(V + 65) / 18)",
    "h": "dh/dt = alpha_h (1 - h) - beta_h h, alpha_h = 0.07 exp(-(V + 65) / 20),"
         " beta_h = 1 / (1 + exp(-(V + 35) / 10))",
    "n": "dn/dt = alpha_n (1 - n) - beta_n n, alpha_n = 0.01 (V + 55) / (1 - exp(-(V + 55) / 10)),"
         " beta_n = 0.125 exp(-(V + 65) / 80)",
}
GATE_HINT = {k: bi(f"检查 {v}", f"check {v}") for k, v in _GATES.items()}


def _fmt(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.3e}"


def _times(values) -> str:
    return ", ".join(f"{t:.2f}" for t in values) if len(values) else "-"


# ================================================================ collect ==
# Run where the student's code is.  Each returns plain data (JSON-ready).

class NotDefined(Bilingual):
    """The notebook does not define a name a collector needs."""


def _get(ns: dict, name: str):
    if name not in ns:
        raise NotDefined(bi(f"笔记本没有定义 `{name}`", f"the notebook defines no `{name}`"))
    return ns[name]


_KIT_MODULES = ("braindyn.models", "braindyn.homework.reference")


def _kit_names(obj) -> list[str]:
    """The kit's HH models (``braindyn.models``, the reference) that ``obj`` is,
    derives from, or holds."""
    found = []
    if isinstance(obj, type):
        for base in obj.__mro__:
            if base.__module__.startswith(_KIT_MODULES):
                found.append(f"{base.__module__}.{base.__qualname__}")
    elif getattr(obj, "__module__", "") and str(getattr(obj, "__module__", "")).startswith(
            _KIT_MODULES) and callable(obj):
        found.append(f"{obj.__module__}.{getattr(obj, '__qualname__', repr(obj))}")
    return found


@contextlib.contextmanager
def kit_models_trapped():
    """While inside: the kit's HH models raise when used, and say so in ``TRAPPED``.

    Function bodies are swapped (``__code__``), so that a name bound before
    (``from braindyn.models import hh_derivatives``) is caught too; the
    ``update`` of ``braindyn.models`` classes is replaced on the class.  The
    reference's cached solutions are cleared first."""
    import braindyn.models as models
    from braindyn.models import hodgkin_huxley

    def trap(*args, **kwargs):
        __import__("sys").modules["braindyn.homework.hh"].TRAPPED.append("kit")
        raise RuntimeError("braindyn: the kit's own HH model may not do this part's work / "
                           "本部分不能使用工具包自带的 HH 模型")

    class Trap:
        """A class attribute that cannot be read from an instance without being noticed."""

        def __get__(self, obj, owner=None):
            if obj is None:
                return self
            trap()

    functions = [reference.derivatives, reference._rhs, reference.currents,
                 reference.gate_rates, hodgkin_huxley.hh_derivatives]
    saved_code = [(f, f.__code__) for f in functions]
    classes = []
    for name in getattr(models, "__all__", []):
        cls = getattr(models, name, None)
        if isinstance(cls, type) and "update" in vars(cls):
            classes.append((cls, vars(cls)["update"]))
    getattr(reference.solve, "cache_clear", lambda: None)()
    reference.reference_spike_times.cache_clear()
    try:
        for f, _ in saved_code:
            f.__code__ = trap.__code__
        for cls, _ in classes:
            cls.update = Trap()
        yield
    finally:
        for f, code in saved_code:
            f.__code__ = code
        for cls, update in classes:
            cls.update = update
        getattr(reference.solve, "cache_clear", lambda: None)()
        reference.reference_spike_times.cache_clear()


TRAPPED: list[str] = []


def _nan_derivatives(V, m, h, n, *rest, **kwargs):
    # runs with the globals of the function it replaces: builtins only
    nan = float("nan")
    return V * nan, m * nan, h * nan, n * nan


class _NaNSolution:
    """What the reference "solves" while grading: NaN everywhere."""

    success = False

    def sol(self, t):
        return np.full((4,) + np.shape(t), np.nan)


def _nan_solve(I, t_end, y0=None):
    return _NaNSolution()


_nan_solve.cache_clear = lambda: None


def poison_kit_models() -> None:
    """For grading, before the notebook's first cell: the kit's own HH solvers give NaN.

    ``reference.derivatives`` and ``braindyn.models``' ``hh_derivatives`` (and with
    them every ``braindyn.models`` HH class) return NaN, and ``reference.solve``
    returns NaN curves (``reference_spike_times`` then finds no spikes).  The
    notebook still runs (its figures of the reference are empty in grading, not
    in the report ``submit`` made), but data that a notebook or a replaced
    collector would take from the kit instead of its own code is wrong, and
    judged so.  The grader's own reference is in another process, untouched."""
    from braindyn.models import hodgkin_huxley

    for fn in (reference.derivatives, hodgkin_huxley.hh_derivatives):
        fn.__code__ = _nan_derivatives.__code__.replace(co_name=fn.__code__.co_name)
    reference.solve = _nan_solve


def _trapped_call(fn, *args, **kwargs):
    """``fn(...)`` with the kit's models trapped; a use of them raises KitModelUsed."""
    del TRAPPED[:]
    try:
        with kit_models_trapped():
            value = fn(*args, **kwargs)
    except BaseException:
        if TRAPPED:
            raise KitModelUsed() from None
        raise
    if TRAPPED:                     # caught inside the student's code: still used
        raise KitModelUsed()
    return value


class KitModelUsed(Bilingual):
    def __init__(self):
        super().__init__(KIT_MESSAGE)


KIT_MESSAGE = bi("你的代码调用了工具包自带的 HH 模型（braindyn.models 或参考解），本部分要用你自己写的方程",
                 "your code calls the kit's own HH model (braindyn.models or the reference): "
                 "this part needs your own equations")


def build(HH, method: str | None = None, monitors=MONITORS):
    """``HH(1, monitors=...[, method=...])``, or CheckFailed saying why it cannot be built."""
    if not isinstance(HH, type):
        raise CheckFailed(bi(f"要传入类本身，而不是 {type(HH).__name__}",
                             f"pass the class itself, not {type(HH).__name__} {HH!r}"),
                          hint=bi("checks.part1(HHEuler)，类名后面不加括号",
                                  "checks.part1(HHEuler), without parentheses after the name"))
    kwargs = {"monitors": list(monitors)}
    if method is not None:
        kwargs["method"] = method
    call = f"{HH.__name__}(1, " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) + ")"
    try:
        return HH(1, **kwargs)
    except TypeError as e:
        if method is not None and "method" in str(e):
            raise CheckFailed(bi(f"{call} 出错：{e}", f"{call} failed: {e}"),
                              hint=bi("给 __init__ 加一个参数 `method` 并传下去：self.integral = "
                                      "bp.odeint(self.derivative, method=method)",
                                      "add a `method` parameter to __init__ and pass it on: "
                                      "self.integral = bp.odeint(self.derivative, method=method)"))
        raise CheckFailed(bi(f"{call} 出错：{e}", f"{call} failed: {e}"),
                          hint=bi("__init__(self, size, ..., **kwargs) 要把 **kwargs 传下去："
                                  "super().__init__(size=size, **kwargs)",
                                  "__init__(self, size, ..., **kwargs) must pass **kwargs on: "
                                  "super().__init__(size=size, **kwargs)")) from None


def _as_floats(values) -> list:
    return [float(x) for x in np.asarray(values, dtype=float).ravel()]


def inspect_class(HH) -> dict:
    """What the object is: a class?  Does it derive from, or wrap, the kit's models?"""
    info = {"is_class": isinstance(HH, type), "type": type(HH).__name__,
            "name": getattr(HH, "__name__", ""), "kit": _kit_names(HH)}
    if isinstance(HH, type):
        # functions of the class that refer to the kit's models by a global name
        for attr, value in vars(HH).items():
            fn = getattr(value, "__func__", value)
            code, glb = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
            if code is None:
                continue
            for name in code.co_names:
                target = glb.get(name)
                if target is not None and not isinstance(target, type(sys)):
                    info["kit"] += [f"{attr}: {k}" for k in _kit_names(target)]
                elif isinstance(target, type(sys)) and target.__name__.startswith(_KIT_MODULES):
                    info["kit"].append(f"{attr}: {target.__name__}")
    return info


def collect_info(ns: dict, name: str) -> dict:
    return inspect_class(_get(ns, name))


def collect_variables(ns: dict, name: str, method: str | None = None) -> dict:
    """The model's Variables right after it is built: {name: [values] or a problem}."""
    HH = _get(ns, name)
    hh = _trapped_call(build, HH, method)
    import braindyn.math as bm

    out = {}
    for var in VARIABLES:
        value = getattr(hh, var, None)
        if value is None:
            out[var] = {"problem": "missing"}
        elif not isinstance(value, bm.Variable):
            out[var] = {"problem": "not a Variable", "type": type(value).__name__}
        else:
            arr = np.asarray(value)
            out[var] = {"shape": list(arr.shape), "values": _as_floats(arr.astype(float))}
    return out


def _one_step(HH, state, I, dt, method=None) -> list:
    hh = build(HH, method)
    for name, value in zip("Vmhn", state):
        getattr(hh, name)[:] = value
    with np.errstate(all="ignore"):
        hh.run(dt, inputs=("input", float(I)), dt=dt, jit=False)
    return [float(np.asarray(getattr(hh.mon, name))[0, 0]) for name in "Vmhn"]


def collect_steps(ns: dict, name: str, states, I: float, dt: float,
                  method: str | None = None) -> list:
    """(V, m, h, n) after one step of ``dt`` from each state, input ``I``."""
    HH = _get(ns, name)
    return _trapped_call(lambda: [_one_step(HH, s, I, dt, method) for s in states])


def _run(HH, I, t_end, dt, method=None) -> dict:
    hh = build(HH, method, monitors=MONITORS + ["spike"])
    try:
        with np.errstate(all="ignore"):
            hh.run(t_end, inputs=("input", float(I)), dt=dt, jit=False)
    except FloatingPointError as e:      # braindyn's SimulationError: NaN or inf
        return {"nan": str(e).splitlines()[0][:200] if str(e) else "NaN"}
    ts = np.asarray(hh.mon.ts, dtype=float)
    V = np.asarray(hh.mon.V, dtype=float)
    if V.ndim != 2 or V.shape[1] != 1 or V.shape[0] != ts.shape[0]:
        return {"shape": list(V.shape), "steps": int(ts.shape[0])}
    spike = np.asarray(hh.mon.spike).reshape(len(ts), -1)[:, 0].astype(bool)
    return {"ts": _as_floats(ts), "V": _as_floats(V[:, 0]),
            "spike": [int(i) for i in np.flatnonzero(spike)]}


def collect_run(ns: dict, name: str, I: float, t_end: float, dt: float,
                method: str | None = None) -> dict:
    """A run of ``t_end`` ms at ``dt`` with input ``I``: ts, V and the steps where spike."""
    HH = _get(ns, name)
    return _trapped_call(_run, HH, I, t_end, dt, method)


def collect_comparison(ns: dict, runs=COMPARE_RUNS) -> dict:
    """Part 2's comparison as the notebook left it: for each run, its trace summed up
    (samples, first and last time, finite, spike times) or its divergence message."""
    traces, diverged = ns.get("traces"), ns.get("diverged")
    out = {"traces": isinstance(traces, dict), "diverged": isinstance(diverged, dict),
           "runs": {}}
    for method, dt in runs:
        key = f"{method} {dt:g}"
        entry: dict = {}
        if isinstance(diverged, dict) and (method, dt) in diverged:
            entry["diverged"] = str(diverged[(method, dt)])[:200]
        if isinstance(traces, dict) and (method, dt) in traces:
            try:
                ts, V = traces[(method, dt)]
                ts = np.asarray(ts, dtype=float).ravel()
                V = np.asarray(V, dtype=float).ravel()
            except (TypeError, ValueError):
                entry["trace"] = {"problem": "not (ts, V)"}
            else:
                ok = len(ts) == len(V) and len(ts) > 1
                entry["trace"] = {
                    "samples": int(len(V)), "same_length": len(ts) == len(V),
                    "t_first": float(ts[0]) if len(ts) else None,
                    "t_last": float(ts[-1]) if len(ts) else None,
                    "finite": bool(np.all(np.isfinite(V))) if len(V) else False,
                    "V_min": float(np.nanmin(V)) if len(V) else None,
                    "V_max": float(np.nanmax(V)) if len(V) else None,
                    "spikes": _as_floats(spike_times(ts, V)) if ok else []}
        out["runs"][key] = entry
    return out


@contextlib.contextmanager
def runs_recorded():
    """While inside: every ``model.run(...)`` is noted (the model's class and module,
    the duration, the constant inputs), in the list this yields."""
    from braindyn.simulation import runner

    seen: list[dict] = []
    original = runner.run

    def run(root, duration, inputs=(), *args, **kwargs):
        entry = {"class": type(root).__name__, "module": type(root).__module__,
                 "duration": float(duration) if isinstance(duration, (int, float)) else None,
                 "inputs": []}
        specs = inputs if isinstance(inputs, list) and inputs and \
            isinstance(inputs[0], (list, tuple)) else [inputs]
        for spec in specs:
            if isinstance(spec, (list, tuple)) and len(spec) >= 2:
                try:
                    entry["inputs"] += _as_floats(spec[1])[:10000]
                except (TypeError, ValueError):
                    pass
        seen.append(entry)
        return original(root, duration, inputs, *args, **kwargs)

    runner.run = run
    try:
        yield seen
    finally:
        runner.run = original


def collect_rates(ns: dict, function: str, currents) -> dict:
    """``function(currents)``, the student's f-I curve at currents the caller chooses, and
    the runs it made (to see that it simulates a model of the notebook)."""
    fn = _get(ns, function)
    if not callable(fn):
        raise NotDefined(bi(f"`{function}` 不是函数", f"`{function}` is not a function"))
    arr = np.asarray(currents, dtype=float)
    with runs_recorded() as runs:
        rates = _trapped_call(fn, arr.copy())
    return {"rates": np.asarray(rates, dtype=float).ravel().tolist(), "runs": runs[:50]}


# =================================================================== judge ==
# The grader's and the self-checks' comparisons, on collected data only.

def spike_times(ts, V) -> np.ndarray:
    """Spike times (ms) of a run that starts at the initial state, t = 0 included
    (a monitor records after each step: the first crossing can be in the first step)."""
    return np.asarray(reference.spike_times(ts, V, initial=VARIABLES["V"]), dtype=float)


def judge_kit(info: dict, source_uses: list[str] = ()) -> None:
    """A class of its own: not a braindyn.models class, a subclass or a wrapper of one."""
    uses = list(info.get("kit", [])) + list(source_uses)
    if uses:
        raise CheckFailed(bi(f"{info.get('name') or '这个类'} 使用了工具包自带的 HH 模型（{uses[0]}）",
                             f"{info.get('name') or 'the class'} uses the kit's own HH model "
                             f"({uses[0]})"),
                          hint=bi("这一部分要求你自己写 HH 方程和更新步骤，不能继承、包装或调用 "
                                  "braindyn.models", "write the HH equations and the update "
                                  "yourself: do not subclass, wrap or call braindyn.models"))


def judge_is_class(info: dict) -> None:
    if not info.get("is_class"):
        raise CheckFailed(bi(f"要传入类本身，而不是 {info.get('type')}",
                             f"pass the class itself, not a {info.get('type')}"),
                          hint=bi("类名后面不加括号", "without parentheses after the class name"))


def judge_variables(values: dict) -> None:
    """The Variables of the slides exist, hold one value per neuron and start right."""
    for name, start in VARIABLES.items():
        got = values.get(name, {"problem": "missing"})
        if got.get("problem") == "missing":
            raise CheckFailed(bi(f"你的模型没有 `{name}`", f"your model has no `{name}`"),
                              hint=bi(f"在 __init__ 里创建：self.{name} = bm.Variable(...)",
                                      f"create it in __init__: self.{name} = bm.Variable(...)"))
        if got.get("problem"):
            raise CheckFailed(
                bi(f"`self.{name}` 是 {got.get('type')}，不是 bm.Variable",
                   f"`self.{name}` is a {got.get('type')}, not a bm.Variable"),
                hint=bi(f"用 bm.Variable 包起来：self.{name} = bm.Variable(...)，模拟才能更新和记录它",
                        f"wrap it: self.{name} = bm.Variable(...), so that the simulation can "
                        f"update and record it"))
        if got.get("shape") != [1]:
            raise CheckFailed(bi(f"一个神经元时 `self.{name}` 的形状是 {tuple(got.get('shape'))}，"
                                 f"应为 (1,)", f"`self.{name}` has shape {tuple(got.get('shape'))} "
                                 f"for one neuron, expected (1,)"),
                              hint=bi("用 bm.ones(self.num) 或 bm.zeros(self.num)",
                                      "use bm.ones(self.num) or bm.zeros(self.num)"))
        if not np.allclose(got["values"], float(start)):
            raise CheckFailed(bi(f"`self.{name}` 的初值是 {got['values'][0]!r}，与幻灯片不同",
                                 f"`self.{name}` starts at {got['values'][0]!r}, not at the "
                                 f"slides' value"),
                              hint=bi("用幻灯片上的初值（见作业说明）",
                                      "use the initial values of the slides (see the task)"))


def _where(state, I, shown: bool = True, zh: bool = False) -> str:
    """Where a probe was taken; the grader's hidden inputs are not shown."""
    if not shown:
        return "评分时的一个隐藏状态" if zh else "a hidden state of the grading"
    return "V = {:g}, m = {:g}, h = {:g}, n = {:g}".format(*state) + f", I = {I:g}"


def _input(I: float, dt: float, shown: bool = True, zh: bool = False) -> str:
    if not shown:
        return f"评分时的隐藏输入，dt = {dt:g}" if zh else f"a hidden input and dt = {dt:g}"
    return f"输入 {I:g}，dt = {dt:g}" if zh else f"input {I:g} and dt = {dt:g}"


def judge_derivatives(states, I: float, steps, dt: float = PROBE_DT, shown: bool = True) -> None:
    """At each state the model's derivatives ((new - old) / dt) are the reference's."""
    for state, new in zip(states, steps):
        got = {k: (float(n) - float(s)) / dt for k, n, s in zip("Vmhn", new, state)}
        want = dict(zip("Vmhn", reference.derivatives(*state, I)))
        tol = {k: PROBE_RTOL * abs(want[k]) + PROBE_ATOL[k] for k in "Vmhn"}
        wrong = [k for k in "Vmhn" if not abs(got[k] - want[k]) <= tol[k]]
        # A step that moved a variable by a whole derivative: dt was left out.
        # (Tested first: with the gates moved that far, dV/dt is wrong too.)
        for name in wrong:
            change = got[name] * dt
            if want[name] != 0 and abs(change - want[name]) <= tol[name]:
                raise CheckFailed(
                    bi(f"一步 dt = {dt:g} ms 让 {name} 改变了整整一个导数的大小",
                       f"one step of dt = {dt:g} ms changed {name} by a whole derivative"),
                    hint=bi(f"导数要乘以步长：{name} + d{name}dt * _dt",
                            f"multiply the derivative by the step: {name} + d{name}dt * _dt"))
        if not wrong:
            continue
        name = wrong[0]
        message = bi(f"在 {_where(state, I, shown, True)} 处，你的模型的 d{name}/dt 是 "
                     f"{_fmt(got[name])}，与参考解不符", f"d{name}/dt at {_where(state, I, shown)} "
                     f"is {_fmt(got[name])} "
                     f"in your model, which is not the reference's")
        if name != "V":
            raise CheckFailed(message, hint=GATE_HINT[name])
        for hint, change in V_MISTAKES:
            if abs(got["V"] - _dV(*state, I, **change)) <= tol["V"]:
                raise CheckFailed(message, hint=hint)
        raise CheckFailed(message, hint=bi("把你的电流和幻灯片对照：" + _DV,
                                           "compare your currents with the slides: " + _DV))


def judge_euler_step(states, I: float, dt: float, steps, shown: bool = True) -> None:
    """One step is explicit Euler: each gate x + dt f_x(V, x), and V + dt f_V(...)
    with the gates before the step or (as on the slides) after it, to rounding."""
    for state, new in zip(states, steps):
        V, m, h, n = state
        d = reference.derivatives(V, m, h, n, I)
        gates = [x + dt * dx for x, dx in zip((m, h, n), d[1:])]
        V_old = V + dt * d[0]
        V_new = V + dt * reference.derivatives(V, *gates, I)[0]

        def close(a, b):
            return abs(a - b) <= EULER_RTOL * abs(b) + EULER_ATOL

        if all(close(a, b) for a, b in zip(new[1:], gates)) and \
                (close(new[0], V_old) or close(new[0], V_new)):
            continue
        raise CheckFailed(
            bi(f"从 {_where(state, I, shown, True)} 出发走一步"
               + (f" dt = {dt:g} ms" if shown else "") + "，结果不是显式 Euler 的 x + dt·f(x)"
               + (f"（你的模型给出 V = {new[0]:.6g}）" if shown else ""),
               "one step" + (f" of dt = {dt:g} ms" if shown else "")
               + f" from {_where(state, I, shown)} is not explicit Euler, x + dt f(x)"
               + (f" (your model gives V = {new[0]:.6g})" if shown else "")),
            hint=bi("第一部分要手写显式 Euler：每个变量 x ← x + dx/dt · _dt，不用 bp.odeint、"
                    "指数 Euler 或 RK 方法", "part 1 is a hand-written explicit Euler step: "
                    "x <- x + dx/dt * _dt for each variable, not bp.odeint, exponential Euler "
                    "or a Runge-Kutta method"))


def judge_run(run: dict, I: float, t_end: float, dt: float, method: str | None = None,
              label: str = "", shown: bool = True) -> None:
    """A run agrees with the reference: spike times, V between spikes, the spike Variable."""
    key = method or "euler"
    label = label + (f"(method={method!r})" if method else "")
    if "nan" in run:
        raise CheckFailed(bi(f"{label} 在 dt = {dt:g} ms 时出现 NaN：{run['nan']}",
                             f"the simulation of {label} at dt = {dt:g} ms produced NaN: "
                             f"{run['nan']}"),
                          hint=bi("找找除以零或符号错了的指数", "look for a division by zero or "
                                  "an exponent with the wrong sign"))
    if "V" not in run:
        raise CheckFailed(bi(f"hh.mon.V 的形状是 {tuple(run.get('shape', ()))}",
                             f"hh.mon.V has shape {tuple(run.get('shape', ()))}, expected "
                             f"({run.get('steps')}, 1)"),
                          hint=bi("像幻灯片那样记录 V：HH(1, monitors=['V', ...])",
                                  "monitor V as on the slides: HH(1, monitors=['V', ...])"))
    ts, V = np.asarray(run["ts"]), np.asarray(run["V"])
    want = reference.reference_spike_times(float(I), float(t_end))
    got = spike_times(ts, V)
    error = measure.spike_time_error(got, want)     # nearest neighbours, and the counts
    if not error.same_count:
        raise CheckFailed(
            bi(f"{label} 在 {t_end:g} ms 内（{_input(I, dt, shown, True)}）发放 {len(got)} 次"
               f"（{_times(got)} ms），参考解的发放次数与此不同",
               f"{label} fires {len(got)} times in {t_end:g} ms with {_input(I, dt, shown)} "
               f"(at {_times(got)} ms); the reference fires a different number "
               f"of times"), hint=_run_hint(key))
    if error.max_error > SPIKE_TOL[key]:
        raise CheckFailed(
            bi(f"{label} 的发放时刻（{_times(got)} ms，{_input(I, dt, shown, True)}）与参考解相差"
               f" {error.max_error:.3g} ms，超过允许的 {SPIKE_TOL[key]} ms",
               f"the spikes of {label} (at {_times(got)} ms, {_input(I, dt, shown)}) are "
               f"up to {error.max_error:.3g} ms from the reference's; at most "
               f"{SPIKE_TOL[key]} ms is allowed"), hint=_run_hint(key))
    quiet = (ts >= QUIET[0]) & (ts <= QUIET[1])
    if len(want) >= 2 and quiet.any():
        ref_V = reference.solve(float(I), float(t_end)).sol(ts[quiet])[0]
        err = np.abs(V[quiet] - ref_V)
        k = int(np.argmax(err))
        if err[k] > V_TOL[key]:
            raise CheckFailed(
                bi(f"{label}：t = {ts[quiet][k]:.2f} ms 时 V = {V[quiet][k]:.3f} mV，与参考解相差"
                   f"超过 {V_TOL[key]} mV", f"{label}: V at t = {ts[quiet][k]:.2f} ms is "
                   f"{V[quiet][k]:.3f} mV, more than {V_TOL[key]} mV from the reference"),
                hint=bi("两次发放之间只有慢电流起作用：检查 I_K、I_L 和门控变量",
                        "between spikes only the slow currents act: check I_K, I_L and the "
                        "gates"))
    V_before = np.concatenate([[VARIABLES["V"]], V[:-1]])
    crossing = (V_before < 20.0) & (V >= 20.0)
    spike = np.zeros(len(V), dtype=bool)
    spike[[i for i in run.get("spike", []) if 0 <= i < len(V)]] = True
    if not np.array_equal(crossing, spike):
        k = int(np.nonzero(crossing != spike)[0][0])
        raise CheckFailed(
            bi(f"t = {ts[k]:.2f} ms 时 `spike` 是 {bool(spike[k])}，而 V 从 {V_before[k]:.2f} "
               f"变到 {V[k]:.2f} mV", f"`spike` is {bool(spike[k])} at t = {ts[k]:.2f} ms, "
               f"where V goes from {V_before[k]:.2f} to {V[k]:.2f} mV"),
            hint=bi("V 向上穿过 V_th = 20 mV 的那一步 spike 为 True，要在覆盖 self.V 之前判断："
                    "self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th)",
                    "spike is True in the step where V crosses V_th = 20 mV upwards: "
                    "self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th), "
                    "before self.V is overwritten"))


def _run_hint(key: str) -> str:
    if key == "euler":
        return bi("一步是 V(t + dt) = V(t) + dt · dV/dt，m、h、n 也一样",
                  "one step is V(t + dt) = V(t) + dt * dV/dt, and the same for m, h, n")
    return bi("检查积分器是否返回了 V、m、h、n 四个量，update 是否把它们都存下了",
              "check that the integrator returns all of V, m, h, n and that update stores "
              "them all")


def judge_method_used(runs: dict) -> None:
    """HH(method=...) really changes the integrator (runs: method -> run data)."""
    for a, b in (("euler", "rk4"), ("rk4", "exponential_euler"), ("euler", "exponential_euler")):
        if "V" in runs[a] and "V" in runs[b] and runs[a]["V"] == runs[b]["V"]:
            raise CheckFailed(
                bi(f"HH(method={a!r}) 和 HH(method={b!r}) 给出的 V 完全相同",
                   f"HH(method={a!r}) and HH(method={b!r}) give exactly the same V"),
                hint=bi("参数 method 没有用上：在 __init__ 里用 bp.odeint(self.derivative, "
                        "method=method) 构造积分器（装饰器 @bp.odeint(method=...) 会把方法固定）",
                        "the method argument is not used: build the integrator in __init__ "
                        "with bp.odeint(self.derivative, method=method) (the decorator "
                        "@bp.odeint(method=...) fixes one method)"))


def judge_stable(run: dict) -> None:
    """Exponential Euler keeps firing at dt = STABLE_DT, as in the lecture."""
    n = 0 if "V" not in run else len(spike_times(run["ts"], run["V"]))
    finite = "V" in run and bool(np.all(np.isfinite(run["V"])))
    if not finite or n < STABLE_MIN_SPIKES:
        raise CheckFailed(
            bi(f"用指数 Euler、dt = {STABLE_DT} ms 时，你的模型在 {STABLE_T:g} ms 内只发放 {n} 次"
               f"（至少应有 {STABLE_MIN_SPIKES} 次）", f"with exponential Euler at dt = "
               f"{STABLE_DT} ms your model fires {n} times in {STABLE_T:g} ms; expected at "
               f"least {STABLE_MIN_SPIKES}"),
            hint=bi("指数 Euler 在 dt = 0.2 时应当稳定：method 传给 bp.odeint 了吗？",
                    "exponential Euler should stay stable at dt = 0.2: is method passed on to "
                    "bp.odeint?"))


# -- part 2's comparison: an independent look at which runs blow up ----------------

def _exp_euler_step(x, A, B, dt):
    # x' = A x + B held over the step: exact solution (A -> 0: Euler)
    with np.errstate(all="ignore"):
        small = abs(A * dt) < 1e-12
        return x + dt * (A * x + B) if small else \
            x * np.exp(A * dt) + B / A * np.expm1(A * dt)


def independent_run(method: str, dt: float, I: float = COMPARE_I, t_end: float = COMPARE_T):
    """(finished, spike count) of the slides' model by ``method`` at ``dt``: a few lines
    of plain Python, independent of braindyn's integrators and of the student's code."""
    V, m, h, n = reference.INITIAL_STATE
    steps = int(round(t_end / dt))
    Vs = np.empty(steps)

    def f(y):
        return np.array(reference.derivatives(*y, I))

    with np.errstate(all="ignore"):
        for k in range(steps):
            y = np.array([V, m, h, n])
            if method == "euler":
                y = y + dt * f(y)
            elif method == "rk4":
                k1 = f(y)
                k2 = f(y + dt / 2 * k1)
                k3 = f(y + dt / 2 * k2)
                k4 = f(y + dt * k3)
                y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            else:                       # exponential Euler, variable by variable
                (am, bm_), (ah, bh), (an, bn) = reference.gate_rates(V)
                g = reference.GNA * m ** 3 * h + reference.GK * n ** 4 + reference.GL
                E = (reference.GNA * m ** 3 * h * reference.ENA + reference.GK * n ** 4 *
                     reference.EK + reference.GL * reference.EL + I)
                y = np.array([_exp_euler_step(V, -g / reference.C, E / reference.C, dt),
                              _exp_euler_step(m, -(am + bm_), am, dt),
                              _exp_euler_step(h, -(ah + bh), ah, dt),
                              _exp_euler_step(n, -(an + bn), an, dt)])
            if not np.all(np.isfinite(y)) or abs(y[0]) > 1e6:
                return False, 0
            V, m, h, n = y
            Vs[k] = V
    ts = dt * np.arange(1, steps + 1)
    return True, len(spike_times(ts, Vs))


def judge_comparison(data: dict, expected: dict) -> None:
    """Part 2's comparison: every run is either a trace or a divergence, the right ones
    diverged, and each trace is present and plausible (``expected``: run -> (finished,
    spike count) of :func:`independent_run`)."""
    if not data.get("traces") or not data.get("diverged"):
        raise CheckFailed(bi("没有找到字典 `traces` 和 `diverged`",
                             "the dicts `traces` and `diverged` are missing"),
                          hint=bi("保留比较单元格里的 traces = {} 和 diverged = {}",
                                  "keep traces = {} and diverged = {} of the comparison cell"))
    for key, (finished, count) in expected.items():
        entry = data["runs"].get(key, {})
        method, dt = key.split()
        if "trace" not in entry and "diverged" not in entry:
            raise CheckFailed(bi(f"{method}、dt = {dt} 的结果既不在 traces 也不在 diverged 里",
                                 f"the run {method} at dt = {dt} is in neither traces nor "
                                 f"diverged"),
                              hint=bi("对每个 (method, dt) 运行模型，结果存进 traces，"
                                      "发散的存进 diverged", "run the model for each (method, "
                                      "dt) and store the result in traces, or the divergence "
                                      "in diverged"))
        if finished and "trace" not in entry:
            raise CheckFailed(bi(f"{method} 在 dt = {dt} 时不应发散", f"{method} at dt = {dt} "
                                 f"should not diverge"),
                              hint=bi("只有 bp.SimulationError（NaN）算发散",
                                      "only a bp.SimulationError (NaN) counts as diverging"))
        if not finished and "diverged" not in entry:
            raise CheckFailed(bi(f"{method} 在 dt = {dt} 时应当发散（bp.SimulationError）",
                                 f"{method} at dt = {dt} should diverge (bp.SimulationError)"),
                              hint=bi("用你的 HH 类和这个方法运行 100 ms；捕获 SimulationError",
                                      "run your HH class with this method for 100 ms; catch "
                                      "bp.SimulationError"))
        if not finished:
            continue
        t = entry["trace"]
        plausible = (t.get("same_length") and t.get("finite")
                     and abs((t.get("t_last") or 0) - COMPARE_T) <= float(dt)
                     and abs((t.get("t_first") or 0) - float(dt)) <= float(dt)
                     and abs(t.get("samples", 0) - COMPARE_T / float(dt)) <= 1
                     and abs(len(t.get("spikes", [])) - count) <= 1)
        if not plausible:
            raise CheckFailed(bi(f"{method}、dt = {dt} 的曲线不合理（{t.get('samples')} 个点，"
                                 f"{len(t.get('spikes', []))} 次发放）",
                                 f"the trace of {method} at dt = {dt} is not plausible "
                                 f"({t.get('samples')} samples, {len(t.get('spikes', []))} "
                                 f"spikes)"),
                              hint=bi("traces[(method, dt)] = (model.mon.ts, model.mon.V[:, 0])，"
                                      "模拟 100 ms，输入 10", "traces[(method, dt)] = "
                                      "(model.mon.ts, model.mon.V[:, 0]), 100 ms at input 10"))


# -- part 3 ------------------------------------------------------------------------

def _as_1d(name: str, values) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(bi(f"`{name}` 应是数，而不是 {type(values).__name__}",
                             f"`{name}` must be numbers, got {type(values).__name__}"),
                          hint=bi("用列表或 NumPy 数组", "pass lists or NumPy arrays of floats")
                          ) from None
    if arr.ndim != 1:
        raise CheckFailed(bi(f"`{name}` 的形状是 {arr.shape}，应是一维", f"`{name}` has shape "
                             f"{arr.shape}, expected a 1-D list of numbers"),
                          hint=bi("用 .ravel()，每个电流一个值",
                                  "use .ravel() or one value per input current"))
    if not np.all(np.isfinite(arr)):
        raise CheckFailed(bi(f"`{name}` 里有 NaN 或 inf", f"`{name}` holds NaN or inf values"),
                          hint=bi("模拟发散了：用更小的 dt", "a simulation that diverged: use "
                                  "a smaller dt"))
    return arr


PROTOCOL = bi(f"从初始状态出发模拟 {reference.FI_T_END:g} ms，统计 {reference.FI_T_START:g} 到 "
              f"{reference.FI_T_END:g} ms 之间的发放（V 向上穿过 20 mV），除以 {WINDOW_S:g} s",
              f"start from the initial state, simulate {reference.FI_T_END:g} ms, count the "
              f"spikes (upward crossings of 20 mV) between {reference.FI_T_START:g} and "
              f"{reference.FI_T_END:g} ms and divide by {WINDOW_S:g} s")


def judge_rates_shape(currents, rates) -> tuple[np.ndarray, np.ndarray]:
    """One finite, non-negative rate (Hz) per current; a count in the window / WINDOW_S."""
    I, f = _as_1d("currents", currents), _as_1d("rates", rates)
    if I.shape != f.shape:
        raise CheckFailed(bi(f"{len(I)} 个电流，却有 {len(f)} 个发放率",
                             f"{len(I)} currents but {len(f)} rates"),
                          hint=bi("每个电流一个发放率", "one rate per current"))
    if np.any(f < 0):
        raise CheckFailed(bi("发放率是负的", "negative firing rates"), hint=PROTOCOL)
    counts = f * WINDOW_S
    if not np.allclose(counts, np.round(counts), atol=1e-6):
        if np.allclose(f, np.round(f), atol=1e-9):
            hint = bi(f"你的发放率看起来是发放次数：要除以窗口长度 {WINDOW_S:g} s",
                      f"your rates look like spike counts: divide by the window, {WINDOW_S:g} s")
        elif np.allclose(f * 1000 * WINDOW_S, np.round(f * 1000 * WINDOW_S), atol=1e-6):
            hint = bi("你的发放率看起来是每毫秒的发放次数：单位是 Hz（每秒）",
                      "your rates look like spikes per ms: the rate is in Hz (spikes per second)")
        else:
            hint = PROTOCOL
        raise CheckFailed(bi(f"发放率应是 {WINDOW_S:g} s 窗口内的发放次数除以 {WINDOW_S:g}",
                             f"a rate is a spike count in the {WINDOW_S:g} s window divided "
                             f"by {WINDOW_S:g}"), hint=hint)
    return I, f


def judge_fi_self(currents, rates, threshold, rates_again=None) -> None:
    """The self-check of part 3: consistency and plausibility, no expected numbers."""
    I, f = judge_rates_shape(currents, rates)
    if len(I) < 5:
        raise CheckFailed(bi(f"只有 {len(I)} 个电流：曲线至少要 5 个", f"only {len(I)} "
                             f"currents: the curve needs at least 5"),
                          hint=bi("例如 currents = np.arange(0, 20.1, 0.5)",
                                  "scan for example currents = np.arange(0, 20.1, 0.5)"))
    if I.min() > 0.5 or I.max() < 15:
        raise CheckFailed(bi("电流应覆盖 0 到 20 µA/cm²", "scan currents from 0 to 20 uA/cm^2"),
                          hint=bi("例如 currents = np.arange(0, 20.1, 0.1)",
                                  "for example currents = np.arange(0, 20.1, 0.1)"))
    if f[np.argmin(I)] > 0:
        raise CheckFailed(bi("没有输入（或很小的输入）时神经元不应持续发放",
                             "without input the neuron should not keep firing"), hint=PROTOCOL)
    top = f[np.argmax(I)]
    if not 20 <= top <= 300:
        raise CheckFailed(bi(f"最大电流处的发放率是 {top:g} Hz，不在生理上合理的范围（20 到 300 Hz）",
                             f"the rate at the largest current is {top:g} Hz, outside a "
                             f"physiological range (20 to 300 Hz)"), hint=PROTOCOL)
    if rates_again is not None and not np.allclose(rates_again, f):
        raise CheckFailed(bi("firing_rates(currents) 与 rates 不一致", "firing_rates(currents) "
                             "does not give `rates`"),
                          hint=bi("rates = firing_rates(currents)",
                                  "rates = firing_rates(currents)"))
    try:
        thr = float(threshold)
    except (TypeError, ValueError):
        raise CheckFailed(bi(f"`threshold` 应是一个数，而不是 {threshold!r}",
                             f"`threshold` must be one number, got {threshold!r}"),
                          hint=bi("能持续发放的最小电流（µA/cm²）", "the smallest current "
                                  "(uA/cm^2) that makes the neuron fire repetitively")) from None
    order = np.argsort(I)
    I, f = I[order], f[order]
    firing = np.flatnonzero(f > 0)
    first = I[firing[0]]
    silent = I[(I < first) & (f == 0)]
    last_silent = silent.max() if silent.size else -np.inf
    if not last_silent - 1e-9 < thr <= first + 1e-9:
        raise CheckFailed(bi(f"threshold = {thr:g} 与你的 firing_rates 不一致：它应是发放率大于 0 "
                             f"的最小电流", f"threshold = {thr:g} does not match your "
                             f"firing_rates: it is the smallest current with a rate above 0"),
                          hint=bi("threshold = currents[rates > 0].min()，电流步长 0.1",
                                  "threshold = currents[rates > 0].min(), with steps of 0.1"))


def judge_simulated(runs: list, currents, t_end: float = reference.FI_T_END) -> None:
    """The rates come from simulating a model of the notebook (not the kit's, not a
    table): a run of at least ``t_end`` ms whose input holds every one of ``currents``."""
    wanted = np.asarray(currents, dtype=float)
    given = [np.asarray(run.get("inputs", []), dtype=float).ravel() for run in runs
             if not str(run.get("module", "")).startswith("braindyn")
             and (run.get("duration") or 0) >= t_end - 1e-9]
    given = np.concatenate(given) if given else np.zeros(0)
    if given.size and all(np.any(np.isclose(given, I)) for I in wanted):
        return
    raise CheckFailed(bi("firing_rates(currents) 没有用你自己的模型在这些电流下模拟",
                         "firing_rates(currents) does not simulate your own model at these "
                         "currents"),
                      hint=bi(f"在 firing_rates 里用你的 HH 类运行 {t_end:g} ms，输入就是 currents"
                              f"（inputs=['input', currents]），再数发放次数；不要用表格或参考解",
                              f"inside firing_rates, run your HH class for {t_end:g} ms with "
                              f"inputs=['input', currents] and count the spikes; no tables, no "
                              f"reference"))


def judge_rates(currents, rates, want, shown: bool = False) -> None:
    """The grader's f-I check: rates at hidden currents against the hidden reference rates
    (the message gives the current and the student's rate, not the reference's)."""
    I, f = judge_rates_shape(currents, rates)
    want = np.asarray(want, dtype=float)
    err = np.abs(f - want)
    k = int(np.argmax(err))
    if err[k] > RATE_TOL:
        hint = PROTOCOL
        firing = want > 0
        if firing.any() and np.allclose(f[firing] * 1000, want[firing], atol=RATE_TOL):
            hint = bi("你的发放率看起来是每毫秒的发放次数：单位是 Hz",
                      "your rates look like spikes per ms: the rate is in Hz")
        elif firing.any() and np.allclose(f[firing] / WINDOW_S, want[firing], atol=RATE_TOL):
            hint = bi(f"你的发放率看起来是发放次数：要除以窗口长度 {WINDOW_S:g} s",
                      f"your rates look like spike counts: divide by the window, {WINDOW_S:g} s")
        at_zh = f"I = {I[k]:g} 时" if shown else "在评分用的一个隐藏电流下"
        at_en = f"at I = {I[k]:g}" if shown else "at one of the hidden currents of the grading"
        raise CheckFailed(bi(f"{at_zh}你的发放率是 {f[k]:.1f} Hz，与参考解相差超过 "
                             f"{RATE_TOL} Hz", f"{at_en} your rate is {f[k]:.1f} Hz, "
                             f"more than {RATE_TOL} Hz from the reference"), hint=hint)


def judge_threshold(threshold, want: float) -> None:
    try:
        thr = float(threshold)
    except (TypeError, ValueError):
        raise CheckFailed(bi(f"`threshold` 应是一个数，而不是 {threshold!r}",
                             f"`threshold` must be one number, got {threshold!r}"),
                          hint=bi("能持续发放的最小电流", "the smallest current with repetitive "
                                  "firing")) from None
    if not abs(thr - want) <= THRESHOLD_TOL:
        raise CheckFailed(bi(f"你的阈值电流 {thr:g} 与参考解相差超过 {THRESHOLD_TOL} µA/cm²",
                             f"your threshold current {thr:g} is more than {THRESHOLD_TOL} "
                             f"uA/cm^2 from the reference"),
                          hint=bi("在最后一个不发放和第一个发放的电流之间以 0.1 为步长细化",
                                  "refine the scan with steps of 0.1 between the last silent "
                                  "and the first firing current"))


# ------------------------------------------------------ the notebook's source --

# Names in a part's code that hand the work to the kit's HH models.
KIT_NAMES = ("models", "hh_derivatives", "solve_ivp")
REFERENCE_NAMES = ("reference",)


def kit_uses_in_source(source: str, names=KIT_NAMES, within: tuple[str, ...] = ()) -> list[str]:
    """Where ``source`` (a part's cells) refers to the kit's HH models: ``bp.models``,
    ``braindyn.models``, ``hh_derivatives``, ... (``within``: only inside these
    classes or functions, and in assignments to these names)."""
    from .integrity import parse     # one thread at a time (grade --jobs)

    try:
        tree = parse(source)
    except SyntaxError:
        return []
    roots = [tree]
    if within:
        roots = [node for node in ast.walk(tree)
                 if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name in within]
        roots += [node for node in ast.walk(tree) if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id in within for t in node.targets)]
    found = []
    for root in roots:
        for node in ast.walk(root):
            word = None
            if isinstance(node, ast.Attribute) and node.attr in names:
                word = node.attr
            elif isinstance(node, ast.Name) and node.id in names:
                word = node.id
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                for alias in node.names:
                    full = f"{module}.{alias.name}" if module else alias.name
                    if any(w in full.split(".") for w in names):
                        word = full
            if word:
                found.append(f"line {getattr(node, 'lineno', '?')}: {word}")
    return found


# ------------------------------------------------------- the self-checks --

def _public_steps(HH, method=None):
    return collect_steps({"HH": HH}, "HH", PROBE_STATES, 10.0, PROBE_DT, method)


def _run_checked(HH, I, t_end, dt, method=None):
    return collect_run({"HH": HH}, "HH", I, t_end, dt, method)


def check_part1(HHEuler) -> None:
    """Part 1: the HH class with a hand-written explicit Euler update."""
    info = inspect_class(HHEuler)
    judge_is_class(info)
    judge_kit(info)
    judge_variables(collect_variables({"HH": HHEuler}, "HH"))
    judge_derivatives(PROBE_STATES, 10.0, _public_steps(HHEuler))
    judge_euler_step(PROBE_STATES, 10.0, EULER_DT,
                     collect_steps({"HH": HHEuler}, "HH", PROBE_STATES, 10.0, EULER_DT))
    judge_run(_run_checked(HHEuler, 10.0, RUN_T, RUN_DT), 10.0, RUN_T, RUN_DT,
              label=HHEuler.__name__)


def check_part2(HH) -> None:
    """Part 2: HH with bp.odeint and a method argument; each method agrees with the reference."""
    info = inspect_class(HH)
    judge_is_class(info)
    judge_kit(info)
    judge_variables(collect_variables({"HH": HH}, "HH", "rk4"))
    for method in METHODS:
        judge_derivatives(PROBE_STATES, 10.0, _public_steps(HH, method))
    short = {m: _run_checked(HH, 10.0, 2.0, RUN_DT, m) for m in METHODS}
    judge_method_used(short)
    for method in METHODS:
        judge_run(_run_checked(HH, 10.0, RUN_T, RUN_DT, method), 10.0, RUN_T, RUN_DT, method,
                  label=HH.__name__)
    judge_stable(_run_checked(HH, 10.0, STABLE_T, STABLE_DT, "exponential_euler"))


def check_part3(firing_rates, threshold) -> None:
    """Part 3: the f-I curve and the threshold current, checked for consistency only."""
    if not callable(firing_rates):
        raise CheckFailed(bi("第一个参数应是函数 firing_rates", "the first argument must be the "
                             "function firing_rates"),
                          hint=bi("checks.part3(firing_rates, threshold)",
                                  "checks.part3(firing_rates, threshold)"))
    currents = np.round(np.arange(0.0, 20.01, 0.5), 1)
    data = collect_rates({"f": firing_rates}, "f", currents)
    judge_simulated(data["runs"], currents)
    judge_fi_self(currents, data["rates"], threshold)


ASSIGNMENT = Assignment("hh", [
    Part("part1", "第一部分（手写 Euler 的 HH 类）/ Part 1 (HH class, hand-written Euler)", 3,
         check_part1, hint=bi("照着幻灯片的 HHEuler：先算导数，再 x += dxdt * _dt",
                              "follow the slides' HHEuler class: derivatives, then "
                              "x += dxdt * _dt")),
    Part("part2", "第二部分（odeint 与方法的选择）/ Part 2 (odeint and the choice of method)", 3,
         check_part2, hint=bi("给 __init__ 一个参数 `method`，用 bp.odeint 构造积分器",
                              "give __init__ a `method` parameter and build the integrator "
                              "with bp.odeint")),
    Part("part3", "第三部分（f-I 曲线与阈值）/ Part 3 (f-I curve and threshold)", 2, check_part3,
         hint=bi("统计 100 到 500 ms 之间的发放（V 向上穿过 20 mV）",
                 "count spikes (upward crossings of 20 mV) between 100 and 500 ms")),
    Part("part4", "第四部分（简答）/ Part 4 (written answers)", 2, None),
])
