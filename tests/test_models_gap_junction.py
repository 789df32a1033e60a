"""models.GapJunction: I = g (V_pre - V_post) onto post, the opposite onto pre.

References checked here:

* two identical passive cells (LIF below threshold: tau dV/dt = -(V - V_rest) + R I)
  joined by g: u = V - V_rest obeys tau u1' = -u1 + R g (u2 - u1) and the same with
  1 <-> 2, so the sum decays as exp(-t / tau) and the difference as
  exp(-(1 + 2 R g) t / tau) (closed form, no simulation);
* the two currents of one junction are equal and opposite, per junction;
* two FitzHugh-Nagumo oscillators of different frequencies lock as g grows (Golomb's
  synchrony index of ``braindyn.measure``, and the correlation of the voltages).
"""
import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
import braindyn.models as M
from braindyn import measure
from support import _restore_backend  # noqa: F401

R, TAU = 10.0, 8.0      # LIF defaults: MOhm, ms
G = 0.05                # uS: R g = 0.5, the difference decays twice as fast as the sum


def passive_pair(jit, dt=0.01, duration=20.0, g=G):
    a = M.LIF(1, V_initial=-60.0, R=R, tau=TAU, name="a")
    b = M.LIF(1, V_initial=-70.0, R=R, tau=TAU, name="b")
    net = bp.Network(a, b, gj=M.GapJunction(a, b, bp.connect.All2All(), g=g))
    net.run(duration, dt=dt, jit=jit, monitors=["a.V", "b.V"])
    return net.mon.ts, getattr(net.mon, "a.V")[:, 0] + 70.0, getattr(net.mon, "b.V")[:, 0] + 70.0


def closed_form(ts, g=G):
    total = 10.0 * np.exp(-ts / TAU)                       # u1 + u2, from u1(0) = 10, u2(0) = 0
    diff = 10.0 * np.exp(-(1.0 + 2.0 * R * g) * ts / TAU)   # u1 - u2
    return total, diff


@pytest.mark.parametrize("jit", [False, True])
def test_two_passive_cells_match_the_two_compartment_solution(jit):
    ts, u1, u2 = passive_pair(jit)
    total, diff = closed_form(ts)
    # the sum feels no coupling at all (the two currents cancel exactly)
    np.testing.assert_allclose(u1 + u2, total, atol=1e-10)
    # the difference: the neurons hold the junction current constant over a step, an
    # O(dt) error of 2e-4 relative at dt = 0.01 ms
    assert np.max(np.abs(u1 - u2 - diff)) < 1e-3 * 10.0
    # and first order: halving dt halves the error
    ts2, v1, v2 = passive_pair(jit, dt=0.02)
    err1 = np.max(np.abs(u1 - u2 - diff))
    err2 = np.max(np.abs(v1 - v2 - closed_form(ts2)[1]))
    assert 1.8 < err2 / err1 < 2.2


def test_compiled_plain_and_jax_agree():
    _, p1, p2 = passive_pair(jit=False, duration=5.0)
    _, c1, c2 = passive_pair(jit=True, duration=5.0)
    np.testing.assert_allclose(c1, p1, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(c2, p2, rtol=1e-12, atol=1e-10)
    bm.use_backend("jax")
    _, j1, j2 = passive_pair(jit=True, duration=5.0)
    bm.use_backend("numpy")
    np.testing.assert_allclose(j1, p1, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(j2, p2, rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("per_junction", [False, True])
def test_each_junction_carries_equal_and_opposite_currents(per_junction):
    pre, post = M.LIF(3, name="pre"), M.LIF(2, name="post")
    pre.V.value = bm.asarray([-60.0, -65.0, -52.0])
    post.V.value = bm.asarray([-70.0, -55.0])
    conn = np.array([[True, False], [True, True], [False, True]])
    g = np.array([0.1, 0.2, 0.3, 0.4]) if per_junction else 0.1
    gj = M.GapJunction(pre, post, conn, g=g)
    gj.update(0.0, 0.1)
    gs = np.broadcast_to(g, 4)
    expected_post, expected_pre = np.zeros(2), np.zeros(3)
    Vpre, Vpost = bm.as_numpy(pre.V.value), bm.as_numpy(post.V.value)
    for s, (i, j) in enumerate(zip(gj.pre_ids, gj.post_ids)):
        current = gs[s] * (Vpre[i] - Vpost[j])
        expected_post[j] += current
        expected_pre[i] -= current
    np.testing.assert_allclose(bm.as_numpy(post.input.value), expected_post, atol=1e-12)
    np.testing.assert_allclose(bm.as_numpy(pre.input.value), expected_pre, atol=1e-12)
    assert abs(expected_post.sum() + expected_pre.sum()) < 1e-12   # charge is conserved


def test_coupled_oscillators_synchronise_as_the_coupling_grows():
    """FitzHugh-Nagumo cells at I = 0.5 and 0.6 (different periods) started out of phase;
    one compiled model, the coupling changed between runs (no new compilation)."""
    f = M.FitzHughNagumo(2, name="f")
    gj = M.GapJunction(f, f, np.array([[False, True], [False, False]]), g=0.0)
    net = bp.Network(f, gj=gj)
    chi, corr = [], []
    for g in (0.0, 0.01, 0.1, 0.3):
        f.V.value, f.w.value = bm.asarray([-1.2, 1.5]), bm.asarray([-0.6, 0.5])
        gj.g = g
        net.run(600.0, dt=0.05, jit=True, monitors=["f.V"],
                inputs=[("f.input", np.array([0.5, 0.6]))])
        V = getattr(net.mon, "f.V")[len(net.mon.ts) // 2:]
        chi.append(measure.synchrony(V))
        corr.append(np.corrcoef(V.T)[0, 1])
    assert net.compile_count == 1
    assert np.all(np.diff(chi) > 0), chi
    assert chi[0] < 0.7 and corr[0] < 0.2, (chi, corr)       # uncoupled: drifting phases
    assert chi[-1] > 0.99 and corr[-1] > 0.99, (chi, corr)   # strongly coupled: locked


def test_a_group_without_a_membrane_potential_is_refused():
    rate = M.LinearRate(2)
    with pytest.raises(TypeError, match="needs the Variables V and input"):
        M.GapJunction(rate, M.LIF(2), bp.connect.All2All())
    with pytest.raises(ValueError, match="one value per junction"):
        M.GapJunction(M.LIF(2), M.LIF(2), bp.connect.All2All(), g=np.ones(3))
