"""A sandbox per submission: bubblewrap (``bwrap``), limits, and nothing shared.

``braindyn grade`` runs each student's notebook with :func:`run`, which starts
``python -m braindyn.homework.runner`` inside a new sandbox made by
bubblewrap (Debian's ``bubblewrap`` package; ``make bubblewrap`` installs it).
What the code inside sees and may do:

* **Files.** An empty root: ``/usr`` (and the ``/bin``, ``/lib`` links), a few
  files of ``/etc`` (fonts, time zone, user names, the loader's cache), the
  Python installation, the virtual environment and the kit, all **read-only**;
  a new ``/proc`` and ``/dev``.  The only writable places are two small
  ``tmpfs`` (memory) folders made for this sandbox, its home
  (:data:`HOME`, the notebook's working directory, holding nothing but its own
  copy of the notebook) and ``/tmp``; both vanish with the sandbox.  The
  submissions, the hidden tests, the grades, the other sandboxes and the
  grader's home are simply not there.
* **Network.** None: a new network namespace with only the loopback device
  (the notebook's kernel talks to the runner over it).
* **Processes.** A new PID namespace: the code sees only its own processes,
  and when the sandbox ends every process in it is killed by the kernel (a
  process that "outlives the kernel" cannot).  Also a new IPC and UTS
  namespace, a new session (no terminal to inject keystrokes into), and
  ``--die-with-parent`` (the sandbox dies with the grader).
* **Who.** When the grader runs as root, bubblewrap builds the sandbox with
  root's rights, keeps only the capabilities to change user, and the runner
  switches to ``nobody`` (uid 65534) before it reads anything else: the
  notebook never runs as root, has no capabilities, and cannot regain any
  (``no_new_privs``: set-uid programs do not elevate).  Otherwise bubblewrap
  makes a user namespace and the code runs as the grader's own user, without
  capabilities outside it.  Either way the read-only mounts hold: even root
  inside (tested) gets "Read-only file system".
* **Limits.** Address space, CPU time, file size and open files per process
  (``setrlimit``, inherited by everything inside), the number of processes (a
  ``pids`` cgroup of its own where the grader may make one, as root does;
  ``RLIMIT_NPROC`` inside the sandbox otherwise), the size of the two
  ``tmpfs``, and a wall-clock limit after which the whole sandbox is killed.
* **Nothing shared.** The compile cache (``BRAINDYN_CACHE``) and every other
  cache lives in the sandbox's own home, so one submission's compiled code
  can never be loaded by another.

What comes back is the runner's standard output, a JSON document (at most
:data:`MAX_RESULT_BYTES`), parsed by the grader, which trusts nothing in it
but its shape (see grade.py).

Where bubblewrap is missing or cannot make namespaces (a container without
user namespaces, macOS, Windows), :func:`problem` says why and ``braindyn
grade`` refuses to run unless given ``--no-sandbox``.  To grade in
containers instead, see "Grading at scale" in this folder's README.
"""
from __future__ import annotations

import ctypes
import functools
import json
import os
import pathlib
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass

