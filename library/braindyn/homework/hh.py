"""The Hodgkin-Huxley homework: its parts, and the checks behind them.

The assignment (lecture "Implement a Hodgkin-Huxley neuron model", homework):

* part 1: the HH class with a hand-written Euler ``update``;
* part 2: the same model with ``bp.odeint`` and a ``method`` argument, and
  Euler, RK4 and exponential Euler compared at several dt;
* part 3: the f-I curve and the threshold current;
* part 4: written answers (graded by hand).

A student's class is written as on the slides::

    class HH(bp.NeuGroup):       # Variables V, m, h, n, input, spike
        ...
    hh = HH(1, monitors=['V', 'm', 'h', 'n'])
    hh.run(20., inputs=('input', 10.), dt=0.01)      # hh.mon.ts (T,), hh.mon.V (T, 1)

How a class is checked (each step stops at the first problem, with expected
against got and a hint):

1. it can be built as ``HH(1, monitors=[...])`` and holds the Variables with
   the slides' initial values;
2. **derivatives**: from three probe states, one step of ``PROBE_DT`` ms
   gives (new - old) / dt, which is the model's derivative whatever the
   method; it is compared with the reference derivative, and a wrong dV/dt is
   matched against a catalogue of common mistakes (the sign of I_K, ...);
3. **integration**: 20 ms at dt = 0.01 ms with I = 10, compared with scipy's
   DOP853 solution (``reference.py``): spike times, V between spikes, and the
   ``spike`` Variable.

The grading tests (``homework/hh/instructor/grading/``) call the same
functions with other input currents.  Runs use ``jit=False``, so that an
error points at the student's own line.
"""
from __future__ import annotations

import numpy as np

from .. import measure
from . import hh_fi_data, reference
from .parts import Assignment, CheckFailed, Part

VARIABLES = {"V": -65.0, "m": 0.5, "h": 0.6, "n": 0.32, "input": 0.0, "spike": False}
MONITORS = ["V", "m", "h", "n"]

# Derivative probes: states (V, m, h, n) and one step this short (ms), so that
# (new - old) / dt is the derivative to about 1e-6 for any one-step method
# (at 1e-5, RK4's step already differs by 5 % from the small dh/dt, because
# V moves by 1000 mV/ms at the initial state).  Float64 keeps 1e-9 of it.
PROBE_STATES = ((-65.0, 0.5, 0.6, 0.32),     # the initial state: I_Na dominates
                (-70.0, 0.05, 0.6, 0.3),     # near rest: the small currents matter
                (-20.0, 0.9, 0.2, 0.6))      # depolarised: the gates at another V
PROBE_DT = 1e-7
PROBE_RTOL = 2e-3                            # of the derivative's size, plus:
PROBE_ATOL = {"V": 1e-2, "m": 1e-5, "h": 1e-5, "n": 1e-5}   # mV/ms and 1/ms

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

# Part 3: tolerances on the f-I curve and on the threshold.
RATE_TOL = 7.5               # Hz: 3 spikes in the 400 ms counting window
THRESHOLD_TOL = 0.25         # uA/cm^2
NEAR_THRESHOLD = 0.5         # uA/cm^2: rates this close to the threshold are not compared

_DV = "dV/dt = (-I_Na - I_K - I_L + I) / C"


def _dV(V, m, h, n, I, sNa=1, sK=1, sL=1, sI=1, pm=3, ph=1, pn=4):
    """dV/dt with the sign of each term and the gate powers as parameters."""
    return (-sNa * reference.GNA * m ** pm * h ** ph * (V - reference.ENA)
            - sK * reference.GK * n ** pn * (V - reference.EK)
            - sL * reference.GL * (V - reference.EL) + sI * I) / reference.C


