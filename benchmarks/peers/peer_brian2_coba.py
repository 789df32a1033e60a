"""Brian2 peer for bench_coba.py: the COBA E/I network of Vogels & Abbott (2005).

The same model as ``braindyn.models.EINet(mode='COBA')`` (see bench_coba.py)::

    tau_m dV/dt = (E_L - V) + g_E (E_E - V) + g_I (E_I - V) + I_bg   (not while refractory)
    dg_E/dt = -g_E / tau_E,   dg_I/dt = -g_I / tau_I,   g -> g + w at each arriving spike

g in units of the leak conductance (w_E = 0.6, w_I = 6.7: 6 nS and 67 nS for
g_L = 10 nS, as in Brette et al. 2007's Brian script), I_bg = 20 mV.

Run inside .envs/brian2 (``make peers``)::

    python peer_brian2_coba.py DURATION_MS REPEATS

prints one JSON line: first run (network building, code generation and Cython
compilation included), median re-run of the same network, mean firing rate.
"""
import json
import statistics
import sys
import time

import brian2
from brian2 import (Network, NeuronGroup, SpikeMonitor, Synapses, defaultclock, ms, mV,
                    prefs, seed)

DURATION, REPEATS = float(sys.argv[1]) * ms, int(sys.argv[2])
prefs.codegen.target = "cython"
defaultclock.dt = 0.1 * ms
seed(0)

N_E, N_I, PROB = 3200, 800, 0.02
tau_m, tau_E, tau_I = 20 * ms, 5 * ms, 10 * ms
E_L, E_E, E_I = -60 * mV, 0 * mV, -80 * mV
V_th, V_reset, t_ref = -50 * mV, -60 * mV, 5 * ms
w_E, w_I, I_bg = 0.6, 6.7, 20 * mV

eqs = """
dv/dt = ((E_L - v) + g_E*(E_E - v) + g_I*(E_I - v) + I_bg) / tau_m : volt (unless refractory)
dg_E/dt = -g_E / tau_E : 1
dg_I/dt = -g_I / tau_I : 1
"""


def build():
    P = NeuronGroup(N_E + N_I, eqs, threshold="v > V_th", reset="v = V_reset",
                    refractory=t_ref, method="exponential_euler")
    P.v = "V_reset + rand() * (V_th - V_reset)"      # as EINet: uniform in [V_reset, V_th)
    exc = Synapses(P[:N_E], P, on_pre="g_E += w_E")
    exc.connect(p=PROB)
    inh = Synapses(P[N_E:], P, on_pre="g_I += w_I")
    inh.connect(p=PROB)
    spikes = SpikeMonitor(P)
    return Network(P, exc, inh, spikes), spikes, len(exc) + len(inh)


t0 = time.perf_counter()
net, spikes, n_syn = build()
net.run(DURATION)
first = time.perf_counter() - t0
times, cpu, rates = [], [], []
for _ in range(REPEATS):
    before = spikes.num_spikes
    t0, c0 = time.perf_counter(), time.process_time()
    net.run(DURATION)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
    rates.append((spikes.num_spikes - before) / (N_E + N_I) / float(DURATION))
print(json.dumps({"first_s": first, "rerun_s": statistics.median(times),
                  "rerun_cpu_s": statistics.median(cpu),
                  "rate_hz": statistics.mean(rates), "synapses": n_syn,
                  "version": f"Brian2 {brian2.__version__} (Cython)"}))
