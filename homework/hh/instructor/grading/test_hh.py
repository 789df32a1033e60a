"""Hidden grading tests of the Hodgkin-Huxley homework (format: braindyn.homework.grade).

    braindyn grade SUBMISSIONS/ --tests homework/hh/instructor/grading --out grades.csv

Keep this folder out of the student release.  The notebook must define:

* part 1: ``HHEuler``, the class with the hand-written Euler ``update``;
* part 2: ``HH``, the class with ``bp.odeint`` and a ``method`` argument;
* part 3: ``currents`` and ``rates`` (the f-I curve, Hz) and ``threshold`` (uA/cm^2).

The checks are those the students run (``braindyn.homework.hh``), here also
at an input current the notebook never uses (``HIDDEN_I``), and scored step
by step: each step is an equal share of the part's points.  Part 4 (written
answers) is graded by hand: ``MANUAL`` gives it an empty column in the CSV.
"""
from braindyn.homework import hh
from braindyn.homework.parts import CheckFailed, describe_exception

POINTS = {"part1": 3, "part2": 3, "part3": 2}
MANUAL = {"part4": 2}       # the written answers: an empty column in the CSV, to fill in
HIDDEN_I = 7.5      # uA/cm^2: not the notebook's I = 10


def _scored(steps):
    """Run (label, function) steps; (fraction passed, what failed and why)."""
    failed = []
    for label, step in steps:
        try:
            step()
        except CheckFailed as e:
            failed.append(f"{label}: {e.message}" + (f" (hint: {e.hint})" if e.hint else ""))
        except Exception as e:      # the student's code raised inside the check
            failed.append(f"{label}: {describe_exception(e)[0]}")
    return (len(steps) - len(failed)) / len(steps), "; ".join(failed)


def _need(ns, name, part):
    assert name in ns, f"{part}: the notebook defines no `{name}`"
    return ns[name]


def test_part1(ns):
    HH = _need(ns, "HHEuler", "part 1")
    return _scored([
        ("Variables", lambda: hh.check_variables(hh.build(HH))),
        ("derivatives", lambda: hh.check_derivatives(HH, 10.0)),
        ("simulation at I = 10", lambda: hh.check_run(HH, 10.0)),
        (f"simulation at I = {HIDDEN_I}", lambda: hh.check_run(HH, HIDDEN_I)),
    ])


def test_part2(ns):
    HH = _need(ns, "HH", "part 2")
    return _scored([
        ("derivatives with each method",
         lambda: [hh.check_derivatives(HH, HIDDEN_I, m) for m in hh.METHODS]),
        ("the method argument is used", lambda: hh.check_method_used(HH, HIDDEN_I)),
        (f"each method against the reference at I = {HIDDEN_I}",
         lambda: [hh.check_run(HH, HIDDEN_I, m) for m in hh.METHODS]),
        ("exponential Euler stable at dt = 0.2", lambda: hh.check_stable(HH, 10.0)),
    ])


def test_part3(ns):
    currents = _need(ns, "currents", "part 3")
    rates = _need(ns, "rates", "part 3")
    threshold = _need(ns, "threshold", "part 3")
    return _scored([
        ("f-I curve", lambda: hh.check_fi_curve(currents, rates)),
        ("threshold current", lambda: hh.check_threshold(threshold)),
    ])
