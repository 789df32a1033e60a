"""Every model gives the same result compiled (jit=True) and in plain Python (jit=False).

Short runs of small instances; after the run every Variable of every system must agree
to 1e-10 (relative 1e-12 for large values).  Models are grouped into a few networks
(all neuron models side by side, all synapse models between one pre and one post
group, ...) because compiling costs seconds per program; a difference names the
model and Variable.  Print the generated code with ``model.show_code()``.
"""
import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
import braindyn.models as M
from support import _restore_backend  # noqa: F401

NEURONS = {   # name: (class, parameters, constant input)
    "HH": (M.HH, {}, 10.0),
    "MorrisLecar": (M.MorrisLecar, {}, 100.0),
    "LIF": (M.LIF, {}, 3.0),
    "QuaIF": (M.QuaIF, {}, 10.0),
    "ExpIF": (M.ExpIF, {}, 5.0),
    "AdExIF": (M.AdExIF, {}, 1.0),
    "GIF": (M.GIF, {}, 1.5),
    "Izhikevich": (M.Izhikevich, M.CELL_TYPES["CH"], 10.0),
    "ResonateFire": (M.ResonateFire, {}, 0.3),
    "FitzHughNagumo": (M.FitzHughNagumo, {}, 0.5),
    "HindmarshRose": (M.HindmarshRose, {}, 2.0),
    "WilsonCowan": (M.WilsonCowan, {}, 1.25),
    "LinearRate": (M.LinearRate, {}, 0.7),
    "SpikeInput": (M.SpikeInput, {}, 1.0),
    "PinskyRinzel": (M.PinskyRinzel, {}, 1.5),
}

PRE_SPIKES = dict(indices=[0, 1, 2, 3, 0, 1, 0, 2, 3, 0, 1, 0],
                  times=[1.0, 1.5, 2.0, 4.0, 5.0, 5.0, 7.5, 9.0, 11.0, 12.0, 15.0, 16.5])

SYNAPSES = {  # name: (class, parameters)
    "ExpCUBA": (M.Exponential, dict(g_max=2.0, delay=0.35)),
    "ExpCOBA": (M.Exponential, dict(g_max=0.3, E=0.0)),
    "DualExponential": (M.DualExponential, dict(g_max=2.0)),
    "Alpha": (M.Alpha, dict(g_max=2.0)),
    "VoltageJump": (M.VoltageJump, dict(g_max=1.0)),
    "AMPA": (M.AMPA, dict(g_max=0.2)),
    "GABAa": (M.GABAa, dict(g_max=0.2)),
    "GABAb": (M.GABAb, dict(g_max=1.0)),
    "NMDA": (M.NMDA, dict(g_max=0.2, delay=1.0)),
    "STP": (M.STP, dict(g_max=3.0)),
    "STDP": (M.STDP, dict(w_initial=1.0)),
}


def all_neurons():
    groups = {name: cls(3, name=name, **kw) for name, (cls, kw, _) in NEURONS.items()}
    inputs = [(f"{name}.input", current) for name, (_, _, current) in NEURONS.items()]
    inputs.append(("SpikeInput.input", np.random.default_rng(0).random((200, 3)), "iter"))
    inputs.remove(("SpikeInput.input", 1.0))
    return bp.Network(**groups), inputs


def all_synapses():
    pre = M.SpikeTimeGroup(4, name="pre", **PRE_SPIKES)
    post = M.LIF(3, name="post", V_initial=-60.0)
    synapses = {name: cls(pre, post, bp.connect.FixedProb(0.6, seed=3), **kw)
                for name, (cls, kw) in SYNAPSES.items()}
    return bp.Network(pre, post, **synapses), [("post.input", 1.0)]


def rate_rules():
    pre, post = M.LinearRate(3, name="pre"), M.LinearRate(2, name="post")
    oja = M.Oja(pre, post, bp.connect.All2All(), eta=0.05, seed=0)
    bcm = M.BCM(pre, post, bp.connect.All2All(), eta=0.05, seed=1)
    x = np.random.default_rng(0).uniform(0, 1, (200, 3))
    return bp.Network(pre, post, Oja=oja, BCM=bcm), [("pre.input", x, "iter")]


def channels():
    cell = M.CondNeuGroup(2, channels=[M.INa(name="INa"), M.IK(name="IK"), M.IL(name="IL"),
                                       M.ICaT(name="ICaT"), M.CalciumDecay(name="Ca_pool"),
                                       M.Ih(name="Ih")], name="cell")
    return cell, [("input", np.array([-1.0, 6.0]))]


def rate_networks():
    cann = M.CANN1D(64, name="CANN1D")
    esn = M.EchoStateNetwork(20, 2, seed=0, name="ESN")
    u = np.random.default_rng(0).uniform(-1, 1, (200, 2))
    return bp.Network(cann, esn), [("CANN1D.input", cann.stimulus(0.3)), ("ESN.input", u, "iter")]


