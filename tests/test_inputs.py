"""braindyn.inputs against exact values and known statistics.

Independent answers: the values written out by hand for the deterministic
currents; for the random ones the textbook moments, computed here with NumPy
alone: Var W(t) = sigma^2 t for the Wiener process; for the Ornstein-Uhlenbeck
process dx = (mu - x) / tau dt + sigma dW (t in ms) the stationary mean mu,
variance sigma^2 tau / 2, autocorrelation exp(-|s| / tau) and Lorentzian
spectrum 2 sigma^2 tau^2 / (1 + (2 pi f tau)^2) (one-sided; Gardiner,
*Stochastic Methods*, ch. 3.8.4); for Bernoulli spike trains with p = rate dt
the count mean N p, Fano factor 1 - p and interval CV sqrt(1 - p), which tend to
the Poisson values 1.  The run tests check that ``model.run`` takes what the
functions return.
"""
import math

import matplotlib
import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from braindyn import inputs, models
from support import _restore_backend  # noqa: F401

matplotlib.use("Agg")


class Probe(bp.NeuGroup):
    """Records the input it receives in each step."""

    def __init__(self, size, **kwargs):
        super().__init__(size, **kwargs)
        self.input = bm.Variable(bm.zeros(self.num))
        self.got = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        self.got[:] = self.input
        self.input[:] = 0.


def received(trace, duration, dt, num=1):
    probe = Probe(num, monitors=["got"])
    probe.run(duration, inputs=("input", trace, "iter"), dt=dt, jit=False)
    return probe.mon.got


# -- deterministic currents: exact values --------------------------------------------------

def test_section_values_and_lengths():
    I = inputs.section([(0.0, 1.0), (2.5, 0.5), (-1.0, 0.3)], dt=0.1)
    np.testing.assert_array_equal(I, [0.0] * 10 + [2.5] * 5 + [-1.0] * 3)
    per_neuron = inputs.section([(0.0, 0.2), ([1.0, 2.0, 3.0], 0.3)], dt=0.1)
    assert per_neuron.shape == (5, 3)
    np.testing.assert_array_equal(per_neuron[:2], 0.0)
    np.testing.assert_array_equal(per_neuron[2:], [[1.0, 2.0, 3.0]] * 3)
    # what the group receives, step by step (run's own duration: the sum of the pieces)
    np.testing.assert_array_equal(received(per_neuron, 0.5, 0.1, num=3), per_neuron)


def test_section_refuses_pieces_off_the_grid_and_says_what_to_change():
    with pytest.raises(ValueError, match="not a whole number of steps.*multiple of dt"):
        inputs.section([(1.0, 2.55)], dt=0.1)
    with pytest.raises(TypeError, match=r"list of \(value, duration\)"):
        inputs.section(5.0, dt=0.1)
    with pytest.raises(ValueError, match="one per neuron"):
        inputs.section([([1.0, 2.0], 1.0), ([1.0, 2.0, 3.0], 1.0)], dt=0.1)
    with pytest.raises(ValueError, match="dt must be a finite positive"):
        inputs.section([(1.0, 1.0)], dt=-0.1)


def test_step_ramp_sinusoid_square_values():
    np.testing.assert_array_equal(inputs.step(2.0, 1.0, 0.1, onset=0.25, offset=0.6),
                                  [0, 0, 0, 2, 2, 2, 0, 0, 0, 0])
    np.testing.assert_array_equal(inputs.step(2.0, 0.4, 0.1, baseline=-1.0, onset=0.2),
                                  [-1, -1, 2, 2])
    np.testing.assert_allclose(inputs.ramp(1.0, 3.0, 1.0, 0.1),
                               1.0 + 2.0 * np.arange(10) / 10, rtol=0, atol=1e-12)
    np.testing.assert_allclose(inputs.ramp(0.0, 1.0, 10.0, 1.0, t_start=2.0, t_end=6.0),
                               [0, 0, 0, 0.25, 0.5, 0.75, 0, 0, 0, 0], atol=1e-12)
    # 250 Hz at dt = 1 ms: four steps per period, sin(pi t / 2)
    np.testing.assert_allclose(inputs.sinusoid(2.0, 250.0, 8.0, 1.0, bias=1.0),
                               [1, 3, 1, -1, 1, 3, 1, -1], atol=1e-12)
    np.testing.assert_allclose(inputs.sinusoid(1.0, 250.0, 4.0, 1.0, phase=math.pi / 2),
                               [1, 0, -1, 0], atol=1e-12)
    np.testing.assert_array_equal(inputs.square(1.0, 250.0, 10.0, 1.0, duty=0.25),
                                  [1, 0, 0, 0, 1, 0, 0, 0, 1, 0])
    np.testing.assert_array_equal(inputs.square(2.0, 100.0, 30.0, 1.0, duty=0.2, t_start=5.0),
                                  [0] * 5 + ([2] * 2 + [0] * 8) * 2 + [2] * 2 + [0] * 3)
    two = inputs.ramp([0.0, 1.0], 2.0, 1.0, 0.5)
    np.testing.assert_allclose(two, [[0.0, 1.0], [1.0, 1.5]])


