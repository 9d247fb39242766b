"""Run many independent tasks: one at a time, on every local core, or on a Dask cluster.

Sweeps, Monte Carlo studies and the realism ladder all repeat one function over a list of tasks. They
carry a :class:`Workers` — where the work runs, checked once when it is made — and call its
:meth:`Workers.map` (that is, :func:`parallel_map`), which gives the same list of results, in task order,
whichever way the work is spread:

* ``Workers()`` or ``n_jobs=1`` (default) — a plain loop in this process;
* ``Workers(n_jobs=k)`` or ``n_jobs=-1`` — ``k`` (or all) local cores through joblib's process pool;
* ``Workers(client=dask.distributed.Client(...))`` — the workers of a Dask cluster, local or remote.

The studies' public functions still take ``n_jobs=``, ``client=`` and ``progress=`` as keywords
(:meth:`Workers.of` turns them into a :class:`Workers`).

Randomness never comes from a worker's state: a task that needs random numbers carries its own
``numpy.random.SeedSequence``, made by :func:`task_seeds` before the work is handed out, so results are
bit-identical for one seed however many workers there are. :func:`root_seed` and :func:`seed_generator`
are the package's one way of turning a ``seed`` argument into a ``SeedSequence`` or a ``Generator``.
"""
from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Optional, TypeVar, Union

import numpy as np

from .validation import check_int

T = TypeVar("T")
R = TypeVar("R")

#: A root seed: a non-negative int, a ``SeedSequence``, or ``None`` for fresh entropy (see :func:`root_seed`).
SeedLike = Union[int, np.random.SeedSequence, None]
#: Anything :func:`seed_generator` turns into a ``Generator``: a root seed, or a ``Generator`` itself.
RandomSource = Union[int, np.random.SeedSequence, np.random.Generator, None]


class _Unset:
    """Marks an argument that was not passed (so that ``None`` stays a value like any other)."""

    def __repr__(self) -> str:
        return "<not shared>"


NOT_SHARED = _Unset()


def root_seed(seed: SeedLike) -> np.random.SeedSequence:
    """``seed`` as a ``numpy.random.SeedSequence``: a non-negative int, a SeedSequence (returned as is) or
    ``None`` (fresh entropy from the operating system)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return np.random.SeedSequence(check_int("seed", seed, minimum=0))
    raise TypeError(f"seed must be a non-negative int, a numpy SeedSequence or None, got {type(seed).__name__} {seed!r}")


def seed_generator(seed: RandomSource) -> np.random.Generator:
    """A numpy ``Generator`` for ``seed``: a ``Generator`` is returned as is (its state moves on as it is
    drawn from); anything :func:`root_seed` accepts gives ``default_rng(root_seed(seed))``."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence) or (
            isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(root_seed(seed))
    raise TypeError("seed must be None, a non-negative int, a numpy SeedSequence or Generator, "
                    f"got {type(seed).__name__} {seed!r}")


def task_seeds(seed: SeedLike, count: int) -> list[np.random.SeedSequence]:
    """``count`` independent child seeds of ``seed``, one per task.

    Child ``i`` is ``SeedSequence(entropy, spawn_key=(*spawn_key, i))`` of the root, the same child that
    ``root.spawn(count)[i]`` gives on a fresh root and that :func:`mesbook.data.synthetic.simulate_paths` uses
    for path ``i``. The root is not modified (unlike ``SeedSequence.spawn``), so asking twice gives the
    same children, and child ``i`` does not depend on ``count``. ``seed`` as for :func:`root_seed`.
    """
    count = check_int("count", count, minimum=0)
    root = root_seed(seed)
    return [
        np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, i), pool_size=root.pool_size)
        for i in range(count)
    ]


def resolve_n_jobs(n_jobs: object) -> int:
    """Number of local worker processes for ``n_jobs``: itself when ≥ 1, every core for −1.

    Like joblib, −2 means all cores but one, and so on; 0 and anything below −(cores) are refused.
    """
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be an integer (1 = serial, -1 = every core), got {type(n_jobs).__name__} {n_jobs!r}")
    cores = os.cpu_count() or 1
    if n_jobs == 0 or n_jobs < -cores:
        raise ValueError(f"n_jobs must be >= 1, or -1 for every core (down to -{cores} on this machine), got {n_jobs}")
    return int(n_jobs) if n_jobs > 0 else cores + 1 + int(n_jobs)


def worker_count(n_jobs: int = 1, client: Optional[Any] = None) -> int:
    """How many tasks can run at once: the Dask cluster's worker threads, else :func:`resolve_n_jobs`."""
    if client is None:
        return resolve_n_jobs(n_jobs)
    try:
        return max(1, sum(client.nthreads().values()))
    except (AttributeError, TypeError) as exc:
        raise TypeError(f"client must be a dask.distributed.Client, got {type(client).__name__}") from exc


