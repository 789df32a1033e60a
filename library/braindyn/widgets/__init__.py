"""Widgets and measuring tools for the lessons (``braindyn.widgets``).

* ``integrator_lab()``: compare methods and step sizes on HH or a test ODE.
* ``convergence_plot()``: error against dt on log-log axes, with fitted slopes.
* ``phase_plane_explorer()``: nullclines, fixed points and a trajectory of a
  two-variable model (FitzHugh-Nagumo, Morris-Lecar, yours) under parameter sliders.
* ``neuron_explorer()``: a neuron model of ``braindyn.models`` under a step
  current; V(t), its second variable, spike count, rate and firing pattern.
* ``tolerance_explorer()``: rtol/atol sliders against step sizes and error (lesson 7).
* ``stp_explorer()``: Tsodyks-Markram U, tau_f, tau_d and rate against PSC amplitudes (lesson 10).
* ``stdp_explorer()``: the pair-based STDP window under A+, A-, tau+, tau- sliders (lesson 12).
* ``run_method()``: run one method on one problem and measure error and cost.
* ``PROBLEMS`` / ``get_problem()``: test ODEs with their true solutions.

* ``set_language('zh' | 'en')``: the language of the widgets built afterwards
  (labels, descriptions, messages); ``get_language()``.

See ``README.md`` in this folder for how the pieces fit together.
"""
from .convergence import Convergence, convergence_data, convergence_plot, fitted_order
from .figure_view import FigureView
from .i18n import get_language, set_language
from .integrator_lab import IntegratorLab, integrator_lab, method_options
from .neuron_explorer import Firing, NeuronExplorer, firing_pattern, neuron_explorer
from .phase_plane_explorer import PhasePlaneExplorer, phase_plane_explorer
from .problems import PROBLEMS, Problem, Reference, get_problem
from .runs import Run, crossing_times, evaluations_per_step, run_method
from .stdp_explorer import STDPExplorer, stdp_explorer, stdp_window, window_integral
from .stp_explorer import STPExplorer, steady_state, stp_explorer, tm_efficacies
from .tolerance_explorer import ToleranceExplorer, run_tolerance, tolerance_explorer

__all__ = ["set_language", "get_language", "integrator_lab", "IntegratorLab", "method_options", "convergence_plot",
           "convergence_data", "fitted_order", "Convergence", "run_method", "Run",
           "crossing_times", "evaluations_per_step", "PROBLEMS", "Problem", "Reference",
           "get_problem", "FigureView", "phase_plane_explorer", "PhasePlaneExplorer",
           "neuron_explorer", "NeuronExplorer", "Firing", "firing_pattern",
           "tolerance_explorer", "ToleranceExplorer", "run_tolerance",
           "stp_explorer", "STPExplorer", "tm_efficacies", "steady_state",
           "stdp_explorer", "STDPExplorer", "stdp_window", "window_integral"]

from ..visualize.fonts import use_cjk_fonts as _use_cjk_fonts

_use_cjk_fonts()   # Chinese labels in the widgets' figures (set_language("zh"))
