"""odeint inside compiled code vs the same loop written by hand (issue: library core).

One RK4 step of the slides' HH model, 10,000 steps (100 ms at dt = 0.01), run as
``bm.for_loop(body, n, init)`` whose body calls an ``odeint`` integral, against the
same loop with RK4 and the HH equations written out by hand (the slides' equations,
``m ** 3.0`` included): a Numba loop on the NumPy backend, a ``jax.lax.fori_loop``
over the stacked state under ``jax.jit`` on the JAX backend.  Prints the
ratios (target: within 1.5x) and writes benchmarks/results/odeint.json.

    python benchmarks/bench_odeint.py
"""
from __future__ import annotations

import math

import numba
import numpy as np

import braindyn as bp
import braindyn.math as bm
from braindyn.models import hh_derivatives, hodgkin_huxley
from common import machine, median_time, save

N_STEPS, DT, I_EXT = 10_000, 0.01, 10.0
INIT = tuple(float(x) for x in hodgkin_huxley.INITIAL_STATE)


def hand_numba():
    @numba.njit
    def deriv(V, m, h, n, I):
        am = 0.1 * (V + 40) / (1 - math.exp(-(V + 40) / 10))
        bm_ = 4.0 * math.exp(-(V + 65) / 18)
        ah = 0.07 * math.exp(-(V + 65) / 20.)
        bh = 1 / (1 + math.exp(-(V + 35) / 10))
        an = 0.01 * (V + 55) / (1 - math.exp(-(V + 55) / 10))
        bn = 0.125 * math.exp(-(V + 65) / 80)
        dV = (-120.0 * m ** 3.0 * h * (V - 50.0) - 36.0 * n ** 4.0 * (V + 77.0)
              - 0.03 * (V + 54.387) + I) / 1.0
        return dV, am * (1 - m) - bm_ * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n

    @numba.njit
    def loop(n_steps, V, m, h, n, dt, I):
        for _ in range(n_steps):
            a = deriv(V, m, h, n, I)
            b = deriv(V + dt / 2 * a[0], m + dt / 2 * a[1], h + dt / 2 * a[2], n + dt / 2 * a[3], I)
            c = deriv(V + dt / 2 * b[0], m + dt / 2 * b[1], h + dt / 2 * b[2], n + dt / 2 * b[3], I)
            d = deriv(V + dt * c[0], m + dt * c[1], h + dt * c[2], n + dt * c[3], I)
            V += dt / 6 * (a[0] + 2 * b[0] + 2 * c[0] + d[0])
            m += dt / 6 * (a[1] + 2 * b[1] + 2 * c[1] + d[1])
            h += dt / 6 * (a[2] + 2 * b[2] + 2 * c[2] + d[2])
            n += dt / 6 * (a[3] + 2 * b[3] + 2 * c[3] + d[3])
        return V, m, h, n
    return lambda: loop(N_STEPS, *INIT, DT, I_EXT)


def hand_jax():
    import jax
    import jax.numpy as jnp

    def deriv(y, I):
        V, m, h, n = y
        am = 0.1 * (V + 40) / (1 - jnp.exp(-(V + 40) / 10))
        bm_ = 4.0 * jnp.exp(-(V + 65) / 18)
        ah = 0.07 * jnp.exp(-(V + 65) / 20.)
        bh = 1 / (1 + jnp.exp(-(V + 35) / 10))
        an = 0.01 * (V + 55) / (1 - jnp.exp(-(V + 55) / 10))
        bn = 0.125 * jnp.exp(-(V + 65) / 80)
        dV = -120.0 * m ** 3.0 * h * (V - 50.0) - 36.0 * n ** 4.0 * (V + 77.0) - 0.03 * (V + 54.387) + I
        return jnp.stack([dV, am * (1 - m) - bm_ * m, ah * (1 - h) - bh * h,
                          an * (1 - n) - bn * n])

    @jax.jit
    def loop(y, dt, I):
        def body(i, y):
            a = deriv(y, I)
            b = deriv(y + dt / 2 * a, I)
            c = deriv(y + dt / 2 * b, I)
            d = deriv(y + dt * c, I)
            return y + dt / 6 * (a + 2 * b + 2 * c + d)
        return jax.lax.fori_loop(0, N_STEPS, body, y)
    y0 = jnp.asarray(INIT)
    return lambda: loop(y0, DT, I_EXT).block_until_ready()


def with_odeint(backend: str):
    bm.use_backend(backend)
    integral = bp.odeint(hh_derivatives, method="rk4")

    def body(i, state):
        V, m, h, n = state
        return integral(V, m, h, n, i * DT, I_EXT, dt=DT)

    def run():
        out = bm.for_loop(body, N_STEPS, INIT)
        if backend == "jax":
            out[0].block_until_ready()
        return out
    return run


def main():
    rows = {}
    for backend, hand in (("numpy", hand_numba), ("jax", hand_jax)):
        h = hand()
        h()  # compile
        b = with_odeint(backend)
        b()  # compile
        t_hand, t_bd = median_time(h, 15), median_time(b, 15)
        rows[backend] = {"hand_written_s": t_hand, "braindyn_s": t_bd, "ratio": t_bd / t_hand}
        bm.use_backend("numpy")
    print(f"RK4 HH loop, {N_STEPS} steps, on {machine()}")
    print(f"{'backend':<8}{'hand-written':>14}{'odeint+for_loop':>18}{'ratio':>8}  target <= 1.5")
    for backend, r in rows.items():
        print(f"{backend:<8}{r['hand_written_s'] * 1e3:>11.2f} ms{r['braindyn_s'] * 1e3:>15.2f} ms"
              f"{r['ratio']:>8.2f}")
    print("written to", save("odeint", rows))


if __name__ == "__main__":
    main()
