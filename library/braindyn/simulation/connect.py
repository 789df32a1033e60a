"""Connectors (``bp.connect``): which pre neurons connect to which post neurons.

A connector is a recipe; calling it with the pre and post sizes builds a
``Connection`` that gives the same synapses in the forms models need:

* ``pre_ids``, ``post_ids``: one entry per synapse (sorted by pre, then post);
* ``conn_mat``: the dense (N_pre, N_post) boolean matrix;
* ``pre2post``: CSR form, the posts of pre ``i`` are
  ``post_ids[indptr[i]:indptr[i + 1]]``;
* ``num``: the number of synapses.
"""
from __future__ import annotations

import math

import numpy as np


class Connection:
    """A built connection between ``num_pre`` and ``num_post`` neurons."""

    def __init__(self, pre_ids: np.ndarray, post_ids: np.ndarray, num_pre: int,
                 num_post: int):
        order = np.lexsort((post_ids, pre_ids))
        self.pre_ids = np.ascontiguousarray(np.asarray(pre_ids, dtype=np.int64)[order])
        self.post_ids = np.ascontiguousarray(np.asarray(post_ids, dtype=np.int64)[order])
        self.num_pre, self.num_post = int(num_pre), int(num_post)
        self.num = len(self.pre_ids)
        counts = np.bincount(self.pre_ids, minlength=self.num_pre)
        self.indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    @property
    def conn_mat(self) -> np.ndarray:
        mat = np.zeros((self.num_pre, self.num_post), dtype=bool)
        mat[self.pre_ids, self.post_ids] = True
        return mat

    @property
    def pre2post(self) -> tuple[np.ndarray, np.ndarray]:
        """(post_ids, indptr): CSR rows are pre neurons."""
        return self.post_ids, self.indptr

    def __repr__(self):
        return f"<Connection {self.num_pre} -> {self.num_post}: {self.num} synapses>"


def _n(size) -> int:
    return int(math.prod(size)) if isinstance(size, tuple) else int(size)


class Connector:
    """Base class: ``connector(pre_size, post_size) -> Connection``."""

    def __call__(self, pre_size, post_size) -> Connection:
        n_pre, n_post = _n(pre_size), _n(post_size)
        pre, post = self.build(pre_size, post_size, n_pre, n_post)
        return Connection(pre, post, n_pre, n_post)

    def build(self, pre_size, post_size, n_pre, n_post):
        raise NotImplementedError


class All2All(Connector):
    """Every pre neuron to every post neuron (``include_self=False`` drops i -> i)."""

    def __init__(self, include_self: bool = True):
        self.include_self = include_self

    def build(self, pre_size, post_size, n_pre, n_post):
        mat = np.ones((n_pre, n_post), dtype=bool)
        if not self.include_self:
            np.fill_diagonal(mat, False)
        return np.nonzero(mat)


class One2One(Connector):
    """Neuron i to neuron i; pre and post must have the same size."""

    def build(self, pre_size, post_size, n_pre, n_post):
        if n_pre != n_post:
            raise ValueError(f"One2One needs groups of the same size, got {n_pre} and {n_post}")
        ids = np.arange(n_pre)
        return ids, ids


class FixedProb(Connector):
    """Each pair connected independently with probability ``prob``."""

    def __init__(self, prob: float, include_self: bool = True, seed: int | None = None):
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f"prob must be in [0, 1], got {prob!r}")
        self.prob, self.include_self, self.seed = prob, include_self, seed

    def build(self, pre_size, post_size, n_pre, n_post):
        rng = np.random.default_rng(self.seed)
        mat = rng.random((n_pre, n_post)) < self.prob
        if not self.include_self:
            np.fill_diagonal(mat, False)
        return np.nonzero(mat)


class FixedPostNum(Connector):
    """Each pre neuron connects to ``num`` distinct post neurons chosen at random."""

    def __init__(self, num: int, include_self: bool = True, seed: int | None = None):
        self.num, self.include_self, self.seed = int(num), include_self, seed

    def build(self, pre_size, post_size, n_pre, n_post):
        rng = np.random.default_rng(self.seed)
        pres, posts = [], []
        for i in range(n_pre):
            choices = np.arange(n_post) if self.include_self else np.delete(
                np.arange(n_post), i) if i < n_post else np.arange(n_post)
            if self.num > len(choices):
                raise ValueError(f"FixedPostNum({self.num}) but only {len(choices)} post "
                                 f"neurons are available")
            posts.append(rng.choice(choices, self.num, replace=False))
            pres.append(np.full(self.num, i))
        return np.concatenate(pres), np.concatenate(posts)


class FixedPreNum(Connector):
    """Each post neuron receives from ``num`` distinct pre neurons chosen at random."""

    def __init__(self, num: int, include_self: bool = True, seed: int | None = None):
        self.num, self.include_self, self.seed = int(num), include_self, seed

    def build(self, pre_size, post_size, n_pre, n_post):
        post, pre = FixedPostNum(self.num, self.include_self, self.seed).build(
            post_size, pre_size, n_post, n_pre)
        return pre, post


class GridFour(Connector):
    """Each neuron of a 2-D grid to its four nearest neighbours (no wrap-around)."""

    def build(self, pre_size, post_size, n_pre, n_post):
        if pre_size != post_size or not isinstance(pre_size, tuple) or len(pre_size) != 2:
            raise ValueError(f"GridFour needs pre and post of the same 2-D size such as "
                             f"(10, 10), got {pre_size} and {post_size}")
        rows, cols = pre_size
        pres, posts = [], []
        for r in range(rows):
            for c in range(cols):
                for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < rows and 0 <= cc < cols:
                        pres.append(r * cols + c)
                        posts.append(rr * cols + cc)
        return np.array(pres), np.array(posts)


class MatConn(Connector):
    """A connection given directly as an (N_pre, N_post) boolean matrix."""

    def __init__(self, mat):
        self.mat = np.asarray(mat, dtype=bool)

    def build(self, pre_size, post_size, n_pre, n_post):
        if self.mat.shape != (n_pre, n_post):
            raise ValueError(f"the connection matrix has shape {self.mat.shape}, expected "
                             f"({n_pre}, {n_post})")
        return np.nonzero(self.mat)
