"""The COBA E/I network (Vogels & Abbott 2005; benchmark 1 of Brette et al. 2007):
braindyn's ``EINet(mode='COBA')`` vs hand-written loops and, when installed,
Brian2 and BrainPy (issue: benchmark the COBA network against Brian2 and BrainPy).

Workload, the same in every simulator: 4000 LIF neurons (3200 E, 800 I), each
ordered pair connected with probability 0.02 (about 320,000 synapses)::

    tau_m dV/dt = (E_L - V) + g_E (E_E - V) + g_I (E_I - V) + I_bg
    dg_E/dt = -g_E / tau_E,   dg_I/dt = -g_I / tau_I,   g -> g + w at each spike

tau_m = 20 ms, E_L = V_reset = -60 mV, V_th = -50 mV, refractory 5 ms,
tau_E = 5 ms, tau_I = 10 ms, E_E = 0 mV, E_I = -80 mV, g in units of the leak
conductance (w_E = 0.6, w_I = 6.7: 6 nS and 67 nS for g_L = 10 nS), constant
drive I_bg = 20 mV (BrainPy's version of the benchmark), V(0) uniform in
[V_reset, V_th).  Exponential Euler, dt = 0.1 ms, 1 s of simulated time
(10,000 steps), spikes of all neurons recorded.

For each simulator: the first run (building the network and compiling
included), the median of 3 re-runs, the CPU time of those re-runs, and the
mean firing rate as a check that all run the same model (about 20 Hz).

* braindyn ``EINet`` on the NumPy backend (Numba, one thread: see THREADS) and
  on the JAX backend; re-runs continue the same network.
* hand-written baselines on the same connections and initial potentials: a
  Numba loop with event-driven delivery, and a ``jax.lax.scan`` that sums
  synaptic input with a scatter-add (braindyn's JAX method, written by hand).
* Brian2 (runtime mode, Cython) and BrainPy (JAX, brainevent's sparse event
  kernels) in their own environments (``make peers``) through
  ``benchmarks/peers/peer_*_coba.py``; a missing peer is reported as such.

    python benchmarks/bench_coba.py [--quick]     (--quick: 200 ms instead of 1 s)
    python benchmarks/bench_coba.py --sizes       (scaling: 1k, 4k, 16k neurons)

Prints a table, then each target of the networks issue with its ratio and
"met" or "NOT met", and writes benchmarks/results/coba.json.  Targets (ratios
of re-run times measured in this run): braindyn's NumPy backend within 2x of
the hand-written event-driven loop (that ratio from 7 re-runs of each taken in
turn, ``interleaved_ratio``) and ahead of Brian2 and BrainPy, its first
run (empty disk cache) ahead of BrainPy's first run; the JAX backend within
1.2x of the hand-written scan (from 5 re-runs of each taken in turn).

``--sizes``: the same network at 1000, 4000 and 16,000 neurons with 80
synapses per neuron (prob = 80 / N), braindyn's NumPy backend against the
hand-written loop on the same connections; the time of each grows with N, and
braindyn's must grow no faster than the hand-written loop's: the ratio of the two,
from runs taken in turn at each size, may grow at most 1.1x from 1000 to 16,000.
"""
from __future__ import annotations

import math
import pathlib
import statistics
import sys
import time

import numba
import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import braindyn.math as bm  # noqa: E402
from braindyn.models import networks  # noqa: E402
from common import empty_cache, load_average, machine, ratio_in_turn, run_peer, save, timed  # noqa: E402

DT = 0.1            # ms
REPEATS = 5
SIZES = (1000, 4000, 16000)
SYNAPSES_PER_NEURON = 80
# Numba threads for braindyn's NumPy backend.  Its per-neuron loops over the
# 3200 E neurons run in parallel (prange) by default; on a small machine shared
# with other jobs each of the ~40,000 parallel loops of a 1 s run waits for a
# descheduled thread, which made a run about 30x slower than on one thread on
# 2 shared cores (the test of EINet does the same).
THREADS = 1
N_E, N_I = networks.EI_NUM_EXC, networks.EI_NUM_INH
# the model's constants, as plain floats Numba freezes into the hand-written loop
TAU_M, TAU_E, TAU_I = networks.EI_TAU_M, networks.EI_TAU_E, networks.EI_TAU_I
V_TH, V_RESET, T_REF = networks.EI_V_TH, networks.EI_V_RESET, networks.EI_T_REF
E_L, E_E, E_I, W_E, W_I, I_BG = (networks.COBA[k] for k in
                                 ("E_L", "E_E", "E_I", "w_E", "w_I", "I_bg"))
