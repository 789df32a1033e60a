"""Model classes students write like the slides: ``DynamicalSystem``, ``NeuGroup``,
``TwoEndConn`` and ``Network``.

A model keeps its changing state in ``bm.Variable`` attributes and advances it by
one step in ``update(self, _t, _dt)``; every other attribute (numbers, arrays,
strings) is a parameter that ``update`` reads: compiled runs read it again when
each run starts (``state.py``).  Call ``run(duration, inputs=..., dt=...)`` to
simulate; see ``runner.py`` for what happens then.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Iterable

import numpy as np

from ..math.variable import Variable
from .monitor import Monitor

_counters: dict[str, itertools.count] = {}


def _auto_name(obj) -> str:
    cls = type(obj).__name__
    counter = _counters.setdefault(cls, itertools.count())
    return f"{cls}{next(counter)}"


class DynamicalSystem:
    """Base class of everything that has state and an ``update(_t, _dt)`` step.

    Parameters
    ----------
    monitors : names of Variables to record at every step, e.g. ``['V', 'spike']``
        (see ``run`` for index subsets).
    name : a unique name (used for inputs and monitors of networks, and in the
        generated code); made from the class name when not given.
    """

    def __init__(self, monitors: Iterable | None = None, name: str | None = None):
        if name is not None and (not isinstance(name, str) or not name.isidentifier()):
            raise ValueError(f"name must be a Python identifier such as 'E', got {name!r}")
        self.name = name or _auto_name(self)
        self.monitors = list(monitors or [])
        self.mon = Monitor()
        self._runner_cache: dict = {}
        self.compile_count = 0   # compiled programs built for this model (see run)

    # -- the step: students override this -----------------------------------
    def update(self, _t: float, _dt: float) -> None:
        """Advance the state from time ``_t`` to ``_t + _dt`` (ms), in place."""
        raise NotImplementedError(
            f"{type(self).__name__} has no update(self, _t, _dt) method: write one that "
            f"advances its Variables by one step of _dt")

    # -- structure -------------------------------------------------------------
    def vars(self) -> dict[str, Variable]:
        """This object's own Variables, by attribute name."""
        return {k: v for k, v in vars(self).items() if isinstance(v, Variable)}

    def children(self) -> list["DynamicalSystem"]:
        """Systems this one contains and updates (a Network's members)."""
        return []

    def nodes(self) -> list["DynamicalSystem"]:
        """This system and every system below it, each once, parents first."""
        out, seen = [], set()

        def visit(node):
            if id(node) in seen:
                return
            seen.add(id(node))
            out.append(node)
            for child in node.children():
                visit(child)
            for value in vars(node).values():  # a synapse's pre and post
                if isinstance(value, DynamicalSystem):
                    visit(value)
        visit(self)
        return out

    # -- running ------------------------------------------------------------------
    def run(self, duration, inputs=(), dt: float | None = None, report: float = 0.0,
            jit: bool = True, monitors=None, mon_interval: float | None = None) -> None:
        """Simulate for ``duration`` ms (or ``(t_start, t_end)``).

        inputs : ``('input', 10.)``, ``['input', 10]``, a list of such, or
            ``(target, value, type, op)`` with type 'fix' (a constant or an array
            broadcast to the target) or 'iter' (one value per step) and op one of
            ``+ - * / =`` (default '+', applied before each step).  On a Network
            targets are dotted: ``'E.input'``.
        dt : step size in ms (default 0.1); changing it does not recompile.
        report : > 0 shows a progress bar updated every ``report`` of the run.
        jit : True compiles the whole loop (Numba on the NumPy backend, jax.jit
            on JAX); False runs ``update`` in plain Python (print and pdb work).
        monitors : more Variables to record (added to the constructor's);
            ``'V'``, ``'E.V'`` on a network, or ``('V', [0, 3])`` for a subset.
        mon_interval : record every ``mon_interval`` ms instead of every step.

        After the run ``self.mon.ts`` has shape (T,) and ``self.mon.V`` shape
        (T, num), NumPy arrays, where ``ts[i]`` is the time at the END of the
        i-th recorded step (the value is recorded after that step's update).
        """
        from . import runner
        runner.run(self, duration, inputs=inputs, dt=dt, report=report, jit=jit,
                   monitors=monitors, mon_interval=mon_interval)

    def _count_compilation(self, backend_name: str) -> None:
        self.compile_count += 1

    def show_code(self) -> None:
        """Print the code the last compiled run executed (NumPy backend: the
        generated Numba code; JAX: the traced update methods)."""
        from . import runner
        print(runner.last_source(self))

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"


