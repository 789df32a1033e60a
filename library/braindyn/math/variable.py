"""``bm.Variable``: the mutable state of a model.

Arrays of JAX are immutable and compiled code only sees what is passed in,
so every value that a model changes while it runs (membrane potential, gating
variables, spikes, input) is wrapped in a Variable.  In-place updates look the
same on both backends::

    v[:] = x;  v[i] = a;  v[[1, 3]] = c;  v[...] = e;  v += x;  v.value = x

On NumPy they write into the array; on JAX they replace the Variable's array
by an updated copy (``x.at[i].set(a)``), which ``jax.jit`` turns back into
in-place writes.  Everything else (``v + 1``, ``bm.exp(v)``) returns a plain
array of the backend.
"""
from __future__ import annotations

import math

import numpy as np

from . import backend


def unwrap(x):
    """The array inside a Variable; anything else unchanged."""
    return x._value if isinstance(x, Variable) else x


def _index(index):
    # JAX refuses list indices (v[[1, 3]]); NumPy reads them as arrays too.
    index = unwrap(index)
    if isinstance(index, list):
        return np.asarray(index)
    if isinstance(index, tuple):
        return tuple(np.asarray(i) if isinstance(i, list) else unwrap(i) for i in index)
    return index


def _is_numpy(a) -> bool:
    return isinstance(a, (np.ndarray, np.generic))


class Variable:
    """A named slot holding an array that a model updates in place.

    Parameters
    ----------
    value : array_like
        Initial value.  Python floats become the default float type
        (``bm.get_dtype()``); the shape and dtype are fixed from here on.
    """

    __slots__ = ("_value", "__weakref__")
    # Make NumPy defer to our reflected operators (ndarray + Variable).
    __array_priority__ = 100

    def __init__(self, value):
        value = unwrap(value)
        if isinstance(value, (bool, int, float, complex, list, tuple)):
            arr = np.asarray(value)
            if arr.dtype.kind == "f":
                arr = arr.astype(backend.get_dtype())
            value = arr
        if backend.get_backend() == "jax":
            import jax.numpy as jnp
            value = jnp.asarray(value)
        elif not _is_numpy(value):
            value = np.asarray(value)
        else:
            value = np.array(value)  # own copy: no aliasing with the caller's array
        self._value = value

    # -- the value -------------------------------------------------------
    @property
    def value(self):
        """The current array.  Assigning keeps shape and dtype fixed."""
        return self._value

    @value.setter
    def value(self, new):
        new = unwrap(new)
        shape = np.shape(new)
        if shape != self.shape:
            raise ValueError(f"cannot assign an array of shape {shape} to a Variable of "
                             f"shape {self.shape}; assign v[:] = x to broadcast instead")
        if _is_numpy(self._value):
            self._value = np.asarray(new, dtype=self.dtype).copy()
        else:
            import jax.numpy as jnp
            self._value = jnp.asarray(new, dtype=self.dtype)

    @property
    def shape(self):
        return self._value.shape     # an array (NumPy, JAX or a tracer) or a NumPy scalar

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return math.prod(self.shape)

    def __len__(self):
        return len(self._value)

    def numpy(self) -> np.ndarray:
        """A NumPy copy of the value."""
        return np.array(self._value)

    def __repr__(self):
        return f"Variable({self._value!r})"

    def __array__(self, dtype=None, copy=None):
        a = np.asarray(self._value)
        return a if dtype is None else a.astype(dtype)

    # Variables are mutable: hashing by value would be wrong.
    __hash__ = None

    def __iter__(self):
        return iter(self._value)

    def __bool__(self):
        return bool(self._value)

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __index__(self):
        return int(self._value)

    # -- indexing and in-place updates ------------------------------------
    def __getitem__(self, index):
        return self._value[_index(index)]

    def __setitem__(self, index, new):
        index, new = _index(index), unwrap(new)
        if _is_numpy(self._value):
            self._value[index] = new
        elif index is Ellipsis or (isinstance(index, slice) and index == slice(None)):
            # v[:] = x on JAX: a broadcast, not a scatter (one kernel instead of several)
            import jax.numpy as jnp
            self._value = jnp.broadcast_to(jnp.asarray(new, dtype=self.dtype), self.shape)
        elif getattr(index, "dtype", None) == bool and np.shape(index) == self.shape:
            # v[mask] = x on JAX: where(mask, x, v) gives NumPy's result and, unlike
            # .at[mask], works on masks computed during the run (a traced mask)
            import jax.numpy as jnp
            if np.ndim(new) != 0:
                raise IndexError(
                    "v[mask] = values with an array of values needs a mask known in "
                    "advance on the JAX backend; write v.value = bm.where(mask, new_values, "
                    "v) with new_values shaped like v")
            self._value = jnp.where(index, jnp.asarray(new, dtype=self.dtype), self._value)
        else:
            self._value = self._value.at[index].set(new)

    def _inplace(self, op, other):
        other = unwrap(other)
        if _is_numpy(self._value):
            # NumPy's in-place operator writes into the same buffer, so views
            # and compiled code holding this array see the change.
            getattr(self._value, op)(other)
        else:
            new = getattr(self._value, op.replace("__i", "__", 1))(other)
            self._value = new.astype(self.dtype)
        return self

    def __iadd__(self, other):
        return self._inplace("__iadd__", other)

    def __isub__(self, other):
        return self._inplace("__isub__", other)

    def __imul__(self, other):
        return self._inplace("__imul__", other)

    def __itruediv__(self, other):
        return self._inplace("__itruediv__", other)

    def __ifloordiv__(self, other):
        return self._inplace("__ifloordiv__", other)

    def __imod__(self, other):
        return self._inplace("__imod__", other)

    def __ipow__(self, other):
        return self._inplace("__ipow__", other)

    def __iand__(self, other):
        return self._inplace("__iand__", other)

    def __ior__(self, other):
        return self._inplace("__ior__", other)

    def __ixor__(self, other):
        return self._inplace("__ixor__", other)


def _binary(name):
    def op(self, other):
        return getattr(self._value, name)(unwrap(other))
    op.__name__ = name
    return op


def _unary(name):
    def op(self):
        return getattr(self._value, name)()
    op.__name__ = name
    return op


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul",
              "and", "or", "xor", "lshift", "rshift", "divmod"):
    setattr(Variable, f"__{_name}__", _binary(f"__{_name}__"))
    setattr(Variable, f"__r{_name}__", _binary(f"__r{_name}__"))
for _name in ("lt", "le", "gt", "ge", "eq", "ne"):
    setattr(Variable, f"__{_name}__", _binary(f"__{_name}__"))
for _name in ("neg", "pos", "abs", "invert"):
    setattr(Variable, f"__{_name}__", _unary(f"__{_name}__"))


def _forward_attr(name):
    return property(lambda self: getattr(self._value, name))


for _name in ("T", "real", "imag"):
    setattr(Variable, _name, _forward_attr(_name))


def _forward_method(name):
    def method(self, *args, **kwargs):
        return getattr(self._value, name)(*[unwrap(a) for a in args], **kwargs)
    method.__name__ = name
    return method


for _name in ("sum", "mean", "max", "min", "std", "var", "prod", "any", "all",
              "argmax", "argmin", "reshape", "flatten", "ravel", "astype", "copy",
              "tolist", "item", "cumsum", "dot", "transpose", "squeeze", "clip", "round"):
    setattr(Variable, _name, _forward_method(_name))