# Common mistakes in dV/dt: the hint each earns, and the wrong formula as
# changes to _dV.  A student's dV/dt that matches one gets its hint.
V_MISTAKES = (
    ("check the sign of I_K: " + _DV + ", with I_K = gK n^4 (V - EK)", dict(sK=-1)),
    ("check the sign of I_Na: " + _DV + ", with I_Na = gNa m^3 h (V - ENa)", dict(sNa=-1)),
    ("check the sign of the leak current I_L = gL (V - EL)", dict(sL=-1)),
    ("the input current is missing from dV/dt: add self.input (the `input` Variable)",
     dict(sI=0)),
    ("the input current enters dV/dt with the wrong sign: it is + I", dict(sI=-1)),
    ("I_K uses n^4, not n^3", dict(pn=3)),
    ("I_Na uses m^3, not m^2", dict(pm=2)),
    ("I_Na uses m^3 h: the h factor is missing", dict(ph=0)),
)
# What each gate's equation is, for the hint when its derivative is wrong.
GATE_HINT = {
    "m": "dm/dt = alpha_m (1 - m) - beta_m m, alpha_m = 0.1 (V + 40) / (1 - exp(-(V + 40) / 10)),"
         " beta_m = 4 exp(-(V + 65) / 18)",
    "h": "dh/dt = alpha_h (1 - h) - beta_h h, alpha_h = 0.07 exp(-(V + 65) / 20),"
         " beta_h = 1 / (1 + exp(-(V + 35) / 10))",
    "n": "dn/dt = alpha_n (1 - n) - beta_n n, alpha_n = 0.01 (V + 55) / (1 - exp(-(V + 55) / 10)),"
         " beta_n = 0.125 exp(-(V + 65) / 80)",
}


def _fmt(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.3e}"


# ---------------------------------------------------------------- the class --

def build(HH, method: str | None = None, monitors=MONITORS):
    """``HH(1, monitors=...[, method=...])``, or CheckFailed saying why it cannot be built."""
    if not isinstance(HH, type):
        raise CheckFailed(f"pass the class itself (HH), not {type(HH).__name__} {HH!r}",
                          hint="checks.part1(HH), without parentheses after HH")
    kwargs = {"monitors": list(monitors)}
    if method is not None:
        kwargs["method"] = method
    call = f"{HH.__name__}(1, " + ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) + ")"
    try:
        return HH(1, **kwargs)
    except TypeError as e:
        if method is not None and "method" in str(e):
            raise CheckFailed(f"{call} failed: {e}",
                              hint="add a `method` parameter to __init__ and pass it on: "
                                   "self.integral = bp.odeint(self.derivative, method=method)")
        raise CheckFailed(f"{call} failed: {e}",
                          hint="__init__(self, size, ..., **kwargs) must pass **kwargs on: "
                               "super().__init__(size=size, **kwargs)") from None


def check_variables(hh) -> None:
    """The Variables of the slides exist, hold one value per neuron and start right."""
    import braindyn.math as bm

    for name, start in VARIABLES.items():
        var = getattr(hh, name, None)
        if var is None:
            raise CheckFailed(f"your model has no `{name}`",
                              hint=f"create it in __init__: self.{name} = bm.Variable(...)")
        if not isinstance(var, bm.Variable):
            raise CheckFailed(f"`self.{name}` is a {type(var).__name__}, not a bm.Variable",
                              hint=f"wrap it: self.{name} = bm.Variable(...), so that the "
                                   f"simulation can update and record it")
        value = np.asarray(var)
        if value.shape != (1,):
            raise CheckFailed(f"`self.{name}` has shape {value.shape} for one neuron, "
                              f"expected (1,)", hint="use bm.ones(self.num) or bm.zeros(self.num)")
        if not np.allclose(value.astype(float), float(start)):
            raise CheckFailed(f"`self.{name}` starts at {value[0]!r}, expected {start!r}",
                              hint="use the initial values of the slides: V = -65, m = 0.5, "
                                   "h = 0.6, n = 0.32, input = 0, spike = False")


def _probe(HH, state, I, method=None) -> dict[str, float]:
    """The model's derivatives at ``state``: one step of PROBE_DT, (new - old) / dt."""
    hh = build(HH, method)
    for name, value in zip("Vmhn", state):
        getattr(hh, name)[:] = value
    with np.errstate(all="ignore"):
        hh.run(PROBE_DT, inputs=("input", float(I)), dt=PROBE_DT, jit=False)
    return {name: (float(np.asarray(getattr(hh.mon, name))[0, 0]) - value) / PROBE_DT
            for name, value in zip("Vmhn", state)}


