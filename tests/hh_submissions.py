"""Crafted submissions of the HH homework: honest, partly wrong, shortcuts and attacks.

Each is the instructor's source notebook (or the student release, for the
attacks, which do no work) with a few cells rewritten.  ``tests/test_homework_hh.py``
grades one of each as a batch; ``benchmarks/bench_grading.py`` grades 20 of
them to measure the throughput.  ``KINDS`` maps a kind to (builder, the points
it should get: part1, part2, part3).

The attacks are given the grader's real paths (the batch folder, the hidden
tests, the CSV), as if they knew them: the sandbox, not ignorance, must stop
them.
"""
from __future__ import annotations

import json
import pathlib

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
HW = ROOT / "homework" / "hh"
SOURCE = HW / "instructor" / "hh_homework_source.ipynb"
STUDENT = HW / "hh_homework.ipynb"
HIDDEN_TESTS = HW / "instructor" / "grading"
OUTLIVE_MARKER = "braindyn-attack-outlives-its-kernel"


def read(path: pathlib.Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def cell(nb, cell_id: str):
    for c in nb.cells:
        if c.get("id") == cell_id:
            return c
    raise AssertionError(f"no cell with id {cell_id!r}")


def edited(base: pathlib.Path, *edits) -> nbformat.NotebookNode:
    """``base`` with (cell id, old, new) replacements (``old`` must be there) or
    (cell id, None, new source) whole-cell rewrites."""
    nb = read(base)
    for cell_id, old, new in edits:
        c = cell(nb, cell_id)
        if old is None:
            c.source = new
        else:
            assert old in c.source, f"cell {cell_id} no longer contains {old!r}: update this"
            c.source = c.source.replace(old, new)
    return nb


def with_cell(nb, after_id: str, source: str) -> nbformat.NotebookNode:
    """``nb`` with a new code cell after the cell ``after_id``."""
    k = [c.get("id") for c in nb.cells].index(after_id)
    nb.cells.insert(k + 1, nbformat.v4.new_code_cell(source))
    return nb


# ---------------------------------------------------------------- honest work --

def correct(ctx):
    return read(SOURCE)


EQUIVALENT_PART1 = '''\
class HHEuler(bp.NeuGroup):
    """Explicit Euler, written another way: rate helpers as static methods, a loop over
    the gates, the ionic current in one expression."""

    def __init__(self, size, ENa=50., gNa=120., EK=-77., gK=36., EL=-54.387,
                 gL=0.03, V_th=20., C=1.0, **kwargs):
        super().__init__(size=size, **kwargs)
        self.ENa, self.gNa, self.EK, self.gK, self.EL, self.gL = ENa, gNa, EK, gK, EL, gL
        self.C, self.V_th = C, V_th
        for name, start in (('V', -65.), ('m', 0.5), ('h', 0.6), ('n', 0.32), ('input', 0.)):
            setattr(self, name, bm.Variable(start * bm.ones(self.num)))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))

    @staticmethod
    def m_rates(V):
        return 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10)), 4.0 * bm.exp(-(V + 65) / 18)

    @staticmethod
    def h_rates(V):
        return 0.07 * bm.exp(-(V + 65) / 20.), 1 / (1 + bm.exp(-(V + 35) / 10))

    @staticmethod
    def n_rates(V):
        return 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10)), 0.125 * bm.exp(-(V + 65) / 80)

    def update(self, _t, _dt, **kwargs):
        V, m, h, n = self.V.value, self.m.value, self.h.value, self.n.value
        new = {}
        for gate, x in (('m', m), ('h', h), ('n', n)):
            alpha, beta = getattr(self, gate + '_rates')(V)
            new[gate] = x + (alpha * (1 - x) - beta * x) * _dt
        I_ion = (self.gNa * m ** 3 * h * (V - self.ENa) + self.gK * n ** 4 * (V - self.EK)
                 + self.gL * (V - self.EL))
        V_new = V + (self.input - I_ion) / self.C * _dt
        self.spike[:] = bm.logical_and(V < self.V_th, V_new >= self.V_th)
        self.V[:] = V_new
        for gate in 'mhn':
            getattr(self, gate)[:] = new[gate]
        self.input[:] = 0.
'''

EQUIVALENT_PART2 = '''\
class HH(bp.NeuGroup):
    def __init__(self, size, method='exponential_euler', **kwargs):
        super().__init__(size=size, **kwargs)
        self.V = bm.Variable(bm.full(self.num, -65.))
        self.m = bm.Variable(bm.full(self.num, 0.5))
        self.h = bm.Variable(bm.full(self.num, 0.6))
        self.n = bm.Variable(bm.full(self.num, 0.32))
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.integral = bp.odeint(self.derivative, method=method)

    @staticmethod
    def gate(alpha, beta, x):
        return alpha * (1 - x) - beta * x

    def derivative(self, V, m, h, n, t, Iext):
        dm = self.gate(0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10)), 4.0 * bm.exp(-(V + 65) / 18), m)
        dh = self.gate(0.07 * bm.exp(-(V + 65) / 20.), 1 / (1 + bm.exp(-(V + 35) / 10)), h)
        dn = self.gate(0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10)), 0.125 * bm.exp(-(V + 65) / 80), n)
        dV = Iext - 120. * m ** 3 * h * (V - 50.) - 36. * n ** 4 * (V + 77.) - 0.03 * (V + 54.387)
        return dV, dm, dh, dn

    def update(self, _t, _dt, **kwargs):
        V, m, h, n = self.integral(self.V, self.m, self.h, self.n, _t, self.input, dt=_dt)
        self.spike[:] = bm.logical_and(self.V < 20., V >= 20.)
        self.V[:], self.m[:], self.h[:], self.n[:] = V, m, h, n
        self.input[:] = 0.
'''

EQUIVALENT_COMPARE = '''\
for run in RUNS:
    method, dt = run
    neuron = HH(1, method=method, monitors=['V'])
    try:
        neuron.run(T_RUN, inputs=['input', I_EXT], dt=dt)
        traces[run] = (np.asarray(neuron.mon.ts), np.asarray(neuron.mon.V).ravel())
    except bp.SimulationError as e:
        diverged[run] = f"{e}"
'''

EQUIVALENT_PART3 = '''\
import braindyn.measure as measure


def firing_rates(currents):
    """Rates from the voltage: upward crossings of 20 mV in [100, 500) ms, per second."""
    currents = np.atleast_1d(np.asarray(currents, dtype=float))
    group = HH(currents.size, method='rk4', monitors=['V'])
    group.run(500., inputs=['input', currents], dt=0.02)
    trains = measure.spike_times(group.mon.ts, group.mon.V, threshold=20.)
    return np.array([np.count_nonzero((s >= 100.) & (s < 500.)) for s in trains]) / 0.4


currents = np.linspace(0., 20., 201)
rates = firing_rates(currents)
threshold = float(currents[np.argmax(rates > 0)])
print(f"threshold current: {threshold:.1f} µA/cm²")
'''


def equivalent(ctx):
    """The same answers, written differently (static-method helpers, a loop over the
    gates and over the methods, rates from V), in the styles grade accepts."""
    start = "### BEGIN SOLUTION"
    nb = read(SOURCE)
    cell(nb, "part1-class").source = EQUIVALENT_PART1
    cell(nb, "part1-figure").source = cell(nb, "part1-figure").source.replace(
        "dt=0.01)", "dt=0.01, jit=False)")   # the kit cannot compile getattr(self, ...)
    cell(nb, "part2-class").source = EQUIVALENT_PART2
    compare = cell(nb, "part2-compare")
    compare.source = compare.source[:compare.source.index(start)] + EQUIVALENT_COMPARE
    cell(nb, "part3-fi").source = EQUIVALENT_PART3
    return nb


# ----------------------------------------------------------- partly wrong --

def sign_of_ik(ctx):
    """One flipped sign in part 1."""
    return edited(SOURCE, ("part1-class", "dVdt = (- I_Na - I_K - I_leak + self.input) / self.C",
                           "dVdt = (- I_Na + I_K - I_leak + self.input) / self.C"))


def syntax_error(ctx):
    """A missing colon: HH is never defined, so part 2 fails and part 3 (which uses HH) too."""
    return edited(SOURCE, ("part2-class", "def derivative(self, V, m, h, n, t, Iext):",
                           "def derivative(self, V, m, h, n, t, Iext)"))


def endless(ctx):
    """A threshold search that forgets to step: part 3's cell runs out of its time;
    firing_rates and rates exist, threshold is 0."""
    return edited(SOURCE, ("part3-fi", "threshold = currents[rates > 0].min()",
                           "threshold = 0.\nwhile rates[np.isclose(currents, threshold)][0] == 0:\n"
                           "    threshold + 0.1      # should be +=\n#"))


def flood(ctx):
    """A debug print of every step inside firing_rates: cut at 2 MB, each time it is called."""
    return edited(SOURCE, ("part3-fi", "    counted = group.mon.ts > 100.",
                           "    for k in range(len(group.mon.ts)):\n"
                           "        print(group.mon.ts[k], group.mon.spike[k])\n"
                           "    counted = group.mon.ts > 100."))


# --------------------------------------------------------------- shortcuts --

def kit_model(ctx):
    """HHEuler = HH = bp.models.HH: the kit's model for parts 1 and 2 (and so 3)."""
    return edited(SOURCE, ("part1-class", None, "HHEuler = HH = bp.models.HH"),
                  ("part2-class", None, "# HH is the kit's, see part 1"))


EXP_EULER_PART1 = '''\
class HHEuler(bp.NeuGroup):
    """Called Euler, stepped by exponential Euler (bp.odeint)."""

    def __init__(self, size, **kwargs):
        super().__init__(size=size, **kwargs)
        self.V = bm.Variable(-65. * bm.ones(self.num))
        self.m = bm.Variable(0.5 * bm.ones(self.num))
        self.h = bm.Variable(0.6 * bm.ones(self.num))
        self.n = bm.Variable(0.32 * bm.ones(self.num))
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.integral = bp.odeint(self.derivative, method='exponential_euler')

    def derivative(self, V, m, h, n, t, Iext):
        alpha = 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10))
        beta = 4.0 * bm.exp(-(V + 65) / 18)
        dmdt = alpha * (1 - m) - beta * m
        alpha = 0.07 * bm.exp(-(V + 65) / 20.)
        beta = 1 / (1 + bm.exp(-(V + 35) / 10))
        dhdt = alpha * (1 - h) - beta * h
        alpha = 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10))
        beta = 0.125 * bm.exp(-(V + 65) / 80)
        dndt = alpha * (1 - n) - beta * n
        dVdt = (- 120. * m ** 3 * h * (V - 50.) - 36. * n ** 4 * (V + 77.)
                - 0.03 * (V + 54.387) + Iext)
        return dVdt, dmdt, dhdt, dndt

    def update(self, _t, _dt, **kwargs):
        V, m, h, n = self.integral(self.V, self.m, self.h, self.n, _t, self.input, dt=_dt)
        self.spike[:] = bm.logical_and(self.V < 20., V >= 20.)
        self.V[:], self.m[:], self.h[:], self.n[:] = V, m, h, n
        self.input[:] = 0.
'''


def exp_euler_and_no_comparison(ctx):
    """Part 1 stepped by exponential Euler (it used to pass the "Euler" check), and
    part 2's comparison left as `pass`."""
    nb = edited(SOURCE, ("part1-class", None, EXP_EULER_PART1))
    compare = cell(nb, "part2-compare")
    compare.source = compare.source[:compare.source.index("### BEGIN SOLUTION")] + "pass\n"
    return nb


TABLE = ([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10,
          10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14, 14.5, 15, 15.5, 16, 16.5, 17, 17.5, 18,
          18.5, 19, 19.5, 20],
         [0, 0, 0, 0, 0, 0, 0, 45, 50, 52.5, 55, 57.5, 60, 60, 62.5, 62.5, 65, 67.5, 70, 70,
          70, 70, 72.5, 72.5, 75, 77.5, 77.5, 80, 80, 80, 80, 80, 82.5, 82.5, 85, 85, 85,
          87.5, 87.5, 87.5, 90])


def table_and_exit(ctx):
    """Part 3 copied as a table (the f-I data that v1 shipped to students), and a stray
    exit() at the end of part 1's figure cell (which must cost nothing)."""
    nb = edited(SOURCE, ("part3-fi", None,
                         f"TABLE_I = {TABLE[0]!r}\nTABLE_F = {TABLE[1]!r}\n\n\n"
                         "def firing_rates(currents):\n"
                         "    return np.interp(currents, TABLE_I, TABLE_F)\n\n\n"
                         "currents = np.round(np.arange(0., 20.05, 0.1), 1)\n"
                         "rates = firing_rates(currents)\nthreshold = 3.4\n"))
    cell(nb, "part1-figure").source += "\nexit()"
    return nb


# ----------------------------------------------------------------- attacks --

MONKEYPATCH = '''\
# The v1 attack: make every check pass.  The v2 one: answer every collector from the
# kit's own reference instead of running a model.
import json
import braindyn.homework.hh as _hh
import braindyn.homework.collect as _collect
import braindyn.homework.parts as _parts
for _name in dir(_hh):
    if _name.startswith(("check_", "judge_")):
        setattr(_hh, _name, lambda *a, **k: None)
_parts.Assignment.run = lambda self, name, *a, **k: _parts.CheckResult(name, name, True)


def _forged(namespace, target, inputs, marker):
    kind = target.split(":")[1]
    value = None
    if kind == "collect_info":
        value = {"is_class": True, "type": "type", "name": inputs["name"], "kit": []}
    elif kind == "collect_variables":
        value = {v: {"shape": [1], "values": [x]} for v, x in
                 {"V": -65.0, "m": 0.5, "h": 0.6, "n": 0.32, "input": 0.0, "spike": 0.0}.items()}
    elif kind == "collect_steps":
        value = [[x + inputs["dt"] * d for x, d in zip(s, reference.derivatives(*s, inputs["I"]))]
                 for s in inputs["states"]]
    elif kind == "collect_rates":
        value = {"rates": [0.0 if I < 3.4 else 45 + 2.5 * I for I in inputs["currents"]],
                 "runs": [{"class": "HH", "module": "__main__", "duration": 500.0,
                           "inputs": inputs["currents"]}]}
    elif kind == "value":
        value = 3.4
    return _collect.Line(marker + json.dumps({"ok": True, "value": value}))


_collect.run = _forged
'''


def monkeypatch(ctx):
    return with_cell(read(STUDENT), "imports", MONKEYPATCH)


def read_hidden_tests(ctx):
    """Look everywhere for the hidden tests, the reference data, the job and the grader's
    command line; put what was found where the grader will read it back (threshold)."""
    code = f'''\
import os, glob
found = []
for path in [{str(ctx["tests"] / "test_hh.py")!r}, {str(ctx["tests"] / "hh_fi_reference.json")!r}]:
    try:
        found.append(open(path).read())
    except OSError as e:
        pass
for pid in os.listdir("/proc"):
    for what in ("cmdline", "environ"):
        try:
            found.append(open(f"/proc/{{pid}}/{{what}}", "rb").read().decode("utf-8", "replace"))
        except OSError:
            pass
    try:
        found.append(open(f"/proc/{{pid}}/fd/0", "rb").read().decode("utf-8", "replace"))
    except OSError:
        pass
for root, dirs, files in os.walk("/", onerror=lambda e: None):
    if root.startswith(("/proc", "/sys", "/dev", "/usr")):
        dirs[:] = []
        continue
    for name in files:
        if name in ("test_hh.py", "hh_fi_reference.json", "grades.csv") or name.endswith(".zip"):
            try:
                found.append(open(os.path.join(root, name), "rb").read().decode("utf-8", "replace"))
            except OSError:
                pass
threshold = "\\n".join(x for x in found if "HIDDEN" in x or "hidden" in x or "grades" in x)
'''
    return with_cell(read(STUDENT), "imports", code)


def write_outside(ctx):
    targets = [ctx["subs"] / "planted.ipynb", ctx["subs"] / "张三_2100012345_HH报告.zip",
               ctx["tests"] / "test_hh.py", ctx["tests"] / "test_zzz.py", ctx["csv"],
               ctx["csv"].with_name(ctx["csv"].stem + "_feedback") / "planted.txt",
               ctx["kit"] / "hh.py", pathlib.Path.home() / "planted.txt",
               ctx["csv"].parent / "planted.txt", pathlib.Path("/tmp/planted.txt")]
    code = f'''\
import os
written = []
for path in {[str(t) for t in targets]!r}:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a") as f:
            f.write("POINTS = {{'part1': 0}}  # planted")
        written.append(path)
    except OSError:
        pass
print("written:", written)
'''
    return with_cell(read(STUDENT), "imports", code)


def tamper_zip(ctx):
    """Rewrite another student's zip: put the stub notebook in it instead (it would then
    score 0), wherever it is."""
    victim = ctx["subs"] / "张三_2100012345_HH报告.zip"
    code = f'''\
import os, zipfile
stub = open(os.listdir(".")[0]).read() if os.listdir(".") else "{{}}"
for path in [{str(victim)!r}] + [os.path.join(r, f) for r, _, fs in os.walk("/")
                                 if not r.startswith(("/proc", "/sys", "/usr")) for f in fs
                                 if f.endswith(".zip")]:
    try:
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("hh_homework_source.ipynb", stub)
        print("tampered", path)
    except (OSError, zipfile.BadZipFile) as e:
        print("could not", path, type(e).__name__)
'''
    return with_cell(read(STUDENT), "imports", code)


def outlive(ctx):
    """Leave a process behind that keeps editing the grades after the notebook ended."""
    loop = (f"import time, pathlib\n"
            f"# {OUTLIVE_MARKER}\n"
            f"for k in range(600):\n"
            f"    for p in [{str(ctx['csv'])!r}, {str(ctx['subs'] / 'planted.txt')!r}]:\n"
            f"        try:\n"
            f"            open(p, 'a').write('0,0,0\\n')\n"
            f"        except OSError:\n"
            f"            pass\n"
            f"    time.sleep(0.2)\n")
    code = f'''\
import os, subprocess, sys
subprocess.Popen([sys.executable, "-c", {loop!r}, {OUTLIVE_MARKER!r}],
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:                 # and a daemon, by double fork
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", {loop!r}, {OUTLIVE_MARKER!r}])
    os._exit(0)
'''
    return with_cell(read(STUDENT), "imports", code)


# kind -> (builder, (part1, part2, part3) expected, what it is)
KINDS = {
    "correct": (correct, (3, 3, 2), "the instructor's solution"),
    "equivalent": (equivalent, (3, 3, 2), "the same answers written differently"),
    "sign_of_ik": (sign_of_ik, (0.6, 3, 2), "a flipped sign in part 1"),
    "syntax_error": (syntax_error, (3, 0, 0), "a syntax error in HH"),
    "endless": (endless, (3, 3, 1), "an endless loop in part 3"),
    "flood": (flood, (3, 3, 1), "megabytes of output in part 3's cell, which is cut "
                                 "before threshold is set (firing_rates itself still works)"),
    "kit_model": (kit_model, (0, 0, 0), "HHEuler = HH = bp.models.HH"),
    "exp_euler_and_no_comparison": (exp_euler_and_no_comparison, (0, 2, 2),
                                    "exponential Euler in part 1, part 2's comparison `pass`"),
    "table_and_exit": (table_and_exit, (3, 3, 0), "part 3 from a table, exit() in part 1"),
    "monkeypatch": (monkeypatch, (0, 0, 0), "replaces the checks and the collectors"),
    "read_hidden_tests": (read_hidden_tests, (0, 0, 0), "looks for the hidden tests"),
    "write_outside": (write_outside, (0, 0, 0), "writes outside its folder"),
    "tamper_zip": (tamper_zip, (0, 0, 0), "rewrites another student's zip"),
    "outlive": (outlive, (0, 0, 0), "leaves processes behind"),
}


def write_notebook(nb, path: pathlib.Path) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def context(subs: pathlib.Path, tests: pathlib.Path, csv: pathlib.Path) -> dict:
    import braindyn.homework

    return {"subs": subs, "tests": tests, "csv": csv,
            "kit": pathlib.Path(braindyn.homework.__file__).parent}


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)
