"""``bm.random``: one seeded random API on both backends.

NumPy backend: draws come from NumPy's global generator (the legacy
``numpy.random`` functions), which Numba-compiled code mirrors with its own
generator of the same algorithm; ``seed`` seeds both, so a compiled run and a
plain-Python run of the same seeded model draw the same numbers.

JAX backend: a PRNG key is kept in a ``bm.Variable`` (``DEFAULT_KEY``); every
draw splits it.  Because it is a Variable, compiled simulations and
``bm.jit`` thread it through the compiled code like any other state.
"""
from __future__ import annotations

import numpy as np

from . import backend
from .variable import Variable, unwrap

__all__ = ["seed", "rand", "randn", "random", "uniform", "normal", "randint", "choice",
           "permutation", "bernoulli", "poisson", "exponential"]

_seed_state = {"seed": None, "key": None}


def _key_variable() -> Variable:
    if _seed_state["key"] is None:
        import jax
        s = _seed_state["seed"]
        if s is None:
            s = int(np.random.randint(0, 2 ** 31 - 1))
        _seed_state["key"] = Variable(np.asarray(jax.random.PRNGKey(s)))
    return _seed_state["key"]


def __getattr__(name):
    if name == "DEFAULT_KEY":
        return _key_variable()
    raise AttributeError(f"braindyn.math.random has no function {name!r}; "
                         f"available: {', '.join(__all__)}")


def seed(seed: int) -> None:
    """Seed every random stream of braindyn (NumPy, Numba and JAX)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    _seed_state["seed"] = seed
    np.random.seed(seed)
    _seed_numba(seed)
    if _seed_state["key"] is not None or backend.get_backend() == "jax":
        import jax
        key = _key_variable()
        key.value = np.asarray(jax.random.PRNGKey(seed))


_numba_seeder = {"fn": None}


def _seed_numba(s: int) -> None:
    # Numba keeps its own generator; seed it only once Numba is in use.
    import sys
    if "numba" not in sys.modules:
        return
    if _numba_seeder["fn"] is None:
        import numba

        @numba.njit(cache=False)
        def _seed(x):
            np.random.seed(x)
        _numba_seeder["fn"] = _seed
    _numba_seeder["fn"](s)


def _next_key():
    import jax
    var = _key_variable()
    key, sub = jax.random.split(var.value)
    var.value = key
    return sub


def _shape(size):
    if size is None:
        return ()
    if isinstance(size, (int, np.integer)):
        return (int(size),)
    return tuple(int(s) for s in size)


def _float(x):
    dt = backend.get_dtype()
    if isinstance(x, np.ndarray) and x.dtype != dt:
        return x.astype(dt)
    return x


def _jax():
    return backend.get_backend() == "jax"


def random(size=None):
    """Uniform floats in [0, 1)."""
    if _jax():
        import jax
        return jax.random.uniform(_next_key(), _shape(size), dtype=backend.get_dtype())
    return _float(np.random.random(size))


def rand(*shape):
    """Uniform floats in [0, 1) of the given shape: ``rand(3, 2)``."""
    return random(shape if shape else None)


def uniform(low=0.0, high=1.0, size=None):
    """Uniform floats in [low, high)."""
    low, high = unwrap(low), unwrap(high)
    if _jax():
        import jax.numpy as jnp
        shape = _shape(size) if size is not None else jnp.broadcast_shapes(
            jnp.shape(low), jnp.shape(high))
        return low + (high - low) * random(shape)
    return _float(np.random.uniform(low, high, size))


def normal(loc=0.0, scale=1.0, size=None):
    """Gaussian floats with mean ``loc`` and standard deviation ``scale``."""
    loc, scale = unwrap(loc), unwrap(scale)
    if _jax():
        import jax
        import jax.numpy as jnp
        shape = _shape(size) if size is not None else jnp.broadcast_shapes(
            jnp.shape(loc), jnp.shape(scale))
        return loc + scale * jax.random.normal(_next_key(), shape, dtype=backend.get_dtype())
    return _float(np.random.normal(loc, scale, size))


def randn(*shape):
    """Standard normal floats of the given shape: ``randn(3, 2)``."""
    return normal(0.0, 1.0, shape if shape else None)


def randint(low, high=None, size=None):
    """Integers in [low, high) (or [0, low) when high is omitted)."""
    if high is None:
        low, high = 0, low
    if _jax():
        import jax
        return jax.random.randint(_next_key(), _shape(size), low, high)
    return np.random.randint(low, high, size)


def choice(a, size=None, replace=True, p=None):
    """Random sample from ``a`` (an array, or ``range(a)`` for an int)."""
    a, p = unwrap(a), unwrap(p)
    if _jax():
        import jax
        return jax.random.choice(_next_key(), a, _shape(size), replace=replace, p=p)
    return np.random.choice(a, size, replace, p)


def permutation(x):
    """A shuffled copy of ``x`` (or of ``range(x)`` for an int)."""
    x = unwrap(x)
    if _jax():
        import jax
        return jax.random.permutation(_next_key(), x)
    return np.random.permutation(x)


def bernoulli(p=0.5, size=None):
    """Booleans that are True with probability ``p``."""
    return random(size if size is not None else np.shape(unwrap(p))) < unwrap(p)


def poisson(lam=1.0, size=None):
    """Poisson-distributed integers with mean ``lam``."""
    lam = unwrap(lam)
    if _jax():
        import jax
        import jax.numpy as jnp
        shape = _shape(size) if size is not None else jnp.shape(lam)
        return jax.random.poisson(_next_key(), lam, shape)
    return np.random.poisson(lam, size)


def exponential(scale=1.0, size=None):
    """Exponentially distributed floats with mean ``scale``."""
    scale = unwrap(scale)
    if _jax():
        import jax
        import jax.numpy as jnp
        shape = _shape(size) if size is not None else jnp.shape(scale)
        return scale * jax.random.exponential(_next_key(), shape, dtype=backend.get_dtype())
    return _float(np.random.exponential(scale, size))
