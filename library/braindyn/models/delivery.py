"""How spikes travel from pre- to post-synaptic neurons: delays and sums over synapses.

Two small pieces every synapse model of this package uses.

``SpikeDelay`` -- an axonal (conduction + synaptic) delay as a ring buffer.
    Each step the synapse pushes the pre-synaptic spike vector and reads the
    vector pushed ``n = round(delay / dt)`` steps earlier.  ``n`` is computed
    from the step size of the run (``_dt``), so one model runs correctly at
    any dt; the buffer keeps ``ceil(delay / dt_min) + 1`` past steps, which is
    why ``dt_min`` (default 0.01 ms) is the smallest step size the delay
    supports: a run with a smaller dt would need more slots than there are,
    and the delay is then capped at ``length - 1`` steps (a shorter delay).
    Timing: a spike emitted in step k (its flag is set at the end of step k)
    is read by the synapses at the start of step k + 1 when ``delay = 0``
    (every network has this one-step latency: synapses update before neurons),
    and at the start of step k + 1 + n otherwise.

``pre2post_sum(values, pre_ids, post_ids, indptr, weight, num_post)`` -- for every
    post-synaptic neuron j, the weighted sum over its synapses s of the
    value of their pre-synaptic neuron::

        out[j] = sum_{s : post(s) = j} weight[s] * values[pre(s)]

    ``values`` is the spike vector (booleans) or a per-neuron quantity such as
    a gating variable; ``weight`` is one number or one per synapse.  The
    synapses are those of ``bp.connect`` (sorted by pre neuron, CSR pointers
    ``indptr``).  Plain Python and JAX compute it in array form (a gather
    and a scatter-add); in compiled NumPy code (Numba) it is a loop over the
    pre neurons that skips those with value 0, so a sparse network costs time
    only for the neurons that spiked (event-driven, as NEST and Brian do).
    Both forms add the same numbers in the same order.

``pre2post_add(target, values, pre_ids, post_ids, indptr, weight)`` -- the same
    sums added into ``target`` (a ``bm.Variable`` with one value per post neuron)
    in place: ``target[j] += ...``.  Compiled, it is the loop above without the
    array ``out`` that pre2post_sum allocates at every step; what a hand-written
    event-driven loop does.  Each contribution is added to target in synapse
    order in every form (``np.add.at`` in plain Python), so compiled and plain
    runs give the same numbers.
"""
from __future__ import annotations

import math

import numpy as np
from numba import types as _nb_types
from numba.extending import overload

import braindyn as bp
import braindyn.math as bm
from braindyn.math.variable import unwrap

DT_MIN = 0.01   # ms: the smallest step size a SpikeDelay is built for (see above)


def pre2post_sum(values, pre_ids, post_ids, indptr, weight, num_post):
    """The input each post neuron receives: sum of weight * values[pre] over its synapses."""
    contributions = weight * values[pre_ids]
    if bm.get_backend() == "jax":
        return bm.zeros(num_post).at[post_ids].add(contributions)
    return np.bincount(post_ids, contributions, num_post)


@overload(pre2post_sum)
def _pre2post_sum_numba(values, pre_ids, post_ids, indptr, weight, num_post):
    # What Numba compiles instead of the function above (see the module docstring).
    if isinstance(weight, _nb_types.Array):
        def per_synapse(values, pre_ids, post_ids, indptr, weight, num_post):
            out = np.zeros(num_post)
            for i in range(indptr.shape[0] - 1):
                if values[i] != 0:
                    for s in range(indptr[i], indptr[i + 1]):
                        out[post_ids[s]] += weight[s] * values[i]
            return out
        return per_synapse

    def one_weight(values, pre_ids, post_ids, indptr, weight, num_post):
        out = np.zeros(num_post)
        for i in range(indptr.shape[0] - 1):
            if values[i] != 0:
                for s in range(indptr[i], indptr[i + 1]):
                    out[post_ids[s]] += weight * values[i]
        return out
    return one_weight


def pre2post_add(target, values, pre_ids, post_ids, indptr, weight) -> None:
    """target[j] += sum of weight * values[pre] over the synapses onto post neuron j."""
    if not isinstance(target, (bm.Variable, np.ndarray)):
        # a JAX array cannot change in place: the sums would silently go nowhere
        raise TypeError(f"pre2post_add adds into its first argument in place, so it must be a "
                        f"bm.Variable (such as self.g), got {type(target).__name__}; to get the "
                        f"sums as a new array use pre2post_sum")
    contributions = weight * values[pre_ids]
    if bm.get_backend() == "jax":
        target += bm.zeros(target.shape[0]).at[post_ids].add(contributions)
    else:
        np.add.at(unwrap(target), post_ids, contributions)


@overload(pre2post_add)
def _pre2post_add_numba(target, values, pre_ids, post_ids, indptr, weight):
    if isinstance(weight, _nb_types.Array):
        def per_synapse(target, values, pre_ids, post_ids, indptr, weight):
            for i in range(indptr.shape[0] - 1):
                if values[i] != 0:
                    for s in range(indptr[i], indptr[i + 1]):
                        target[post_ids[s]] += weight[s] * values[i]
        return per_synapse

    def one_weight(target, values, pre_ids, post_ids, indptr, weight):
        for i in range(indptr.shape[0] - 1):
            if values[i] != 0:
                for s in range(indptr[i], indptr[i + 1]):
                    target[post_ids[s]] += weight * values[i]
    return one_weight


class SpikeDelay(bp.DynamicalSystem):
    """A ring buffer that returns the spikes pushed ``delay`` ms earlier.

    Parameters
    ----------
    num : number of neurons whose spikes are delayed.
    delay : the delay in ms (>= 0).
    dt_min : the smallest step size (ms) the model will be run with; the
        buffer holds ``ceil(delay / dt_min) + 1`` spike vectors.

    ``transmit(spike, _dt)`` stores this step's spikes and returns the
    delayed ones; for ``delay = 0`` it is ``pass_through`` (no buffer at all).
    """

    def __init__(self, num: int, delay: float = 0.0, dt_min: float = DT_MIN, name=None):
        super().__init__(name=name)
        if delay < 0:
            raise ValueError(f"a delay is a number of ms >= 0, got {delay!r}")
        self.delay = float(delay)
        self.length = int(math.ceil(self.delay / dt_min - 1e-9)) + 1
        self.buffer = bm.Variable(bm.zeros((self.length, num), dtype=bool))
        self.cursor = bm.Variable(bm.zeros(1, dtype=bm.int64))   # slot of this step
        # chosen once here, so that compiled code has no test at every step
        self.transmit = self.pass_through if self.delay == 0 else self.ring_buffer

    def pass_through(self, spike, _dt):
        """No delay: the spikes of the previous step as they are."""
        return spike

    def ring_buffer(self, spike, _dt):
        """Store this step's spikes; return those stored round(delay / _dt) steps ago."""
        slot = (self.cursor[0] + 1) % self.length
        self.buffer[slot] = spike
        self.cursor[0] = slot
        n_steps = bm.minimum(bm.int64(bm.round(self.delay / _dt)), self.length - 1)
        return self.buffer[(slot - n_steps) % self.length]