def poisson():
    return M.PoissonGroup(50, 200.0, name="Poisson"), []


def gap_junctions():
    """LIF groups joined by gap junctions of one conductance, FitzHugh-Nagumo cells
    coupled among themselves with one conductance per junction."""
    a, b = M.LIF(3, name="a", V_initial=-60.0), M.LIF(2, name="b")
    fhn = M.FitzHughNagumo(3, name="fhn")
    ab = M.GapJunction(a, b, bp.connect.FixedProb(0.6, seed=3), g=0.02)
    ring = M.GapJunction(fhn, fhn, np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=bool),
                         g=np.array([0.05, 0.1, 0.2]))
    return bp.Network(a, b, fhn, ab=ab, ring=ring), [
        ("a.input", np.array([1.0, 2.5, 0.5])), ("fhn.input", np.array([0.4, 0.5, 0.6]))]


GROUPS = {"neurons": all_neurons, "synapses": all_synapses, "rate rules": rate_rules,
          "channels": channels, "CANN and ESN": rate_networks, "Poisson": poisson,
          "gap junctions": gap_junctions}


def final_state(build, jit, duration=20.0, dt=0.1):
    """[(system.attribute, value)] of every Variable after the run (in the order of
    root.nodes(), which two builds of one model share)."""
    root, inputs = build()
    bm.random.seed(7)
    root.run(duration, inputs=inputs, dt=dt, jit=jit)
    return [(f"{node.name}.{attr}", np.array(bm.as_numpy(var.value), dtype=float))
            for node in root.nodes() for attr, var in node.vars().items()]


def assert_same(group, got, expected, what):
    # by position: automatic names (of delay lines, for instance) differ between builds
    assert len(got) == len(expected)
    for (key, value), (_, other) in zip(expected, got):
        np.testing.assert_allclose(other, value, rtol=1e-12, atol=1e-10, err_msg=(
            f"{group}: {key} differs between {what}; print the generated code with "
            f"model.show_code()"))


@pytest.mark.parametrize("group", list(GROUPS))
def test_compiled_run_matches_plain_python(group):
    plain = final_state(GROUPS[group], jit=False)
    compiled = final_state(GROUPS[group], jit=True)
    assert_same(group, compiled, plain, "jit=True and jit=False")


def test_every_model_did_something():
    """The comparison above means little if nothing moved: every neuron model changed
    its state, and every synapse model delivered some input."""
    state = dict(final_state(all_neurons, jit=False))
    for name, (cls, _, _) in NEURONS.items():
        first = "r" if cls is M.LinearRate else "E" if cls is M.WilsonCowan else \
            "t_last_spike" if cls is M.SpikeInput else "V"
        start = cls(3).vars()[first].value
        assert np.any(state[f"{name}.{first}"] != start), f"{name} did not move"
    net, _ = all_synapses()
    net.run(20.0, dt=0.1, jit=False, monitors=[f"{name}.{v}" for name, v in [
        ("ExpCUBA", "g"), ("AMPA", "s"), ("GABAb", "G"), ("NMDA", "s"), ("STP", "g")]])
    for key in ("ExpCUBA.g", "AMPA.s", "GABAb.G", "NMDA.s", "STP.g"):
        assert getattr(net.mon, key).max() > 0, f"{key} never became positive"


def test_two_groups_of_one_model_keep_their_own_parameters_when_compiled():
    """Two LIF groups with different time constants in one network: each must integrate
    with its own tau.  (Fails if compiled integration steps of the same method and
    signature share one disk-cache entry: see the report on numba_cache/odeint.)"""
    def build():
        fast = M.LIF(1, tau=5.0, V_initial=-50.0, name="fast")
        slow = M.LIF(1, tau=20.0, V_initial=-50.0, name="slow")
        return bp.Network(fast, slow), []
    for jit in (False, True):
        state = dict(final_state(build, jit=jit, duration=1.0))
        # free decay towards V_rest = -70: V(t) = -70 + 20 exp(-t / tau)
        for group, tau in (("fast", 5.0), ("slow", 20.0)):
            got = state[f"{group}.V"][0]
            assert abs(got - (-70 + 20 * np.exp(-1.0 / tau))) < 1e-9, (
                f"jit={jit}: the {group} LIF (tau = {tau} ms) decayed to {got:.6f} mV; with "
                f"jit=True this means another group's compiled step was used")


@pytest.mark.parametrize("group", ["channels", "synapses", "gap junctions"])
def test_jax_backend_matches_numpy(group):
    reference = final_state(GROUPS[group], jit=False)
    bm.use_backend("jax")
    traced = final_state(GROUPS[group], jit=True)
    bm.use_backend("numpy")
    assert_same(group, traced, reference, "the JAX and NumPy backends")