RATE_TOLERANCE = 0.25       # a rate this far (relative) from braindyn's: a different model


def spike_rate(spikes: np.ndarray, duration: float) -> float:
    """Mean firing rate (Hz) from a (steps, neurons) spike record over duration (ms)."""
    return float(np.sum(spikes)) / spikes.shape[1] / (duration / 1000.0)


def braindyn_case(backend: str, duration: float, runs: list | None = None) -> dict:
    """runs: where to put the re-run itself (for runs taken in turn)."""
    bm.use_backend(backend)
    state = {}

    def first():
        net = networks.EINet(mode="COBA", seed=0, monitors=["E.spike", "I.spike"])
        net.run(duration, inputs=net.background, dt=DT)
        state["net"] = net

    def again():
        net = state["net"]
        net.run(duration, inputs=net.background, dt=DT)

    empty_cache()
    row = measure(first, again)
    net = state["net"]       # the rate of the last run (read outside the timing)
    spikes = np.hstack([np.asarray(getattr(net.mon, "E.spike")),
                        np.asarray(getattr(net.mon, "I.spike"))])
    state["rates"] = [spike_rate(spikes, duration)]
    bm.use_backend("numpy")
    if runs is not None:
        runs.append(lambda: bm.use_backend(backend) or again())
    return {**row, "rate_hz": statistics.mean(state["rates"])}


def measure(first, again) -> dict:
    """First call of first(), then the medians of REPEATS calls of again()."""
    first_s = timed(first)[0]
    runs = [timed(again) for _ in range(REPEATS)]
    return {"first_s": first_s, "rerun_s": statistics.median(w for w, _ in runs),
            "rerun_cpu_s": statistics.median(c for _, c in runs)}


def connections(net=None):
    """The connections and initial potentials of EINet(seed=0) (or of net), as one
    population of n_E + n_I neurons: CSR arrays (indptr over pre neurons, post ids)
    of the excitatory and of the inhibitory synapses, and V(0)."""
    bm.use_backend("numpy")
    net = net or networks.EINet(mode="COBA", seed=0)
    n_e, n_i = net.E.num, net.I.num
    pre, post = [], []
    for name, pre_offset, post_offset in (("E2E", 0, 0), ("E2I", 0, n_e),
                                          ("I2E", n_e, 0), ("I2I", n_e, n_e)):
        syn = getattr(net, name)
        pre.append(np.asarray(syn.pre_ids) + pre_offset)
        post.append(np.asarray(syn.post_ids) + post_offset)
    pre, post = np.concatenate(pre), np.concatenate(post)
    order = np.argsort(pre, kind="stable")
    pre, post = pre[order], post[order]
    indptr = np.searchsorted(pre, np.arange(n_e + n_i + 1))
    V0 = np.concatenate([np.asarray(net.E.V), np.asarray(net.I.V)])
    return pre, post, indptr, V0


@numba.njit(fastmath=False)
def _coba_numba(n_steps, dt, n_exc, indptr, post, V, g_E, g_I, t_last, spike, out):
    # exact decay of the conductances and exponential-Euler factor of the leak
    decay_E, decay_I = math.exp(-dt / TAU_E), math.exp(-dt / TAU_I)
    leak = math.exp(-dt / TAU_M)
    n = V.shape[0]
    for s in range(n_steps):
        t = s * dt
        # synapses first: spikes flagged at the end of the last step arrive now
        for j in range(n):
            g_E[j] *= decay_E
            g_I[j] *= decay_I
        for i in range(n):
            if spike[i]:
                if i < n_exc:
                    for k in range(indptr[i], indptr[i + 1]):
                        g_E[post[k]] += W_E
                else:
                    for k in range(indptr[i], indptr[i + 1]):
                        g_I[post[k]] += W_I
        # neurons: exponential Euler with the synaptic current held over the step
        for j in range(n):
            elapsed = t - t_last[j]
            refractory = elapsed > -0.5 * dt and elapsed < T_REF - 0.5 * dt
            v = V[j]
            if not refractory:
                I = g_E[j] * (E_E - v) + g_I[j] * (E_I - v) + I_BG
                v = E_L + I + (v - E_L - I) * leak
            spike[j] = v >= V_TH
            if spike[j]:
                t_last[j] = t + dt
                v = V_RESET
            V[j] = v
            out[s, j] = spike[j]


