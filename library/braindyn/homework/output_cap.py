"""The output limit, counted inside the kernel that runs a student's notebook.

``notebooks.execute`` installs it before the first cell (``install(limit)``):
each cell may write ``limit`` characters of text (``print``, ``sys.stdout``,
``sys.stderr``) and displayed data (figures: the size of their JSON, as the
client counts it).  The write that crosses the limit keeps what fits, adds
``NOTE`` on stderr and raises ``OutputLimitExceeded``, which stops the cell
there; later writes of the same cell are dropped.

Why in the kernel: counted by the client, a flood was noticed only once the
client had read 2 MB of messages, which takes longer on a busy machine, so
the same notebook could first hit the time limit there (or lose its output to
nbclient's wait for it) and be reported differently.  Here the limit is
reached at the same write on every run, whatever the machine's load.

``OutputLimitExceeded`` is a ``KeyboardInterrupt``: a student's ``except
Exception`` does not swallow it, and IPython reports it as it reports an
interrupt, also from its own callbacks (figures drawn at the end of a cell).
Writes from other threads (and the output of C code, which ipykernel forwards
from a thread) are cut at the limit but raise nothing; ``NOTE`` says so.  What
such a thread forwards after its cell has ended escapes the count: the client
(``notebooks.py``) counts as well and drops it.
"""
from __future__ import annotations

import json
import threading

NOTE_MARKER = "[braindyn: output cut here:"
NOTE = NOTE_MARKER + " this cell produced more than {limit:,} bytes]"


class OutputLimitExceeded(KeyboardInterrupt):
    """A cell printed or displayed more than the limit (stops the cell)."""


class _Cap:
    def __init__(self, limit: int):
        self.limit = int(limit)
        self.used = 0
        self.exceeded = False
        self.write_stderr = None     # writes the note on stderr, uncounted

    def reset(self) -> None:
        self.used, self.exceeded = 0, False

    def _exceed(self):
        """Mark the cell as over the limit; the exception to raise, or None."""
        first = not self.exceeded
        self.exceeded = True
        if first and self.write_stderr is not None:
            self.write_stderr("\n" + NOTE.format(limit=self.limit) + "\n")
        if first and threading.current_thread() is threading.main_thread():
            return OutputLimitExceeded(f"this cell produced more than {self.limit:,} bytes "
                                       f"of output")
        return None

    def text(self, original):
        def write(string):
            if self.exceeded:
                return len(string)            # dropped: the cell is over the limit
            if not isinstance(string, str):
                return original(string)       # the stream's own error (bytes, ...)
            room = self.limit - self.used
            self.used += len(string)
            if self.used <= self.limit:
                return original(string)
            if room > 0:
                original(string[:room])
            error = self._exceed()
            if error is not None:
                raise error
            return len(string)
        return write

    def display(self, original):
        def publish(data, *args, **kwargs):
            if self.exceeded:
                return None
            self.used += len(json.dumps(data, default=str))
            if self.used <= self.limit:
                return original(data, *args, **kwargs)
            error = self._exceed()
            if error is not None:
                raise error
            return None
        return publish


def install(limit: int) -> None:
    """Count each cell's output in this kernel (IPython with ipykernel) from now on.

    The streams' ``write`` is wrapped for the length of each cell (IPython 9
    itself wraps it per cell, to keep the output in its history, and puts its
    own back afterwards); the display publisher once."""
    import sys

    from IPython import get_ipython

    shell = get_ipython()
    cap = _Cap(limit)
    stderr = sys.stderr
    cap.write_stderr = lambda text: type(stderr).write(stderr, text)
    shell.display_pub.publish = cap.display(shell.display_pub.publish)
    saved: list = []

    def before_cell(*args) -> None:
        cap.reset()
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            saved.append((stream, stream.write))
            stream.write = cap.text(stream.write)

    def after_cell(*args) -> None:
        while saved:
            stream, write = saved.pop()
            stream.write = write

    shell.events.register("pre_run_cell", before_cell)
    shell.events.register("post_run_cell", after_cell)