HOME = "/home/student"          # the sandbox's home and the notebook's working directory
NOBODY = 65534                  # the uid and gid a root grader's sandbox runs as
MAX_RESULT_BYTES = 64_000_000   # the runner's report, at most
# Read-only parts of /etc that Python, matplotlib and Jupyter read.  Not the rest
# (/etc/shadow, the grader's configuration, ...).
ETC = ("fonts", "localtime", "timezone", "passwd", "group", "nsswitch.conf", "hosts",
       "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "mime.types", "matplotlibrc")
PIDS_CGROUP = pathlib.Path("/sys/fs/cgroup/pids")   # cgroup v1 pids controller (as root)


@dataclass(frozen=True)
class Limits:
    """What one sandbox may use.  ``braindyn check``, ``submit`` and ``grade`` share
    the time and output limits (limits.py); these are the sandbox's own."""

    wall_seconds: float = 900.0      # the whole sandbox, then everything in it is killed
    memory_mb: int = 3072            # address space of each process
    cpu_seconds: int = 900           # CPU time of each process
    file_mb: int = 64                # the largest file a process may write
    disk_mb: int = 256               # each of the two tmpfs (home and /tmp)
    processes: int = 64              # processes and threads at once
    open_files: int = 1024


def _which_bwrap() -> str | None:
    return shutil.which("bwrap")


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _kit_paths() -> list[str]:
    """Folders the sandbox needs read-only: Python, the environment and the kit."""
    import braindyn

    kit = pathlib.Path(braindyn.__file__).resolve().parent.parent    # .../library
    paths = {pathlib.Path(sys.base_prefix).resolve(), pathlib.Path(sys.prefix).resolve(), kit}
    # the interpreter the environment points at (a venv's python may be a symlink)
    paths.add(pathlib.Path(os.path.realpath(sys.executable)).parent.parent)
    # keep only the outermost folders, and none that /usr already covers
    ordered = sorted(str(p) for p in paths)
    kept: list[str] = []
    for p in ordered:
        if p == "/usr" or p.startswith("/usr/"):
            continue
        if not any(p == k or p.startswith(k + os.sep) for k in kept):
            kept.append(p)
    return kept


def _root_links() -> list[str]:
    """/bin, /lib, ... as on this machine: symlinks into /usr, or read-only folders."""
    args: list[str] = []
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = pathlib.Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def bwrap_args(limits: Limits, privileged: bool | None = None) -> list[str]:
    """The bubblewrap options of a sandbox (everything before the command)."""
    privileged = _is_root() if privileged is None else privileged
    args = [_which_bwrap() or "bwrap"]
    if privileged:
        # Root builds the sandbox itself (no user namespace), then keeps only the
        # capabilities the runner needs to become nobody; those go with the switch.
        args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--cap-drop", "ALL",
                 "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-all", "--cap-drop", "ALL"]
    args += ["--die-with-parent", "--new-session", "--hostname", "sandbox",
             "--ro-bind", "/usr", "/usr", *_root_links()]
    for name in ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    size = str(limits.disk_mb * 1024 * 1024)
    # /tmp before the kit: a kit or environment that lives under /tmp (a clone made
    # there, as CI may) is then bound on top of the sandbox's own /tmp, not hidden by it
    args += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
    made: set[str] = set()
    for path in [*_kit_paths(), HOME]:
        # the folders above a mount point: created here, readable by the sandbox's
        # user (bubblewrap would make them 0700, as root's)
        for parent in reversed(pathlib.PurePosixPath(path).parents[:-1]):
            if str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        if path != HOME:
            args += ["--ro-bind", path, path]
    args += ["--proc", "/proc"]
    for name in ("sys", "sysrq-trigger", "irq", "bus"):
        # read-only, as in the grader's /proc (root inside could write sysctls)
        args += ["--ro-bind-try", f"/proc/{name}", f"/proc/{name}"]
    args += ["--dev", "/dev",
             "--perms", "1777", "--size", size, "--tmpfs", "/dev/shm",
             "--perms", "1777", "--size", size, "--tmpfs", HOME,
             # the sandbox's own root (a tmpfs holding the mount points): read-only too
             "--remount-ro", "/",
             "--chdir", HOME, "--clearenv"]
    env = {"HOME": HOME, "USER": "student", "LOGNAME": "student", "TMPDIR": "/tmp",
           "PATH": f"{pathlib.Path(sys.executable).parent}:/usr/bin:/bin",
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
           "MPLCONFIGDIR": f"{HOME}/.config/matplotlib",
           "BRAINDYN_CACHE": f"{HOME}/.cache/braindyn",   # this sandbox's own, or none
           "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "NUMBA_NUM_THREADS": "1"}
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args


def _set_limits(limits: Limits) -> None:
    """In the child, before bwrap: per-process limits that everything inside inherits."""
    def both(kind, value):
        resource.setrlimit(kind, (value, value))

    both(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)
    # soft limit: SIGXCPU; one second later SIGKILL
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    both(resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024)
    both(resource.RLIMIT_NOFILE, limits.open_files)
    both(resource.RLIMIT_CORE, 0)


class _PidsCgroup:
    """A pids cgroup of the sandbox's own (root only): a limit on processes, and a
    list of every process left at the end, to kill."""

    def __init__(self, limit: int):
        self.path: pathlib.Path | None = None
        if not _is_root() or not (PIDS_CGROUP / "cgroup.procs").exists():
            return
        path = PIDS_CGROUP / f"braindyn-{os.getpid()}-{secrets.token_hex(6)}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(limit))
            self.path = path
        except OSError:
            self.close()

    def enter(self) -> None:          # in the child, before exec
        if self.path is not None:
            (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self) -> int:
        """SIGKILL every process still in the cgroup; how many there were."""
        if self.path is None:
            return 0
        left = 0
        for _ in range(50):
            try:
                pids = [int(p) for p in (self.path / "cgroup.procs").read_text().split()]
            except OSError:
                return left
            if not pids:
                return left
            left = max(left, len(pids))
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        return left

    def close(self) -> None:
        if self.path is not None:
            self.kill_all()
            for _ in range(50):
                try:
                    self.path.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)
            self.path = None


