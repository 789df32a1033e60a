"""BrainPy peer for bench_coba.py: the COBA E/I network of Vogels & Abbott (2005).

The same model as ``braindyn.models.EINet(mode='COBA')`` (see bench_coba.py):
two LIF groups (3200 E, 800 I) with an absolute refractory period, four
projections E->E, E->I, I->E, I->I, each a fixed-probability (2 %) sparse
matrix with one weight (0.6 excitatory, 6.7 inhibitory, in units of the leak
conductance), exponential synapses (5 ms, 10 ms) and a conductance output
g (E - V) with E = 0 and -80 mV; constant drive I_bg = 20 mV.  Projections
update before the neurons, so a spike acts one step later, as in braindyn.

Run inside .envs/brainpy (``make peers``)::

    python peer_brainpy_coba.py DURATION_MS REPEATS

prints one JSON line: first run (network building and JAX compilation
included), median re-run of the same network, mean firing rate.
"""
import json
import statistics
import sys
import time

import brainevent.config
import brainpy as bp
import brainpy.math as bm
import numpy as np

try:    # brainevent's CPU kernels for event-driven sparse products are Numba code
    import numba  # noqa: F401
    KERNELS = "numba"
except ImportError:    # its pure-JAX fallback (slower); `make peers` installs numba
    brainevent.config.set_backend("cpu", "jax_raw")
    KERNELS = "jax_raw"

DURATION, REPEATS = float(sys.argv[1]), int(sys.argv[2])
bm.set_dt(0.1)
bm.enable_x64()          # braindyn's JAX backend runs in float64 too
bm.random.seed(0)

N_E, N_I, PROB = 3200, 800, 0.02
LIF = dict(V_rest=-60., V_th=-50., V_reset=-60., tau=20., tau_ref=5.,
           V_initializer=bp.init.Uniform(-60., -50.))
I_BG = 20.


class COBANet(bp.DynSysGroup):
    def __init__(self):
        super().__init__()
        self.E = bp.dyn.LifRef(N_E, **LIF)
        self.I = bp.dyn.LifRef(N_I, **LIF)

        def projection(pre, post, weight, tau, E_rev):
            return bp.dyn.ProjAlignPostMg2(
                pre=pre, delay=None,
                comm=bp.dnn.EventCSRLinear(bp.conn.FixedProb(PROB, pre=pre.num, post=post.num,
                                                             allow_multi_conn=False), weight),
                syn=bp.dyn.Expon.desc(post.num, tau=tau),
                out=bp.dyn.COBA.desc(E=E_rev), post=post)

        self.E2E = projection(self.E, self.E, 0.6, 5., 0.)
        self.E2I = projection(self.E, self.I, 0.6, 5., 0.)
        self.I2E = projection(self.I, self.E, 6.7, 10., -80.)
        self.I2I = projection(self.I, self.I, 6.7, 10., -80.)

    def update(self):
        self.E2E()
        self.E2I()
        self.I2E()
        self.I2I()
        self.E(I_BG)
        self.I(I_BG)


t0 = time.perf_counter()
net = COBANet()
runner = bp.DSRunner(net, monitors={"E": net.E.spike, "I": net.I.spike}, progress_bar=False)
runner.run(DURATION)
first = time.perf_counter() - t0
times, cpu, rates = [], [], []
for _ in range(REPEATS):
    t0, c0 = time.perf_counter(), time.process_time()
    runner.run(DURATION)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
    n_spikes = np.sum(np.asarray(runner.mon["E"])) + np.sum(np.asarray(runner.mon["I"]))
    rates.append(float(n_spikes) / (N_E + N_I) / (DURATION / 1000.))
print(json.dumps({"first_s": first, "rerun_s": statistics.median(times),
                  "rerun_cpu_s": statistics.median(cpu),
                  "rate_hz": statistics.mean(rates), "version": f"BrainPy {bp.__version__}",
                  "note": f"brainevent CPU kernels: {KERNELS}"}))
