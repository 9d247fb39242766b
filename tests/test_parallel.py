from __future__ import annotations

import os
from functools import partial

import distributed
import numpy as np
import pytest

from mesbook.parallel import chunk, parallel_map, resolve_n_jobs, task_seeds, worker_count
from mesbook.data.synthetic import simulate_paths


def draw(seed: np.random.SeedSequence, size: int = 5) -> np.ndarray:
    """A task that needs randomness: it uses only the seed it carries."""
    return np.random.default_rng(seed).normal(size=size)


def add_shared(task: int, shared: np.ndarray) -> float:
    return float(task + shared.sum())


def fail_on_three(task: int) -> int:
    if task == 3:
        raise ArithmeticError("task 3 failed")
    return task


@pytest.fixture(scope="module")
def dask_client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            yield client
    # leaving both context managers shuts the workers, the scheduler and the client down


def test_task_seeds_are_stateless_children():
    root = np.random.SeedSequence(42)
    a = task_seeds(root, 4)
    assert [s.spawn_key for s in a] == [(0,), (1,), (2,), (3,)]
    assert root.n_children_spawned == 0  # the root is not touched
    fresh = np.random.SeedSequence(42).spawn(4)
    for mine, theirs in zip(a, fresh):
        assert np.array_equal(mine.generate_state(4), theirs.generate_state(4))
    assert np.array_equal(task_seeds(42, 10)[3].generate_state(4), a[3].generate_state(4))  # independent of count


def test_task_seeds_match_simulate_paths_rows():
    prices, oi = simulate_paths(3, 40, seed=9)
    from mesbook import simulate_market_data

    frame = simulate_market_data(40, seed=np.random.default_rng(task_seeds(9, 3)[2]))
    assert np.array_equal(frame["open_interest"].to_numpy(), oi[2])
    assert np.array_equal(frame["futures_price"].to_numpy(), prices[2])


@pytest.mark.parametrize("bad, error", [("3", TypeError), (-1, ValueError), (True, TypeError), (1.5, TypeError)])
def test_task_seeds_rejects_bad_seeds(bad, error):
    with pytest.raises(error, match="seed"):
        task_seeds(bad, 3)


def test_serial_joblib_and_dask_agree(dask_client):
    seeds = task_seeds(7, 12)
    serial = parallel_map(draw, seeds)
    joblib = parallel_map(draw, seeds, n_jobs=2)
    dask = parallel_map(draw, seeds, client=dask_client)
    for a, b, c in zip(serial, joblib, dask):
        assert np.array_equal(a, b) and np.array_equal(a, c)
    assert not np.array_equal(serial[0], serial[1])


def test_shared_argument_reaches_every_task(dask_client):
    shared = np.arange(4.0)
    expected = [t + 6.0 for t in range(5)]
    assert parallel_map(add_shared, range(5), shared=shared) == expected
    assert parallel_map(add_shared, range(5), shared=shared, n_jobs=2) == expected
    assert parallel_map(add_shared, range(5), shared=shared, client=dask_client) == expected


def test_shared_none_is_passed_as_a_value():
    assert parallel_map(lambda task, shared: (task, shared), [1, 2], shared=None) == [(1, None), (2, None)]


def test_progress_bar_does_not_change_results():
    seeds = task_seeds(1, 3)
    with_bar = parallel_map(partial(draw, size=2), seeds, progress=True, desc="x")
    assert all(np.array_equal(a, b) for a, b in zip(with_bar, parallel_map(partial(draw, size=2), seeds)))


def test_errors_in_tasks_propagate(dask_client):
    with pytest.raises(ArithmeticError, match="task 3"):
        parallel_map(fail_on_three, range(5))
    with pytest.raises(ArithmeticError, match="task 3"):
        parallel_map(fail_on_three, range(5), n_jobs=2)
    with pytest.raises(ArithmeticError, match="task 3"):
        parallel_map(fail_on_three, range(5), client=dask_client)


def test_empty_task_list(dask_client):
    assert parallel_map(draw, []) == [] and parallel_map(draw, [], n_jobs=2) == []
    assert parallel_map(draw, [], client=dask_client) == []


