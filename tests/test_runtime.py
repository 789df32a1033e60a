"""The simulation runtime: the slides' code on both backends, compiled and not."""
import re

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from slides_hh import HH, HHEuler, HHMethod
from support import _restore_backend, hh_reference, spike_times  # noqa: F401

MODES = [("numpy", False), ("numpy", True), ("jax", True)]


def simulate(cls, backend, jit, duration=100.0, dt=0.01, **kw):
    bm.use_backend(backend)
    hh = cls(1, monitors=["V", "m", "h", "n", "spike"], **kw)
    hh.run(duration, inputs=["input", 10], dt=dt, jit=jit)
    bm.use_backend("numpy")
    return hh


@pytest.mark.parametrize("cls,kw", [(HHEuler, {}), (HH, {}), (HHMethod, {"method": "rk4"})],
                         ids=["hand-written Euler", "@odeint exp. Euler", "odeint(method=)"])
def test_slides_code_gives_the_same_result_in_every_mode(cls, kw):
    ref = simulate(cls, "numpy", False, **kw)
    assert ref.mon.V.shape == (10000, 1) and ref.mon.ts.shape == (10000,)
    for backend, jit in MODES[1:]:
        other = simulate(cls, backend, jit, **kw)
        for name in ("V", "m", "h", "n"):
            np.testing.assert_allclose(getattr(other.mon, name), getattr(ref.mon, name),
                                       rtol=0, atol=1e-10, err_msg=f"{name}: {backend} jit={jit}")
        np.testing.assert_array_equal(other.mon.spike, ref.mon.spike)


def test_jit_false_on_jax_matches_too():
    """Plain-Python steps on JAX arrays (slow, so a short run)."""
    ref = simulate(HHMethod, "numpy", False, duration=2.0, method="rk4")
    other = simulate(HHMethod, "jax", False, duration=2.0, method="rk4")
    np.testing.assert_allclose(other.mon.V, ref.mon.V, rtol=0, atol=1e-10)


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_rk4_hh_matches_the_reference_spike_times(backend):
    ref = np.asarray(hh_reference()["spike_times_ms"])
    hh = simulate(HHMethod, backend, True, method="rk4")
    got = spike_times(hh.mon.ts, hh.mon.V[:, 0])
    assert len(got) == 8 and np.max(np.abs(got - ref)) < 1e-3
    assert hh.mon.spike.sum() == 8  # the model's own spike flag agrees


def test_monitor_times_are_the_ends_of_the_steps():
    hh = HHMethod(3, monitors=["V"], method="rk4")
    hh.run(0.1, dt=0.01)
    np.testing.assert_allclose(hh.mon.ts, 0.01 * np.arange(1, 11))
    assert hh.mon.V.shape == (10, 3)
    hh.run((5.0, 5.1), dt=0.025)     # (t_start, t_end)
    np.testing.assert_allclose(hh.mon.ts, [5.025, 5.05, 5.075, 5.1])


class Accumulator(bp.NeuGroup):
    """x' = input (Euler, exact for piecewise-constant input); input is reset each step."""

    def __init__(self, size, **kw):
        super().__init__(size, **kw)
        self.x = bm.Variable(bm.zeros(self.num))
        self.input = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        self.x += self.input * _dt
        self.input[:] = 0.


@pytest.mark.parametrize("backend,jit", MODES)
def test_input_forms(backend, jit):
    bm.use_backend(backend)
    acc = Accumulator(3, monitors=["x"])
    acc.run(1.0, inputs=["input", 2], dt=0.1, jit=jit)          # the slides' list form
    np.testing.assert_allclose(acc.mon.x[-1], [2.0, 2.0, 2.0])
    acc.run(1.0, inputs=("input", [1.0, 2.0, 3.0]), dt=0.1, jit=jit)   # array broadcast
    np.testing.assert_allclose(acc.mon.x[-1], [3.0, 4.0, 5.0])
    series = np.arange(10.0)
    acc.run(1.0, inputs=[("input", series, "iter")], dt=0.1, jit=jit)  # one value per step
    np.testing.assert_allclose(acc.mon.x[-1], [7.5, 8.5, 9.5])
    acc.run(1.0, inputs=[("input", 1.0, "fix", "="), ("input", 3.0, "fix", "*")], dt=0.1,
            jit=jit)
    np.testing.assert_allclose(acc.mon.x[-1], [10.5, 11.5, 12.5])