def _size(size) -> tuple:
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size),)
    if not isinstance(size, tuple) or not size or \
            not all(isinstance(s, (int, np.integer)) and s > 0 for s in size):
        raise ValueError(f"size must be a positive int or a tuple of them, e.g. 100 or "
                         f"(10, 10), got {size!r}")
    return tuple(int(s) for s in size)


class NeuGroup(DynamicalSystem):
    """A group of ``size`` neurons of one kind.

    ``self.size`` is the shape (a tuple), ``self.num`` the number of neurons.
    """

    def __init__(self, size, monitors: Iterable | None = None, name: str | None = None,
                 **kwargs: Any):
        self.size = _size(size)
        self.num = int(math.prod(self.size))
        super().__init__(monitors=monitors, name=name)


class TwoEndConn(DynamicalSystem):
    """A synapse population from ``pre`` to ``post`` neurons.

    ``conn`` is a connector from ``bp.connect`` (or an (N_pre, N_post) boolean
    matrix); after construction ``self.conn`` holds the built connection, with
    ``pre_ids``, ``post_ids``, ``conn_mat`` and ``pre2post``.  ``delay`` (ms) is
    stored for the model to use (see ``bp.ConstantDelay``).
    """

    def __init__(self, pre: NeuGroup, post: NeuGroup, conn, delay: float = 0.0,
                 monitors: Iterable | None = None, name: str | None = None, **kwargs: Any):
        from .connect import Connector, MatConn
        for role, group in (("pre", pre), ("post", post)):
            if not isinstance(group, NeuGroup):
                raise TypeError(f"{role} must be a NeuGroup, got {type(group).__name__}")
        if isinstance(conn, np.ndarray):
            conn = MatConn(conn)
        if not isinstance(conn, Connector):
            raise TypeError("conn must be a connector such as bp.connect.All2All() or a "
                            f"boolean matrix, got {type(conn).__name__}")
        if not (isinstance(delay, (int, float)) and delay >= 0):
            raise ValueError(f"delay must be a number of ms >= 0, got {delay!r}")
        self.pre, self.post = pre, post
        self.conn = conn(pre.size, post.size)
        self.delay = float(delay)
        super().__init__(monitors=monitors, name=name)


class Network(DynamicalSystem):
    """Several systems run together.

    ``Network(E, I, E2I=syn)`` or ``Network(*objs, **named)``: a keyword gives a
    member its name.  Each step runs, in this fixed order, every synapse
    (``TwoEndConn``) in the order given, then every neuron group, then any other
    system: synapses read the spikes of the previous step and deliver input
    that the neurons integrate in this step (as in the slides).
    """

    def __init__(self, *objs: DynamicalSystem, monitors: Iterable | None = None,
                 name: str | None = None, **named_objs: DynamicalSystem):
        members = list(objs)
        for key, obj in named_objs.items():
            if not isinstance(obj, DynamicalSystem):
                raise TypeError(f"network member {key!r} is a {type(obj).__name__}, not a "
                                f"DynamicalSystem")
            obj.name = key
            members.append(obj)
        for obj in members:
            if not isinstance(obj, DynamicalSystem):
                raise TypeError(f"network members must be DynamicalSystems, got "
                                f"{type(obj).__name__}")
        names = [m.name for m in members]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"network members need unique names; repeated: {sorted(dupes)}")
        order = {TwoEndConn: 0, NeuGroup: 1}
        self.members = sorted(members, key=lambda m: next(
            (rank for cls, rank in order.items() if isinstance(m, cls)), 2))
        super().__init__(monitors=monitors, name=name)

    def children(self) -> list[DynamicalSystem]:
        return list(self.members)

    def __getattr__(self, name):
        # net.E: members by name (only called when normal lookup fails)
        for m in self.__dict__.get("members", []):
            if m.name == name:
                return m
        raise AttributeError(f"{type(self).__name__} has no attribute or member {name!r}")

    def update(self, _t: float, _dt: float) -> None:
        for member in self.members:
            member.update(_t, _dt)
