"""The Butcher tableau: a Runge-Kutta method as data.

An explicit s-stage Runge-Kutta method advances ``y' = f(y, t)`` by::

    k_i   = f(y + dt * sum_j A[i][j] * k_j,  t + c[i] * dt)     i = 1..s, j < i
    y_new = y + dt * sum_i b[i] * k_i

and an embedded pair also gives the error estimate
``err = dt * sum_i b_error[i] * k_i`` (the difference between the solution
and a lower- or higher-order companion).  Laid out as in the textbooks::

    c[0] |
    c[1] | A[1][0]
    c[2] | A[2][0]  A[2][1]
    -----+--------------------
         | b[0]     b[1]     b[2]
         | b_error[0] ...            (embedded pairs only)

Coefficients are ``Fraction`` where they are rational, so the consistency
checks below are exact and the generated code prints ``1/6`` rather than
``0.16666666666666666``.

Reference: E. Hairer, S. P. Norsett, G. Wanner, *Solving Ordinary
Differential Equations I*, 2nd ed., Springer 1993, section II.1.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Union

Number = Union[Fraction, float, int]


def _close(x: Number, y: Number) -> bool:
    if isinstance(x, (Fraction, int)) and isinstance(y, (Fraction, int)):
        return x == y
    return abs(float(x) - float(y)) <= 1e-12


@dataclass(frozen=True)
class ButcherTableau:
    """An explicit Runge-Kutta method.  Validated when it is built.

    Attributes
    ----------
    name : the registry name, e.g. ``'rk4'``
    long_name : the textbook name, e.g. ``'classical Runge-Kutta'``
    c, A, b : the tableau (A strictly lower-triangular, given as its rows)
    order : order of the solution that is propagated (``b``)
    b_error : error weights (b minus the embedded weights), embedded pairs only
    error_order : order of the embedded companion solution
    aliases : other names this method is known by
    reference : where the coefficients come from
    """

    name: str
    long_name: str
    c: tuple
    A: tuple
    b: tuple
    order: int
    reference: str
    b_error: tuple | None = None
    error_order: int | None = None
    aliases: tuple = field(default=())

    def __post_init__(self):
        s = len(self.b)
        if len(self.c) != s or len(self.A) != s:
            raise ValueError(f"{self.name}: c, A and b must all have {s} stages")
        for i, row in enumerate(self.A):
            if len(row) != i:
                raise ValueError(f"{self.name}: row {i} of A must have {i} entries "
                                 f"(explicit methods are strictly lower-triangular)")
            if not _close(sum(row, Fraction(0)), self.c[i]):
                raise ValueError(f"{self.name}: row {i} of A sums to {float(sum(row))}, "
                                 f"but c[{i}] = {float(self.c[i])}")
        if not _close(sum(self.b, Fraction(0)), 1):
            raise ValueError(f"{self.name}: the weights b sum to {float(sum(self.b))}, not 1")
        if self.b_error is not None:
            if len(self.b_error) != s:
                raise ValueError(f"{self.name}: b_error must have {s} entries")
            if not _close(sum(self.b_error, Fraction(0)), 0):
                raise ValueError(f"{self.name}: the error weights sum to "
                                 f"{float(sum(self.b_error))}, not 0")
            if self.error_order is None:
                raise ValueError(f"{self.name}: an embedded pair needs error_order")

    @property
    def stages(self) -> int:
        return len(self.b)

    @property
    def adaptive(self) -> bool:
        return self.b_error is not None

    def __str__(self) -> str:
        def fmt(x):
            return str(x) if isinstance(x, (Fraction, int)) else f"{x:.8g}"
        rows = [f"{fmt(ci):>12} | " + "  ".join(f"{fmt(a):>12}" for a in row)
                for ci, row in zip(self.c, self.A)]
        rows.append("-" * 15 + "-" * 14 * self.stages)
        rows.append(" " * 13 + "| " + "  ".join(f"{fmt(bi):>12}" for bi in self.b))
        if self.b_error is not None:
            rows.append(" " * 13 + "| " + "  ".join(f"{fmt(e):>12}" for e in self.b_error)
                        + "   (error weights)")
        return f"{self.long_name} ({self.name}), order {self.order}\n" + "\n".join(rows)


def F(a: int, b: int = 1) -> Fraction:
    """Shorthand for exact rational coefficients in the tables."""
    return Fraction(a, b)


def embedded(name, long_name, c, A, b, b_hat, order, error_order, reference, aliases=()):
    """An embedded pair given as two weight rows, as printed in papers:
    ``b`` is propagated, ``b_hat`` is the companion; b_error = b - b_hat."""
    b_error = tuple(x - y for x, y in zip(b, b_hat))
    return ButcherTableau(name=name, long_name=long_name, c=tuple(c), A=tuple(map(tuple, A)),
                          b=tuple(b), order=order, b_error=b_error, error_order=error_order,
                          reference=reference, aliases=tuple(aliases))