@pytest.mark.parametrize("backend,jit", MODES)
def test_monitor_forms(backend, jit):
    bm.use_backend(backend)
    acc = Accumulator(4, monitors=["x"])
    acc.run(1.0, inputs=("input", [1.0, 2.0, 3.0, 4.0]), dt=0.1, jit=jit,
            monitors=[("input", [1, 3])], mon_interval=0.5)
    np.testing.assert_allclose(acc.mon.ts, [0.5, 1.0])
    np.testing.assert_allclose(acc.mon.x, [[0.5, 1.0, 1.5, 2.0], [1.0, 2.0, 3.0, 4.0]])
    np.testing.assert_allclose(acc.mon.input, 0.0)   # recorded after update reset it
    assert acc.mon.input.shape == (2, 2)


class ExpSyn(bp.TwoEndConn):
    """Exponential current synapse: g' = -g / tau, g += w at each pre spike; I = g."""

    def __init__(self, pre, post, conn, w=5.0, tau=2.0, **kw):
        super().__init__(pre, post, conn, **kw)
        self.w, self.tau = w, tau
        self.mat = self.conn.conn_mat.astype(float)
        self.g = bm.Variable(bm.zeros(post.num))

    def update(self, _t, _dt):
        self.g[:] = self.g * bm.exp(-_dt / self.tau) + self.w * bm.dot(self.pre.spike, self.mat)
        self.post.input += self.g


@pytest.mark.parametrize("backend,jit", MODES)
def test_network_with_synapses(backend, jit):
    bm.use_backend(backend)
    pre = HHMethod(2, method="rk4", name="pre")
    post = HHMethod(3, method="rk4", name="post", monitors=["V"])
    syn = ExpSyn(pre, post, bp.connect.All2All(), monitors=["g"])
    net = bp.Network(pre, post, syn=syn)
    assert net.members[0] is syn  # synapses run first
    net.run(30.0, inputs=[("pre.input", [10.0, 0.0])], dt=0.02, jit=jit)
    assert post.mon.V.shape == (1500, 3) and syn.mon.g.shape == (1500, 3)
    # pre neuron 0 fires, so every post neuron gets the same input: identical traces
    assert syn.mon.g.max() > 1.0
    np.testing.assert_allclose(post.mon.V[:, 0], post.mon.V[:, 2], atol=1e-12)
    bm.use_backend("numpy")
    if (backend, jit) != ("numpy", False):
        ref_pre = HHMethod(2, method="rk4", name="pre")
        ref_post = HHMethod(3, method="rk4", name="post", monitors=["V"])
        ref = bp.Network(ref_pre, ref_post, syn=ExpSyn(ref_pre, ref_post, bp.connect.All2All()))
        ref.run(30.0, inputs=[("pre.input", [10.0, 0.0])], dt=0.02, jit=False)
        np.testing.assert_allclose(post.mon.V, ref_post.mon.V, atol=1e-10)


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_new_dt_duration_input_or_parameter_does_not_recompile(backend):
    bm.use_backend(backend)
    hh = HHMethod(1, monitors=["V"], method="rk4")
    hh.run(10.0, inputs=["input", 10], dt=0.01)
    assert hh.compile_count == 1
    hh.run(20.0, inputs=["input", 5], dt=0.02)
    hh.run(7.3, inputs=["input", 12.5], dt=0.05)
    if backend == "numpy":
        (program,) = hh._runner_cache.values()
        assert len(program.loop.signatures) == 1  # Numba did not specialise again
    # a changed parameter is read at the next run: it takes effect, nothing compiles
    hh.gNa = 0.0
    hh.run(20.0, inputs=["input", 10], dt=0.01)
    assert hh.mon.V.max() < 0, "without sodium current there must be no spike"
    hh.gNa = 120.0
    hh.run(20.0, inputs=["input", 10], dt=0.01)
    assert hh.mon.V.max() > 20, "with sodium current back the neuron must spike again"
    assert hh.compile_count == 1


