"""Execute a notebook in a fresh kernel, cell by cell, within one time budget for the whole notebook.

:func:`run_notebook` is what the answer keys and the grader share. Unlike ``nbclient``'s own
``execute()``, it does not raise: it stops at the first cell that raises, times out or kills the kernel
and returns a :class:`RunOutcome` saying where and why, so the caller can still use what the cells
before it did. The kernel always starts fresh (``python3``, this Python), in a working folder of the
caller's choice, with ``MPLBACKEND=Agg`` and HTTP(S) proxies pointed at a closed local port, so a
``pip install`` or ``curl`` from a cell of an answer key fails instead of reaching the network (a graded
submission runs in a sandbox with no network at all: :mod:`~mesbook.classroom.sandbox`). ``output_limit``
caps the cell output kept in memory: what a notebook prints beyond it is dropped.
"""
from __future__ import annotations

import functools
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any, Optional, Union

#: Environment of every kernel started here: no display, and every HTTP(S) proxy a closed local port.
KERNEL_ENV: dict[str, str] = {
    "MPLBACKEND": "Agg",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
    "no_proxy": "", "NO_PROXY": "", "PIP_NO_INDEX": "1",
}
#: The kernel every notebook runs in, with its input history kept in memory (as nbclient starts one).
KERNEL_NAME, KERNEL_ARGUMENTS = "python3", ("--HistoryManager.hist_file=:memory:",)
#: The kernel's five channels, one loopback port each.
_CHANNELS: tuple[str, ...] = ("shell", "iopub", "stdin", "control", "hb")


@dataclass(frozen=True)
class LaunchedKernel:
    """A kernel process started by :func:`launch_kernel`, and the connection file it reads (in a private folder)."""

    process: subprocess.Popen
    connection_file: str


def launch_kernel(workdir: Union[str, os.PathLike]) -> LaunchedKernel:
    """Start the kernel process now, with the standard library only (:data:`KERNEL_NAME`'s command on this Python,
    :data:`KERNEL_ARGUMENTS`, :data:`KERNEL_ENV`, in ``workdir``, its log lines sent nowhere), as jupyter_client's
    launcher starts it: a new session, stdin a pipe, ``JPY_PARENT_PID`` set. Its connection file (five free
    loopback ports, a random message key) is written first, readable by this user only, in a folder of its own.

    A caller that starts the kernel this way (the sandbox's executor) loads jupyter_client, nbformat and
    nbclient while the kernel boots; :func:`start_kernel` then takes the kernel over.
    """
    folder = tempfile.mkdtemp(prefix="mesbook-kernel-")
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in _CHANNELS]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        ports = {f"{name}_port": sock.getsockname()[1] for name, sock in zip(_CHANNELS, sockets)}
    finally:
        for sock in sockets:
            sock.close()
    info = {**ports, "ip": "127.0.0.1", "key": secrets.token_hex(32), "transport": "tcp",
            "signature_scheme": "hmac-sha256", "kernel_name": KERNEL_NAME}
    path = os.path.join(folder, "kernel.json")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
        json.dump(info, handle)
    command = [sys.executable, "-m", "ipykernel_launcher", "-f", path, *KERNEL_ARGUMENTS]
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=os.fspath(workdir),
                                   env={**os.environ, **KERNEL_ENV, "JPY_PARENT_PID": str(os.getpid())},
                                   start_new_session=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return LaunchedKernel(process, path)


def discard(launched: LaunchedKernel) -> None:
    """Kill a launched kernel that no manager took over (its whole session) and remove its connection folder."""
    try:
        os.killpg(launched.process.pid, signal.SIGKILL)  # its own session: the kernel and anything it started
    except OSError:  # already gone
        pass
    launched.process.wait()
    shutil.rmtree(os.path.dirname(launched.connection_file), ignore_errors=True)


