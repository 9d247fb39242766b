"""The kernel a notebook runs in: launched with the standard library, then taken over by jupyter_client."""
from __future__ import annotations

import os
import stat

import nbformat

from mesbook.classroom import runner


def notebook(*cells: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])


def test_a_launched_kernel_runs_a_notebook_in_its_folder_and_leaves_nothing_behind(tmp_path):
    launched = runner.launch_kernel(tmp_path)
    folder = os.path.dirname(launched.connection_file)
    assert stat.S_IMODE(os.stat(launched.connection_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    km = runner.start_kernel(tmp_path, launched)
    nb = notebook("import os, sys\nprint(os.getcwd())", "print(sys.executable)", "x = 6 * 7\nx")
    outcome = runner.run_notebook(nb, 60, tmp_path, km=km)
    assert outcome.finished, outcome.reason
    assert nb.cells[0].outputs[0]["text"].strip() == str(tmp_path)
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == "42"
    assert launched.process.poll() is not None  # shut down at the end
    assert not os.path.exists(folder)


def test_a_cell_that_raises_or_a_kernel_that_dies_is_reported(tmp_path):
    outcome = runner.run_notebook(notebook("1 + 1", "raise ValueError('no')", "2"), 60, tmp_path)
    assert outcome.stopped_at == 1 and "ValueError: no" in outcome.reason
    died = runner.run_notebook(notebook("import os\nos._exit(3)", "2"), 60, tmp_path)
    assert died.stopped_at == 0 and "died" in died.reason


def test_a_kernel_stopped_before_it_ran_anything_is_shut_down_and_cleaned_up(tmp_path):
    launched = runner.launch_kernel(tmp_path)
    km = runner.start_kernel(tmp_path, launched)
    runner.stop_kernel(km)
    assert launched.process.poll() is not None
    assert not os.path.exists(os.path.dirname(launched.connection_file))


def test_a_kernel_that_cannot_be_taken_over_is_killed_with_its_connection_file(tmp_path, monkeypatch):
    from jupyter_client.manager import AsyncKernelManager

    async def refuse(self, **kwargs):
        raise RuntimeError("no manager today")

    monkeypatch.setattr(AsyncKernelManager, "_async_post_start_kernel", refuse)  # after the takeover began
    launched = runner.launch_kernel(tmp_path)
    try:
        runner.start_kernel(tmp_path, launched)
    except RuntimeError as exc:
        assert "no manager today" in str(exc)
    else:
        raise AssertionError("start_kernel did not raise")
    assert launched.process.poll() is not None
    assert not os.path.exists(os.path.dirname(launched.connection_file))
