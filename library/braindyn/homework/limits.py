"""The limits ``braindyn check``, ``submit`` and ``grade`` share (one set, one meaning).

A notebook is run part by part (the markdown headings "Part 1", "Part 2", ...
split it, see ``notebooks.sections_of``): the cells of each part, and the
setup cells before the first part, may use ``PART_TIMEOUT`` seconds of the
kernel's CPU time together; a cell that goes past it is interrupted and the
rest of that part skipped, and the next part starts with its own budget.
CPU time, not the clock: a correct part costs the same on a machine busy with
other work (another student's grading, say) as on an idle one, and so does an
endless loop.  A cell that waits without computing is stopped by the clock,
``notebooks.WALL_FACTOR`` times as long (where the CPU time cannot be read,
outside Linux, the clock alone counts, ``PART_TIMEOUT`` seconds).  Each cell
the tools add after a part (a self-check's verdicts, a grading collector) has
``AFTER_TIMEOUT`` seconds, counted the same way.  Each cell may print
``MAX_OUTPUT_BYTES``.  The sandbox's own limits (memory, processes, disk and
its own wall clock) are in ``sandbox.Limits``.
"""
from .notebooks import MAX_OUTPUT_BYTES, WALL_FACTOR

PART_TIMEOUT = 60.0         # CPU seconds for the cells of one part (the source needs < 15)
AFTER_TIMEOUT = 60.0        # CPU seconds for one cell the tools run after a part
STARTUP_TIMEOUT = 60.0      # seconds for a kernel to start

__all__ = ["PART_TIMEOUT", "AFTER_TIMEOUT", "STARTUP_TIMEOUT", "MAX_OUTPUT_BYTES",
           "WALL_FACTOR"]
