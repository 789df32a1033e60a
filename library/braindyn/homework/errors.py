"""The errors the homework commands report to the user (never a traceback)."""


class UsageError(Exception):
    """Bad input to a command: the message says what to change.  Exit status 2."""


class NotebookError(UsageError):
    """A file that is not a readable Jupyter notebook; the message says why."""
