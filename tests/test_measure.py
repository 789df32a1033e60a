"""braindyn.measure against closed forms and small examples worked out by hand.

Independent answers: spike trains and traces whose numbers are written out here
(crossings of straight lines, counts, intervals, correlations computed on paper);
the course's HH reference (tests/data/hh_reference.json, scipy at 1e-12, crossings
by tests/support.py); the Gaussian integral; Golomb's index of phase-shifted
sinusoids (the Kuramoto order parameter); the van Rossum distance by numerical
integration of the filtered trains; the Victor-Purpura distance by brute force
over all matchings; and for the rate monitor, the spike record of the same run.
"""
import itertools
import math

import numpy as np
import pytest

import braindyn as bp
import braindyn.math as bm
from braindyn import measure, models
from support import _restore_backend, hh_reference, spike_times as reference_crossings  # noqa: F401


# -- spike times ----------------------------------------------------------------------------

def test_spike_times_from_a_record():
    ts = 0.5 * np.arange(1, 7)
    record = np.array([[0, 1], [1, 0], [0, 0], [1, 1], [0, 0], [0, 1]], dtype=bool)
    got = measure.spike_times(ts, record)
    np.testing.assert_array_equal(got[0], [1.0, 2.0])
    np.testing.assert_array_equal(got[1], [0.5, 2.0, 3.0])
    np.testing.assert_array_equal(measure.spike_times(ts, record[:, 1].astype(int)),
                                  [0.5, 2.0, 3.0])
    with pytest.raises(ValueError, match="threshold="):
        measure.spike_times(ts, np.linspace(-70, 30, 6))


def test_threshold_crossings_are_interpolated_and_the_initial_state_counts():
    # straight lines between the samples t = 1, ..., 6 ms (the end of each step); the
    # initial state (t = 0) is not in the record
    ts = np.arange(1.0, 7.0)
    V = np.array([10.0, -10.0, 30.0, -10.0, 30.0, -10.0])
    np.testing.assert_allclose(measure.spike_times(ts, V, threshold=0.0), [2.25, 4.25])
    np.testing.assert_allclose(measure.spike_times(ts, V, threshold=0.0, initial=-30.0),
                               [0.75, 2.25, 4.25])
    # a crossing inside the first step, found only with the initial state
    np.testing.assert_allclose(measure.spike_times([1.0, 2.0], [30.0, 30.0], 20.0,
                                                   initial=-10.0), [0.75])
    two = measure.spike_times(ts, np.stack([V, -V], axis=1), threshold=0.0, initial=[-30, 30])
    np.testing.assert_allclose(two[0], [0.75, 2.25, 4.25])
    np.testing.assert_allclose(two[1], [1.5, 3.75, 5.75])   # -V crosses 0 where V falls
    # JAX arrays are accepted
    import jax.numpy as jnp
    np.testing.assert_allclose(measure.spike_times(jnp.asarray(ts), jnp.asarray(V), 0.0),
                               [2.25, 4.25])


def test_spike_times_of_the_hh_reference_as_the_reference_finds_them():
    ref = hh_reference()
    V = np.asarray(ref["V_grid"])                      # t = 0, 0.1, ..., 100 ms
    ts = ref["grid_dt"] * np.arange(len(V))
    got = measure.spike_times(ts[1:], V[1:], 20.0, initial=V[0])   # as a monitor records
    np.testing.assert_array_equal(got, reference_crossings(ts, V))
    assert len(got) == len(ref["spike_times_ms"]) == 8
    assert np.max(np.abs(got - ref["spike_times_ms"])) < 0.02    # linear reading on 0.1 ms


def test_hermite_crossings_read_a_cubic_exactly():
    # x(t) = (t - a)(t - b)(t - c) + 7 rises through 7 at a and c (falls at b); the
    # cubic that matches x and dx/dt at the ends of a step is x itself there, so the
    # crossings are the roots, while the straight line between samples misses them
    a, b, c = 1.234, 2.5, 3.876
    ts = np.arange(0.0, 5.01, 0.3)                   # no sample on a root
    x = (ts - a) * (ts - b) * (ts - c) + 7.0
    dx = (ts - b) * (ts - c) + (ts - a) * (ts - c) + (ts - a) * (ts - b)
    np.testing.assert_allclose(measure.spike_times(ts, x, 7.0, slopes=dx), [a, c],
                               rtol=0, atol=1e-12)
    assert np.max(np.abs(measure.spike_times(ts, x, 7.0) - [a, c])) > 5e-3
    # one column per neuron; the same steps as the straight line; a sample on the threshold
    two = measure.spike_times(ts, np.stack([x, -x + 14.0], 1), 7.0,
                              slopes=np.stack([dx, -dx], 1))
    np.testing.assert_allclose(two[0], [a, c], atol=1e-12)
    np.testing.assert_allclose(two[1], [b], atol=1e-12)
    ts3 = np.array([0.0, 1.0, 2.0])
    np.testing.assert_array_equal(measure.spike_times(ts3, [0.0, 1.0, 3.0], 1.0,
                                                      slopes=[5.0, 0.0, 2.0]), [1.0])


