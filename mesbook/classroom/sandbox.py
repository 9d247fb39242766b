"""One sandbox per submission: bubblewrap (``bwrap``) around the notebook's executor and its kernel.

:func:`run_sandboxed` starts :mod:`~mesbook.classroom.executor` (which runs the notebook in a fresh
kernel) inside a sandbox made by bubblewrap, waits for it within a hard deadline and returns how it
ended. Inside, the processes see:

* read-only: ``/usr`` (and the ``/bin``, ``/lib`` links into it), a few files of ``/etc`` (the dynamic
  linker's cache, time zone, users), the Python installation, the virtual environment and the
  ``mesbook`` package, each at its own path and nothing beside it;
* read-write: the submission's own scratch folder, ``/scratch`` (the grader's copy of the notebook and
  the answer record; nothing of the instructor's), and a size-limited ``/tmp`` and ``/dev/shm``;
* a fresh ``/proc`` of their own PID namespace, a minimal ``/dev``, their own network namespace (only
  loopback: nothing leaves the machine, and no other kernel's ports are reachable), IPC and UTS
  namespaces, a new session (no terminal to type into), and ``--die-with-parent``: when the executor
  ends, every process of the sandbox ends with it, and so does the sandbox when the grader dies.

The executor sets hard resource limits (:class:`Limits`: memory, processes, file size, open files, no
core dumps) before anything of the student's runs. Two ways to start bwrap, chosen by who grades:

* **as root**, bwrap sets up the mounts with its privileges, keeps only ``CAP_SETUID``/``CAP_SETGID``,
  and the executor switches to a user id leased for this sandbox alone (:func:`lease_uid`, from
  :data:`SANDBOX_UIDS`) before it starts the kernel: every process of the student's runs as an ordinary
  user with no capability, and the process limit counts that sandbox's processes only;
* **as another user**, bwrap runs unprivileged in a new user namespace (which also gives every sandbox
  its own process count); user namespaces must then be allowed (they are on Debian and Fedora).

``unsafe=True`` runs the executor without bwrap, with the same limits and a clean environment: nothing
then protects the instructor's files (``--unsafe-no-sandbox``).
"""
from __future__ import annotations

import atexit
import contextlib
import errno
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence

#: How to get bubblewrap, for the grader's one-line refusal.
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap), "
                "or pass --unsafe-no-sandbox to grade without protection")
#: User ids a root grader leases to its sandboxes, one per running sandbox (the range Debian reserves).
SANDBOX_UIDS: range = range(65000, 65500)
#: Where the scratch folder appears inside the sandbox.
SCRATCH = "/scratch"
#: Files of ``/etc`` a kernel needs (those that exist are shown read-only).
ETC_FILES: tuple[str, ...] = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/timezone",
                              "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/host.conf")
#: matplotlib's configuration and cache folder inside a sandbox (in its own /tmp).
MPL_DIR = "/tmp/matplotlib"
#: Seconds a sandbox may take beyond the notebook's budget (bwrap, Python and the kernel starting) before
#: the grader stops it.
START_ALLOWANCE: float = 90.0


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing, or can't make a sandbox on this machine (the message says why and what to do)."""


@dataclass(frozen=True)
class Limits:
    """Hard limits of every process in a sandbox (bytes unless named otherwise)."""

    memory: int = 4 << 30         # address space of one process (RLIMIT_AS)
    processes: int = 256          # processes and threads of the sandbox (RLIMIT_NPROC)
    file_size: int = 64 << 20     # largest file a process may write (RLIMIT_FSIZE)
    open_files: int = 1024        # RLIMIT_NOFILE
    output: int = 1 << 20         # cell output the executor keeps; the rest is dropped
    tmp_size: int = 256 << 20     # size of /tmp and of /dev/shm (tmpfs)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Limits":
        return cls(**{key: int(value) for key, value in json.loads(text).items()})


@dataclass(frozen=True)
class SandboxRun:
    """How a sandbox ended: its exit status (negative: killed by that signal), whether the grader had to
    stop it at the deadline, and the seconds it took."""

    status: int
    stopped: bool
    seconds: float