def test_process_cluster_gives_the_serial_answer():
    seeds = task_seeds(3, 6)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with distributed.Client(cluster) as client:
            got = parallel_map(draw, seeds, client=client)
            assert worker_count(client=client) == 2
    for a, b in zip(got, parallel_map(draw, seeds)):
        assert np.array_equal(a, b)


def test_n_jobs_rules(dask_client):
    cores = os.cpu_count() or 1
    assert resolve_n_jobs(1) == 1 and resolve_n_jobs(-1) == cores and resolve_n_jobs(3) == 3
    for bad in (0, -cores - 1):
        with pytest.raises(ValueError, match="n_jobs"):
            resolve_n_jobs(bad)
    with pytest.raises(TypeError, match="n_jobs"):
        resolve_n_jobs(2.0)
    with pytest.raises(ValueError, match="not both"):
        parallel_map(draw, [1], n_jobs=2, client=dask_client)
    with pytest.raises(TypeError, match="Client"):
        parallel_map(draw, [1], client="tcp://localhost:8786")
    with pytest.raises(TypeError, match="callable"):
        parallel_map(3, [1])
    assert worker_count(client=dask_client) == 2


def test_chunk_keeps_order_and_covers_everything():
    items = list(range(10))
    pieces = chunk(items, 3)
    assert [x for p in pieces for x in p] == items and len(pieces) == 3
    assert chunk(items, 50) == [[i] for i in items]
    assert chunk([], 4) == []


def test_seed_generator_is_the_one_seed_helper():
    from mesbook.parallel import seed_generator

    rng = np.random.default_rng(5)
    assert seed_generator(rng) is rng  # a Generator is used as is
    expected = np.random.default_rng(np.random.SeedSequence(7)).normal(size=4)
    np.testing.assert_array_equal(seed_generator(7).normal(size=4), expected)
    np.testing.assert_array_equal(seed_generator(np.random.SeedSequence(7)).normal(size=4), expected)
    for bad, error in [(True, TypeError), (-1, ValueError), ("7", TypeError), (1.5, TypeError)]:
        with pytest.raises(error, match="seed"):
            seed_generator(bad)


# -- Workers: where the work runs, as one checked value ------------------------------------------
def test_workers_are_checked_when_made(dask_client):
    from mesbook.parallel import SERIAL, Workers

    assert SERIAL == Workers() and Workers().count == 1
    with pytest.raises(ValueError, match="n_jobs must be >= 1"):
        Workers(n_jobs=0)
    with pytest.raises(TypeError, match="n_jobs must be an integer"):
        Workers(n_jobs="all")
    with pytest.raises(ValueError, match="not both"):
        Workers(n_jobs=2, client=dask_client)
    with pytest.raises(TypeError, match="progress must be True or False"):
        Workers(progress="yes")
    assert Workers(n_jobs=-1).count == resolve_n_jobs(-1)
    assert Workers(client=dask_client).count == worker_count(client=dask_client)


def test_workers_map_is_parallel_map(dask_client):
    from mesbook.parallel import Workers

    seeds = task_seeds(4, 6)
    serial = [draw(s) for s in seeds]
    for workers in (Workers(), Workers(n_jobs=2), Workers(client=dask_client), Workers(progress=True)):
        np.testing.assert_array_equal(np.array(workers.map(draw, seeds)), np.array(serial))
    assert Workers(n_jobs=2).map(add_shared, range(3), shared=np.ones(4)) == [4.0, 5.0, 6.0]


def test_workers_of_the_keyword_forms():
    from mesbook.parallel import Workers

    assert Workers.of() == Workers()
    assert Workers.of(n_jobs=2, progress=True) == Workers(2, None, True)
    given = Workers(n_jobs=2)
    assert Workers.of(given) is given
    with pytest.raises(TypeError, match=r"unknown argument\(s\) \['jobs'\]"):
        Workers.of(jobs=2)
    with pytest.raises(TypeError, match="one way"):
        Workers.of(given, n_jobs=2)
    with pytest.raises(TypeError, match="workers must be a Workers"):
        Workers.of(2)
