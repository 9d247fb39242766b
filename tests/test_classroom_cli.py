"""What ``python -m mesbook classroom grade`` refuses before any notebook runs (mesbook.classroom.cli).

Each refusal is one line on stderr with exit code 2, and leaves nothing behind (no journal, no gradebook):
the salt on the command line, a salt file that can't be used, a timeout that is not a number of seconds,
gradebook and roster paths that can't be used, paths a sandbox would show to the kernels, no sandbox, and
handouts made with another salt. The salt from the environment is removed from it once read.
"""
from __future__ import annotations

import contextlib
import io
import os

import nbformat
import pytest
from browser_support import cannot_run

import mesbook
from mesbook.classroom import cli, sandbox
from mesbook.classroom.notebooks import BOOK_DIR, make_handout, read_chapter
from mesbook.classroom.sandbox import find_bwrap
from mesbook.classroom.seeds import student_seed


@pytest.fixture(scope="module", autouse=True)
def _bubblewrap():
    """Skipped here without bubblewrap; failed on CI (CI=true), where .ci/run installs it."""
    if find_bwrap() is None:
        cannot_run("bubblewrap is not installed (.ci/run installs it)")



@pytest.fixture
def room(tmp_path):
    (tmp_path / "roster.csv").write_text("student_id\nana\nben\n", encoding="utf-8")
    (tmp_path / "subs").mkdir()
    (tmp_path / "salt.txt").write_text("s3cret\n", encoding="utf-8")
    return tmp_path


def grade(room, *extra, out=None):
    args = ["grade", str(room / "subs"), "--roster", str(room / "roster.csv"), "--chapters", "01",
            "--out", str(out if out is not None else room / "gradebook.csv"), *extra]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        return cli.main(args), printed.getvalue()


def refused(room, capsys, *extra, out=None) -> str:
    code, printed = grade(room, *extra, out=out)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("mesbook classroom: error: "), (code, err)
    assert not (room / "gradebook.csv").exists() and not (room / "gradebook.csv.partial").exists()
    return err


@pytest.mark.parametrize("extra, message", [
    (["--salt", "s3cret"], "--salt on the command line can be read by every process"),
    (["--salt-file", "/nonexistent/salt"], "can't be read"),
    (["--timeout", "inf"], "--timeout must be a number of seconds"),
    (["--timeout", "nan"], "--timeout must be a number of seconds"),
    (["--timeout", "-5"], "--timeout must be a number of seconds"),
    (["--timeout", "0"], "--timeout must be a number of seconds"),
    (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
])
def test_bad_options_are_refused_before_grading(room, capsys, extra, message):
    assert message in refused(room, capsys, *extra)


def test_an_empty_salt_file_or_a_folder_is_refused(room, capsys):
    (room / "empty.txt").write_text("\n")
    assert "is empty" in refused(room, capsys, "--salt-file", str(room / "empty.txt"))
    assert "not a regular file" in refused(room, capsys, "--salt-file", str(room))


def test_unusable_outputs_and_rosters_are_refused_before_grading(room, capsys):
    assert "does not exist; create it first" in refused(room, capsys, out=room / "nowhere" / "g.csv")
    assert "is a folder" in refused(room, capsys, out=room / "subs")
    os.symlink(room / "roster.csv", room / "link.csv")
    assert "symbolic link" in refused(room, capsys, out=room / "link.csv")
    assert "same file as" in refused(room, capsys, out=room / "roster.csv")
    assert (room / "roster.csv").read_text() == "student_id\nana\nben\n"
    code, _ = grade(room)
    os.unlink(room / "gradebook.csv")
    args = ["grade", str(room / "subs"), "--roster", str(room / "subs"), "--out", str(room / "gradebook.csv")]
    assert cli.main(args) == 2 and "is a folder" in capsys.readouterr().err


def test_paths_a_sandbox_would_show_are_refused(room, capsys):
    inside = os.path.join(os.path.dirname(mesbook.__file__), "gradebook.csv")
    assert "which every sandbox shows read-only" in refused(room, capsys, out=inside)
    assert not os.path.exists(inside)


def test_no_sandbox_is_one_line_saying_how_to_install_it(room, capsys, monkeypatch):
    monkeypatch.setattr(sandbox, "find_bwrap", lambda: None)
    err = refused(room, capsys)
    assert "bubblewrap" in err and "apt-get install bubblewrap" in err and "--unsafe-no-sandbox" in err
    code, printed = grade(room, "--unsafe-no-sandbox")  # explicitly unsafe: it grades (nothing submitted here)
    assert code == 0 and "WITHOUT a sandbox" in capsys.readouterr().err and "ana" in printed


def test_the_salt_from_the_environment_is_used_and_removed(room, monkeypatch):
    monkeypatch.setenv(cli.SALT_VARIABLE, "s3cret")
    code, _ = grade(room)
    assert code == 0 and cli.SALT_VARIABLE not in os.environ


def test_handouts_made_with_another_salt_are_caught(room, capsys):
    chapter = read_chapter(BOOK_DIR / "01_mes_basics.ipynb")
    for sid in ("ana", "ben"):
        (room / "subs" / sid).mkdir()
        handout = make_handout(chapter, student_seed(sid, "s3cret"))
        nbformat.write(handout, str(room / "subs" / sid / "01_mes_basics.ipynb"))
    assert "not the one the handouts were made with" in refused(room, capsys)  # no salt: every tag is another seed's
    # the right salt is accepted, and grading runs (each handout stops at the one-second timeout)
    code, _ = grade(room, "--salt-file", str(room / "salt.txt"), "--chapters", "01", "--timeout", "1", "--jobs", "1")
    assert code == 0