def hand_numba(duration: float, net=None, runs: list | None = None) -> dict:
    """runs: where to put the run itself (for runs taken in turn)."""
    pre, post, indptr, V0 = connections(net)
    n_exc = N_E if net is None else net.E.num
    n_steps, n = int(round(duration / DT)), V0.shape[0]
    rates = []

    def run():
        out = np.zeros((n_steps, n), dtype=np.bool_)
        _coba_numba(n_steps, DT, n_exc, indptr, post, V0.copy(), np.zeros(n), np.zeros(n),
                    np.full(n, -1e7), np.zeros(n, dtype=np.bool_), out)
        rates[:] = [out]
    row = measure(run, run)
    if runs is not None:
        runs.append(run)
    return {**row, "rate_hz": spike_rate(rates[-1], duration)}   # read outside the timing


def interleaved_ratio(duration: float, pairs: int = 7) -> float:
    """braindyn's NumPy re-run over the hand-written loop's, the two run in turn
    (common.ratio_in_turn)."""
    bm.use_backend("numpy")
    net = networks.EINet(mode="COBA", seed=0, monitors=["E.spike", "I.spike"])
    net.run(duration, inputs=net.background, dt=DT)       # compiled (or from the cache)
    pre, post, indptr, V0 = connections()
    n_steps, n = int(round(duration / DT)), V0.shape[0]

    def hand():
        out = np.zeros((n_steps, n), dtype=np.bool_)
        _coba_numba(n_steps, DT, N_E, indptr, post, V0.copy(), np.zeros(n), np.zeros(n),
                    np.full(n, -1e7), np.zeros(n, dtype=np.bool_), out)
    hand()
    return ratio_in_turn(lambda: net.run(duration, inputs=net.background, dt=DT), hand, pairs)


def hand_jax(duration: float, runs: list | None = None) -> dict:
    import jax
    import jax.numpy as jnp
    bm.use_backend("jax")  # x64, as braindyn's JAX backend
    pre, post, indptr, V0 = connections()
    n_steps, n = int(round(duration / DT)), N_E + N_I
    exc = pre < N_E
    pre_E, post_E = jnp.asarray(pre[exc]), jnp.asarray(post[exc])
    pre_I, post_I = jnp.asarray(pre[~exc]), jnp.asarray(post[~exc])
    decay_E, decay_I = math.exp(-DT / TAU_E), math.exp(-DT / TAU_I)
    leak = math.exp(-DT / TAU_M)

    def step(carry, t):
        V, g_E, g_I, t_last, spike = carry
        s = spike.astype(V.dtype)
        g_E = g_E * decay_E + W_E * jnp.zeros(n).at[post_E].add(s[pre_E])
        g_I = g_I * decay_I + W_I * jnp.zeros(n).at[post_I].add(s[pre_I])
        elapsed = t - t_last
        refractory = (elapsed > -0.5 * DT) & (elapsed < T_REF - 0.5 * DT)
        I = g_E * (E_E - V) + g_I * (E_I - V) + I_BG
        V_new = jnp.where(refractory, V, E_L + I + (V - E_L - I) * leak)
        spike = V_new >= V_TH
        t_last = jnp.where(spike, t + DT, t_last)
        V = jnp.where(spike, V_RESET, V_new)
        return (V, g_E, g_I, t_last, spike), spike

    @jax.jit
    def simulate(V0):
        carry = (V0, jnp.zeros(n), jnp.zeros(n), jnp.full(n, -1e7), jnp.zeros(n, bool))
        return jax.lax.scan(step, carry, jnp.arange(n_steps) * DT)[1]

    V0 = jnp.asarray(V0)
    rates = []

    def run():
        rates.append(spike_rate(np.asarray(simulate(V0).block_until_ready()), duration))
    row = measure(run, run)
    bm.use_backend("numpy")
    if runs is not None:
        runs.append(lambda: bm.use_backend("jax") or run())
    return {**row, "rate_hz": statistics.mean(rates[1:])}


