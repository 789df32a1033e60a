"""Connectors give the synapses they promise, in every form."""
import numpy as np
import pytest

import braindyn as bp


def forms_agree(c):
    mat = c.conn_mat
    assert mat.sum() == c.num == len(c.pre_ids) == len(c.post_ids)
    assert np.all(mat[c.pre_ids, c.post_ids])
    post_ids, indptr = c.pre2post
    for i in range(c.num_pre):
        np.testing.assert_array_equal(np.sort(post_ids[indptr[i]:indptr[i + 1]]),
                                      np.nonzero(mat[i])[0])


def test_all_to_all_and_one_to_one():
    c = bp.connect.All2All()(3, 4)
    assert c.num == 12
    forms_agree(c)
    c = bp.connect.All2All(include_self=False)(4, 4)
    assert c.num == 12 and not np.any(np.diag(c.conn_mat))
    c = bp.connect.One2One()(5, 5)
    np.testing.assert_array_equal(c.conn_mat, np.eye(5, dtype=bool))
    with pytest.raises(ValueError, match="same size"):
        bp.connect.One2One()(3, 4)


def test_fixed_probability_is_seeded_and_has_the_right_density():
    a = bp.connect.FixedProb(0.1, seed=3)(400, 300)
    b = bp.connect.FixedProb(0.1, seed=3)(400, 300)
    np.testing.assert_array_equal(a.conn_mat, b.conn_mat)
    n = 400 * 300
    assert abs(a.num - 0.1 * n) < 4 * np.sqrt(n * 0.1 * 0.9)   # binomial, 4 sigma
    forms_agree(a)
    with pytest.raises(ValueError, match=r"prob must be in \[0, 1\]"):
        bp.connect.FixedProb(1.5)


def test_fixed_post_and_pre_numbers():
    c = bp.connect.FixedPostNum(7, seed=1)(20, 30)
    assert np.all(c.conn_mat.sum(axis=1) == 7)
    forms_agree(c)
    c = bp.connect.FixedPreNum(5, seed=1)(20, 30)
    assert np.all(c.conn_mat.sum(axis=0) == 5)
    c = bp.connect.FixedPostNum(4, include_self=False, seed=2)(10, 10)
    assert not np.any(np.diag(c.conn_mat))
    with pytest.raises(ValueError, match="only 10 post neurons"):
        bp.connect.FixedPostNum(11)(5, 10)


def test_grid_four_neighbours():
    c = bp.connect.GridFour()((3, 4), (3, 4))
    degree = c.conn_mat.sum(axis=1).reshape(3, 4)
    np.testing.assert_array_equal(degree, [[2, 3, 3, 2], [3, 4, 4, 3], [2, 3, 3, 2]])
    assert np.array_equal(c.conn_mat, c.conn_mat.T)
    with pytest.raises(ValueError, match="2-D size"):
        bp.connect.GridFour()(12, 12)


def test_two_end_conn_builds_its_connection_and_checks_its_arguments():
    pre, post = bp.NeuGroup(3), bp.NeuGroup(2)
    syn = bp.TwoEndConn(pre, post, bp.connect.All2All(), delay=1.5)
    assert syn.conn.num == 6 and syn.delay == 1.5
    syn = bp.TwoEndConn(pre, post, np.array([[1, 0], [0, 1], [1, 1]], dtype=bool))
    assert syn.conn.num == 4
    with pytest.raises(TypeError, match="conn must be a connector"):
        bp.TwoEndConn(pre, post, "all")
    with pytest.raises(TypeError, match="pre must be a NeuGroup"):
        bp.TwoEndConn(3, post, bp.connect.All2All())
    with pytest.raises(ValueError, match="delay must be"):
        bp.TwoEndConn(pre, post, bp.connect.All2All(), delay=-1)
    with pytest.raises(ValueError, match="size must be a positive int"):
        bp.NeuGroup(0)
    with pytest.raises(ValueError, match="identifier"):
        bp.NeuGroup(3, name="E 1")
