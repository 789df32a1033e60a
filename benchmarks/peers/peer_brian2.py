"""Brian2 peer for bench_hh.py: the slides' HH, RK4, dt = 0.01 ms, 100 ms.
Run inside .envs/brian2 (``make peers``); prints one JSON line."""
import json
import sys
import time

from brian2 import NeuronGroup, StateMonitor, defaultclock, ms, prefs, run, start_scope

N = int(sys.argv[1])
prefs.codegen.target = "cython"
eqs = """
dV/dt = (-120*m**3*h*(V - 50) - 36*n**4*(V + 77) - 0.03*(V + 54.387) + I) / ms : 1
dm/dt = (0.1*(V + 40)/(1 - exp(-(V + 40)/10))*(1 - m) - 4*exp(-(V + 65)/18)*m) / ms : 1
dh/dt = (0.07*exp(-(V + 65)/20)*(1 - h) - 1/(1 + exp(-(V + 35)/10))*h) / ms : 1
dn/dt = (0.01*(V + 55)/(1 - exp(-(V + 55)/10))*(1 - n) - 0.125*exp(-(V + 65)/80)*n) / ms : 1
I : 1
"""


def once():
    start_scope()
    defaultclock.dt = 0.01 * ms
    g = NeuronGroup(N, eqs, method="rk4")
    g.V, g.m, g.h, g.n, g.I = -65, 0.5, 0.6, 0.32, 10
    mon = StateMonitor(g, "V", record=[0])
    run(100 * ms)
    return mon


t0 = time.perf_counter()
once()
first = time.perf_counter() - t0
times = []
for _ in range(3 if N > 1 else 5):
    t0 = time.perf_counter()
    once()
    times.append(time.perf_counter() - t0)
times.sort()
print(json.dumps({"first_s": first, "rerun_s": times[len(times) // 2]}))
