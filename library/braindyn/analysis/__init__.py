"""Analysis of low-dimensional dynamics: phase planes, bifurcations, fast-slow.

``from braindyn import analysis`` then::

    pp = analysis.PhasePlane(f, target_vars={'V': (-3, 3), 'w': (-1, 3)},
                             pars_update={'I': 0.5})
    pp.fixed_points(); pp.nullclines(); pp.plot(initials=[(-2, 0)], duration=200)

    bif = analysis.Bifurcation(f, target_pars={'I': (0, 2)},
                               target_vars={'V': (-3, 3), 'w': (-3, 3)})
    bif.bifurcation_points(); bif.plot_bifurcation()

The model is a derivative written for ``bp.odeint`` (variables, then t,
then parameters) or the integral itself.  See ``README.md`` in this folder.
"""
from .bifurcation import Bifurcation
from .continuation import Continuation
from .fast_slow import FastSlow
from .phase_plane import PhasePlane
from .stability import FixedPoint, classify_1d, classify_2d, jacobian

__all__ = ["PhasePlane", "Bifurcation", "Continuation", "FastSlow", "FixedPoint", "jacobian",
           "classify_1d", "classify_2d"]