def check_derivatives(HH, I: float = 10.0, method: str | None = None) -> None:
    """At each probe state the model's derivatives are the reference's (see module doc)."""
    for state in PROBE_STATES:
        got = _probe(HH, state, I, method)
        want = dict(zip("Vmhn", reference.derivatives(*state, I)))
        tol = {k: PROBE_RTOL * abs(want[k]) + PROBE_ATOL[k] for k in "Vmhn"}
        wrong = [k for k in "Vmhn" if not abs(got[k] - want[k]) <= tol[k]]
        # A step that moved a variable by a whole derivative: dt was left out.
        # (Tested first: with the gates moved that far, dV/dt is wrong too.)
        for name in wrong:
            change = got[name] * PROBE_DT
            if want[name] != 0 and abs(change - want[name]) <= tol[name]:
                raise CheckFailed(
                    f"one step of dt = {PROBE_DT:g} ms changed {name} by {_fmt(change)}, "
                    f"the size of a whole derivative ({_fmt(want[name])} per ms)",
                    hint=f"multiply the derivative by the step: {name} + d{name}dt * _dt")
        if not wrong:
            continue
        name = wrong[0]
        where = "at V = {:g}, m = {:g}, h = {:g}, n = {:g}".format(*state) + f", input {I:g}"
        message = (f"d{name}/dt {where} is {_fmt(got[name])} in your model, expected "
                   f"{_fmt(want[name])} +- {_fmt(tol[name])}")
        if name != "V":
            raise CheckFailed(message, hint="check " + GATE_HINT[name])
        for hint, change in V_MISTAKES:
            if abs(got["V"] - _dV(*state, I, **change)) <= tol["V"]:
                raise CheckFailed(message, hint=hint)
        raise CheckFailed(message, hint="compare your currents with the slides: " + _DV)


def _run(HH, I, t_end, dt, method=None):
    hh = build(HH, method, monitors=MONITORS + ["spike"])
    try:
        with np.errstate(all="ignore"):
            hh.run(t_end, inputs=("input", float(I)), dt=dt, jit=False)
    except FloatingPointError as e:      # braindyn's SimulationError: NaN or inf
        label = f" with method={method!r}" if method else ""
        raise CheckFailed(f"the simulation{label} at dt = {dt} ms produced NaN: {e}",
                          hint="look for a division by zero or an exponent with the wrong sign"
                          ) from None
    ts = np.asarray(hh.mon.ts, dtype=float)
    V = np.asarray(hh.mon.V, dtype=float)
    if V.ndim != 2 or V.shape[1] != 1 or V.shape[0] != ts.shape[0]:
        raise CheckFailed(f"hh.mon.V has shape {V.shape}, expected ({ts.shape[0]}, 1)",
                          hint="monitor V as on the slides: HH(1, monitors=['V', ...])")
    return ts, V[:, 0], np.asarray(hh.mon.spike)[:, 0].astype(bool)


def _times(values) -> str:
    return ", ".join(f"{t:.2f}" for t in values) if len(values) else "none"


