"""braindyn.math: one backend setting, the same functions and Variables on both."""
import numpy as np
import pytest

import braindyn.math as bm
from support import _restore_backend, backend  # noqa: F401 (fixtures)


def test_default_backend_is_numpy_and_switches():
    assert bm.get_backend() == "numpy"
    bm.use_backend("jax")
    assert bm.get_backend() == "jax"
    assert type(bm.zeros(2)).__module__.startswith("jax")
    bm.use_backend("numpy")
    assert isinstance(bm.zeros(2), np.ndarray)


def test_unknown_backend_is_refused_with_the_valid_names():
    with pytest.raises(ValueError, match="'numpy', 'jax'"):
        bm.use_backend("torch")


def test_import_does_not_import_jax():
    import subprocess
    import sys
    code = "import sys, braindyn, braindyn.math; print('jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_float64_by_default_and_set_dtype(backend):
    for x in (bm.zeros(3), bm.ones((2, 2)), bm.linspace(0, 1, 5), bm.array([1.0, 2.0]),
              bm.arange(0.0, 1.0, 0.25), bm.random.rand(3), bm.exp(bm.ones(2))):
        assert x.dtype == np.float64, x
    assert bm.array([1, 2]).dtype.kind == "i"
    bm.set_dtype("float32")
    assert bm.zeros(3).dtype == np.float32
    assert bm.array([1.0]).dtype == np.float32
    with pytest.raises(ValueError, match="float type"):
        bm.set_dtype("int32")


def test_unknown_function_names_the_backend(backend):
    with pytest.raises(AttributeError, match=f"'{backend}' backend"):
        bm.no_such_function
    with pytest.raises(AttributeError, match="linalg"):
        bm.linalg.no_such_function


FUNCS = [
    ("exp", (np.array([0.5, -1.0]),)), ("log", (np.array([0.5, 2.0]),)),
    ("sin", (np.array([0.5, 2.0]),)), ("tanh", (np.array([0.5, -2.0]),)),
    ("sqrt", (np.array([0.5, 2.0]),)), ("power", (np.array([2.0, 3.0]), 3)),
    ("clip", (np.array([-2.0, 0.5, 3.0]), 0, 1)),
    ("where", (np.array([True, False]), 1.0, 2.0)),
    ("logical_and", (np.array([True, False]), np.array([True, True]))),
    ("logical_not", (np.array([True, False]),)), ("isnan", (np.array([np.nan, 1.0]),)),
    ("sum", (np.arange(6.0).reshape(2, 3),)), ("mean", (np.arange(6.0),)),
    ("max", (np.arange(6.0),)), ("cumsum", (np.arange(4.0),)),
    ("reshape", (np.arange(6.0), (3, 2))), ("concatenate", ([np.ones(2), np.zeros(3)],)),
    ("stack", ([np.ones(2), np.zeros(2)],)), ("repeat", (np.array([[1, 2], [3, 4]]), 2, 1)),
    ("zeros_like", (np.ones(3),)), ("full", (3, 2.5)), ("outer", (np.ones(2), np.arange(3.0))),
]


@pytest.mark.parametrize("name,args", FUNCS, ids=[f[0] for f in FUNCS])
def test_functions_match_numpy(backend, name, args):
    got = bm.as_numpy(getattr(bm, name)(*args))
    np.testing.assert_allclose(got, getattr(np, name)(*args), rtol=1e-13)


def test_linalg_and_fft_match_numpy(backend):
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(bm.as_numpy(bm.linalg.inv(a)), np.linalg.inv(a), rtol=1e-12)
    np.testing.assert_allclose(bm.as_numpy(bm.linalg.det(a)), 11.0, rtol=1e-12)
    np.testing.assert_allclose(np.sort(bm.as_numpy(bm.linalg.eigvalsh(a))),
                               np.linalg.eigvalsh(a), rtol=1e-12)
    x = np.sin(np.arange(8.0))
    np.testing.assert_allclose(bm.as_numpy(bm.fft.fft(x)), np.fft.fft(x), atol=1e-12)


def test_variable_in_place_updates(backend):
    """The slides' in-place forms behave the same on both backends."""
    v = bm.Variable(bm.zeros(5))
    v[:] = 1.0
    v[2] = 7.0
    v[[1, 3]] = 3.0
    v += 1.0
    v *= 2.0
    v -= 1.0
    v /= 2.0
    v[...] = v.value + 0.5
    np.testing.assert_allclose(bm.as_numpy(v), [2.0, 4.0, 8.0, 4.0, 2.0])
    v.value = bm.ones(5)
    np.testing.assert_allclose(bm.as_numpy(v), np.ones(5))
    w = bm.Variable(bm.arange(6))
    w //= 4
    np.testing.assert_array_equal(bm.as_numpy(w), [0, 0, 0, 0, 1, 1])
    # an alias sees in-place updates (the slides' hand-written Euler relies on this)
    alias = v
    v += 1.0
    assert alias is v and float(alias[0]) == 2.0


