"""The studies' keyword forms (mesbook.studies.keywords): windows and workers made once, unknowns refused."""
from __future__ import annotations

import pytest

import mesbook as mb
from mesbook.core.windows import Windows
from mesbook.parallel import Workers
from mesbook.studies.keywords import windows_and_workers, workers_of


def test_the_keyword_forms_become_the_two_values():
    assert windows_and_workers({}, "study") == (Windows(), Workers())
    windows, workers = windows_and_workers({"short_sma_window": 5, "n_jobs": 2, "progress": True}, "study")
    assert windows == Windows(5, 30, 5) and workers == Workers(n_jobs=2, progress=True)
    given = (Windows(3, 9, 2), Workers(n_jobs=2))
    assert windows_and_workers({"windows": given[0], "workers": given[1]}, "study") == given
    assert workers_of({"n_jobs": -1}, "study") == Workers(n_jobs=-1)


def test_anything_else_is_refused_with_the_callers_name():
    with pytest.raises(TypeError, match=r"study\(\) got unexpected keyword argument\(s\) \['jobs'\]"):
        windows_and_workers({"jobs": 2}, "study")
    with pytest.raises(TypeError, match=r"sweep\(\) got unexpected keyword argument\(s\) \['short_sma_window'\]"):
        workers_of({"short_sma_window": 5}, "sweep")  # a sweep's windows are its own arguments
    with pytest.raises(TypeError, match="one way"):
        windows_and_workers({"windows": Windows(), "short_sma_window": 5}, "study")
    with pytest.raises(ValueError, match="not both"):
        windows_and_workers({"n_jobs": 2, "client": object()}, "study")


def test_the_public_studies_take_both_forms():
    # The keyword form users call today and the values give the same table (here: a small ladder).
    by_keywords = mb.realism_ladder(3, 150, seed=2, short_sma_window=5, long_sma_window=20)
    by_values = mb.realism_ladder(3, 150, seed=2, windows=Windows(5, 20), workers=Workers())
    assert by_keywords.equals(by_values)
    pnl, _ = mb.ladder_pnl(3, 150, seed=2, short_sma_window=5, long_sma_window=20, n_jobs=2)
    assert pnl.mean().to_numpy().tolist() == by_keywords["mean_pnl"].tolist()
    with pytest.raises(TypeError, match=r"realism_ladder\(\) got unexpected keyword argument\(s\) \['n_job'\]"):
        mb.realism_ladder(3, 150, n_job=2)
    with pytest.raises(TypeError, match=r"monte_carlo\(\) got unexpected keyword argument\(s\) \['clients'\]"):
        mb.monte_carlo(3, 60, clients=None)