def chunk(items: Sequence[T], pieces: int) -> list[Sequence[T]]:
    """Split ``items`` into at most ``pieces`` consecutive, nearly equal, non-empty slices (in order)."""
    pieces = check_int("pieces", pieces)
    bounds = np.linspace(0, len(items), min(pieces, len(items)) + 1).round().astype(int)
    return [items[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def parallel_map(
    fn: Callable[..., R],
    tasks: Iterable[T],
    *,
    shared: Any = NOT_SHARED,
    n_jobs: int = 1,
    client: Optional[Any] = None,
    progress: bool = False,
    desc: Optional[str] = None,
) -> list[R]:
    """``[fn(task) for task in tasks]`` — or ``fn(task, shared)`` when ``shared`` is passed — in order.

    ``shared`` is an object every task needs (market data, cached indicators): it is sent to each worker
    once (joblib memory-maps large numpy arrays; Dask scatters it to every worker) instead of once per
    task. ``n_jobs`` picks local processes (see :func:`resolve_n_jobs`); ``client``, a
    ``dask.distributed.Client``, sends the tasks to its cluster instead and then ``n_jobs`` must stay 1.
    ``progress=True`` shows a tqdm bar labelled ``desc``.

    ``fn`` must be picklable for the parallel modes (a module-level function or a
    ``functools.partial`` of one); exceptions raised by a task are re-raised here.
    """
    tasks = list(tasks)
    workers = resolve_n_jobs(n_jobs)
    if client is not None and workers != 1:
        raise ValueError(f"pass either n_jobs={n_jobs} (local processes) or client= (a Dask cluster), not both")
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    args = [(task,) if shared is NOT_SHARED else (task, shared) for task in tasks]
    bar = _progress_bar(len(tasks), desc) if progress else None
    try:
        if client is not None:
            return _dask_map(fn, tasks, shared, client, bar)
        if workers == 1 or len(tasks) <= 1:
            return [_tick(bar, fn(*a)) for a in args]
        from joblib import Parallel, delayed

        runner = Parallel(n_jobs=min(workers, len(tasks)), return_as="generator")
        return [_tick(bar, result) for result in runner(delayed(fn)(*a) for a in args)]
    finally:
        if bar is not None:
            bar.close()


#: The keyword names of :class:`Workers` in the studies' public functions.
WORKER_KEYWORDS: tuple[str, str, str] = ("n_jobs", "client", "progress")


@dataclass(frozen=True)
class Workers:
    """Where many independent tasks run: ``n_jobs`` local processes (1: in this process; −1: every core;
    see :func:`resolve_n_jobs`) or the cluster of a Dask ``client`` (then ``n_jobs`` stays 1), with a tqdm
    progress bar when ``progress``. Checked when made; the results never depend on it."""

    n_jobs: int = 1
    client: Optional[Any] = None
    progress: bool = False

    def __post_init__(self) -> None:
        if resolve_n_jobs(self.n_jobs) != 1 and self.client is not None:
            raise ValueError(f"pass either n_jobs={self.n_jobs} (local processes) or client= (a Dask cluster), not both")
        if not isinstance(self.progress, (bool, np.bool_)):
            raise TypeError(f"progress must be True or False, got {self.progress!r}")

    @property
    def count(self) -> int:
        """How many tasks can run at once (:func:`worker_count`)."""
        return worker_count(self.n_jobs, self.client)

    def map(self, fn: Callable[..., R], tasks: Iterable[T], *, shared: Any = NOT_SHARED,
            desc: Optional[str] = None) -> list[R]:
        """:func:`parallel_map` of ``fn`` over ``tasks`` on these workers (``desc`` labels the progress bar)."""
        return parallel_map(fn, tasks, shared=shared, n_jobs=self.n_jobs, client=self.client,
                            progress=bool(self.progress), desc=desc)

    @classmethod
    def of(cls, workers: Optional["Workers"] = None, **keywords: Any) -> "Workers":
        """``workers``, or a :class:`Workers` from the keywords ``n_jobs``, ``client`` and ``progress``
        (an unknown name, or ``workers`` and keywords together, is a ``TypeError``)."""
        unknown = sorted(set(keywords) - set(WORKER_KEYWORDS))
        if unknown:
            raise TypeError(f"unknown argument(s) {unknown}; the work is spread with {', '.join(WORKER_KEYWORDS)}")
        if workers is None:
            return cls(**keywords)
        if not isinstance(workers, Workers):
            raise TypeError(f"workers must be a Workers, e.g. Workers(n_jobs=-1), got {type(workers).__name__}")
        if keywords:
            raise TypeError(f"workers={workers!r} and {sorted(keywords)} given together: pass the workers one way")
        return workers


#: One process, no progress bar: the default of every study.
SERIAL = Workers()


def _dask_map(fn: Callable[..., R], tasks: list, shared: Any, client: Any, bar: Any) -> list[R]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - distributed is a declared dependency
        raise ImportError("client= needs the 'distributed' package: pip install 'dask[distributed]'") from exc
    if not isinstance(client, Client):
        raise TypeError(f"client must be a dask.distributed.Client, got {type(client).__name__}")
    if not tasks:
        return []
    iterables: list[list] = [tasks]
    if shared is not NOT_SHARED:
        [shared_future] = client.scatter([shared], broadcast=True)  # in a list, so a dict is one object
        iterables.append([shared_future] * len(tasks))
    futures = client.map(fn, *iterables, pure=False)
    if bar is not None:
        for _ in as_completed(futures):
            bar.update(1)
    return client.gather(futures)


def _progress_bar(total: int, desc: Optional[str]) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc)


def _tick(bar: Any, result: R) -> R:
    if bar is not None:
        bar.update(1)
    return result
