"""``bm.linalg``: the ``numpy.linalg`` functions on the current backend
(``jax.numpy.linalg`` on JAX): cholesky, cond, det, eig, eigh, eigvals,
eigvalsh, inv, lstsq, matrix_power, matrix_rank, norm, pinv, qr, slogdet,
solve, svd."""
from . import functions as _functions

NAMES = ("cholesky", "cond", "det", "eig", "eigh", "eigvals", "eigvalsh", "inv", "lstsq",
         "matrix_power", "matrix_rank", "norm", "pinv", "qr", "slogdet", "solve", "svd",
         "multi_dot")


def __getattr__(name):
    if name not in NAMES:
        raise AttributeError(f"braindyn.math.linalg has no function {name!r}; "
                             f"available: {', '.join(NAMES)}")
    return _functions.lookup(name, "linalg")


def __dir__():
    return list(NAMES)