def find_bwrap() -> Optional[str]:
    """The bubblewrap executable, or None."""
    return shutil.which("bwrap") or (os.access("/usr/bin/bwrap", os.X_OK) and "/usr/bin/bwrap") or None


def as_root() -> bool:
    """Whether sandboxes start as root (then each one runs as a leased user id)."""
    return os.geteuid() == 0


def readonly_paths() -> list[str]:
    """The folders a kernel needs to see, read-only: Python, its environment and the mesbook package."""
    import mesbook

    wanted = {"/usr", sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix,
              os.path.dirname(os.path.realpath(sys.executable)), str(Path(mesbook.__file__).resolve().parent)}
    paths = sorted({os.path.realpath(p) for p in wanted if p} | {os.path.abspath(p) for p in wanted if p})
    kept: list[str] = []
    for path in paths:  # a folder inside one already shown needs no mount of its own
        if os.path.isdir(path) and not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def exposed(path: str | os.PathLike) -> Optional[str]:
    """The read-only folder of the sandbox that contains ``path`` (so kernels could read it), or None."""
    target = os.path.realpath(path)
    for folder in readonly_paths():
        if target == folder or target.startswith(folder.rstrip("/") + "/"):
            return folder
    return None


@contextlib.contextmanager
def lease_uid() -> Iterator[int]:
    """A user id of :data:`SANDBOX_UIDS` that no other sandbox on this machine holds, for as long as the
    ``with`` block runs (held as an abstract Unix socket name, freed when this process lets it go or dies)."""
    for uid in SANDBOX_UIDS:
        lock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            lock.bind(f"\0mesbook-sandbox-uid-{uid}")
        except OSError:
            lock.close()
            continue
        try:
            yield uid
        finally:
            lock.close()
        return
    raise SandboxUnavailable(f"every sandbox user id {SANDBOX_UIDS.start}-{SANDBOX_UIDS.stop - 1} is in use")


def _ancestors(paths: Sequence[str]) -> list[str]:
    found = set()
    for path in paths:
        parent = os.path.dirname(path)
        while parent not in ("/", ""):
            found.add(parent)
            parent = os.path.dirname(parent)
    return sorted(found, key=lambda p: (p.count("/"), p))


def environment() -> dict[str, str]:
    """The whole environment of a sandboxed executor (and its kernel): nothing of the grader's."""
    return {
        "HOME": SCRATCH, "TMPDIR": "/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": MPL_DIR, "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1", "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter/runtime", "JUPYTER_DATA_DIR": "/tmp/jupyter/data",
        "JUPYTER_CONFIG_DIR": "/tmp/jupyter/config", "XDG_CACHE_HOME": "/tmp/cache",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1",
    }


def bwrap_command(scratch: str, command: Sequence[str], limits: Limits, root: bool) -> list[str]:
    """The bubblewrap command line that runs ``command`` on ``scratch`` (see the module's docstring)."""
    bwrap = find_bwrap()
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}")
    shown = readonly_paths()
    args = [bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "sandbox", "--die-with-parent", "--new-session"]
    if root:
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-user", "--disable-userns"]
    args += ["--dev", "/dev", "--proc", "/proc",
             "--perms", "1777", "--size", str(limits.tmp_size), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(limits.tmp_size), "--tmpfs", "/dev/shm"]
    for link in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(link):
            args += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link) and link not in shown:
            args += ["--ro-bind", link, link]
    for folder in _ancestors([*shown, SCRATCH]):
        args += ["--perms", "0755", "--dir", folder]
    for folder in shown:
        args += ["--ro-bind", folder, folder]
    for name in ETC_FILES:
        if os.path.isfile(name):
            args += ["--ro-bind", name, name]
    fonts = font_list()
    if fonts is not None:  # read-only: a kernel reads it, and can't change what the next sandbox gets
        args += ["--perms", "1777", "--dir", MPL_DIR, "--ro-bind", fonts, f"{MPL_DIR}/{os.path.basename(fonts)}"]
    args += ["--bind", scratch, SCRATCH, "--remount-ro", "/", "--clearenv"]
    for key, value in environment().items():
        args += ["--setenv", key, value]
    return [*args, "--", *command]


