"""Read the ``inputs`` and ``monitors`` arguments of ``run`` into plain records,
or say precisely what is wrong with them."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..math.variable import Variable

OPS = ("+", "-", "*", "/", "=")
TYPES = ("fix", "iter")


@dataclass
class InputSpec:
    node: object          # the system whose Variable receives the input
    attr: str             # the Variable's attribute name
    key: str              # as the user wrote it, e.g. 'E.input'
    value: np.ndarray     # 'fix': the target's shape; 'iter': (n_steps,) + shape
    kind: str             # 'fix' or 'iter'
    op: str               # one of OPS


@dataclass
class MonitorSpec:
    node: object
    attr: str
    key: str                       # name in the owner's mon, e.g. 'V' or 'E.V'
    index: np.ndarray | None       # subset of the flattened Variable, or everything
    owners: list = field(default_factory=list)   # (system, key) whose mon gets it
    rates: list = field(default_factory=list)    # (system, key) whose mon gets its rate


def find_node(root, name: str):
    for node in root.nodes():
        if node.name == name:
            return node
    raise ValueError(f"no system named {name!r} in {root.name}; systems: "
                     f"{', '.join(n.name for n in root.nodes())}")


def resolve_target(root, key: str):
    """'input' on root, or 'E.input' on a member: the (system, attribute)."""
    if not isinstance(key, str) or not key:
        raise TypeError(f"an input or monitor target is a Variable name such as 'input' "
                        f"or 'E.input', got {key!r}")
    if "." in key:
        node_name, attr = key.rsplit(".", 1)
        node = root if node_name == root.name else find_node(root, node_name)
    else:
        node, attr = root, key
    var = vars(node).get(attr)
    if not isinstance(var, Variable):
        names = sorted(node.vars())
        members = [n.name for n in root.nodes() if n is not root]
        hint = f" (Variables of {node.name}: {', '.join(names) or 'none'}"
        hint += f"; members: {', '.join(members)}, write 'member.variable')" if members else ")"
        what = "is not a bm.Variable" if attr in vars(node) else "does not exist"
        raise ValueError(f"target {key!r}: {node.name}.{attr} {what}{hint}")
    return node, attr


def parse_inputs(root, inputs, n_steps: int) -> list[InputSpec]:
    if inputs is None or (isinstance(inputs, (list, tuple)) and len(inputs) == 0):
        return []
    if isinstance(inputs, (list, tuple)) and isinstance(inputs[0], str):
        items = [inputs]                     # ('input', 10.) or ['input', 10]
    elif isinstance(inputs, (list, tuple)):
        items = list(inputs)                 # [('a', 1.), ('b', 2.)]
    else:
        raise TypeError(f"inputs must be ('target', value) or a list of such, got "
                        f"{type(inputs).__name__}")
    specs = []
    for item in items:
        if not isinstance(item, (list, tuple)) or not 2 <= len(item) <= 4:
            raise ValueError(f"each input is (target, value), (target, value, type) or "
                             f"(target, value, type, op); got {item!r}")
        key, value = item[0], item[1]
        kind = item[2] if len(item) > 2 else "fix"
        op = item[3] if len(item) > 3 else "+"
        if kind not in TYPES:
            raise ValueError(f"input {key!r}: type must be 'fix' or 'iter', got {kind!r}")
        if op not in OPS:
            raise ValueError(f"input {key!r}: op must be one of {' '.join(OPS)}, got {op!r}")
        node, attr = resolve_target(root, key)
        shape = vars(node)[attr].shape
        value = np.asarray(value, dtype=np.float64)
        if kind == "fix" and value.ndim == 0:
            value = np.full(shape, value)    # the common case, in one call
        elif kind == "fix":
            try:
                value = np.ascontiguousarray(np.broadcast_to(value, shape))
            except ValueError:
                raise ValueError(f"input {key!r}: a value of shape {value.shape} cannot be "
                                 f"broadcast to {key}'s shape {shape}") from None
        else:
            if value.ndim == 0 or value.shape[0] != n_steps:
                raise ValueError(f"input {key!r} of type 'iter' needs one value per step: "
                                 f"{n_steps} steps, got shape {value.shape}")
            try:
                value = np.ascontiguousarray(np.broadcast_to(
                    value.reshape(value.shape + (1,) * (len(shape) + 1 - value.ndim))
                    if value.ndim < len(shape) + 1 else value, (n_steps,) + shape))
            except ValueError:
                raise ValueError(f"input {key!r}: each step's value of shape "
                                 f"{value.shape[1:]} cannot be broadcast to {shape}") from None
        specs.append(InputSpec(node, attr, key, value, kind, op))
    return specs


def _monitor_items(monitors):
    if monitors is None:
        return []
    if isinstance(monitors, str):
        return [(monitors, None)]
    if isinstance(monitors, dict):
        return list(monitors.items())
    items = []
    for m in monitors:
        if isinstance(m, str):
            items.append((m, None))
        elif isinstance(m, (tuple, list)) and len(m) == 2 and isinstance(m[0], str):
            items.append((m[0], m[1]))
        else:
            raise ValueError(f"a monitor is a Variable name such as 'V' or (name, indices), "
                             f"got {m!r}")
    return items


RATE = "rate"


def _rate_of(owner, key):
    """'rate' ('E.rate') of a group with a 'spike' Variable and no Variable 'rate': the
    population rate, made from the spike record after the run (runner._store), so it
    costs what recording 'spike' costs, and nothing when 'spike' is recorded too.
    Returns the key of the spike Variable, or None for any other monitor."""
    if not isinstance(key, str) or key.rsplit(".", 1)[-1] != RATE:
        return None
    spike_key = key[:-len(RATE)] + "spike"
    try:
        node, _ = resolve_target(owner, spike_key)
    except ValueError:
        return None
    return None if isinstance(vars(node).get(RATE), Variable) else spike_key


def parse_monitors(root, run_monitors) -> list[MonitorSpec]:
    """Monitors given to each system's constructor, plus those given to run."""
    specs: dict = {}
    requests = []
    for node in root.nodes():
        for key, index in _monitor_items(node.monitors):
            requests.append((node, key, index))
    for key, index in _monitor_items(run_monitors):
        requests.append((root, key, index))
    for owner, key, index in requests:
        spike_key = _rate_of(owner, key)
        node, attr = resolve_target(owner, spike_key or key)
        var = vars(node)[attr]
        if isinstance(index, list) and index and all(type(i) is int for i in index):
            # the usual [0, 3]: checked in Python, one array made (NumPy's checks
            # below cost more than the rest of a short run's preparation)
            size = var.size
            if any(i < 0 or i >= size for i in index):
                raise ValueError(f"monitor {key!r}: indices must be in [0, {size}), got "
                                 f"{min(index)}..{max(index)}")
            index = np.array(index, dtype=np.int64)
        elif index is not None:
            index = np.asarray(index)
            if index.dtype == bool:
                index = np.nonzero(index.ravel())[0]
            if index.dtype.kind not in "iu" or index.ndim != 1:
                raise ValueError(f"monitor {key!r}: indices must be a 1-D list of ints, got "
                                 f"{index!r}")
            if index.size and (index.min() < 0 or index.max() >= var.size):
                raise ValueError(f"monitor {key!r}: indices must be in [0, {var.size}), got "
                                 f"{index.min()}..{index.max()}")
            index = np.ascontiguousarray(index, dtype=np.int64)
        ident = (id(node), attr, None if index is None else index.tobytes())
        if ident not in specs:
            specs[ident] = MonitorSpec(node, attr, f"{node.name}.{attr}", index)
        short = key.rsplit(".", 1)[-1] if owner is node else key
        receivers = specs[ident].rates if spike_key else specs[ident].owners
        receivers.append((owner, short))
        if owner is not node:
            receivers.append((node, RATE if spike_key else attr))
    return list(specs.values())
