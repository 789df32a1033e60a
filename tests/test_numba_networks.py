"""Compiled networks on the NumPy backend: kept on disk, and array constants stay live.

Connection arrays and other array constants reach the compiled code as arguments
(simulation/numba_translate.py).  Frozen into the code instead, an array above 1 MB
made Numba refuse to keep the machine code on disk ("Cannot cache compiled
function ... dynamic globals"), so every new process compiled the network again.
"""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from braindyn.models import networks
from braindyn.simulation import runner

# 800 E + 200 I neurons at p = 0.25: about 160,000 E -> E synapses, whose int64
# index arrays (1.3 MB each) are above the size Numba freezes into machine code
NET = dict(num_exc=800, num_inh=200, prob=0.25, mode="COBA", seed=3)
DURATION = 20.0     # ms

# Numba's "numba:compile" events count the functions it compiles (a function
# loaded from the disk cache fires none): a count, where a time ratio would
# depend on the machine's load.
SCRIPT = textwrap.dedent("""
    import hashlib
    import numpy as np
    from numba.core import event
    from braindyn.models import networks
    net = networks.EINet(**{net!r}, monitors=["E.spike", "I.spike"])
    with event.install_recorder("numba:compile") as compiled:
        net.run({duration!r}, inputs=net.background, dt=0.1)
    compiles = sum(1 for _, e in compiled.buffer if e.is_start)
    spikes = np.hstack([getattr(net.mon, "E.spike"), getattr(net.mon, "I.spike")])
    print("RESULT", compiles, net.compile_count, int(spikes.sum()),
          hashlib.sha256(np.packbits(spikes).tobytes()).hexdigest())
""")


def run_in_fresh_process(cache):
    # NUMBA_DEBUG_CACHE: Numba reports every function it stores ("data saved")
    # and every one it loads from the disk cache ("data loaded")
    env = dict(os.environ, BRAINDYN_CACHE=str(cache), NUMBA_DEBUG_CACHE="1")
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(net=NET, duration=DURATION)],
                         capture_output=True, text=True, env=env, check=True)
    compiles, programs, n_spikes, digest = out.stdout.split("RESULT")[-1].split()
    return dict(compiles=int(compiles), programs=int(programs), n_spikes=int(n_spikes),
                digest=digest, log=out.stdout + out.stderr)


@pytest.mark.slow
def test_a_new_process_loads_the_network_from_disk_and_compiles_nothing(tmp_path):
    first = run_in_fresh_process(tmp_path)
    second = run_in_fresh_process(tmp_path)
    for run in (first, second):
        assert "Cannot cache" not in run["log"], run["log"][-3000:]
    assert "data saved" in first["log"]                # the first process compiled and stored
    assert "data saved" not in second["log"], (        # the second compiled nothing
        "the second process compiled again:\n" +
        "\n".join(line for line in second["log"].splitlines() if "data saved" in line))
    assert "data loaded" in second["log"]
    assert first["compiles"] > 0 and second["compiles"] == 0, \
        (first["compiles"], second["compiles"])
    assert (second["n_spikes"], second["digest"]) == (first["n_spikes"], first["digest"])
    assert first["n_spikes"] > 0

    # the same network in plain Python (the model's own update methods): same spikes
    net = networks.EINet(**NET, monitors=["E.spike", "I.spike"])
    net.run(DURATION, inputs=net.background, dt=0.1, jit=False)
    spikes = np.hstack([getattr(net.mon, "E.spike"), getattr(net.mon, "I.spike")])
    assert int(spikes.sum()) == first["n_spikes"]


def small_net():
    net = networks.EINet(num_exc=80, num_inh=20, prob=0.2, mode="COBA", seed=1,
                         monitors=["E.spike", "E2E.g"])
    # one weight per synapse: an array constant of the compiled code
    net.E2E.g_max = np.full(len(net.E2E.pre_ids), networks.COBA["w_E"])
    return net