_fonts: list[str] = []


def font_list() -> Optional[str]:
    """matplotlib's list of this machine's fonts, made once per grading process, in the grader, for every
    sandbox to start from (bound read-only into its matplotlib folder): without it, each kernel searches
    the system's fonts again before its first figure (a tenth of a second here, seconds where many fonts
    are installed). It names font files and nothing else. None, and each kernel makes its own as before,
    when matplotlib is missing or a font lies outside the folders a sandbox sees."""
    if _fonts and os.path.isfile(_fonts[0]):
        return _fonts[0]
    try:
        from matplotlib import font_manager
    except ImportError:  # pragma: no cover - matplotlib is pinned
        return None
    manager = font_manager.FontManager()  # the fonts on this machine now, not the grader's own cache
    if not all(exposed(font.fname) for font in [*manager.ttflist, *manager.afmlist]):
        return None
    folder = tempfile.mkdtemp(prefix="mesbook-fonts-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = os.path.join(folder, f"fontlist-v{font_manager.FontManager.__version__}.json")
    font_manager.json_dump(manager, path)
    os.chmod(path, 0o644)
    _fonts[:] = [path]
    return path


def executor_command(notebook: str, timeout: float, first_counted_cell: int, limits: Limits,
                     uid: Optional[int], probe: bool = False) -> list[str]:
    """``python -I .../executor.py NOTEBOOK ...`` (:mod:`~mesbook.classroom.executor`, started as a script)."""
    script = str(Path(__file__).resolve().with_name("executor.py"))
    command = [sys.executable, "-I", script, notebook, "--timeout", repr(float(timeout)),
               "--first-cell", str(int(first_counted_cell)), "--limits", limits.to_json()]
    return command + (["--uid", str(uid)] if uid is not None else []) + (["--probe"] if probe else [])


def _drain(stream, keep: int, sink: list) -> None:
    """Read ``stream`` to its end, keeping its first ``keep`` bytes (a sandbox can't fill the grader's memory)."""
    kept = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            return
        if kept < keep:
            sink.append(chunk[:keep - kept])
            kept += len(sink[-1])


def _wait(args: list[str], env: Optional[dict], deadline: float, cwd: Optional[str] = None,
          pass_fds: tuple = ()) -> tuple[SandboxRun, bytes]:
    """Run ``args`` until it ends or ``deadline``; returns how it ended and the start of its stderr."""
    started = time.monotonic()
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env, cwd=cwd, start_new_session=True, close_fds=True, pass_fds=pass_fds)
    tail: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(process.stderr, 4096, tail), daemon=True)
    reader.start()
    stopped = False
    try:
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        stopped = True
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, 9)
            process.kill()
            process.wait()
    reader.join(timeout=5)
    return SandboxRun(process.returncode, stopped, time.monotonic() - started), b"".join(tail)


def run_sandboxed(scratch: str, notebook: str, timeout: float, first_counted_cell: int, limits: Limits,
                  unsafe: bool = False) -> SandboxRun:
    """Run the executor on ``scratch/notebook`` in a sandbox (or, ``unsafe``, without one), stopping it
    ``timeout`` + :data:`START_ALLOWANCE` seconds after it starts. Raises :class:`SandboxUnavailable` when
    bwrap could not make the sandbox: the executor says it started on a pipe of its own, which it closes
    before any code of the student's runs, so nothing a notebook does can pass for a broken sandbox."""
    deadline = time.monotonic() + float(timeout) + START_ALLOWANCE
    if unsafe:
        command = executor_command(os.path.join(scratch, notebook), timeout, first_counted_cell, limits, None)
        env = {**environment(), "HOME": scratch, "TMPDIR": scratch}  # the kernel's files go with the scratch folder
        return _wait(command, env, deadline, cwd=scratch)[0]
    root = as_root()
    read_end, write_end = os.pipe()
    try:
        with contextlib.ExitStack() as stack:
            uid = stack.enter_context(lease_uid()) if root else None
            if uid is not None:
                os.chown(scratch, uid, uid)
                for name in os.listdir(scratch):
                    os.chown(os.path.join(scratch, name), uid, uid, follow_symlinks=False)
            command = executor_command(f"{SCRATCH}/{notebook}", timeout, first_counted_cell, limits, uid)
            command += ["--started-fd", str(write_end)]
            try:
                run, errors = _wait(bwrap_command(scratch, command, limits, root),
                                    {"PATH": os.environ.get("PATH", "")}, deadline, pass_fds=(write_end,))
            finally:
                os.close(write_end)
        os.set_blocking(read_end, False)
        try:
            made = os.read(read_end, 64)
        except BlockingIOError:
            made = b""
    finally:
        os.close(read_end)
    if not made and not run.stopped:
        line = errors.decode("utf-8", "replace").strip().splitlines()
        why = line[0].removeprefix("bwrap:").strip() if line else f"exit status {run.status}"
        raise SandboxUnavailable(f"bubblewrap could not make the sandbox ({why}); "
                                 + ("check that user namespaces are allowed (sysctl kernel.unprivileged_userns_clone"
                                    "=1), or " if not root else "") + INSTALL_HINT.split(", or ")[-1])
    return run