def peer(name: str, duration: float) -> dict:
    return run_peer(name, HERE / "peers" / f"peer_{name}_coba.py", [str(duration), str(REPEATS)],
                    timeout=600)


def verdict(name: str, value: float, limit: float) -> str:
    """One target line: value against limit (smaller is better)."""
    return f"  {name:<58}{value:>7.2f} (<= {limit:g}): " + ("met" if value <= limit else "NOT met")


def targets(rows: list, interleaved: float | None = None,
            jax_interleaved: float | None = None) -> list:
    by = {r["who"]: r for r in rows if "rerun_s" in r}
    lines = []
    bd, bj = by.get("braindyn (numpy)"), by.get("braindyn (jax)")
    hand, scan = by.get("hand-written Numba loop"), by.get("hand-written JAX scan")
    if interleaved is not None:
        lines.append(verdict("NumPy re-run / hand-written event-driven loop (in turn)",
                             interleaved, 2.0))
    for peer_name in ("brian2", "brainpy"):
        if bd and peer_name in by:
            lines.append(verdict(f"NumPy re-run / {peer_name} re-run",
                                 bd["rerun_s"] / by[peer_name]["rerun_s"], 1.0))
    if bd and "brainpy" in by:
        lines.append(verdict("NumPy first run (empty cache) / brainpy first run",
                             bd["first_s"] / by["brainpy"]["first_s"], 1.0))
    if jax_interleaved is not None:
        lines.append(verdict("JAX re-run / hand-written JAX scan (in turn)",
                             jax_interleaved, 1.2))
    elif bj and scan:
        lines.append(verdict("JAX re-run / hand-written JAX scan",
                             bj["rerun_s"] / scan["rerun_s"], 1.2))
    return lines


def sizes(duration: float) -> None:
    """braindyn and the hand-written loop at SIZES neurons, SYNAPSES_PER_NEURON each."""
    threads = numba.get_num_threads()
    numba.set_num_threads(THREADS)
    bm.use_backend("numpy")
    rows = []
    try:
        for n in SIZES:
            n_e = int(round(0.8 * n))
            net = networks.EINet(num_exc=n_e, num_inh=n - n_e, mode="COBA", seed=0,
                                 prob=SYNAPSES_PER_NEURON / n,
                                 monitors=["E.spike", "I.spike"])
            hand_run: list = []
            hand = hand_numba(duration, net, hand_run)
            net.run(duration, inputs=net.background, dt=DT)      # compile (cached)
            runs = [timed(lambda: net.run(duration, inputs=net.background, dt=DT))
                    for _ in range(REPEATS)]
            # the ratio from runs taken in turn: medians taken a minute apart moved the
            # growth ratio 1.07-1.12 between two runs of this script
            in_turn = ratio_in_turn(lambda: net.run(duration, inputs=net.background, dt=DT),
                                    hand_run[0], 7)
            rows.append({"neurons": n, "synapses": int(net.E2E.pre_ids.shape[0] +
                                                        net.E2I.pre_ids.shape[0] +
                                                        net.I2E.pre_ids.shape[0] +
                                                        net.I2I.pre_ids.shape[0]),
                         "braindyn_s": statistics.median(w for w, _ in runs),
                         "hand_s": hand["rerun_s"], "ratio_in_turn": in_turn})
    finally:
        numba.set_num_threads(threads)
    print(f"COBA at {SYNAPSES_PER_NEURON} synapses per neuron, {duration:.0f} ms, dt = {DT} ms, "
          f"NumPy backend on {THREADS} thread(s); {machine()}; load average {load_average():.1f}")
    print(f"{'neurons':>8}{'synapses':>11}{'braindyn':>11}{'hand loop':>11}{'ratio':>8}"
          f"{'in turn':>9}")
    for r in rows:
        print(f"{r['neurons']:>8}{r['synapses']:>11}{r['braindyn_s']:>10.3f}s"
              f"{r['hand_s']:>10.3f}s{r['braindyn_s'] / r['hand_s']:>7.2f}x"
              f"{r['ratio_in_turn']:>8.2f}x")
    first, last = rows[0], rows[-1]
    growth_bd = last["braindyn_s"] / first["braindyn_s"]
    growth_hand = last["hand_s"] / first["hand_s"]
    print(f"growth from {first['neurons']} to {last['neurons']} neurons (medians): braindyn "
          f"{growth_bd:.1f}x, hand-written loop {growth_hand:.1f}x")
    # braindyn's growth over the loop's = how the ratio (in turn) moves from first to last
    print(verdict("braindyn's growth / the hand-written loop's growth (in turn)",
                  last["ratio_in_turn"] / first["ratio_in_turn"], 1.1))
    print("written to", save("coba_sizes", {"duration_ms": duration, "dt_ms": DT,
                                            "numba_threads": THREADS, "rows": rows}))