def run_both(compiled, plain, duration=30.0):
    """Run the two identical networks, compiled and in plain Python; the E spikes."""
    out = []
    for net, jit in ((compiled, True), (plain, False)):
        net.run(duration, inputs=net.background, dt=0.1, jit=jit)
        out.append((np.asarray(getattr(net.mon, "E.spike")),
                    np.asarray(getattr(net.mon, "E2E.g"))))
    (s1, g1), (s2, g2) = out
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_allclose(g1, g2, rtol=1e-12, atol=1e-12)
    return s1, g1


def test_changing_a_weight_array_in_place_or_by_assignment_takes_effect():
    bm.use_backend("numpy")
    compiled, plain = small_net(), small_net()
    spikes0, g0 = run_both(compiled, plain)
    assert spikes0.sum() > 0
    programs = compiled.compile_count

    # in place: the compiled code reads the array at every run, no new program needed
    for net in (compiled, plain):
        net.E2E.g_max *= 4.0
        net.E2E.g[:] = 0.0
    spikes1, g1 = run_both(compiled, plain)
    assert compiled.compile_count == programs
    assert g1.max() > 2.0 * g0.max(), "the larger weights were not used"

    # by assignment, another array of the same shape
    for net in (compiled, plain):
        net.E2E.g_max = np.zeros(len(net.E2E.pre_ids))
        net.E2E.g[:] = 0.0
    _, g2 = run_both(compiled, plain)
    assert np.all(g2 == 0.0), "the zero weights were not used"

    # by assignment, a number instead of the array: another program
    for net in (compiled, plain):
        net.E2E.g_max = 1.5
    run_both(compiled, plain)
    assert compiled.compile_count == programs + 1


def test_changing_the_connections_in_place_takes_effect():
    bm.use_backend("numpy")
    compiled, plain = small_net(), small_net()
    run_both(compiled, plain)
    rng = np.random.default_rng(0)
    new_post = rng.integers(0, compiled.E.num, len(compiled.E2E.post_ids))
    for net in (compiled, plain):
        net.E2E.post_ids[:] = new_post          # the same synapses onto other neurons
    run_both(compiled, plain)


class Decay(bp.NeuGroup):
    """x' = -x / tau with one tau per neuron, an array read by the derivative (passed
    on to the compiled integrator step as an argument)."""

    def __init__(self, tau):
        super().__init__(len(tau), monitors=["x"])
        self.tau = np.asarray(tau, dtype=float)
        self.x = bm.Variable(bm.ones(len(tau)))
        self.integral = bp.odeint(self.derivative, method="exponential_euler")

    def derivative(self, x, t):
        return -x / self.tau

    def update(self, _t, _dt):
        self.x[:] = self.integral(self.x, _t, dt=_dt)


def test_an_array_read_by_a_derivative_takes_effect_when_changed_in_place():
    bm.use_backend("numpy")
    model = Decay([2.0, 5.0])
    model.run(1.0, dt=0.1)
    np.testing.assert_allclose(model.x, np.exp(-1.0 / np.array([2.0, 5.0])), rtol=1e-10)
    model.tau[:] = [1.0, 4.0]          # in place: the same array object
    model.x[:] = 1.0
    model.run(1.0, dt=0.1)
    np.testing.assert_allclose(model.x, np.exp(-1.0 / np.array([1.0, 4.0])), rtol=1e-10)
    assert model.compile_count == 1


class Accumulate(bp.NeuGroup):
    """x += I dt through a method that takes the array I as a parameter."""

    def __init__(self):
        super().__init__(3, monitors=["x"])
        self.x = bm.Variable(bm.zeros(3))

    def add(self, I):
        self.x[:] = self.x + I

    def update(self, _t, _dt):
        self.add(bm.asarray([1.0, 2.0, 3.0]) * _dt)


def test_a_method_with_an_array_parameter_is_not_looped_over_neurons():
    # a per-neuron loop would index x but not I (it once failed to compile)
    bm.use_backend("numpy")
    model = Accumulate()
    model.run(1.0, dt=0.1, jit=True)
    np.testing.assert_allclose(model.x, [1.0, 2.0, 3.0], rtol=1e-12)
