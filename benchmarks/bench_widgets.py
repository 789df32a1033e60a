"""How long the integrator lab takes to redraw after a dt slider move.

The lab as lesson 04 opens it (Hodgkin-Huxley, 100 ms, I = 10) at dt near
0.01 ms, once with RK4 alone and once with Euler, RK4 and exponential Euler.
Each method is compiled before timing (the first use costs about a second);
then dt is set 30 times to the slider's values around 0.01 (0.008, 0.01,
0.012, its neighbours in ``DT_CHOICES``) and each update is timed, from
setting ``dt_slider.value`` to the new PNG in the Image widget: running the
compiled loops, measuring errors and spikes, and redrawing the curves.  The
time the browser takes to show the picture is not included.

    .venv/bin/python benchmarks/bench_widgets.py

prints the medians and writes benchmarks/results/widgets-<date>.json.
The goal (issue 5) is a median of at most 100 ms.

The neuron explorer is timed the same way for HH (gNa), Izhikevich (d) and AdEx
(b): the step amplitude set 30 times, then the parameter set to 12 values it has
not had in this process.  Parameters are run-time values of the compiled code
(runtime v2), so neither compiles: the runtime issue's target is a parameter
redraw within 2x of an input redraw (it was 58x on HH when a parameter value was
a constant of the code).  The input change is also held to the 100 ms goal.

The ratios printed last are what the unit tests used to assert with wall-clock
thresholds, which failed on a busy machine; the tests now count instead
(tests/test_widgets.py: no compilation and no redraw of the axes on a dt move).
"redraw / first display" is the cost of a dt move against the first display
with compiling; "input / new parameter" the explorer's input change against a
parameter value it had not had.
"""
from __future__ import annotations

import datetime
import json
import os
import pathlib
import platform
import time

import numpy as np

from braindyn.widgets import integrator_lab, neuron_explorer
from braindyn.widgets.integrator_lab import DT_CHOICES

GOAL_SECONDS = 0.100
REPEATS = 30
RESULTS = pathlib.Path(__file__).resolve().parent / "results"


def machine() -> dict:
    return {"platform": platform.platform(), "processor": platform.processor() or "unknown",
            "cpu_count": os.cpu_count(), "python": platform.python_version()}


def redraw_times(methods) -> dict:
    start = time.perf_counter()
    lab = integrator_lab("hh", methods=methods, dt=0.01)
    first = time.perf_counter() - start
    if lab.error is not None:
        raise lab.error
    steps = lab.runs[methods[0]].steps     # at dt = 0.01
    around = DT_CHOICES.index(0.01)
    # 0.012, 0.008, 0.01, 0.012, ...: each a change
    dts = [DT_CHOICES[around + (k + 1) % 3 - 1] for k in range(1, REPEATS + 1)]
    times = []
    for dt in dts:
        lab.dt_slider.value = float(dt)
        times.append(lab.last_update_seconds)
    times = np.array(times)
    return {"methods": list(methods), "first_display_s": first,
            "median_ms": float(np.median(times) * 1e3),
            "p90_ms": float(np.percentile(times, 90) * 1e3),
            "min_ms": float(times.min() * 1e3), "repeats": REPEATS,
            "steps_per_method": steps}


PARAMETER_TARGET = 2.0     # parameter redraw / input redraw (runtime issue)
EXPLORER_CASES = (("HH", "gNa"), ("Izhikevich", "d"), ("AdExIF", "b"))


def explorer_times(model: str = "Izhikevich", parameter: str = "d") -> dict:
    start = time.perf_counter()
    ex = neuron_explorer(model)
    first = time.perf_counter() - start
    if ex.error is not None:
        raise ex.error
    compiled = ex._neuron().compile_count

    def timed(**values):
        ex.set_values(**values)
        if ex.error is not None:
            raise ex.error
        return ex.last_update_seconds

    I0 = ex.I_slider.value
    inputs = np.array([timed(I=float(I0 * (1 + 0.01 * (k % 7)))) for k in range(REPEATS)])
    slider = ex.sliders[parameter]
    # 12 values on the slider's grid around the default, none of them seen before
    start_value = slider.value
    values = []
    for k in range(1, 40):
        v = round(start_value + (k // 2 + 1) * (1 if k % 2 else -1) * 3 * slider.step, 9)
        if slider.min <= v <= slider.max and v not in values and v != start_value:
            values.append(v)
    values = values[:12]
    new = np.array([timed(**{parameter: v}) for v in values])
    ms = lambda a: float(np.median(a) * 1e3)   # noqa: E731
    return {"model": model, "first_display_s": first, "input_median_ms": ms(inputs),
            "input_p90_ms": float(np.percentile(inputs, 90) * 1e3),
            "parameter": parameter, "parameter_new_median_ms": ms(new),
            "parameter_values": values, "steps": len(ex.trace["t"]),
            "compiled_after_first_display": ex._neuron().compile_count - compiled}


def main() -> None:
    cases = [redraw_times(("rk4",)), redraw_times(("euler", "rk4", "exponential_euler"))]
    explorers = [explorer_times(m, p) for m, p in EXPLORER_CASES]
    info = machine()
    print(f"integrator lab redraw after a dt change, HH 100 ms at dt ~ 0.01 ms "
          f"({cases[0]['steps_per_method']} steps per method)")
    print(f"machine: {info['platform']}, {info['cpu_count']} CPUs, Python {info['python']}")
    for c in cases:
        verdict = "ok" if c["median_ms"] <= GOAL_SECONDS * 1e3 else "SLOWER THAN THE GOAL"
        print(f"  {', '.join(c['methods']):<34} median {c['median_ms']:6.1f} ms, "
              f"90th percentile {c['p90_ms']:6.1f} ms  ({verdict}; first display with "
              f"compiling {c['first_display_s']:.1f} s)")
    print("neuron explorer: median redraw after an input change and after a parameter value "
          "never seen before")
    for e in explorers:
        verdict = "ok" if e["input_median_ms"] <= GOAL_SECONDS * 1e3 else "SLOWER THAN THE GOAL"
        ratio = e["parameter_new_median_ms"] / e["input_median_ms"]
        met = "met" if ratio <= PARAMETER_TARGET else "NOT met"
        print(f"  {e['model']:<11} ({e['steps']} steps): input {e['input_median_ms']:6.1f} ms "
              f"({verdict}), new {e['parameter']} {e['parameter_new_median_ms']:6.1f} ms, "
              f"ratio {ratio:.2f} (target <= {PARAMETER_TARGET}: {met}); programs compiled "
              f"after the first display: {e['compiled_after_first_display']}; first display "
              f"{e['first_display_s']:.1f} s")
    print("ratios (the machine's load cancels out of these more than out of the times):")
    for c in cases:
        print(f"  lab, {', '.join(c['methods'])}: redraw / first display "
              f"{c['median_ms'] / 1e3 / c['first_display_s']:.4f}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"widgets-{stamp}.json"
    out.write_text(json.dumps({"benchmark": "integrator lab redraw after a dt change",
                               "goal_ms": GOAL_SECONDS * 1e3, "machine": info,
                               "cases": cases, "neuron_explorer": explorers}, indent=2))
    print(f"written to {out.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main()