def test_clear_errors_for_dt_and_duration():
    with pytest.raises(ValueError, match="shorter than one step"):
        inputs.ramp(0.0, 1.0, 0.05, dt=0.1)
    with pytest.raises(ValueError, match="smaller dt"):
        inputs.sinusoid(1.0, 8000.0, 10.0, dt=0.1)
    with pytest.raises(ValueError, match="shorter than one step"):
        inputs.square(1.0, 100.0, 10.0, dt=0.1, duty=0.005)
    with pytest.raises(TypeError, match="dt must be a number"):
        inputs.ou(0.0, 1.0, 5.0, 10.0, dt="0.1")
    with pytest.raises(ValueError, match="spike probability per step"):
        inputs.poisson(20000.0, 10.0, dt=0.1)
    assert inputs.n_steps(100.0, 0.1) == 1000 and inputs.n_steps((50.0, 60.0), 0.1) == 100
    np.testing.assert_allclose(inputs.step_times((50.0, 50.3), 0.1), [50.0, 50.1, 50.2])


# -- random currents: known moments -----------------------------------------------------------

def test_wiener_variance_grows_as_sigma_squared_t():
    bm.random.seed(3)
    sigma, dt = 2.0, 0.1
    W = inputs.wiener(10.0, dt, sigma=sigma, n=4000)          # (100, 4000)
    assert W.shape == (100, 4000) and np.all(W[0] == 0)
    t = dt * np.arange(100)
    for i in (10, 50, 99):
        se = sigma ** 2 * t[i] * math.sqrt(2 / 4000)          # sd of a sample variance
        assert abs(W[i].var() - sigma ** 2 * t[i]) < 4 * se
        assert abs(W[i].mean()) < 4 * sigma * math.sqrt(t[i] / 4000)
    dW = inputs.wiener(10.0, dt, sigma=sigma, n=4000, increments=True)
    assert abs(dW.var() / (sigma ** 2 * dt) - 1) < 0.01


@pytest.fixture(scope="module")
def ou_trace():
    bm.random.seed(7)
    mu, sigma, tau, dt = 1.5, 0.8, 5.0, 0.1
    return inputs.ou(mu, sigma, tau, 10000.0, dt, n=8), (mu, sigma, tau, dt)


def test_ou_stationary_mean_and_variance(ou_trace):
    x, (mu, sigma, tau, dt) = ou_trace
    assert x.shape == (100000, 8)
    var = sigma ** 2 * tau / 2
    # about 10000 / (2 tau) = 1000 independent samples per column, 8 columns
    assert abs(x.mean() - mu) < 4 * math.sqrt(var * 2 * tau / 10000 / 8)
    assert abs(x.var(axis=0).mean() / var - 1) < 0.04
    assert abs(x[0].var() / var - 1) < 1.5     # the first values: stationary too (8 draws)


def test_ou_autocorrelation_is_exp_minus_lag_over_tau(ou_trace):
    x, (mu, sigma, tau, dt) = ou_trace
    y = x - x.mean(axis=0)
    for s in (0.5 * tau, tau, 2 * tau):
        k = int(round(s / dt))
        rho = np.mean(y[:-k] * y[k:]) / np.mean(y * y)
        assert abs(rho - math.exp(-s / tau)) < 0.03, (s, rho)


def test_ou_spectrum_is_lorentzian(ou_trace):
    from scipy.signal import welch
    x, (mu, sigma, tau, dt) = ou_trace
    f, S = welch(x, fs=1.0 / dt, nperseg=4096, axis=0)       # f in 1/ms, S one-sided
    S = S.mean(axis=1)
    lorentz = 2 * sigma ** 2 * tau ** 2 / (1 + (2 * math.pi * f * tau) ** 2)
    band = (f > 0.005) & (f < 0.2)
    ratio = S[band] / lorentz[band]
    assert abs(np.mean(ratio) - 1) < 0.05 and np.all(np.abs(ratio - 1) < 0.5)


def test_ou_start_seed_and_shapes():
    bm.random.seed(1)
    a = inputs.ou([0.0, 10.0], 1.0, 2.0, 5.0, 0.1, x0=[3.0, -3.0])
    bm.random.seed(1)
    b = inputs.ou([0.0, 10.0], 1.0, 2.0, 5.0, 0.1, x0=[3.0, -3.0])
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[0], [3.0, -3.0])
    quiet = inputs.ou(2.0, 0.0, 2.0, 1.0, 0.1, x0=4.0)      # sigma = 0: exact decay
    np.testing.assert_allclose(quiet, 2.0 + 2.0 * np.exp(-0.1 * np.arange(10) / 2.0))