def probe() -> None:
    """Make one sandbox and start the executor in it (``--probe``); raises :class:`SandboxUnavailable` saying
    what is wrong."""
    if find_bwrap() is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}")
    scratch = make_scratch()
    try:
        root = as_root()
        with contextlib.ExitStack() as stack:
            uid = stack.enter_context(lease_uid()) if root else None
            if uid is not None:
                os.chown(scratch, uid, uid)
            check = executor_command(SCRATCH, 10, 0, Limits(), uid, probe=True)
            run, errors = _wait(bwrap_command(scratch, check, Limits(), root), {"PATH": os.environ.get("PATH", "")},
                                time.monotonic() + 120)
        if run.status != 0 or not os.path.exists(os.path.join(scratch, "ok")):
            line = errors.decode("utf-8", "replace").strip().splitlines()
            raise SandboxUnavailable("bubblewrap is installed but could not run a kernel in a sandbox ("
                                     f"{line[-1] if line else f'exit status {run.status}'}): {INSTALL_HINT.split(', or ')[-1]}")
    finally:
        remove_scratch(scratch)


def make_scratch() -> str:
    """A new, private scratch folder for one submission."""
    return tempfile.mkdtemp(prefix="mesbook-scratch-")


def remove_scratch(path: str) -> None:
    """Delete a scratch folder and whatever the sandbox left in it (without following any link)."""
    def retry(function, name, _exc):
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(name), 0o700)
            os.chmod(name, 0o700, follow_symlinks=False)
        with contextlib.suppress(OSError):
            function(name)

    shutil.rmtree(path, onerror=retry)


class UntrustedFile(ValueError):
    """A file of the scratch folder that can't be read as a record (the message is the student's note)."""


def read_untrusted(folder: str, name: str, limit: int, seconds: float = 5.0) -> bytes:
    """The bytes of ``folder/name``, a file a sandbox wrote: only a regular file (no link, FIFO, device or
    folder), at most ``limit`` bytes, read within ``seconds``. Raises :class:`UntrustedFile` otherwise, and
    ``FileNotFoundError`` when there is no such file."""
    directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC,
                         dir_fd=directory)
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise FileNotFoundError(name) from None
            if exc.errno == errno.ELOOP:
                raise UntrustedFile(f"{name} is a symbolic link, not a file") from None
            raise UntrustedFile(f"{name} can't be opened ({exc.strerror})") from None
    finally:
        os.close(directory)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UntrustedFile(f"{name} is not a regular file")
        if info.st_size > limit:
            raise UntrustedFile(f"{name} is {info.st_size:,} bytes, more than the {limit:,} allowed")
        chunks, size, give_up = [], 0, time.monotonic() + seconds
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise UntrustedFile(f"{name} is more than the {limit:,} bytes allowed")
            if time.monotonic() > give_up:
                raise UntrustedFile(f"{name} could not be read within {seconds:g} s")
            chunks.append(chunk)
    finally:
        os.close(fd)
