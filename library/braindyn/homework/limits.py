"""The limits ``braindyn check``, ``submit`` and ``grade`` share (one set, one meaning).

A notebook is run part by part (the markdown headings "Part 1", "Part 2", ...
split it, see ``notebooks.sections_of``): the cells of each part, and the
setup cells before the first part, have ``PART_TIMEOUT`` seconds together; a
cell that outlives them is interrupted and the rest of that part skipped, and
the next part starts with its own budget.  Each cell the tools add after a
part (a self-check's verdicts, a grading collector) has ``AFTER_TIMEOUT``
seconds.  Each cell may print ``MAX_OUTPUT_BYTES``.  The sandbox's own limits
(memory, CPU time, processes, disk) are in ``sandbox.Limits``.
"""
from .notebooks import MAX_OUTPUT_BYTES

PART_TIMEOUT = 120.0        # seconds for the cells of one part (the source needs < 30)
AFTER_TIMEOUT = 60.0        # seconds for one cell the tools run after a part
STARTUP_TIMEOUT = 60.0      # seconds for a kernel to start

__all__ = ["PART_TIMEOUT", "AFTER_TIMEOUT", "STARTUP_TIMEOUT", "MAX_OUTPUT_BYTES"]