def test_random_inputs_on_the_jax_backend_are_seeded_numpy_arrays():
    bm.use_backend("jax")
    bm.random.seed(5)
    a = inputs.ou(0.0, 1.0, 5.0, 10.0, 0.1, n=3)
    s = inputs.poisson(100.0, 10.0, 0.1, n=3)
    bm.random.seed(5)
    np.testing.assert_array_equal(a, inputs.ou(0.0, 1.0, 5.0, 10.0, 0.1, n=3))
    assert isinstance(a, np.ndarray) and a.shape == (100, 3)
    assert isinstance(s, np.ndarray) and s.dtype == bool and s.shape == (100, 3)


# -- spike trains -------------------------------------------------------------------------------

def test_poisson_counts_fano_and_cv():
    bm.random.seed(11)
    rate, T, dt, n = 40.0, 2000.0, 0.1, 400
    s = inputs.poisson(rate, T, dt, n=n)
    p = rate * dt / 1000
    N = T / dt
    counts = s.sum(axis=0)
    mean, var = N * p, N * p * (1 - p)
    assert abs(counts.mean() - mean) < 4 * math.sqrt(var / n)
    assert abs(counts.var() / counts.mean() - (1 - p)) < 0.2      # Fano factor ~ 1
    intervals = np.concatenate([np.diff(np.flatnonzero(col)) * dt for col in s.T])
    cv = intervals.std() / intervals.mean()
    assert abs(cv - math.sqrt(1 - p)) < 0.03 and abs(cv - 1) < 0.03
    rates = inputs.poisson([0.0, 100.0], 100.0, 0.1)
    assert rates.shape == (1000, 2) and not rates[:, 0].any() and rates[:, 1].any()


def test_spike_train_places_spikes_where_spike_time_group_does():
    s = inputs.spike_train([1.0, 2.04, 3.46], 5.0, 0.1)
    np.testing.assert_array_equal(np.flatnonzero(s), [10, 20, 35])
    trains = inputs.spike_train([[0.0, 1.0], [0.5]], 2.0, 0.5)
    np.testing.assert_array_equal(trains.astype(int),
                                  [[1, 0], [0, 1], [1, 0], [0, 0]])
    by_index = inputs.spike_train([0.5, 0.0, 1.0], 2.0, 0.5, indices=[1, 0, 0], n=3)
    np.testing.assert_array_equal(by_index[:, :2], trains)
    assert not by_index[:, 2].any()
    # SpikeInput fed the array spikes in the same steps as SpikeTimeGroup given the times
    times, idx, dt = [0.3, 1.0, 1.26, 2.5], [0, 1, 0, 1], 0.1
    fed = models.SpikeInput(2, monitors=["spike"])
    fed.run(3.0, inputs=("input", inputs.spike_train(times, 3.0, dt, indices=idx), "iter"),
            dt=dt, jit=False)
    timed = models.SpikeTimeGroup(2, idx, times, monitors=["spike"])
    timed.run(3.0, dt=dt, jit=False)
    np.testing.assert_array_equal(fed.mon.spike, timed.mon.spike)
    assert fed.mon.spike.sum() == 4


def test_spike_train_errors_say_what_to_change():
    with pytest.raises(ValueError, match="outside the run.*run longer"):
        inputs.spike_train([1.0, 12.0], 10.0, 0.1)
    with pytest.raises(ValueError, match="two spikes of neuron 0.*smaller dt"):
        inputs.spike_train([1.0, 1.02], 10.0, 0.1)
    with pytest.raises(ValueError, match="one per spike time"):
        inputs.spike_train([1.0, 2.0], 10.0, 0.1, indices=[0])


def test_every_input_is_what_run_takes_as_iter():
    bm.random.seed(0)
    dt, T = 0.1, 2.0
    traces = [inputs.step(1.0, T, dt, onset=0.5), inputs.ramp(0.0, 1.0, T, dt),
              inputs.sinusoid(1.0, 500.0, T, dt), inputs.square(1.0, 500.0, T, dt),
              inputs.wiener(T, dt), inputs.ou(0.0, 1.0, 2.0, T, dt),
              inputs.poisson(500.0, T, dt), inputs.spike_train([0.5], T, dt)]
    for trace in traces:
        np.testing.assert_allclose(received(trace, T, dt)[:, 0], trace.astype(float))
    many = inputs.ou(0.0, 1.0, 2.0, T, dt, n=3)
    np.testing.assert_allclose(received(many, T, dt, num=3), many)


def test_plot_draws_currents_as_steps_and_spikes_as_a_raster():
    import matplotlib.pyplot as plt
    ax = inputs.plot(inputs.section([(0.0, 1.0), (2.0, 1.0)], 0.5), dt=0.5)
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(x, [0.0, 0.5, 1.0, 1.5, 2.0])
    assert ax.get_xlabel() == "time (ms)"
    ax2 = inputs.plot(inputs.spike_train([[0.5], [1.0, 1.5]], 2.0, 0.5), dt=0.5)
    x, y = ax2.lines[0].get_data()
    np.testing.assert_allclose(sorted(zip(x, y)), [(0.5, 0), (1.0, 1), (1.5, 1)])
    plt.close("all")
