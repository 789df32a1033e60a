"""Learning rules against theory: the STDP window, Oja's principal component, BCM selectivity.

Plain-Python runs (jit=False): small models for which compiling costs more than it saves;
test_models_jit.py checks that the compiled runs agree.
"""
import numpy as np
import pytest

import braindyn as bp
import braindyn.models as M
from support import _restore_backend  # noqa: F401


def test_stdp_window_has_the_right_sign_and_size_on_both_sides():
    """One pre/post pair per synapse, t_post - t_pre = lag: the weight changes by
    A_plus exp(-lag / tau_plus) for lag > 0 and by -A_minus exp(lag / tau_minus) for lag < 0."""
    lags = np.array([-40.0, -20.0, -10.0, -2.0, 2.0, 10.0, 20.0, 40.0])
    n, t_pre = len(lags), 50.0
    pre = M.SpikeTimeGroup(n, np.arange(n), np.full(n, t_pre), name="pre")
    post = M.SpikeTimeGroup(n, np.arange(n), t_pre + lags, name="post")
    stdp = M.STDP(pre, post, bp.connect.One2One(), w_initial=0.5, name="stdp",
                  monitors=["w"])
    bp.Network(pre, post, stdp=stdp).run(120.0, dt=0.1, jit=False)
    dw = stdp.mon.w[-1] - 0.5
    expected = np.where(lags > 0, stdp.A_plus * np.exp(-lags / stdp.tau_plus),
                        -stdp.A_minus * np.exp(lags / stdp.tau_minus))
    assert np.all(np.sign(dw) == np.sign(lags)), (
        f"STDP weight changes {dw} for lags {lags}: pre-before-post must potentiate and "
        f"post-before-pre depress")
    np.testing.assert_allclose(dw, expected, rtol=1e-9, err_msg=(
        "STDP magnitude differs from A exp(-|lag| / tau): the traces' decay or the order "
        "of trace update and weight update changed"))


def test_oja_rule_finds_the_principal_eigenvector():
    rng = np.random.default_rng(0)
    cov = np.array([[3.0, 1.0], [1.0, 2.0]])
    x = rng.normal(size=(20000, 2)) @ np.linalg.cholesky(cov).T
    pre, post = M.LinearRate(2, name="pre"), M.LinearRate(1, name="post")
    oja = M.Oja(pre, post, bp.connect.All2All(), eta=0.005, seed=1, name="oja",
                monitors=["W"])
    bp.Network(pre, post, oja=oja).run(2000.0, inputs=[("pre.input", x, "iter")], dt=0.1,
                                        jit=False)
    w = oja.mon.W[-1][:, 0]
    principal = np.linalg.eigh(cov)[1][:, -1]
    assert abs(np.linalg.norm(w) - 1) < 0.02 and abs(abs(w @ principal) - 1) < 1e-3, (
        f"Oja's weights {w} (norm {np.linalg.norm(w):.3f}); the principal eigenvector is "
        f"+-{principal}: the decay term W y^2 or the Hebbian term x y changed")


def test_bcm_becomes_selective_with_the_predicted_response():
    """Two orthogonal patterns shown with probability 1/2 each: the stable state responds
    with y = 2 to one (theta = <y^2> = 2) and 0 to the other."""
    rng = np.random.default_rng(1)
    x = np.eye(2)[rng.integers(0, 2, 40000)]
    pre, post = M.LinearRate(2, name="pre"), M.LinearRate(1, name="post")
    bcm = M.BCM(pre, post, bp.connect.All2All(), eta=0.02, tau_theta=10.0,
                w_initial=np.array([[0.5], [0.45]]), name="bcm", monitors=["W", "theta"])
    bp.Network(pre, post, bcm=bcm).run(4000.0, inputs=[("pre.input", x, "iter")], dt=0.1,
                                        jit=False)
    w = bcm.mon.W[-1, :, 0]
    assert abs(w[0] - 2.0) < 0.2 and abs(w[1]) < 0.01, (
        f"BCM weights {w}: expected selectivity for the first pattern with response 2 "
        f"(the sliding threshold theta = <y^2>); theta ends at {bcm.mon.theta[-1, 0]:.2f}")
    assert abs(bcm.mon.theta[-4000:, 0].mean() - 2.0) < 0.3
