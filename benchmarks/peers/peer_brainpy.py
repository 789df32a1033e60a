"""BrainPy peer for bench_hh.py: the slides' HH, RK4, dt = 0.01 ms, 100 ms.
Run inside .envs/brainpy (``make peers``); prints one JSON line."""
import json
import sys
import time

import brainpy as bp
import brainpy.math as bm

n = int(sys.argv[1])
bm.set_dt(0.01)
bm.enable_x64()


class HH(bp.dyn.NeuDyn):
    def __init__(self, size):
        super().__init__(size=size)
        self.V = bm.Variable(-65. * bm.ones(self.num))
        self.m = bm.Variable(0.5 * bm.ones(self.num))
        self.h = bm.Variable(0.6 * bm.ones(self.num))
        self.n = bm.Variable(0.32 * bm.ones(self.num))
        self.input = bm.Variable(bm.zeros(self.num))
        self.integral = bp.odeint(bp.JointEq(self.dV, self.dm, self.dh, self.dn), method="rk4")

    def dm(self, m, t, V):
        return 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10)) * (1 - m) - 4.0 * bm.exp(-(V + 65) / 18) * m

    def dh(self, h, t, V):
        return 0.07 * bm.exp(-(V + 65) / 20.) * (1 - h) - 1 / (1 + bm.exp(-(V + 35) / 10)) * h

    def dn(self, n, t, V):
        return 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10)) * (1 - n) - 0.125 * bm.exp(-(V + 65) / 80) * n

    def dV(self, V, t, m, h, n, Iext):
        return (-120. * m ** 3.0 * h * (V - 50.) - 36. * n ** 4.0 * (V + 77.)
                - 0.03 * (V + 54.387) + Iext)

    def update(self, x=None):
        t, dt = bp.share["t"], bp.share["dt"]
        V, m, h, n = self.integral(self.V, self.m, self.h, self.n, t, self.input, dt=dt)
        self.V.value, self.m.value, self.h.value, self.n.value = V, m, h, n
        self.input.value = bm.zeros_like(self.input)


hh = HH(n)
runner = bp.DSRunner(hh, monitors={"V": hh.V}, inputs=[("input", 10.)], progress_bar=False)
t0 = time.perf_counter()
runner.run(100.)
first = time.perf_counter() - t0
times = []
for _ in range(3 if n > 1 else 5):
    hh.V.value = -65. * bm.ones(n)
    t0 = time.perf_counter()
    runner.run(100.)
    times.append(time.perf_counter() - t0)
times.sort()
print(json.dumps({"first_s": first, "rerun_s": times[len(times) // 2]}))