@pytest.mark.parametrize("backend,jit", MODES)
def test_nan_stops_the_run_with_time_dt_and_advice(backend, jit):
    bm.use_backend(backend)
    hh = HHEuler(1)
    with pytest.raises(bp.SimulationError, match=r"HHEuler\d+\.\w+ became NaN or inf at "
                                                 r"t = [\d.]+ ms \(dt = 0.2 ms\).*smaller dt"):
        hh.run(100.0, inputs=["input", 10], dt=0.2, jit=jit)


@pytest.mark.parametrize("backend,jit", MODES)
def test_a_division_by_zero_stops_the_run_as_the_nan_of_plain_numpy_does(backend, jit):
    """C = 0: NumPy's V / C is inf (jit=False); compiled code must not raise Python's
    ZeroDivisionError instead (Numba's default), but stop at the same step."""
    bm.use_backend(backend)
    hh = HHMethod(1, method="rk4")
    hh.C = 0.0
    with pytest.raises(bp.SimulationError, match=r"HHMethod\d+\.V became NaN or inf at "
                                                 r"t = 0.01 ms \(dt = 0.01 ms\)"):
        with np.errstate(divide="ignore", invalid="ignore"):
            hh.run(1.0, inputs=["input", 10], dt=0.01, jit=jit)


def _nan_time(backend, jit, duration, dt=0.2):
    """When HH with Euler at dt = 0.2 ms, at rest for 250 ms, then driven, becomes NaN."""
    bm.use_backend(backend)
    hh = HHEuler(1, monitors=["V"])
    current = np.zeros(int(round(duration / dt)))
    current[int(round(250.0 / dt)):] = 10.0
    with pytest.raises(bp.SimulationError) as err:
        hh.run(duration, inputs=["input", current, "iter"], dt=dt, jit=jit)
    return float(re.search(r"at t = ([\d.]+) ms", str(err.value)).group(1))