def check_run(HH, I: float = 10.0, method: str | None = None, dt: float = RUN_DT,
              t_end: float = RUN_T) -> None:
    """RUN_T ms at RUN_DT agree with the reference (spike times, V between spikes, spike)."""
    key = method or "euler"
    ts, V, spike = _run(HH, I, t_end, dt, method)
    label = f"{HH.__name__}" + (f"(method={method!r})" if method else "")
    want = reference.reference_spike_times(float(I), float(t_end))
    got = reference.spike_times(ts, V, initial=VARIABLES["V"])
    error = measure.spike_time_error(got, want)     # nearest neighbours, and the counts
    if not error.same_count or error.max_error > SPIKE_TOL[key]:
        raise CheckFailed(
            f"{label} fires at {_times(got)} ms in {t_end:g} ms with input {I:g} and dt = {dt:g}; "
            f"the reference fires at {_times(want)} ms (each within +- {SPIKE_TOL[key]} ms)",
            hint="one step is V(t + dt) = V(t) + dt * dV/dt, and the same for m, h, n"
            if key == "euler" else "check that the integrator returns all of V, m, h, n and "
                                   "that update stores them all")
    quiet = (ts >= QUIET[0]) & (ts <= QUIET[1])
    if len(want) >= 2 and quiet.any():
        ref_V = reference.solve(float(I), float(t_end)).sol(ts[quiet])[0]
        err = np.abs(V[quiet] - ref_V)
        k = int(np.argmax(err))
        if err[k] > V_TOL[key]:
            raise CheckFailed(
                f"{label}: V at t = {ts[quiet][k]:.2f} ms is {V[quiet][k]:.3f} mV, expected "
                f"{ref_V[k]:.3f} +- {V_TOL[key]} mV",
                hint="between spikes only the slow currents act: check I_K, I_L and the gates")
    V_before = np.concatenate([[VARIABLES["V"]], V[:-1]])
    crossing = (V_before < 20.0) & (V >= 20.0)
    if not np.array_equal(crossing, spike):
        k = int(np.nonzero(crossing != spike)[0][0])
        raise CheckFailed(
            f"`spike` is {bool(spike[k])} at t = {ts[k]:.2f} ms, where V goes from "
            f"{V_before[k]:.2f} to {V[k]:.2f} mV",
            hint="spike is True in the step where V crosses V_th = 20 mV upwards: "
                 "self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th), "
                 "before self.V is overwritten")


# ------------------------------------------------------------------- parts --

def check_part1(HH, I: float = 10.0) -> None:
    """Part 1: the HH class with a hand-written Euler update."""
    check_variables(build(HH))
    check_derivatives(HH, I)
    check_run(HH, I)


METHODS = ("euler", "rk4", "exponential_euler")


def check_method_used(HH, I: float = 10.0) -> None:
    """HH(method=...) really changes the integrator."""
    traces = {m: _run(HH, I, 2.0, RUN_DT, m)[1] for m in METHODS}
    for a, b in (("euler", "rk4"), ("rk4", "exponential_euler"), ("euler", "exponential_euler")):
        if np.array_equal(traces[a], traces[b]):
            raise CheckFailed(f"HH(method={a!r}) and HH(method={b!r}) give exactly the same V",
                              hint="the method argument is not used: build the integrator in "
                                   "__init__ with bp.odeint(self.derivative, method=method) "
                                   "(the decorator @bp.odeint(method=...) fixes one method)")


def check_stable(HH, I: float = 10.0) -> None:
    """Exponential Euler keeps firing at dt = 0.2 ms, as in the lecture."""
    ts, V, _ = _run(HH, I, STABLE_T, STABLE_DT, "exponential_euler")
    n = len(reference.spike_times(ts, V))
    if not np.all(np.isfinite(V)) or n < STABLE_MIN_SPIKES:
        want = len(reference.reference_spike_times(float(I), STABLE_T))
        raise CheckFailed(
            f"with exponential Euler at dt = {STABLE_DT} ms your model fires {n} times in "
            f"{STABLE_T:g} ms (the reference: {want}); expected at least {STABLE_MIN_SPIKES}",
            hint="exponential Euler should stay stable at dt = 0.2: is method passed on to "
                 "bp.odeint?")


def check_part2(HH, I: float = 10.0) -> None:
    """Part 2: HH with bp.odeint and a method argument; each method agrees with the reference."""
    check_variables(build(HH, "rk4"))
    for method in METHODS:
        check_derivatives(HH, I, method)
    check_method_used(HH, I)
    for method in METHODS:
        check_run(HH, I, method)
    check_stable(HH, I)


def _as_1d(name: str, values) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"`{name}` must be numbers, got {type(values).__name__}",
                          hint="pass lists or NumPy arrays of floats") from None
    if arr.ndim != 1:
        raise CheckFailed(f"`{name}` has shape {arr.shape}, expected a 1-D list of numbers",
                          hint="use .ravel() or one value per input current")
    if not np.all(np.isfinite(arr)):
        raise CheckFailed(f"`{name}` holds NaN or inf values",
                          hint="a simulation that diverged: use a smaller dt")
    return arr