def start_kernel(workdir: Union[str, os.PathLike], launched: Optional[LaunchedKernel] = None) -> Any:
    """The manager of a fresh kernel in ``workdir``, for :func:`run_notebook`'s ``km``: the kernel of ``launched``
    (:func:`launch_kernel`; default: one launched here), taken over by a jupyter_client ``AsyncKernelManager``
    as if it had started it, so nbclient runs, interrupts and shuts it down as usual."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner
    from jupyter_core.utils import run_sync

    class Adopted(LocalProvisioner):
        """A local provisioner whose process is already running (the kernel of ``launched``)."""

        async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
            self.connection_info = self.parent.get_connection_info()
            kwargs.pop("extra_arguments", None)
            return {**kwargs, "cmd": list(launched.process.args)}

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict:
            self.process, self.pid = launched.process, launched.process.pid
            try:
                self.pgid = os.getpgid(self.pid)
            except OSError:  # already gone: nbclient finds the kernel dead
                self.pgid = None
            self.cwd = kwargs.get("cwd")
            return self.connection_info

    launched = launch_kernel(workdir) if launched is None else launched
    try:
        km = AsyncKernelManager(kernel_name=KERNEL_NAME, connection_file=launched.connection_file)
        km.load_connection_file()
        km.kernel_id = os.path.basename(os.path.dirname(launched.connection_file))
        km.connection_folder = os.path.dirname(launched.connection_file)
        km.provisioner = Adopted(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
        run_sync(km.start_kernel)(cwd=os.fspath(workdir))
    except BaseException:  # no manager holds the kernel: nothing of it may outlive this call
        discard(launched)
        raise
    return km


def stop_kernel(km: Any) -> None:
    """Shut down a kernel of :func:`start_kernel` that no :func:`run_notebook` will use."""
    from jupyter_core.utils import run_sync

    try:
        run_sync(km.shutdown_kernel)(now=True)
    finally:
        _remove_connection(km)


def _remove_connection(km: Any) -> None:
    """Remove the private folder of a kernel's connection file (:func:`launch_kernel`), if it has one."""
    folder = getattr(km, "connection_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _output_size(content: dict) -> int:
    """Characters of one output message: its text, its data and its traceback."""
    size = len(str(content.get("text") or ""))
    for value in (content.get("data") or {}).values():
        size += len(value) if isinstance(value, str) else len(str(value))
    return size + sum(len(str(line)) for line in content.get("traceback") or [])


@functools.lru_cache(maxsize=None)
def _capped_client() -> type:
    """nbclient's NotebookClient keeping at most ``output_limit`` characters of cell output in all (None: no
    limit); made on first use, so that importing this module imports no nbclient."""
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        output_limit: Optional[int] = None
        kept: int = 0

        def output(self, outs, msg, display_id, cell_index):
            if self.output_limit is not None:
                self.kept += _output_size(msg.get("content") or {})
                if self.kept > self.output_limit:
                    return None
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended: ``stopped_at`` is the index of the cell that stopped it (None: every cell ran)."""

    stopped_at: Optional[int] = None
    reason: str = ""
    seconds: float = 0.0

    @property
    def finished(self) -> bool:
        return self.stopped_at is None


def _error_line(exc: Exception) -> str:
    name, value = getattr(exc, "ename", "") or "error", getattr(exc, "evalue", "") or ""
    line = f"{name}: {value}" if value else name
    return line if len(line) <= 160 else line[:157] + "..."


def run_notebook(nb: Any, timeout: float, workdir: Union[str, os.PathLike], first_counted_cell: int = 0,
                 output_limit: Optional[int] = None, km: Any = None) -> RunOutcome:
    """Run the code cells of ``nb`` in order (outputs are stored in ``nb``), for ``timeout`` seconds at most.

    ``timeout`` is the budget of the whole notebook, in seconds, counted from the moment the kernel is up;
    each cell gets what the cells before it left. Cell numbers in the returned reason count from 1 and skip the first ``first_counted_cell``
    cells (those the caller inserted), so they match the notebook the caller was given. ``km`` is a kernel
    :func:`start_kernel` started in ``workdir`` (default: one started here); it is shut down at the end.
    """
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    start = time.monotonic()
    km = start_kernel(workdir) if km is None else km
    try:
        client = _capped_client()(nb, km=km, kernel_name=KERNEL_NAME, allow_errors=False,
                                  interrupt_on_timeout=False, shutdown_kernel="immediate", startup_timeout=60,
                                  record_timing=False, resources={"metadata": {"path": os.fspath(workdir)}})
    except BaseException:
        stop_kernel(km)
        raise
    client.output_limit = output_limit

    def cell_name(index: int) -> str:
        return f"cell {index - first_counted_cell + 1}"

    stopped_at, reason = None, ""
    try:
        with client.setup_kernel(cleanup_kc=True):  # shuts the kernel down at the end, as if the client had started it
            deadline = time.monotonic() + float(timeout)  # the budget starts once the kernel is up
            for index, cell in enumerate(nb.cells):
                if cell.get("cell_type") != "code":
                    continue
                left = deadline - time.monotonic()
                if left <= 0:
                    stopped_at, reason = index, f"timed out after {timeout:g} s (before {cell_name(index)})"
                    break
                client.timeout = max(1, math.ceil(left))
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    stopped_at, reason = index, f"timed out after {timeout:g} s ({cell_name(index)} was still running)"
                    break
                except CellExecutionError as exc:
                    stopped_at, reason = index, f"{cell_name(index)} raised {_error_line(exc)}"
                    break
                except DeadKernelError:
                    stopped_at, reason = index, f"the kernel died in {cell_name(index)}"
                    break
    finally:
        _remove_connection(km)
    return RunOutcome(stopped_at, reason, time.monotonic() - start)
