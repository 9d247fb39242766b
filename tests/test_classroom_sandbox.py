"""The sandbox of one submission (mesbook.classroom.sandbox and .executor): what a kernel sees and may do.

A notebook run in a real sandbox writes what it finds (its user, its view of the file system, of other
processes, of the network, its limits and environment) into its scratch folder, and the test reads it;
then the limits are hit on purpose. The untrusted-file reader is tried on links, FIFOs and folders.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import nbformat
import pytest
from browser_support import cannot_run

import mesbook
from mesbook.classroom import sandbox
from mesbook.classroom.sandbox import (Limits, SandboxUnavailable, UntrustedFile, bwrap_command, lease_uid, make_scratch,
                                       read_untrusted, remove_scratch, run_sandboxed)



@pytest.fixture
def needs_bwrap():
    """Skipped here without bubblewrap; failed on CI (CI=true), where .ci/run installs it."""
    if sandbox.find_bwrap() is None:
        cannot_run("bubblewrap is not installed (.ci/run installs it)")

PROBE = r'''
import json, os, resource, socket, threading
seen = {"uid": os.getuid(), "root": sorted(os.listdir("/")), "pids": sorted(p for p in os.listdir("/proc") if p.isdigit()),
        "env": sorted(os.environ), "secret_visible": os.path.exists(SECRET), "cwd": os.getcwd(),
        "interfaces": sorted(name for _, name in socket.if_nameindex()),
        "limits": {n: resource.getrlimit(getattr(resource, n))[1] for n in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_FSIZE")}}
try:
    with open("/scratch/big", "wb") as handle:
        handle.write(b"x" * (80 << 20))
    seen["big"] = "written"
except OSError as exc:
    seen["big"] = exc.errno
threads = []
try:
    for _ in range(1000):
        t = threading.Thread(target=threading.Event().wait, daemon=True)
        t.start()
        threads.append(t)
except RuntimeError:
    pass
seen["threads"] = len(threads)
for path in ("/usr/x", os.path.join(os.path.dirname(MESBOOK), "x"), "/etc/x", "/x"):
    try:
        open(path, "w").close()
        seen.setdefault("wrote", []).append(path)
    except OSError:
        pass
json.dump(seen, open("/scratch/seen.json", "w"))
'''


def run_cells(sources: list[str], timeout: float = 60, limits: Limits = Limits()) -> tuple[sandbox.SandboxRun, Path]:
    scratch = make_scratch()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nbformat.write(nb, os.path.join(scratch, "n.ipynb"))
    return run_sandboxed(scratch, "n.ipynb", timeout, 0, limits), Path(scratch)


def test_a_kernel_sees_only_what_it_needs_and_its_limits(tmp_path, monkeypatch, needs_bwrap):
    secret = tmp_path / "instructor-secret.txt"
    secret.write_text("key")
    monkeypatch.setenv("MESBOOK_TEST_SECRET", "visible?")
    setup = f"SECRET = {str(secret)!r}\nMESBOOK = {mesbook.__file__!r}\n"
    run, scratch = run_cells([setup + PROBE])
    try:
        seen = json.loads((scratch / "seen.json").read_text())
        outcome = json.loads((scratch / "outcome.json").read_text())
    finally:
        remove_scratch(str(scratch))
    assert run.status == 0 and not run.stopped and outcome["stopped_at"] is None
    assert not seen["secret_visible"] and "MESBOOK_TEST_SECRET" not in seen["env"]
    assert seen["interfaces"] == ["lo"]
    assert len(seen["pids"]) <= 4  # bwrap's init, the executor, the kernel (and a helper): nothing of the machine's
    # exactly what the sandbox builds, wherever the checkout lives (CI clones it under /check, say)
    shown = {path.split("/")[1] for path in sandbox.readonly_paths()}
    system = {name for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32") if os.path.lexists("/" + name)}
    assert set(seen["root"]) == {"dev", "etc", "proc", "scratch", "tmp"} | system | shown
    assert seen["cwd"] == "/scratch" and "wrote" not in seen
    if os.geteuid() == 0:
        assert seen["uid"] in sandbox.SANDBOX_UIDS
    limits = Limits()
    assert seen["limits"] == {"RLIMIT_AS": limits.memory, "RLIMIT_NPROC": limits.processes,
                              "RLIMIT_FSIZE": limits.file_size}
    assert seen["big"] == 27  # EFBIG: no file larger than the limit
    assert seen["threads"] < limits.processes


def test_the_grader_stops_a_sandbox_that_never_ends(monkeypatch, needs_bwrap):
    monkeypatch.setattr(sandbox, "START_ALLOWANCE", 5.0)
    started = time.monotonic()
    run, scratch = run_cells(["import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)"], timeout=5)
    remove_scratch(str(scratch))
    assert run.stopped and 9 < time.monotonic() - started < 40


def test_sandboxes_that_run_at_once_have_their_own_user_and_process_count(needs_bwrap):
    with lease_uid() as first, lease_uid() as second:
        assert first != second
    results = []

    def bomb():
        results.append(run_cells(["import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
                                  "            time.sleep(30)\n            os._exit(0)\n        n += 1\nexcept OSError:\n"
                                  "    pass\nopen('/scratch/n', 'w').write(str(n))"], limits=Limits(processes=64)))

    threads = [threading.Thread(target=bomb) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts = []
    for run, scratch in results:
        counts.append(int((scratch / "n").read_text()))
        remove_scratch(str(scratch))
    assert all(20 < n < 64 for n in counts), counts  # each sandbox hit its own limit, not the other's


def test_the_command_shows_the_system_read_only_and_only_the_scratch_writable(tmp_path, needs_bwrap):
    args = bwrap_command(str(tmp_path), ["python"], Limits(), root=True)
    for flag in ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session", "--clearenv"):
        assert flag in args
    writable = [args[i + 1:i + 3] for i, a in enumerate(args) if a in ("--bind", "--dev-bind")]
    assert writable == [[str(tmp_path), "/scratch"]]
    shown = [args[i + 1] for i, a in enumerate(args) if a == "--ro-bind"]
    home = os.path.expanduser("~")
    assert all(not home.startswith(path.rstrip("/") + "/") or path != home for path in shown)
    assert str(Path(mesbook.__file__).parent) in shown or any(
        str(Path(mesbook.__file__).parent).startswith(p + "/") for p in shown)
    assert sandbox.exposed(mesbook.__file__) is not None and sandbox.exposed(tmp_path / "gradebook.csv") is None


def test_no_bubblewrap_is_refused_with_how_to_install_it(monkeypatch):
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: None)
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.probe()


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "ok.jsonl").write_bytes(b'{"key": 1}\n')
    (tmp_path / "big").write_bytes(b"x" * 2000)
    os.symlink("/etc/passwd", tmp_path / "link")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dir").mkdir()
    return str(tmp_path)


def test_untrusted_files_are_read_only_when_they_are_small_regular_files(folder):
    assert read_untrusted(folder, "ok.jsonl", 100) == b'{"key": 1}\n'
    started = time.monotonic()
    for name, why in (("link", "symbolic link"), ("fifo", "not a regular file"), ("dir", "not a regular file"),
                      ("big", "more than the 1,000 allowed")):
        with pytest.raises(UntrustedFile, match=why):
            read_untrusted(folder, name, 1000)
    assert time.monotonic() - started < 1  # the FIFO did not block
    with pytest.raises(FileNotFoundError):
        read_untrusted(folder, "missing", 100)


def test_a_scratch_folder_is_removed_whatever_it_holds(tmp_path):
    scratch = make_scratch()
    os.symlink(str(tmp_path), os.path.join(scratch, "link-out"))
    locked = os.path.join(scratch, "locked")
    os.makedirs(os.path.join(locked, "inner"))
    os.chmod(locked, 0)
    remove_scratch(scratch)
    assert not os.path.exists(scratch) and tmp_path.exists()



def test_a_sandbox_that_can_not_be_made_is_a_machine_problem_not_a_grade(tmp_path, monkeypatch, needs_bwrap):
    from mesbook.classroom.dispatch import grade_class
    from mesbook.classroom.gradebook import Journal

    made = sandbox.bwrap_command
    monkeypatch.setattr(sandbox, "bwrap_command",
                        lambda *a: [made(*a)[0], "--ro-bind", "/nonexistent-source", "/x", *made(*a)[1:]])
    scratch = make_scratch()
    nbformat.write(nbformat.v4.new_notebook(), os.path.join(scratch, "n.ipynb"))
    with pytest.raises(SandboxUnavailable, match="Can't find source path /nonexistent-source"):
        run_sandboxed(scratch, "n.ipynb", 10, 0, Limits())
    remove_scratch(scratch)
    (tmp_path / "subs" / "ana").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), str(tmp_path / "subs" / "ana" / "01_mes_basics.ipynb"))
    journal = Journal(tmp_path / "g.csv", "run")
    graded = grade_class(tmp_path / "subs", {"ana": 1_001}, ["01_mes_basics"], journal=journal)
    journal.close()
    assert graded.failed and all("not graded" in row.note for row in graded.rows)
    assert journal.done == {}  # left out of the journal: the next run grades it


FONTS = r'''
import json, os
import matplotlib.font_manager as fm
names = sorted(os.listdir("/tmp/matplotlib"))
listed = [n for n in names if n.startswith("fontlist-")]
path = os.path.join("/tmp/matplotlib", listed[0]) if listed else ""
try:
    open(path, "a").close()
    writable = True
except OSError:
    writable = False
mounts = [line.split() for line in open("/proc/self/mountinfo")]
read_only = any(m[4] == path and "ro" in m[5].split(",") for m in mounts)  # the mount itself, whoever asks
json.dump({"listed": listed, "writable": writable, "read_only": read_only, "fonts": len(fm.fontManager.ttflist),
           "same": path and fm.json_load(path).ttflist[0].fname == fm.fontManager.ttflist[0].fname},
          open("/scratch/fonts.json", "w"))
'''


def test_every_sandbox_starts_with_the_graders_font_list_read_only(needs_bwrap):
    """The kernel's matplotlib uses the font list the grader made (it does not search the fonts again), and
    can't change it for the sandboxes after it."""
    run, scratch = run_cells([FONTS])
    try:
        seen = json.loads((scratch / "fonts.json").read_text())
    finally:
        remove_scratch(str(scratch))
    made = sandbox.font_list()
    assert run.status == 0 and made is not None and seen["listed"] == [os.path.basename(made)]
    assert seen["fonts"] > 0 and seen["same"] and not seen["writable"] and seen["read_only"]


def test_no_font_list_when_a_font_lies_outside_the_sandbox(monkeypatch, tmp_path, needs_bwrap):
    monkeypatch.setattr(sandbox, "_fonts", [])
    monkeypatch.setattr(sandbox, "exposed", lambda path: None if "dejavu" in str(path).lower() or "ttf" in str(path)
                        else "/usr")
    assert sandbox.font_list() is None
    args = bwrap_command(str(tmp_path), ["python"], Limits(), root=True)
    assert not any(arg.startswith(sandbox.MPL_DIR + "/") for arg in args)  # the kernel makes its own, as before
