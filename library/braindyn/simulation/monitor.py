"""What a run recorded: ``obj.mon.ts`` and ``obj.mon.<variable>``.

Values are recorded AFTER each step's update (Brian2's StateMonitor convention
differs: it records before); ``ts[i]`` is therefore the time at the end of the
recorded step, ``t_start + (i + 1) * dt`` when every step is recorded.

``'rate'`` (``'E.rate'`` on a network) monitors the population rate of a group
that has a ``spike`` Variable (and no Variable called ``rate``): ``mon.rate[i]`` is
the fraction of the group's neurons that spiked in step i divided by dt, in Hz,
as ``braindyn.measure.population_rate(mon.spike, dt)`` gives it (Brian2's
``PopulationRateMonitor``).  It is made from the spike record after the run
(``runner._store``), so it costs what monitoring ``'spike'`` costs, and nothing more
when ``'spike'`` is monitored too; every backend and ``jit`` gives the same rate.
With ``mon_interval`` it samples the recorded steps only.
"""
from __future__ import annotations

import numpy as np


class Monitor:
    """Recorded values: ``mon.ts`` (T,) and one (T, n) array per variable."""

    def __init__(self):
        self.ts = np.zeros(0)
        self._items: dict[str, np.ndarray] = {}

    def __getattr__(self, name):
        items = self.__dict__.get("_items", {})
        if name in items:
            return items[name]
        raise AttributeError(f"nothing called {name!r} was monitored; monitored: "
                             f"{sorted(items) or 'nothing'} (pass monitors=[...] to the "
                             f"constructor or to run)")

    def __getitem__(self, name: str) -> np.ndarray:
        if name == "ts":
            return self.ts
        return self.__getattr__(name)

    def keys(self):
        return list(self._items)

    def _set(self, ts: np.ndarray, items: dict):
        self.ts = ts
        self._items = dict(items)

    def __repr__(self):
        shapes = ", ".join(f"{k}{v.shape}" for k, v in self._items.items())
        return f"Monitor(ts{self.ts.shape}{', ' if shapes else ''}{shapes})"