def test_variable_arithmetic_returns_backend_arrays(backend):
    v = bm.Variable(bm.ones(3))
    out = bm.exp(-(v + 1.0) / 2.0)
    assert not isinstance(out, bm.Variable)
    np.testing.assert_allclose(bm.as_numpy(out), np.exp(-1.0) * np.ones(3))
    assert bool(bm.all(v < 2.0))


def test_variable_value_keeps_its_shape(backend):
    v = bm.Variable(bm.zeros(3))
    with pytest.raises(ValueError, match=r"shape \(4,\).*shape \(3,\)"):
        v.value = bm.zeros(4)


def test_random_is_seeded_on_both_backends(backend):
    bm.random.seed(42)
    a = [bm.as_numpy(bm.random.normal(0.0, 1.0, 4)), bm.as_numpy(bm.random.rand(3)),
         bm.as_numpy(bm.random.randint(0, 10, 5)), bm.as_numpy(bm.random.uniform(2, 3, 2))]
    bm.random.seed(42)
    b = [bm.as_numpy(bm.random.normal(0.0, 1.0, 4)), bm.as_numpy(bm.random.rand(3)),
         bm.as_numpy(bm.random.randint(0, 10, 5)), bm.as_numpy(bm.random.uniform(2, 3, 2))]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], bm.as_numpy(bm.random.normal(0.0, 1.0, 4)))
    z = bm.as_numpy(bm.random.normal(3.0, 2.0, 20000))
    assert abs(z.mean() - 3.0) < 0.05 and abs(z.std() - 2.0) < 0.05
    with pytest.raises(ValueError, match="non-negative integer"):
        bm.random.seed(-1)


def test_jit_plain_function(backend):
    def f(x, a):
        return bm.sum(bm.exp(-a * x) * bm.where(x > 0.5, 1.0, 2.0))
    x = np.linspace(0, 1, 11)
    np.testing.assert_allclose(float(bm.jit(f)(x, 2.0)), float(f(x, 2.0)), rtol=1e-13)


def test_jit_random_matches_uncompiled_draws_on_numpy():
    """Numba's generator follows NumPy's when seeded through bm.random.seed."""
    @bm.jit
    def draw(n):
        return bm.random.normal(0.0, 1.0, n)
    draw(1)  # compile first
    bm.random.seed(7)
    compiled = draw(5)
    bm.random.seed(7)
    np.testing.assert_allclose(compiled, bm.random.normal(0.0, 1.0, 5), rtol=1e-14)


def test_jit_random_advances_the_key_on_jax():
    bm.use_backend("jax")
    f = bm.jit(lambda x: x + bm.random.normal(size=x.shape))
    bm.random.seed(1)
    a, b = bm.as_numpy(f(bm.zeros(3))), bm.as_numpy(f(bm.zeros(3)))
    assert not np.array_equal(a, b)
    bm.random.seed(1)
    np.testing.assert_array_equal(bm.as_numpy(f(bm.zeros(3))), a)


def test_for_loop(backend):
    def body(i, carry):
        x, s = carry
        return x * 0.5, s + i * 1.0
    x, s = bm.for_loop(body, 10, (1.0, 0.0))
    assert float(x) == 0.5 ** 10 and float(s) == 45.0
    with pytest.raises(ValueError, match="n_steps"):
        bm.for_loop(body, -1, (1.0, 0.0))


def test_random_sampling_functions(backend):
    bm.random.seed(5)
    c = bm.as_numpy(bm.random.choice(10, 1000))
    assert c.min() >= 0 and c.max() <= 9 and len(set(c.tolist())) == 10
    p = bm.as_numpy(bm.random.permutation(20))
    assert sorted(p.tolist()) == list(range(20))
    b = bm.as_numpy(bm.random.bernoulli(0.3, 20000))
    assert b.dtype == bool and abs(b.mean() - 0.3) < 0.02
    k = bm.as_numpy(bm.random.poisson(4.0, 20000))
    assert abs(k.mean() - 4.0) < 0.1 and abs(k.var() - 4.0) < 0.2
    e = bm.as_numpy(bm.random.exponential(2.0, 20000))
    assert abs(e.mean() - 2.0) < 0.08
    assert bm.as_numpy(bm.random.randn(2, 3)).shape == (2, 3)