class CopiedBeforeTheStep(HHMethod):
    """The slides' model, but its step is handed a copy of V (V * 1), not the Variable."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        step = self.integral
        self.integral = lambda V, *rest, **kw: step(V * 1.0, *rest, **kw)


def test_jax_loop_carries_what_the_runge_kutta_step_stacks_as_one_array(_restore_backend):
    """The JAX loop carries V, m, h, n as the rows of one array, in the step's order (the
    new state is then written in place), and the input and last spike time apart; a
    value the step gets as a copy is carried apart, and the run still equals jit=False."""
    bm.use_backend("jax")
    ends = {}
    for cls in (HHMethod, CopiedBeforeTheStep):
        for jit in (False, True):                   # the compiled run last: its program
            hh = cls(3, method="rk4", monitors=["V"])
            hh.run(5.0, inputs=["input", 10.0], dt=0.01, jit=jit)
            ends[cls, jit] = np.asarray(hh.mon.V)
        (program,) = hh._runner_cache.values()
        attr = {id(v): k for k, v in vars(hh).items()}
        stacked = [[attr.get(id(program.all_vars[i])) for i in rows] for rows in program.stacks]
        assert stacked == ([["V", "m", "h", "n"]] if cls is HHMethod else [])
        np.testing.assert_allclose(ends[cls, True], ends[cls, False], rtol=1e-12, atol=1e-9)
    assert ends[HHMethod, True].max() > 0          # it fired: a run worth comparing


def test_jax_loop_copies_no_carried_value_but_the_stacked_state_per_step(_restore_backend):
    """XLA writes the carried values in place: in the loop's compiled body only the
    stacked V, m, h, n are copied (the spike test reads the old V after the step makes
    the new one); the input, the last spike time and the step count are not."""
    import re
    bm.use_backend("jax")
    hh = HHMethod(3, method="rk4", monitors=["V"])
    hh.run(1.0, inputs=["input", 10.0], dt=0.01, jit=True)
    (program,) = hh._runner_cache.values()
    compiled, handed = program.chunk, []
    program.chunk = lambda *args: handed.append(args) or compiled(*args)
    hh.run(1.0, inputs=["input", 10.0], dt=0.01, jit=True)       # the same program
    text = compiled.lower(*handed[0]).compile().as_text()
    computations = re.split(r"\n(?=\S)", text)                 # one block per computation
    body_copies = [line.split("=")[1].split()[0] for block in computations
                   if not block.startswith("ENTRY") for line in block.splitlines()
                   if " copy(" in line]
    assert body_copies in ([], ["f64[4,3]{1,0}"]), body_copies


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_compiled_run_names_the_step_of_the_nan_as_plain_python_does(backend):
    # JAX tests for NaN once per chunk of steps and runs a failing chunk again to find
    # the step: the time must still be the step's, here in the second chunk of 1000
    # steps, full or cut short by the end of the run
    expected = _nan_time("numpy", False, 400.0)
    assert 250.0 < expected < 300.0
    assert _nan_time(backend, True, 400.0) == pytest.approx(expected)
    assert _nan_time(backend, True, 263.3) == pytest.approx(expected)


@pytest.mark.parametrize("backend,jit", MODES)
def test_bad_input_is_named(backend, jit):
    bm.use_backend(backend)
    hh = HHMethod(2, method="rk4")
    hh.V[:] = -70.0  # start near rest, so that dt = 0.1 stays stable
    hh.m[:], hh.h[:], hh.n[:] = 0.05, 0.6, 0.32
    with pytest.raises(ValueError, match=r"target 'Vm'.*does not exist.*Variables of .*: .*V"):
        hh.run(1.0, monitors=["Vm"], jit=jit)
    with pytest.raises(ValueError, match=r"target 'inputs'.*does not exist"):
        hh.run(1.0, inputs=("inputs", 1.0), jit=jit)
    with pytest.raises(ValueError, match=r"'input'.*shape \(3,\).*shape \(2,\)"):
        hh.run(1.0, inputs=("input", [1.0, 2.0, 3.0]), jit=jit)
    with pytest.raises(ValueError, match=r"'iter' needs one value per step: 10 steps"):
        hh.run(1.0, inputs=("input", np.ones(7), "iter"), dt=0.1, jit=jit)
    with pytest.raises(ValueError, match="shorter than one step"):
        hh.run(0.05, dt=0.1, jit=jit)
    with pytest.raises(ValueError, match="dt must be a finite positive number"):
        hh.run(1.0, dt=-0.1, jit=jit)
    with pytest.raises(ValueError, match="op must be one of"):
        hh.run(1.0, inputs=("input", 1.0, "fix", "^"), jit=jit)
    with pytest.raises(ValueError, match=r"target 'gNa'.*is not a bm.Variable"):
        hh.run(1.0, inputs=("gNa", 1.0), jit=jit)
    net = bp.Network(E=HHMethod(2, method="rk4"))
    with pytest.raises(ValueError, match=r"no system named 'X'.*E"):
        net.run(1.0, inputs=("X.input", 1.0), jit=jit)
    for index, says in [([2], r"in \[0, 2\), got 2\.\.2"), ([0, -1], r"in \[0, 2\), got -1\.\.0"),
                        ([0.5], "a 1-D list of ints"), ([], "a 1-D list of ints"),
                        ([[0]], "a 1-D list of ints")]:
        with pytest.raises(ValueError, match=r"monitor 'V': indices must be " + says):
            hh.run(1.0, monitors=[("V", index)], jit=jit)


class Replacer(bp.NeuGroup):
    def __init__(self):
        super().__init__(1)
        self.V = bm.Variable(bm.zeros(1))

    def update(self, _t, _dt):
        self.V = self.V + 1.0


@pytest.mark.parametrize("backend,jit", MODES)
def test_replacing_a_variable_is_explained(backend, jit):
    bm.use_backend(backend)
    with pytest.raises((TypeError, bp.CompileError), match=r"self.V\[:\] = "):
        Replacer().run(1.0, jit=jit)


def test_show_code_prints_the_generated_per_neuron_loop(capsys):
    hh = HHMethod(2, method="rk4")
    hh.run(1.0, inputs=["input", 10.0], dt=0.01)
    hh.show_code()
    out = capsys.readouterr().out
    # the code names the model by its class (its automatic name, HHMethod0, HHMethod1,
    # ..., counts the models made so far: the same model would be new code each time)
    assert hh.name != "HHMethod" and f"{hh.name}_" not in out
    # the parameters the derivative reads through self ride along as arguments
    assert "def rk4_step(V, m, h, n, t, Iext, HHMethod_gNa=None," in out
    assert "HHMethod_C=None, dt=0.1):" in out
    assert "def HHMethod_update(" in out and "for _i in range(" in out
    assert "HHMethod_gNa" in out and "def run_loop(" in out


def helper_hh_derivatives(V, m, h, n, t, Iext):
    """The slides' HH equations as a plain function, as a student factors them out of
    a class (braindyn.models.HH does the same with hodgkin_huxley.hh_derivatives)."""
    alpha_m = 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10))
    beta_m = 4.0 * bm.exp(-(V + 65) / 18)
    alpha_h = 0.07 * bm.exp(-(V + 65) / 20.)
    beta_h = 1 / (1 + bm.exp(-(V + 35) / 10))
    alpha_n = 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10))
    beta_n = 0.125 * bm.exp(-(V + 65) / 80)
    dVdt = -120. * m ** 3 * h * (V - 50.) - 36. * n ** 4 * (V + 77.) - 0.03 * (V + 54.387) + Iext
    return (dVdt, alpha_m * (1 - m) - beta_m * m, alpha_h * (1 - h) - beta_h * h,
            alpha_n * (1 - n) - beta_n * n)


class HHWithHelper(HHMethod):
    def derivative(self, V, m, h, n, t, Iext):
        return helper_hh_derivatives(V, m, h, n, t, Iext)


def test_an_update_calling_an_elementwise_helper_still_runs_per_neuron(capsys):
    """A derivative that calls a plain element-wise function by name compiles to the
    per-neuron loop too (array code would allocate a temporary per operation, about
    ten times slower on one HH neuron), and gives the plain-Python numbers."""
    compiled = HHWithHelper(2, method="rk4", monitors=["V"])
    compiled.run(20.0, inputs=["input", 10.0], dt=0.01)
    compiled.show_code()
    assert "for _i in range(" in capsys.readouterr().out
    plain = HHWithHelper(2, method="rk4", monitors=["V"])
    plain.run(20.0, inputs=["input", 10.0], dt=0.01, jit=False)
    np.testing.assert_allclose(compiled.mon.V, plain.mon.V, rtol=1e-12, atol=1e-10)


def test_jit_false_runs_the_students_python(capsys):
    class Talker(Accumulator):
        def update(self, _t, _dt):
            print("step at", round(_t, 3))
            super().update(_t, _dt)
    Talker(1).run(0.3, dt=0.1, jit=False)
    assert capsys.readouterr().out.split("\n")[:3] == ["step at 0.0", "step at 0.1",
                                                       "step at 0.2"]


def test_progress_report_does_not_change_results():
    a, b = HHMethod(1, monitors=["V"], method="rk4"), HHMethod(1, monitors=["V"], method="rk4")
    a.run(10.0, inputs=["input", 10.0], dt=0.01)
    b.run(10.0, inputs=["input", 10.0], dt=0.01, report=0.1)
    np.testing.assert_array_equal(a.mon.V, b.mon.V)


def test_parameters_as_per_neuron_arrays():
    hh = HHMethod(3, monitors=["V"], method="rk4", gNa=np.array([120.0, 0.0, 120.0]))
    hh.run(20.0, inputs=["input", 10.0], dt=0.01)
    assert hh.mon.V[:, 0].max() > 20 and hh.mon.V[:, 1].max() < 0
    np.testing.assert_allclose(hh.mon.V[:, 0], hh.mon.V[:, 2])


class Noisy(bp.NeuGroup):
    """Ornstein-Uhlenbeck noise, with a helper method and a branch on a constant."""

    def __init__(self, n, **kw):
        super().__init__(n, **kw)
        self.x = bm.Variable(bm.zeros(self.num))
        self.count = bm.Variable(0.0)   # a 0-d Variable
        self.sigma = 0.5

    def drift(self, x):
        return -x

    def update(self, _t, _dt):
        self.x += self.drift(self.x) * _dt + \
            self.sigma * bm.sqrt(_dt) * bm.random.normal(0., 1., self.num)
        if self.sigma > 0:
            self.count += 1.0


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_seeded_noise_is_the_same_compiled_or_not(backend):
    bm.use_backend(backend)
    runs = []
    for jit in (False, True):
        model = Noisy(500, monitors=["x", "count"])
        bm.random.seed(1)
        model.run(5.0, dt=0.01, jit=jit)
        runs.append(model)
    np.testing.assert_allclose(runs[0].mon.x, runs[1].mon.x, atol=1e-10)
    assert runs[1].mon.count.shape == (500,) and runs[1].mon.count[-1] == 500
    # stationary variance of dx = -x dt + 0.5 dW is 0.125
    model = runs[1]
    model.run(20.0, dt=0.01)
    assert abs(model.mon.x[-1].var() - 0.125) < 0.03


class Commented(bp.NeuGroup):
    def __init__(self, size):
        super().__init__(size)
        self.V = bm.Variable(bm.zeros(size))
        self.tau = 10.0

    def update(self, _t, _dt):
        # relax towards 1 with time constant tau
        dV = (1.0 - self.V) / self.tau   # mV/ms
        self.V += dV * _dt


def test_show_code_keeps_the_students_comments(capsys):
    """ast.unparse drops comments; the translated code puts them back beside the
    statements they describe, so show_code reads like the student's own update."""
    model = Commented(2)
    model.run(1.0, dt=0.1)
    model.show_code()
    out = capsys.readouterr().out.splitlines()
    comment = next(i for i, line in enumerate(out) if "# relax towards 1" in line)
    assert "dV = " in out[comment + 1] and out[comment + 1].rstrip().endswith("# mV/ms")
    np.testing.assert_allclose(model.V, 1.0 - (1.0 - 0.1 / 10.0) ** 10, rtol=1e-12)   # Euler


def test_per_neuron_loops_skip_reference_counting_unless_a_helper_could_make_arrays():
    # Numba counts the references to each array a function is handed, with atomic
    # instructions at every call (a third of one HH neuron's step); a per-neuron loop
    # makes no array, so it is compiled without (numba_translate._njit)
    bm.use_backend("numpy")
    hh = HHMethod(2, method="rk4")
    hh.run(1.0, inputs=["input", 10.0], dt=0.01)
    prog = next(iter(hh._runner_cache.values()))
    update = next(v for k, v in prog.translator.shared.items() if k.endswith("_update"))
    assert update.targetoptions.get("_nrt") is False and not prog.counted
    # a helper of the student's own may make arrays (np.where on numbers does): the
    # whole program counts, and gives the numbers of plain Python
    from braindyn import models as M
    results = []
    for jit in (True, False):
        pr = M.PinskyRinzel(2)
        pr.run(20.0, inputs=[("input", 1.0)], dt=0.05, jit=jit)
        results.append(np.asarray(pr.V).copy())
        if jit:
            assert next(iter(pr._runner_cache.values())).counted
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10, atol=1e-10)