PROTOCOL = (f"start from the initial state, simulate {reference.FI_T_END:g} ms, count the "
            f"spikes (upward crossings of 20 mV) between {reference.FI_T_START:g} and "
            f"{reference.FI_T_END:g} ms and divide by "
            f"{(reference.FI_T_END - reference.FI_T_START) / 1000:g} s")


def check_fi_curve(currents, rates) -> None:
    """The firing rates (Hz) at the given currents agree with the reference f-I curve."""
    I = _as_1d("currents", currents)
    f = _as_1d("rates", rates)
    if I.shape != f.shape:
        raise CheckFailed(f"{len(I)} currents but {len(f)} rates", hint="one rate per current")
    if len(I) < 5:
        raise CheckFailed(f"only {len(I)} currents: the curve needs at least 5",
                          hint="scan for example currents = np.arange(0, 20.1, 0.5)")
    lo, hi = hh_fi_data.CURRENTS[0], hh_fi_data.CURRENTS[-1]
    if I.min() < lo or I.max() > hi:
        raise CheckFailed(f"currents from {I.min():g} to {I.max():g}: the check knows the curve "
                          f"from {lo:g} to {hi:g} uA/cm^2", hint="scan currents between 0 and 20")
    if np.any(f < 0):
        raise CheckFailed("negative firing rates", hint=PROTOCOL)
    want = np.interp(I, hh_fi_data.CURRENTS, hh_fi_data.RATES)
    compare = np.abs(I - hh_fi_data.THRESHOLD) > NEAR_THRESHOLD
    err = np.where(compare, np.abs(f - want), 0.0)
    k = int(np.argmax(err))
    if err[k] <= RATE_TOL:
        return
    window = (reference.FI_T_END - reference.FI_T_START) / 1000.0
    firing = compare & (want > 0)
    if firing.any() and np.allclose(f[firing] * 1000, want[firing], atol=RATE_TOL):
        hint = "your rates look like spikes per ms: the rate is in Hz (spikes per second)"
    elif firing.any() and np.allclose(f[firing] / window, want[firing], atol=RATE_TOL):
        hint = f"your rates look like spike counts: divide by the window, {window:g} s"
    else:
        hint = PROTOCOL
    raise CheckFailed(f"at I = {I[k]:g} your rate is {f[k]:.1f} Hz, expected "
                      f"{want[k]:.1f} +- {RATE_TOL} Hz", hint=hint)


def check_threshold(threshold) -> None:
    """The threshold current (uA/cm^2) agrees with the reference."""
    try:
        thr = float(threshold)
    except (TypeError, ValueError):
        raise CheckFailed(f"`threshold` must be one number, got {threshold!r}",
                          hint="the smallest current (uA/cm^2) that makes the neuron fire "
                               "repetitively") from None
    if not abs(thr - hh_fi_data.THRESHOLD) <= THRESHOLD_TOL:
        raise CheckFailed(f"your threshold current is {thr:g}, expected "
                          f"{hh_fi_data.THRESHOLD:.2f} +- {THRESHOLD_TOL} uA/cm^2",
                          hint="the smallest current with a non-zero rate: refine the scan "
                               "with steps of 0.1 between the last silent and the first "
                               "firing current")


def check_part3(currents, rates, threshold) -> None:
    """Part 3: the f-I curve (Hz) and the threshold current (uA/cm^2)."""
    check_fi_curve(currents, rates)
    check_threshold(threshold)


ASSIGNMENT = Assignment("hh", [
    Part("part1", "Part 1 (HH class, hand-written Euler)", 3, check_part1,
         hint="follow the slides' HHEuler class: derivatives, then x += dxdt * _dt"),
    Part("part2", "Part 2 (odeint and the choice of method)", 3, check_part2,
         hint="give __init__ a `method` parameter and build the integrator with bp.odeint"),
    Part("part3", "Part 3 (f-I curve and threshold)", 2, check_part3,
         hint="count spikes (upward crossings of 20 mV) between 100 and 500 ms"),
    Part("part4", "Part 4 (written answers)", 2, None),
])
