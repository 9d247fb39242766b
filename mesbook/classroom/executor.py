"""``python -I .../mesbook/classroom/executor.py NOTEBOOK ...``: what runs inside a submission's sandbox.

The grader (:mod:`~mesbook.classroom.sandbox`) starts it as the sandbox's only command, on the grader's
prepared copy of the submission in the scratch folder. It is started as a script, not as a module of the
package, and loads :mod:`~mesbook.classroom.runner` (which needs only jupyter_client, nbformat and nbclient)
from beside it: a sandbox then starts in a fraction of the time importing the whole package takes. It
starts the kernel process first, with the standard library only (:func:`~mesbook.classroom.runner.launch_kernel`),
so jupyter_client, nbformat and nbclient load while the kernel boots. It

1. sets hard resource limits (memory, processes, file size, open files, no core dumps) that nothing
   started after it can raise, and, when it starts as root (the sandbox of a root grader), switches to
   the sandbox's own user id: no student code ever runs with a privilege;
2. sends its own output nowhere (the grader reads no text from a sandbox);
3. runs the notebook in a fresh kernel within the time budget (:func:`~mesbook.classroom.runner.run_notebook`),
   keeping at most the limit's amount of output in memory;
4. writes ``outcome.json`` next to the notebook: where the run stopped and why.

The notebook's first cell (:func:`mesbook.classroom.capture.install`) appends every answer checked to
``answers.jsonl`` in the same folder. Both files are the student's: a kernel can rewrite them, so the
grader reads them as untrusted input, and what they say only ever concerns this one submission.

``--probe`` only sets the limits, switches user and writes ``ok`` into the folder it is given: the
grader's check, before it starts, that a sandbox works on this machine.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import sys
from typing import Mapping, Optional, Sequence

#: Names of the files the grader reads back from the scratch folder.
OUTCOME_FILE, ANSWERS_FILE = "outcome.json", "answers.jsonl"


def set_limits(limits: Mapping[str, int]) -> None:
    """Hard and soft resource limits of this process and every process it starts (the fields of
    :class:`mesbook.classroom.sandbox.Limits`)."""
    for name, value in ((resource.RLIMIT_AS, limits["memory"]), (resource.RLIMIT_NPROC, limits["processes"]),
                        (resource.RLIMIT_FSIZE, limits["file_size"]), (resource.RLIMIT_NOFILE, limits["open_files"]),
                        (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(name, (int(value), int(value)))


def drop_privileges(uid: Optional[int]) -> None:
    """Become ``uid`` (group too, no supplementary groups) when running as root; nothing otherwise."""
    if uid is None or os.geteuid() != 0:
        return
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.geteuid() == 0 or os.getuid() == 0:  # pragma: no cover - the kernel refused the switch
        raise SystemExit("could not leave the root user")


def _silence() -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _write_outcome(folder: str, outcome: dict) -> None:
    temp = os.path.join(folder, f".outcome-{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(outcome, handle)
    os.replace(temp, os.path.join(folder, OUTCOME_FILE))


def _runner():
    """:mod:`mesbook.classroom.runner`, loaded from beside this file without importing the package."""
    sys.modules.setdefault("rfc3987_syntax", None)  # an optional URI checker of jsonschema: 4 s to import, unused
    spec = importlib.util.spec_from_file_location("_mesbook_runner", os.path.join(os.path.dirname(__file__),
                                                                                "runner.py"))
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="executor.py")
    parser.add_argument("notebook", help="the notebook to run (with --probe: the folder to write 'ok' into)")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--first-cell", type=int, default=0)
    parser.add_argument("--limits", required=True)
    parser.add_argument("--uid", type=int)
    parser.add_argument("--probe", action="store_true")
    parser.add_argument("--started-fd", type=int, help="a pipe to the grader: 'started' is written, then it is closed")
    args = parser.parse_args(argv)
    limits = json.loads(args.limits)
    set_limits(limits)
    drop_privileges(args.uid)
    if args.started_fd is not None:  # the sandbox works; closed before anything of the student's runs
        os.write(args.started_fd, b"started")
        os.close(args.started_fd)
    if args.probe:
        open(os.path.join(args.notebook, "ok"), "w").close()
        return 0
    folder = os.path.dirname(os.path.abspath(args.notebook))
    os.chdir(folder)
    _silence()
    runner = _runner()
    launched = runner.launch_kernel(folder)  # the kernel boots while jupyter_client, nbformat and nbclient load
    km = runner.start_kernel(folder, launched)  # on failure it kills the kernel and removes its connection file
    try:
        import nbformat

        nb = nbformat.read(args.notebook, as_version=4)
    except BaseException:
        runner.stop_kernel(km)
        raise
    outcome = runner.run_notebook(nb, args.timeout, folder, first_counted_cell=args.first_cell,
                                  output_limit=int(limits["output"]), km=km)
    _write_outcome(folder, {"stopped_at": outcome.stopped_at, "reason": outcome.reason, "seconds": outcome.seconds})
    return 0


if __name__ == "__main__":
    sys.exit(main())