def test_hermite_crossings_are_fourth_order_the_straight_line_second():
    want = np.array([np.pi / 6, np.pi / 6 + 2 * np.pi])       # sin t = 1/2, rising
    dts = np.array([0.2, 0.1, 0.05, 0.025])
    line, cubic = [], []
    for dt in dts:
        ts = np.arange(0.0, 13.0, dt)
        line.append(np.max(np.abs(measure.spike_times(ts, np.sin(ts), 0.5) - want)))
        cubic.append(np.max(np.abs(measure.spike_times(ts, np.sin(ts), 0.5,
                                                       slopes=np.cos(ts)) - want)))
    assert np.polyfit(np.log(dts), np.log(line), 1)[0] == pytest.approx(2, abs=0.3)
    assert np.polyfit(np.log(dts), np.log(cubic), 1)[0] == pytest.approx(4, abs=0.3)


def test_slopes_are_refused_where_they_cannot_be_used():
    ts, V = np.arange(3.0), np.array([-1.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="shape of x"):
        measure.spike_times(ts, V, 0.0, slopes=[1.0, 2.0])
    with pytest.raises(ValueError, match="initial= and slopes="):
        measure.spike_times(ts, V, 0.0, initial=-2.0, slopes=np.ones(3))
    with pytest.raises(ValueError, match="threshold="):
        measure.spike_times(ts, [0, 1, 0], slopes=np.ones(3))


# -- rates, counts, variability -----------------------------------------------------------------

def test_counts_and_rates_in_windows_closed_on_the_right():
    trains = [[1.0, 2.0, 5.0, 10.0], [], [10.0, 10.5]]
    np.testing.assert_array_equal(measure.spike_counts(trains, 10.0), [4, 0, 1])
    np.testing.assert_array_equal(measure.spike_counts(trains, (2.0, 10.5)), [2, 0, 2])
    np.testing.assert_array_equal(measure.spike_counts(trains, 10.0, bin=2.5),
                                  [[2, 1, 0, 1], [0, 0, 0, 0], [0, 0, 0, 1]])
    np.testing.assert_allclose(measure.firing_rate(trains, 10.0), [400.0, 0.0, 100.0])
    assert measure.firing_rate(np.array([1.0, 2.0]), (0.0, 1000.0)) == 2.0
    with pytest.raises(ValueError, match="t_end > t_start"):
        measure.firing_rate(trains, (5.0, 5.0))


def test_population_rate_per_step_and_smoothed():
    dt = 0.1
    record = np.zeros((1000, 4), dtype=bool)
    record[::5, :2] = True                   # two of four neurons fire every 0.5 ms
    r = measure.population_rate(record, dt)
    np.testing.assert_allclose(r[::5], 0.5 / (dt / 1000))
    assert r[1] == 0
    # smoothed over 15 steps (3 spikes of each firing neuron), the rate is the mean
    # rate, 1000 Hz; at the ends the window holds the 8 steps inside the run: steps 0-7
    # (firing steps 0 and 5: 2 / 8 x 5000 Hz) and steps 992-999 (995 only: 1 / 8)
    flat = measure.population_rate(record, dt, width=1.5)
    np.testing.assert_allclose(flat[7:-7], 1000.0, rtol=1e-12)
    assert flat[0] == pytest.approx(1250.0) and flat[-1] == pytest.approx(625.0)
    np.testing.assert_allclose(measure.population_rate(record, dt, width=3.0,
                                                       window="gaussian")[200:800], 1000.0,
                               rtol=1e-4)   # the kernel is cut at 4 sd: a ripple of 1e-5
    # one spike of one neuron in N = 4, Gaussian kernel of width sigma cut at 4 sigma:
    # the peak is 1000 / (N sqrt(2 pi) sigma erf(4 / sqrt 2)) Hz and the area one spike
    # per N neurons
    one = np.zeros((2001, 4), dtype=bool)
    one[1000, 3] = True
    sigma = 5.0
    g = measure.population_rate(one, dt, width=sigma, window="gaussian")
    peak = 1000 / (4 * math.sqrt(2 * math.pi) * sigma * math.erf(4 / math.sqrt(2)))
    assert g.max() == pytest.approx(peak, rel=1e-5)
    assert abs(g.sum() * dt / 1000 * 4 - 1.0) < 1e-9
    per = measure.population_rate(one, dt, per_neuron=True)
    assert per.shape == (2001, 4) and per[1000, 3] == 1000 / dt


def test_isi_and_cv_by_hand():
    np.testing.assert_allclose(measure.isi([0.0, 1.0, 3.0, 6.0]), [1.0, 2.0, 3.0])
    # intervals 1, 2, 3: mean 2, variance 2/3
    assert measure.cv([0.0, 1.0, 3.0, 6.0]) == pytest.approx(math.sqrt(2 / 3) / 2)
    cvs = measure.cv([np.arange(10.0), [0.0, 1.0, 3.0, 6.0], [5.0]])
    np.testing.assert_allclose(cvs[:2], [0.0, math.sqrt(2 / 3) / 2], atol=1e-12)
    assert np.isnan(cvs[2])
    assert np.isnan(measure.cv([0.0, 1.0, 3.0], min_intervals=3))


def test_cv_and_fano_of_poisson_trains_are_one():
    rng = np.random.default_rng(0)                       # exponential intervals: Poisson
    trains = [np.cumsum(rng.exponential(10.0, 400)) for _ in range(50)]
    assert abs(np.mean(measure.cv(trains)) - 1.0) < 0.03
    fano = measure.fano_factor(trains, (0.0, 3000.0), bin=50.0)
    assert fano.shape == (50,) and abs(fano.mean() - 1.0) < 0.05


def test_fano_factor_by_hand():
    # trials with 1, 2 and 3 spikes: mean 2, variance 2/3
    trials = [[5.0], [1.0, 7.0], [2.0, 3.0, 4.0]]
    assert measure.fano_factor(trials, 10.0) == pytest.approx(1 / 3)
    # one train counted in bins of 5 ms: counts 2, 0, 1, 1 -> mean 1, variance 1/2
    assert measure.fano_factor([1.0, 2.0, 12.0, 19.0], 20.0, bin=5.0) == pytest.approx(0.5)
    assert np.isnan(measure.fano_factor([[], []], 10.0))


def test_spike_count_correlation_by_hand():
    # counts per 10 ms bin: A = 1, 0, 2, 1 and B = 0, 1, 2, 1: covariance 1/4,
    # variances 1/2 and 1/2, so rho = 0.5
    A = [5.0, 21.0, 22.0, 35.0]
    B = [15.0, 23.0, 24.0, 31.0]
    rho = measure.spike_count_correlation([A, B, A, []], 40.0, bin=10.0)
    assert rho[0, 1] == pytest.approx(0.5) and rho[1, 0] == pytest.approx(0.5)
    assert rho[0, 0] == pytest.approx(1.0) and rho[0, 2] == pytest.approx(1.0)
    assert np.isnan(rho[3]).all() and np.isnan(rho[:, 3]).all()


# -- synchrony and correlograms -------------------------------------------------------------------

def test_golomb_synchrony_closed_forms():
    t = np.linspace(0.0, 100.0, 10001)[:-1]              # ten whole periods of 10 ms
    same = np.tile(np.sin(2 * np.pi * t / 10)[:, None], (1, 5))
    assert measure.synchrony(same) == pytest.approx(1.0)
    phases = np.array([0.0, 0.5, 1.0, 2.5])
    waves = np.sin(2 * np.pi * t[:, None] / 10 + phases)
    order = abs(np.mean(np.exp(1j * phases)))            # the Kuramoto order parameter
    assert measure.synchrony(waves) == pytest.approx(order, rel=1e-6)
    rng = np.random.default_rng(1)
    noise = rng.normal(size=(20000, 100))
    assert abs(measure.synchrony(noise) - 0.1) < 0.01     # 1 / sqrt(N)


def test_cross_correlogram_by_hand():
    lags, C = measure.cross_correlogram([10.0], [12.0, 15.0, 30.0], bin=1.0, max_lag=5.0)
    np.testing.assert_allclose(lags, np.arange(-5.0, 6.0))
    np.testing.assert_array_equal(C, [0] * 7 + [1, 0, 0, 1])
    a = 20.0 * np.arange(1, 50)
    lags, C = measure.cross_correlogram(a, a + 3.0, bin=1.0, max_lag=10.0)
    assert lags[np.argmax(C)] == 3.0 and C.max() == 49 and C.sum() == 49
    lags, C = measure.cross_correlogram([a, a], [a + 3.0, a - 2.0], bin=1.0, max_lag=10.0)
    assert C[lags == 3.0] == 49 and C[lags == -2.0] == 49


def test_normalised_cross_correlogram_of_independent_trains_is_the_rate():
    rng = np.random.default_rng(2)
    a = np.sort(rng.uniform(0, 100000.0, 2000))          # 20 Hz
    b = np.sort(rng.uniform(0, 100000.0, 5000))          # 50 Hz
    lags, rate = measure.cross_correlogram(a, b, bin=5.0, max_lag=100.0, normalize=True)
    assert abs(rate.mean() - 50.0) < 2.0


# -- distances between spike trains -------------------------------------------------------------

def test_spike_time_error_nearest_neighbours_and_counts():
    e = measure.spike_time_error([1.1, 5.0, 9.8], [1.0, 5.0, 10.0])
    assert e.max_error == pytest.approx(0.2) and e.mean_error == pytest.approx(0.1)
    assert e.same_count and (e.count, e.count_reference) == (3, 3)
    extra = measure.spike_time_error([1.0, 5.0, 7.0, 10.0], [1.0, 5.0, 10.0])
    assert extra.max_error == pytest.approx(2.0) and not extra.same_count
    assert extra.mean_error == 0.0                    # every reference spike has its partner
    assert measure.spike_time_error([], []).max_error == 0.0
    assert measure.spike_time_error([], [3.0]).max_error == math.inf
    assert "3 spikes (reference 3)" in str(e)


def test_spike_time_error_in_order_is_the_drift():
    # a run 8 % slow that loses the last spike: the k-th spike is 0.08 * r_k late
    reference = 10.0 * np.arange(1, 9)                 # 10, ..., 80 ms
    times = 1.08 * reference[:7]                       # 10.8, ..., 75.6 ms
    e = measure.spike_time_error(times, reference, pairing="order")
    assert e.max_error == pytest.approx(0.08 * 70) and e.mean_error == pytest.approx(0.08 * 40)
    assert (e.count, e.count_reference, e.pairing) == (7, 8, "order")
    assert "k-th spike against the k-th" in str(e)
    # nearest neighbours pair the late spikes with the next reference spike:
    # 64.8 ms with 60, 75.6 with 80, and reference 70 with 64.8 (5.2 ms)
    assert measure.spike_time_error(times, reference).max_error == pytest.approx(5.2)
    assert measure.spike_time_error([], [], pairing="order").max_error == 0.0
    assert measure.spike_time_error([1.0], [], pairing="order").max_error == math.inf
    with pytest.raises(ValueError, match="pairing"):
        measure.spike_time_error(times, reference, pairing="index")


def _filtered(train, t, tau):
    return sum(np.where(t >= s, np.exp(-(t - s) / tau), 0.0) for s in train)


def test_van_rossum_closed_forms_and_numerical_integral():
    tau = 10.0
    assert measure.van_rossum_distance([5.0], [], tau) == pytest.approx(math.sqrt(0.5))
    assert measure.van_rossum_distance([5.0], [9.0], tau) == pytest.approx(
        math.sqrt(1 - math.exp(-0.4)))
    assert measure.van_rossum_distance([1.0, 7.0], [1.0, 7.0], tau) == 0.0
    a, b = [3.0, 11.0, 12.5, 40.0], [4.0, 20.0, 41.0]
    t = np.arange(0.0, 400.0, 0.001)
    integral = np.sum((_filtered(a, t, tau) - _filtered(b, t, tau)) ** 2) * 0.001 / tau
    assert measure.van_rossum_distance(a, b, tau) == pytest.approx(math.sqrt(integral),
                                                                   rel=1e-3)
    # channels: squared distances add up
    both = measure.van_rossum_distance([a, [5.0]], [b, []], tau)
    assert both == pytest.approx(math.sqrt(integral + 0.5), rel=1e-3)


def _vp_brute_force(a, b, q):
    """min over all partial matchings: q |a_i - b_j| per matched pair, 1 per unmatched spike."""
    best = len(a) + len(b)
    for k in range(1, min(len(a), len(b)) + 1):
        for ia in itertools.combinations(range(len(a)), k):
            for ib in itertools.permutations(range(len(b)), k):
                cost = sum(q * abs(a[i] - b[j]) for i, j in zip(ia, ib))
                best = min(best, cost + len(a) + len(b) - 2 * k)
    return best


def test_victor_purpura_limits_and_brute_force():
    assert measure.victor_purpura_distance([1.0, 2.0, 3.0], [10.0], 0.0) == 2.0
    assert measure.victor_purpura_distance([5.0], [8.0], 0.5) == 1.5       # q * 3 ms
    assert measure.victor_purpura_distance([5.0], [8.0], 1.0) == 2.0       # delete + insert
    assert measure.victor_purpura_distance([1.0, 4.0], [1.0, 9.0], 100.0) == 2.0
    rng = np.random.default_rng(3)
    for _ in range(10):
        a = np.sort(rng.uniform(0, 20, rng.integers(0, 5))).tolist()
        b = np.sort(rng.uniform(0, 20, rng.integers(0, 5))).tolist()
        q = float(rng.choice([0.05, 0.3, 1.0]))
        assert measure.victor_purpura_distance(a, b, q) == pytest.approx(
            _vp_brute_force(a, b, q)), (a, b, q)
    assert measure.victor_purpura_distance([[5.0], [1.0]], [[8.0], []], 0.5) == 2.5


# -- firing patterns -------------------------------------------------------------------------------

def test_firing_pattern_lives_in_measure_and_the_widget_keeps_its_name():
    import importlib
    from braindyn.widgets import firing_pattern
    neuron_explorer = importlib.import_module("braindyn.widgets.neuron_explorer")
    assert firing_pattern is measure.firing_pattern is neuron_explorer.firing_pattern
    assert measure.firing_pattern([]) == "silent"
    assert measure.firing_pattern([10.0, 20.0]) == "few spikes"
    assert measure.firing_pattern(10.0 * np.arange(10)) == "regular"
    assert measure.firing_pattern(np.cumsum([10, 12, 15, 18, 22, 27])) == "adapting"
    bursts = np.concatenate([b + np.array([0.0, 2.0, 4.0]) for b in (0.0, 50.0, 100.0)])
    assert measure.firing_pattern(bursts) == "bursting"
    assert measure.firing_pattern([0.0, 2.0, 4.0, 30.0, 56.0, 82.0]) == "initial burst"


# -- the population-rate monitor ---------------------------------------------------------------------

CURRENTS = np.linspace(2.5, 6.0, 8)     # nA: the LIF group fires at 8 different rates


@pytest.mark.parametrize("backend_name", ["numpy", "jax"])
def test_rate_monitor_is_the_population_rate_of_the_spike_record(backend_name):
    bm.use_backend(backend_name)
    rates = []
    for jit in (False, True):
        group = models.LIF(8, monitors=["spike", "rate"])
        group.run(20.0, inputs=("input", CURRENTS), dt=0.1, jit=jit)
        assert group.mon.rate.shape == (200,)
        np.testing.assert_array_equal(group.mon.rate,
                                      group.mon.spike.sum(axis=1) / 8 / (0.1 / 1000))
        rates.append(group.mon.rate)
    np.testing.assert_array_equal(rates[0], rates[1])
    assert rates[0].sum() > 0
    np.testing.assert_allclose(rates[0], measure.population_rate(group.mon.spike, 0.1))
    bm.use_backend("numpy")
    alone = models.LIF(8, monitors=["rate"])       # the rate without the spike record
    alone.run(20.0, inputs=("input", CURRENTS), dt=0.1, jit=False)
    assert alone.mon.keys() == ["rate"]
    np.testing.assert_array_equal(alone.mon.rate, rates[0])


def test_rate_monitor_of_a_network_member():
    pre = models.LIF(8, name="P")
    net = bp.Network(pre)
    net.run(20.0, inputs=("P.input", CURRENTS), monitors=["P.rate", "P.spike"], dt=0.1,
            jit=False)
    np.testing.assert_array_equal(net.mon["P.rate"], pre.mon.rate)
    np.testing.assert_allclose(net.mon["P.rate"],
                               measure.population_rate(net.mon["P.spike"], 0.1))
