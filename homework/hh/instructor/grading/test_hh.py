"""Hidden grading tests of the Hodgkin-Huxley homework (format: braindyn.homework.grade).

    braindyn grade SUBMISSIONS/ --tests homework/hh/instructor/grading --out grades.csv

Keep this folder out of the student release.  Nothing here enters a student's
sandbox: the sandbox runs the notebook and the kit's collectors (``COLLECT``)
on the inputs below, and returns data; the ``test_part*`` functions compare
that data with the reference here, in the grader's process.  The notebook
must define:

* part 1: ``HHEuler``, the class with a hand-written explicit Euler ``update``;
* part 2: ``HH``, the class with ``bp.odeint`` and a ``method`` argument, and
  the comparison's ``traces`` and ``diverged``;
* part 3: ``firing_rates(currents)`` (Hz) and ``threshold`` (uA/cm^2).

The inputs are hidden: an input current, probe states and an Euler step the
notebook never uses, and currents for the f-I curve whose reference rates
(``hh_fi_reference.json``, made by ``_make_fi_reference.py`` with scipy) no
student has.  Scores:

* part 1 (3): 0 if the class is, derives from or wraps ``braindyn.models`` (or
  its source refers to it), or if one step is not explicit Euler; otherwise
  an equal share for each of: Variables, derivatives, the step, the run at
  I = 10, the run at the hidden current.
* part 2 (3): 0 if the class uses ``braindyn.models``; 2 points in equal shares
  for derivatives with each method, the method argument used, each method
  against the reference at the hidden current, exponential Euler stable at
  dt = 0.2; 1 point for the comparison (the right runs diverged, every other
  run's trace present and plausible).
* part 3 (2): 0 if ``firing_rates`` does not simulate the notebook's own model
  at the given currents (a table, the reference, ``braindyn.models``);
  otherwise 1 for the rates at the hidden currents, 1 for the threshold.

Part 4 (written answers) is graded by hand: ``MANUAL`` gives it an empty column.
"""
import functools
import json
import pathlib

from braindyn.homework import hh
from braindyn.homework.parts import CheckFailed, describe_exception

POINTS = {"part1": 3, "part2": 3, "part3": 2}
MANUAL = {"part4": 2}       # the written answers: an empty column in the CSV, to fill in
# Before the notebook's first cell: the kit's own HH solvers give NaN in the sandbox,
# so that no data can be taken from them instead of the student's code; and short
# runs (part 2's comparison at dt >= 0.05) use the Python loop instead of compiling.
SETUP = ["braindyn.homework.hh:poison_kit_models",
         "braindyn.homework.collect:short_runs_without_jit"]

HIDDEN_I = 7.5                                   # uA/cm^2: not the notebook's I = 10
HIDDEN_STATES = [[-58.0, 0.12, 0.45, 0.38],      # probe states the notebook never shows
                 [-31.0, 0.7, 0.3, 0.55],
                 [8.0, 0.95, 0.15, 0.7]]
EULER_STATES = [[-62.0, 0.3, 0.55, 0.35], [-43.5, 0.6, 0.4, 0.45]]   # not at V = -40, -55
EULER_DT = 0.013                                 # ms: one explicit Euler step
HIDDEN_CURRENTS = [1.3, 2.6, 4.4, 7.7, 12.2, 17.9]   # uA/cm^2, away from the threshold
_HERE = pathlib.Path(__file__).resolve().parent


def _steps(name, states, I, dt, method=None):
    inputs = {"name": name, "states": states, "I": I, "dt": dt}
    if method:
        inputs["method"] = method
    return ("braindyn.homework.hh:collect_steps", inputs)


def _run(name, I, t_end, dt, method=None):
    inputs = {"name": name, "I": I, "t_end": t_end, "dt": dt}
    if method:
        inputs["method"] = method
    return ("braindyn.homework.hh:collect_run", inputs)


COLLECT = {
    "part1": {
        "info": ("braindyn.homework.hh:collect_info", {"name": "HHEuler"}),
        "variables": ("braindyn.homework.hh:collect_variables", {"name": "HHEuler"}),
        "derivatives": _steps("HHEuler", HIDDEN_STATES, HIDDEN_I, hh.PROBE_DT),
        "euler": _steps("HHEuler", EULER_STATES, HIDDEN_I, EULER_DT),
        "run 10": _run("HHEuler", 10.0, hh.RUN_T, hh.RUN_DT),
        "run hidden": _run("HHEuler", HIDDEN_I, hh.RUN_T, hh.RUN_DT),
    },
    "part2": {
        "info": ("braindyn.homework.hh:collect_info", {"name": "HH"}),
        **{f"derivatives {m}": _steps("HH", HIDDEN_STATES, HIDDEN_I, hh.PROBE_DT, m)
           for m in hh.METHODS},
        **{f"short {m}": _run("HH", HIDDEN_I, 2.0, hh.RUN_DT, m) for m in hh.METHODS},
        **{f"run {m}": _run("HH", HIDDEN_I, hh.RUN_T, hh.RUN_DT, m) for m in hh.METHODS},
        "stable": _run("HH", 10.0, hh.STABLE_T, hh.STABLE_DT, "exponential_euler"),
        "comparison": ("braindyn.homework.hh:collect_comparison", {}),
    },
    "part3": {
        "rates": ("braindyn.homework.hh:collect_rates",
                  {"function": "firing_rates", "currents": HIDDEN_CURRENTS}),
        "threshold": ("braindyn.homework.collect:value", {"name": "threshold"}),
    },
}


