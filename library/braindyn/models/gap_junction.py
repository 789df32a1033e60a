"""Electrical synapses (gap junctions): an ohmic conductance between two cells.

A gap junction is a channel that joins the cytoplasm of two neurons, so the
current through it follows the voltage difference at once, in both
directions, with no spike, no delay and no transmitter (M. V. L. Bennett,
R. S. Zukin, "Electrical coupling and neuronal synchronization in the
mammalian brain", Neuron 41 (2004) 495-511)::

    I_post = g (V_pre - V_post)      added to post.input
    I_pre  = g (V_post - V_pre)      added to pre.input  (= -I_post)

for every connected pair (pre i, post j) of ``conn``.  The two currents are
equal and opposite: charge leaves one cell and enters the other.  A pair
listed twice (i -> j and j -> i, as ``All2All`` within one group gives) is
two junctions, so its conductance is 2 g.

Units: g is in the units of the neurons' input current per mV: uS for the
integrate-and-fire family (input in nA), mS/cm^2 for the conductance-based
ones (input in uA/cm^2), dimensionless for FitzHugh-Nagumo.  The default
1 nS (0.001 uS) is the order of the coupling measured between pairs of
cortical fast-spiking interneurons (M. Galarreta, S. Hestrin, Nature 402
(1999) 72-75; J. R. Gibson, M. Beierlein, B. W. Connors, Nature 402 (1999)
75-79: 0.2-1.6 nS).

Two identical passive cells (C dV/dt = -gL (V - EL) + I) joined by g: the
sum V1 + V2 relaxes with the leak alone (rate gL / C), the difference
V1 - V2 with rate (gL + 2 g) / C -- the coupling only equalises the two
voltages.  Coupled oscillators synchronise when g is large enough.

Time step: as every synapse of a network, the junction updates before the
neurons, from the voltages at the start of the step; the neurons then
integrate its current as a constant input over the step.
"""
from __future__ import annotations

import numpy as np

import braindyn as bp
import braindyn.math as bm

from . import delivery

GAP_G = 0.001     # uS = 1 nS: coupling of cortical interneuron pairs (Galarreta & Hestrin 1999)


class GapJunction(bp.TwoEndConn):
    """Electrical synapses ``I = g (V_pre - V_post)`` onto post, the opposite onto pre.

    Parameters
    ----------
    pre, post : the two neuron groups (each needs ``V`` and ``input``); they may
        be the same group.
    conn : a connector (``bp.connect``) or a boolean (N_pre, N_post) matrix; each
        connected pair is one junction.
    g : conductance of each junction: one number, or an array with one value per
        junction in the order of ``self.conn`` (units: see the module docstring;
        default 0.001 uS = 1 nS).

    No Variables of its own: the junction has no state.
    """

    def __init__(self, pre, post, conn, g=GAP_G, monitors=None, name=None):
        super().__init__(pre, post, conn, monitors=monitors, name=name)
        for role, group in (("pre", pre), ("post", post)):
            if not (isinstance(getattr(group, "V", None), bm.Variable)
                    and isinstance(getattr(group, "input", None), bm.Variable)):
                raise TypeError(f"a gap junction couples membrane potentials: {role} "
                                f"({type(group).__name__}) needs the Variables V and input")
        self.pre_ids = self.conn.pre_ids
        self.post_ids = self.conn.post_ids
        self.indptr = self.conn.indptr
        # the same junctions sorted by post neuron, to sum the currents onto pre
        order = np.argsort(self.post_ids, kind="stable")
        self.by_post = order
        self.rev_pre_ids = np.asarray(self.post_ids)[order]     # indexed by post
        self.rev_post_ids = np.asarray(self.pre_ids)[order]     # ... onto pre
        self.rev_indptr = np.concatenate(
            [[0], np.cumsum(np.bincount(self.rev_pre_ids, minlength=post.num))]).astype(
            np.asarray(self.indptr).dtype)
        # every neuron 'on' (booleans, as spikes): sums of g over each neuron's junctions
        self.all_pre = np.ones(pre.num, dtype=bool)
        self.all_post = np.ones(post.num, dtype=bool)
        if np.ndim(g) == 0:
            self.g = float(g)
            self.couple = self.couple_one_g
        else:
            g = np.asarray(g, dtype=float)
            if g.shape != (len(self.pre_ids),):
                raise ValueError(f"g must be one number or one value per junction "
                                 f"({len(self.pre_ids)} here), got shape {g.shape}")
            self.g = bm.asarray(g)
            self.couple = self.couple_per_junction

    def update(self, _t, _dt):
        self.couple(_t, _dt)

    def couple_one_g(self, _t, _dt):
        """The currents of junctions that share one conductance ``g``."""
        # onto post j: sum_i g V_pre[i] - (sum_i g) V_post[j], over the junctions (i, j)
        into_post = delivery.pre2post_sum(self.pre.V, self.pre_ids, self.post_ids,
                                          self.indptr, self.g, self.post.num)
        g_post = delivery.pre2post_sum(self.all_pre, self.pre_ids, self.post_ids,
                                       self.indptr, self.g, self.post.num)
        into_pre = delivery.pre2post_sum(self.post.V, self.rev_pre_ids, self.rev_post_ids,
                                         self.rev_indptr, self.g, self.pre.num)
        g_pre = delivery.pre2post_sum(self.all_post, self.rev_pre_ids, self.rev_post_ids,
                                      self.rev_indptr, self.g, self.pre.num)
        I_post = into_post - g_post * self.post.V
        I_pre = into_pre - g_pre * self.pre.V
        self.post.input += I_post
        self.pre.input += I_pre

    def couple_per_junction(self, _t, _dt):
        """The currents of junctions with one conductance each (``g[s]``)."""
        g_rev = self.g[self.by_post]
        into_post = delivery.pre2post_sum(self.pre.V, self.pre_ids, self.post_ids,
                                          self.indptr, self.g, self.post.num)
        g_post = delivery.pre2post_sum(self.all_pre, self.pre_ids, self.post_ids,
                                       self.indptr, self.g, self.post.num)
        into_pre = delivery.pre2post_sum(self.post.V, self.rev_pre_ids, self.rev_post_ids,
                                         self.rev_indptr, g_rev, self.pre.num)
        g_pre = delivery.pre2post_sum(self.all_post, self.rev_pre_ids, self.rev_post_ids,
                                      self.rev_indptr, g_rev, self.pre.num)
        I_post = into_post - g_post * self.post.V
        I_pre = into_pre - g_pre * self.pre.V
        self.post.input += I_post
        self.pre.input += I_pre