def main():
    if "--sizes" in sys.argv:
        sizes(500.0)
        return
    quick = "--quick" in sys.argv
    duration = 200.0 if quick else 1000.0
    load_before = load_average()
    t_start = time.perf_counter()
    threads = numba.get_num_threads()
    numba.set_num_threads(THREADS)
    try:
        # the NumPy cases first, before JAX has started its threads and taken memory
        numpy_row = {"who": "braindyn (numpy)", **braindyn_case("numpy", duration)}
        hand_row = {"who": "hand-written Numba loop", **hand_numba(duration)}
        in_turn = interleaved_ratio(duration)
        jax_runs: list = []
        rows = [numpy_row, {"who": "braindyn (jax)", **braindyn_case("jax", duration, jax_runs)},
                hand_row]
    finally:
        numba.set_num_threads(threads)
    rows.append({"who": "hand-written JAX scan", **hand_jax(duration, jax_runs)})
    # as for NumPy: medians taken a minute apart moved the JAX ratio 1.16-1.25
    jax_in_turn = ratio_in_turn(*jax_runs, 5)
    bm.use_backend("numpy")
    for name in ("brian2", "brainpy"):
        rows.append({"who": name, **peer(name, duration)})
    total = time.perf_counter() - t_start

    base = {r["who"]: r["rerun_s"] for r in rows if r["who"].startswith("braindyn")}
    rate0 = rows[0]["rate_hz"]
    print(f"COBA E/I network, {N_E + N_I} LIF neurons, dt = {DT} ms, {duration:.0f} ms "
          f"({int(round(duration / DT))} steps); {machine()}")
    print(f"braindyn's NumPy backend on {THREADS} Numba thread(s); load average "
          f"{load_before:.1f} before, {load_average():.1f} after; total {total:.0f} s")
    print(f"{'who':<26}{'first run':>11}{'re-run':>10}{'(CPU)':>9}{'rate':>9}"
          f"{'/ bd numpy':>12}{'/ bd jax':>10}")
    warnings = []
    for r in rows:
        if "rerun_s" not in r:
            print(f"{r['who']:<26}  {r.get('note')}")
            continue
        ratios = [r["rerun_s"] / base[k] for k in ("braindyn (numpy)", "braindyn (jax)")]
        print(f"{r['who']:<26}{r['first_s']:>10.2f}s{r['rerun_s']:>9.2f}s"
              f"{r['rerun_cpu_s']:>8.2f}s{r['rate_hz']:>6.1f} Hz{ratios[0]:>11.2f}x"
              f"{ratios[1]:>9.2f}x" + (f"  ({r['note']})" if r.get("note") else ""))
        if abs(r["rate_hz"] - rate0) > RATE_TOLERANCE * rate0:
            warnings.append(f"WARNING: {r['who']} fires at {r['rate_hz']:.1f} Hz, braindyn at "
                            f"{rate0:.1f} Hz: the models differ (check the weights, the drive, "
                            f"the synapse output g (E - V) and the update order)")
    print("\n".join(warnings))
    print("targets (issue: networks as fast as hand-written code):")
    print("\n".join(targets(rows, in_turn, jax_in_turn)))
    import jax
    versions = {"numpy": np.__version__, "numba": numba.__version__, "jax": jax.__version__}
    print("written to", save("coba" + ("_quick" if quick else ""),
                             {"versions": versions, "duration_ms": duration, "dt_ms": DT, "numba_threads": THREADS,
                              "load_average": [load_before, load_average()],
                              "numpy_over_hand_in_turn": in_turn,
                              "jax_over_scan_in_turn": jax_in_turn,
                              "total_s": total, "rows": rows}))


if __name__ == "__main__":
    main()