@functools.lru_cache(maxsize=1)
def _fi_reference() -> dict:
    return json.loads((_HERE / "hh_fi_reference.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _expected_comparison() -> dict:
    """Which runs of the comparison finish, and their spike counts, by an independent
    stepper (hh.independent_run), computed once per batch."""
    return {f"{m} {dt:g}": hh.independent_run(m, dt) for m, dt in hh.COMPARE_RUNS}


def _scored(steps):
    """Run (label, function) steps; (fraction passed, what failed and why: steps that
    failed for the same reason are named together)."""
    failed: dict[str, list[str]] = {}
    for label, step in steps:
        try:
            step()
        except CheckFailed as e:
            why = e.message + (f"（提示 / hint: {e.hint}）" if e.hint else "")
            failed.setdefault(why, []).append(label)
        except AssertionError as e:         # NotCollected: the student's code failed there
            failed.setdefault(str(e), []).append(label)
        except Exception as e:
            failed.setdefault(describe_exception(e)[0], []).append(label)
    passed = len(steps) - sum(len(labels) for labels in failed.values())
    return passed / len(steps), "; ".join(f"{', '.join(labels)}: {why}"
                                           for why, labels in failed.items())


def _kit(data, name):
    """0 for the part if the class is, derives from or wraps braindyn.models."""
    info = data["info"]
    hh.judge_is_class(info)
    hh.judge_kit(info, hh.kit_uses_in_source(data.source, within=(name,)))


def _zero(e: CheckFailed):
    return 0.0, e.message + (f"（提示 / hint: {e.hint}）" if e.hint else "")


def test_part1(data):
    try:
        _kit(data, "HHEuler")
    except CheckFailed as e:
        return _zero(e)
    try:
        hh.judge_derivatives(HIDDEN_STATES, HIDDEN_I, data["derivatives"], shown=False)
    except (CheckFailed, AssertionError):
        pass                    # wrong equations: scored step by step below
    else:
        try:                    # the right equations, stepped by another method
            hh.judge_euler_step(EULER_STATES, HIDDEN_I, EULER_DT, data["euler"], shown=False)
        except CheckFailed as e:
            return _zero(e)
        except AssertionError:
            pass
    return _scored([
        ("变量 / Variables", lambda: hh.judge_variables(data["variables"])),
        ("导数 / derivatives", lambda: hh.judge_derivatives(HIDDEN_STATES, HIDDEN_I,
                                                     data["derivatives"], shown=False)),
        ("显式 Euler 的一步 / explicit Euler step", lambda: hh.judge_euler_step(EULER_STATES, HIDDEN_I, EULER_DT,
                                                            data["euler"], shown=False)),
        ("I = 10 时的模拟 / simulation at I = 10", lambda: hh.judge_run(data["run 10"], 10.0, hh.RUN_T,
                                                      hh.RUN_DT, label="HHEuler")),
        ("隐藏电流下的模拟 / simulation at a hidden current", lambda: hh.judge_run(
            data["run hidden"], HIDDEN_I, hh.RUN_T, hh.RUN_DT, label="HHEuler", shown=False)),
    ])


def test_part2(data):
    try:
        _kit(data, "HH")
    except CheckFailed as e:
        return _zero(e)
    model, why_model = _scored([
        ("每种方法的导数 / derivatives with each method", lambda: [
            hh.judge_derivatives(HIDDEN_STATES, HIDDEN_I, data[f"derivatives {m}"], shown=False)
            for m in hh.METHODS]),
        ("参数 method 起作用 / the method argument is used", lambda: hh.judge_method_used(
            {m: data[f"short {m}"] for m in hh.METHODS})),
        ("隐藏电流下每种方法与参考解对比 / each method against the reference at a hidden current", lambda: [
            hh.judge_run(data[f"run {m}"], HIDDEN_I, hh.RUN_T, hh.RUN_DT, m, label="HH",
                         shown=False) for m in hh.METHODS]),
        ("指数 Euler 在 dt = 0.2 时稳定 / exponential Euler stable at dt = 0.2", lambda: hh.judge_stable(data["stable"])),
    ])
    comparison, why_comparison = _scored([
        ("三种方法的比较 / the comparison of the methods", lambda: hh.judge_comparison(
            data["comparison"], _expected_comparison())),
    ])
    why = "; ".join(w for w in (why_model, why_comparison) if w)
    return (2 * model + comparison) / 3, why


def test_part3(data):
    try:
        uses = hh.kit_uses_in_source(data.source, names=hh.KIT_NAMES + hh.REFERENCE_NAMES)
        if uses:
            raise CheckFailed(hh.bi(f"第三部分的代码用了工具包的模型或参考解（{uses[0]}）",
                                    f"part 3's code uses the kit's model or the reference "
                                    f"({uses[0]})"),
                              hint=hh.bi("用你自己的 HH 类", "use your own HH class"))
        collected = data["rates"]
        hh.judge_simulated(collected["runs"], HIDDEN_CURRENTS)
    except CheckFailed as e:
        return _zero(e)
    reference = _fi_reference()
    return _scored([
        ("隐藏电流下的 f-I 曲线 / f-I curve at hidden currents", lambda: hh.judge_rates(
            HIDDEN_CURRENTS, collected["rates"], reference["hidden"]["rates"])),
        ("阈值电流 / threshold current", lambda: hh.judge_threshold(data["threshold"],
                                                         reference["threshold"])),
    ])
