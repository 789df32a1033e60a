"""Input neurons: spikes at given times, spikes given step by step, Poisson spike trains.

``SpikeTimeGroup(size, indices, times)`` emits spike k of neuron
``indices[k]`` in the step that starts nearest to ``times[k]`` (the step
whose start _t satisfies |times[k] - _t| < dt / 2); its ``spike`` flag is
True at the end of that step, as for any model neuron.  The events are
mapped onto neurons with ``pre2post_sum`` (one "synapse" per event), so a
step costs time in proportion to the number of events.

``SpikeInput(size)`` spikes where its ``input`` is > 0.5 in a step: feed it
a 0/1 array of shape (n_steps, size) with ``inputs=('name.input', S, 'iter')``.
Its spikes are data of the run, not constants, so one compiled model serves
any number of trials (reservoir computing).

``PoissonGroup(size, freqs)`` fires independently in each step with
probability ``freqs * dt / 1000`` (freqs in Hz, dt in ms): a Poisson process
of rate ``freqs`` up to the time discretisation (P. Dayan, L. F. Abbott,
*Theoretical Neuroscience* (2001), ch. 1.4).  Seed it with ``bm.random.seed``.
"""
from __future__ import annotations

import numpy as np

import braindyn as bp
import braindyn.math as bm

from . import delivery


class SpikeTimeGroup(bp.NeuGroup):
    """Neurons that spike at given times (ms).

    Parameters
    ----------
    size : number of neurons.
    indices : the neuron of each spike (ints in [0, size)).
    times : the time of each spike (ms), same length as ``indices``.

    Variables: ``spike``, ``t_last_spike``, and ``input`` (ignored and reset each
    step; there so that synapses may target the group, e.g. to test plasticity).
    """

    def __init__(self, size, indices, times, monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        indices = np.asarray(indices, dtype=np.int64)
        times = np.asarray(times, dtype=float)
        if indices.shape != times.shape or indices.ndim != 1:
            raise ValueError(f"indices and times must be 1-D and of the same length, got "
                             f"shapes {indices.shape} and {times.shape}")
        if indices.size and (indices.min() < 0 or indices.max() >= self.num):
            raise ValueError(f"indices must lie in [0, {self.num}), got "
                             f"{indices.min()}..{indices.max()}")
        self.times = times
        self.event_ids = np.arange(len(times), dtype=np.int64)
        self.neuron_ids = indices
        self.event_indptr = np.arange(len(times) + 1, dtype=np.int64)   # one neuron per event
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)
        self.input = bm.Variable(bm.zeros(self.num))

    def update(self, _t, _dt):
        self.input[:] = 0.
        now = bm.abs(self.times - _t) < 0.5 * _dt
        count = delivery.pre2post_sum(now, self.event_ids, self.neuron_ids, self.event_indptr,
                                      1.0, self.num)
        self.spike[:] = count > 0
        self.t_last_spike[:] = bm.where(self.spike, _t + _dt, self.t_last_spike)


class SpikeInput(bp.NeuGroup):
    """Neurons that spike in the steps where their ``input`` is above 0.5.

    Variables: ``input`` (reset every step), ``spike``, ``t_last_spike``.
    """

    def __init__(self, size, monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.input = bm.Variable(bm.zeros(self.num))
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)

    def update(self, _t, _dt):
        self.spike[:] = self.input > 0.5
        self.t_last_spike[:] = bm.where(self.spike, _t + _dt, self.t_last_spike)
        self.input[:] = 0.


class PoissonGroup(bp.NeuGroup):
    """Independent Poisson spike trains of rates ``freqs`` (Hz, one value or one per neuron).

    Variables: ``spike``, ``t_last_spike``.
    """

    def __init__(self, size, freqs, monitors=None, name=None):
        super().__init__(size, monitors=monitors, name=name)
        self.freqs = freqs
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)

    def update(self, _t, _dt):
        self.spike[:] = bm.random.random(self.num) < self.freqs * _dt / 1000.
        self.t_last_spike[:] = bm.where(self.spike, _t + _dt, self.t_last_spike)