@functools.lru_cache(maxsize=1)
def problem() -> str | None:
    """Why no sandbox can run here, in a sentence; None when one can."""
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux (bubblewrap); this is {sys.platform}"
    if _which_bwrap() is None:
        return ("bubblewrap (bwrap) is not installed: `make bubblewrap`, or "
                "`sudo apt-get install bubblewrap`")
    try:
        proc = subprocess.run([*bwrap_args(Limits()), "--", sys.executable, "-c", "print(6 * 7)"],
                              capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"bwrap does not start: {e}"
    if proc.returncode != 0 or proc.stdout.strip() != "42":
        why = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return (f"bwrap cannot make a sandbox here ({why}); user namespaces may be "
                f"disabled (sysctl kernel.unprivileged_userns_clone=1, or run as root)")
    return None


@dataclass
class Finished:
    """A sandbox that has ended."""

    returncode: int | None       # None: killed at the wall-clock limit
    stdout: bytes                # the runner's report (capped)
    stderr: str                  # its last lines, for a message
    seconds: float
    killed_left: int = 0         # processes that were still alive at the end (then killed)

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run(command: list[str], stdin: bytes, limits: Limits, *, runner: bool = True,
        extra_args: list[str] = ()) -> Finished:
    """Run ``command`` (paths as seen inside, e.g. this Python) in a new sandbox.

    ``stdin`` is written to its standard input; its standard output comes back
    (at most MAX_RESULT_BYTES: the file-size limit applies to it too).  With
    ``runner`` the command is ``python -m braindyn.homework.runner`` and gets
    ``--drop-to UID:GID`` (as root: it becomes nobody before reading anything)
    and ``--max-processes N`` (where no cgroup counts them); tests that want
    another command, or a root process inside, pass False."""
    privileged = _is_root()
    cgroup = _PidsCgroup(limits.processes + 8)      # + bwrap, its init and the runner
    argv = [*bwrap_args(limits, privileged), *extra_args, "--", *command]
    if runner:
        if privileged:
            argv += ["--drop-to", f"{NOBODY}:{NOBODY}"]
        argv += ["--max-processes", str(limits.processes if cgroup.path is None else 0)]

    def child() -> None:
        cgroup.enter()
        _set_limits(limits)

    return _run(argv, stdin, limits, child, None, None, cgroup)


def run_unsandboxed(command: list[str], stdin: bytes, limits: Limits) -> Finished:
    """``command`` as a plain process (``braindyn grade --no-sandbox``): the same limits
    on time, memory, CPU and file size, its own new temporary folder as working
    directory, home and compile cache (removed afterwards), a process group of its
    own killed at the end.  But it runs as you, sees your files and the network."""
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="braindyn-grade-"))
    env = dict(os.environ, HOME=str(workdir), TMPDIR=str(workdir), PYTHONHASHSEED="0",
               MPLCONFIGDIR=str(workdir / ".config" / "matplotlib"),
               BRAINDYN_CACHE=str(workdir / ".cache" / "braindyn"))
    try:
        return _run([*command, "--max-processes", "0"], stdin, limits,
                    functools.partial(_set_limits, limits), workdir, env, None)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(argv, stdin, limits, child, cwd, env, cgroup) -> Finished:
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=out, stderr=err, cwd=cwd,
                                env=env, preexec_fn=child, start_new_session=True,
                                close_fds=True)
        try:
            try:
                proc.stdin.write(stdin)
                proc.stdin.close()
            except BrokenPipeError:
                pass
            try:
                returncode = proc.wait(timeout=limits.wall_seconds)
            except subprocess.TimeoutExpired:
                returncode = None
        finally:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)    # bwrap; its namespace goes with it
                except ProcessLookupError:
                    pass
                proc.wait()
            else:
                try:                                       # what is left of its group
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            left = cgroup.kill_all() if cgroup is not None else 0
            if cgroup is not None:
                cgroup.close()
        out.seek(0)
        data = out.read(MAX_RESULT_BYTES + 1)
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace")
    return Finished(returncode, data[:MAX_RESULT_BYTES], tail, time.monotonic() - started, left)


def limits_json(limits: Limits) -> str:
    return json.dumps(asdict(limits))


# ---------------------------------------------------------- inside the sandbox --

def become(uid: int, gid: int) -> None:
    """Inside a sandbox built by root: switch to ``uid``/``gid`` for good (all
    capabilities go with it)."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:     # pragma: no cover - the kernel refused
        raise SystemExit(f"could not switch to uid {uid}")


def limit_processes(count: int) -> None:
    """``RLIMIT_NPROC`` for this process and its children (0: leave it)."""
    if count > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (count, count))


def not_dumpable() -> None:
    """No other process of the same user may read this one's memory or open files
    (``/proc/PID/fd``, ``/proc/PID/mem``, ptrace): the student's kernel, started
    by it, cannot write into its report."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)          # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):      # pragma: no cover - not Linux
        pass
