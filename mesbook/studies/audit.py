"""Look-ahead audit: does a decision at bar t change when the future after t changes?

A backtest may only act on what was known at each bar. :func:`lookahead_audit` tests that directly: for
each cut point t it re-runs the strategy

* on *scrambled* data — every numeric column after bar t shuffled and jittered, bars 0..t untouched;
* on *truncated* data — bars 0..t only;

and compares the decisions with those of the full run. Any difference at a bar ≤ t means the decision
read the future: a leak. The article's centred gradient leaks this way (the gradient at bar t reads OI
at t+1); the honest settings pass.

A *strategy* is any callable ``data -> output``. The output may be signals (codes 0/1/2 or labels
"HOLD"/"BUY"/"SELL", as an array, a Series or a frame with a ``signal`` column), an equity curve
(Series/array) or a :class:`~mesbook.results.SimulationResult` (its equity is compared). A backtest
closes its position on the last bar of its data, so for equity outputs the truncated run's own last bar
is not compared; signals are compared up to and including bar t. Ready-made strategies:
:func:`article_signals`, :func:`backtest_signals` and :func:`backtest_equity`. The scrambled copies of the first
two (when the settings read open interest only) are decided side by side on arrays
(:func:`mesbook.engine.decisions.decision_columns`), with the draws :func:`scramble_after` makes, and no frame
per copy; ``tests/test_audit_arrays.py`` holds the result equal to deciding each copy's frame.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, Optional

import numpy as np
import pandas as pd

from ..article.indicators import calculate_indicators
from ..article.signals import generate_signals
from ..constants import OI_GRADIENT_WINDOW, OI_LONG_SMA_WINDOW, OI_SHORT_SMA_WINDOW
from ..core.signals import codes_from_labels
from ..core.windows import Windows
from ..data.synthetic import Sample
from ..engine.backtest import run_backtest
from ..engine.decisions import decision_codes, decision_columns, needs_times, reads_oi_only
from ..engine.settings import ARTICLE, REALISTIC, BacktestSettings, check_settings
from ..estimates import estimate
from ..parallel import chunk
from ..results import SimulationResult
from ..validation import check_frame, check_int
from .keywords import workers_of
from .worked import LOOKAHEAD

Strategy = Callable[[pd.DataFrame], Any]
# Relative jitter of scrambled values: wide, so that the altered future moves either way from bar t.
_JITTER = 0.5


@dataclass(frozen=True)
class AuditResult:
    """Outcome of :func:`lookahead_audit`.

    ``checks`` has one row per cut point: ``cut`` (bar t), ``scrambled_bar`` — the first bar ≤ t whose
    decision changed in any scrambled run (−1 if none), ``truncated_bar`` — the same for the truncated
    run. ``leaks`` lists the cut points where anything changed; ``passed`` is True when none did.
    """

    checks: pd.DataFrame

    @property
    def leaks(self) -> list[int]:
        """Cut points whose decisions changed when the future changed."""
        leaking = (self.checks["scrambled_bar"] >= 0) | (self.checks["truncated_bar"] >= 0)
        return self.checks.loc[leaking, "cut"].astype(int).tolist()

    @property
    def passed(self) -> bool:
        """True when no decision depended on the future."""
        return not self.leaks

    def __repr__(self) -> str:
        verdict = "passed: no decision read the future" if self.passed else f"LOOK-AHEAD at bars {self.leaks}"
        return f"Look-ahead audit over {len(self.checks)} cut points — {verdict}"


def lookahead_audit(
    strategy: Strategy,
    data: pd.DataFrame,
    cut_points: Optional[Iterable[int]] = None,
    n_scrambles: int = 1,
    seed: int = 0,
    **keywords: Any,
) -> AuditResult:
    """Run ``strategy`` on ``data`` and on futures-altered copies; report the bars whose decisions change.

    ``cut_points`` are bar positions t (default: every bar but the last). ``n_scrambles`` scrambled
    copies are tried per cut point; copy j of bar t is drawn from ``SeedSequence(seed, spawn_key=(t, j))``,
    so an audit is reproducible and more scrambles only add checks. A scramble catches a leak with some
    probability (the altered future must happen to change the decision), so use several to be
    thorough. The cost is ``len(cut_points) × (n_scrambles + 1)`` strategy runs: audit the bars where
    decisions are made (e.g. :func:`crossover_bars`) when the strategy is slow. ``data`` is not modified.
    ``keywords`` (``workers=`` or ``n_jobs``/``client``/``progress``) spread the cut points over processes,
    which changes no result (each scramble has its own seed); the strategy must then be picklable, as the
    ready-made ones are.
    """
    workers = workers_of(keywords, "lookahead_audit")
    if not callable(strategy):
        raise TypeError(f"strategy must be a callable taking a market frame, got {type(strategy).__name__}")
    check_frame(data, timestamp=False)
    n = len(data)
    n_scrambles = check_int("n_scrambles", n_scrambles)
    if cut_points is None:
        cuts = list(range(n - 1))
    else:
        cuts = sorted({check_int("each cut point", t, minimum=0) for t in cut_points})
    if cuts and cuts[-1] >= n:
        raise ValueError(f"cut point {cuts[-1]} is beyond the last bar ({n - 1}); use bar positions 0..{n - 1}")
    full, kind = _decisions(strategy(data))
    if len(full) != n:
        raise ValueError(f"strategy returned {len(full)} decisions for {len(data)} bars; it must return one per bar")
    entropy = np.random.SeedSequence(check_int("seed", seed, minimum=0)).entropy
    work = partial(_audit_cuts, strategy=strategy, data=data, full=full, kind=kind, n_scrambles=n_scrambles,
                   entropy=entropy)
    parts = workers.map(work, chunk(cuts, 4 * workers.count), desc="look-ahead audit")
    rows = [row for part in parts for row in part]
    return AuditResult(pd.DataFrame(rows, columns=["cut", "scrambled_bar", "truncated_bar"]))


def _audit_cuts(cuts: list[int], *, strategy: Strategy, data: pd.DataFrame, full: np.ndarray, kind: str,
                n_scrambles: int, entropy: int) -> list[tuple[int, int, int]]:
    """(cut, first changed bar when scrambled, first changed bar when truncated) for each of ``cuts``."""
    columns = _numeric_columns(data)
    on_arrays = _signals_on_arrays(strategy) if "open_interest" in columns else None
    if on_arrays is not None:
        # the generator draws column after column: the columns after open interest change none of its draws
        names = list(columns)
        drawn = {name: columns[name] for name in names[: names.index("open_interest") + 1]}
        codes = codes_from_labels(pd.Series(full)) if full.dtype.kind == "O" else full  # the article's labels
        scrambled = _scrambled_on_arrays(cuts, on_arrays, data, drawn, codes, n_scrambles, entropy)
        truncated = _truncated_on_arrays(cuts, on_arrays, data, codes)
        return [(t, int(first), int(cut)) for t, first, cut in zip(cuts, scrambled, truncated)]
    rows = []
    for t in cuts:
        first = -1
        for j in range(n_scrambles):
            altered, _ = _decisions(strategy(_scrambled_frame(data, columns, t, _seed(entropy, t, j))))
            first = _first_change(full, altered, t + 1) if first < 0 else first
        truncated_out, _ = _decisions(strategy(data.iloc[: t + 1]))
        compare = t + 1 if kind == "signals" else t  # a backtest closes its position on its own last bar
        rows.append((t, first, _first_change(full, truncated_out, compare)))
    return rows


def _seed(entropy: int, t: int, j: int) -> np.random.SeedSequence:
    """The seed of scramble j of bar t: its own, so auditing more bars or more scrambles never changes it."""
    return np.random.SeedSequence(entropy, spawn_key=(t, j))


#: Cells (bars × scrambled copies) decided in one 2-D pass: a bound on the audit's memory, not on its result.
_CELLS_PER_PASS = 1 << 20


def _signals_on_arrays(strategy: Strategy) -> Optional[tuple[BacktestSettings, Windows]]:
    """The settings and windows of a :func:`backtest_signals` strategy whose signals read open interest only
    (:func:`mesbook.engine.decisions.reads_oi_only`), or of :func:`article_signals` (the article's pipeline is
    the ``ARTICLE`` settings' rule): its scrambled copies are decided on arrays."""
    if not isinstance(strategy, partial) or strategy.args:
        return None
    windows = strategy.keywords.get("windows")
    if strategy.func is _article_signals and isinstance(windows, Windows):
        return ARTICLE, windows
    if strategy.func is _backtest_signals and isinstance(windows, Windows):
        settings = strategy.keywords.get("settings")
        if isinstance(settings, BacktestSettings) and reads_oi_only(settings):
            return settings, windows
    return None


def _scrambled_on_arrays(cuts: list[int], on_arrays: tuple[BacktestSettings, Windows], data: pd.DataFrame,
                         columns: dict[str, tuple[np.ndarray, bool]], full: np.ndarray, n_scrambles: int,
                         entropy: int) -> np.ndarray:
    """Per cut t, the first bar ≤ t whose decision changed in any of its scrambled copies (−1 if none): what the
    per-copy loop of :func:`_audit_cuts` finds, with each copy's open interest scrambled on arrays (the same
    draws as :func:`scramble_after`) and all copies decided side by side by
    :func:`mesbook.engine.decisions.decision_columns`, no frame per copy. ``full`` is the decisions as codes."""
    settings, windows = on_arrays
    n = len(data)
    timestamps = data["timestamp"] if needs_times(settings) else None
    found = np.full(len(cuts), -1)
    per_pass = max(1, _CELLS_PER_PASS // max(n * max(n_scrambles, 1), 1))
    for begin in range(0, len(cuts), per_pass):
        batch = cuts[begin:begin + per_pass]
        if not n_scrambles or not batch:
            continue
        oi = np.empty((n, len(batch) * n_scrambles))
        for i, t in enumerate(batch):
            for j in range(n_scrambles):
                oi[:, i * n_scrambles + j] = _scramble_arrays(columns, t, _seed(entropy, t, j))["open_interest"]
        codes = decision_columns(oi, settings, windows, timestamps)
        # bar by bar, whether a copy changed a decision at or before its own cut (later bars may differ freely)
        upto = np.repeat(np.asarray(batch), n_scrambles)
        changed = (codes != full[:, None]) & (np.arange(n)[:, None] <= upto)
        found[begin:begin + len(batch)] = _first_changes(changed, n_scrambles)
    return found


def _truncated_on_arrays(cuts: list[int], on_arrays: tuple[BacktestSettings, Windows], data: pd.DataFrame,
                         full: np.ndarray) -> np.ndarray:
    """Per cut t, the first bar ≤ t whose decision changed when the data end at t (−1 if none): the strategy's rule
    run on each truncated open interest and its own timestamps by
    :func:`mesbook.engine.decisions.decision_columns` (one column), the decisions the strategy gives
    ``data.iloc[:t + 1]``, without a frame per cut. ``full`` is the decisions as codes."""
    settings, windows = on_arrays
    oi = data["open_interest"].to_numpy(dtype=float)
    stamps = data["timestamp"] if needs_times(settings) else None
    found = np.full(len(cuts), -1)
    for i, t in enumerate(cuts):
        codes = decision_columns(oi[: t + 1, None], settings, windows, None if stamps is None else stamps.iloc[: t + 1])
        found[i] = _first_change(full, codes[:, 0], t + 1)
    return found


def _first_changes(changed: np.ndarray, n_scrambles: int) -> np.ndarray:
    """Per cut, from ``changed`` (bars × copies, each cut's ``n_scrambles`` copies side by side): the first
    changed bar of the first copy (in scramble order) that changed any, or −1, as the per-copy loop keeps."""
    first = np.where(changed.any(axis=0), changed.argmax(axis=0), -1).reshape(-1, n_scrambles)
    hit = first >= 0
    return np.where(hit.any(axis=1), first[np.arange(len(first)), hit.argmax(axis=1)], -1)


def _numeric_columns(data: pd.DataFrame) -> dict[str, tuple[np.ndarray, bool]]:
    """The columns a scramble alters, in the frame's order: numeric, not boolean, not the timestamp; each with
    its values and whether it is a float column (jittered as well as shuffled)."""
    columns = {}
    for column in data.columns:
        series = data[column]
        if column == "timestamp" or pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        columns[column] = series.to_numpy(), pd.api.types.is_float_dtype(series)
    return columns


def _scramble_arrays(columns: dict[str, tuple[np.ndarray, bool]], t: int, seed: Any) -> dict[str, np.ndarray]:
    """Each of ``columns`` (from :func:`_numeric_columns`) with its values after position ``t`` shuffled, and
    jittered by a factor in [0.5, 1.5] when float: new arrays, drawn column after column from one generator."""
    rng = np.random.default_rng(seed)
    out = {}
    for column, (original, is_float) in columns.items():
        values = original.copy()
        part = rng.permutation(values[t + 1:])
        if is_float:
            part = part * rng.uniform(1 - _JITTER, 1 + _JITTER, len(part))
        values[t + 1:] = part
        out[column] = values
    return out


def _scrambled_frame(data: pd.DataFrame, columns: dict[str, tuple[np.ndarray, bool]], t: int,
                     seed: Any) -> pd.DataFrame:
    """A copy of ``data`` with ``columns`` scrambled after position ``t`` (:func:`_scramble_arrays`)."""
    out = data.copy()
    for column, values in _scramble_arrays(columns, t, seed).items():
        out[column] = values
    return out


def scramble_after(data: pd.DataFrame, t: int, seed: Any = None) -> pd.DataFrame:
    """A copy of ``data`` whose numeric columns after bar position ``t`` are shuffled and jittered.

    Bars 0..t are untouched, as are timestamps and non-numeric columns. Float columns are also scaled by
    a random factor in [0.5, 1.5] per value (positive values stay positive); integer columns are
    only shuffled. ``seed`` is anything ``numpy.random.default_rng`` accepts.
    """
    return _scrambled_frame(data, _numeric_columns(data), t, seed)


def crossover_bars(data: pd.DataFrame, short_sma_window: int = OI_SHORT_SMA_WINDOW,
                   long_sma_window: int = OI_LONG_SMA_WINDOW) -> np.ndarray:
    """Bars where the article's short OI average crosses the long one: where its rule can decide.

    The centred gradient only matters on these bars (elsewhere the rule says HOLD whatever the
    gradient), so they are the cut points that expose its look-ahead.
    """
    ind = calculate_indicators(data, short_sma_window, long_sma_window)
    gap = np.sign(ind["oi_short_sma"].to_numpy() - ind["oi_long_sma"].to_numpy())
    return np.flatnonzero(np.r_[False, gap[1:] != gap[:-1]])


def article_signals(short_sma_window: int = OI_SHORT_SMA_WINDOW, long_sma_window: int = OI_LONG_SMA_WINDOW,
                    gradient_window: int = OI_GRADIENT_WINDOW) -> Strategy:
    """The article's pipeline as a strategy: ``data -> signal labels`` (calculate_indicators, generate_signals)."""
    return partial(_article_signals, windows=Windows(short_sma_window, long_sma_window, gradient_window))


def backtest_signals(settings: BacktestSettings, **windows: Any) -> Strategy:
    """``data -> signal codes`` as :func:`mesbook.run_backtest` decides them under ``settings``.

    ``windows`` are ``short_sma_window``, ``long_sma_window`` and ``gradient_window`` (bars), or ``windows=``
    a :class:`~mesbook.core.windows.Windows`.
    """
    check_settings(settings)
    return partial(_backtest_signals, settings=settings, windows=Windows.of(**windows))


def backtest_equity(settings: BacktestSettings, **windows: Any) -> Strategy:
    """``data -> run_backtest(data, settings, **windows)``: audits fills, prices and marks too.

    The audit compares the account value bar by bar, so the run skips its summary statistics
    (``statistics=False``), a fifth of a run's time, which change no bar of the equity curve."""
    check_settings(settings)
    return partial(run_backtest, settings=settings, statistics=False, **Windows.of(**windows).keywords())


def _article_signals(data: pd.DataFrame, windows: Windows) -> pd.Series:
    return generate_signals(calculate_indicators(data, *windows))["signal"]


def _backtest_signals(data: pd.DataFrame, settings: BacktestSettings, windows: Windows) -> np.ndarray:
    return decision_codes(data, settings, windows)


def _decisions(output: Any) -> tuple[np.ndarray, str]:
    """The comparable per-bar decisions of a strategy's output, and their kind ("signals" or "equity")."""
    if isinstance(output, SimulationResult):
        return output.equity.to_numpy(dtype=float), "equity"
    if isinstance(output, pd.DataFrame):
        if "signal" not in output.columns:
            raise TypeError("a strategy returning a DataFrame must include a 'signal' column")
        output = output["signal"]
    if isinstance(output, pd.Series) and isinstance(output.dtype, pd.CategoricalDtype):
        output = output.astype(object)  # labels, compared as strings
    values = np.asarray(output)
    if values.ndim != 1:
        raise TypeError(f"strategy output must be one value per bar (1-D), got shape {values.shape}")
    kind = "equity" if values.dtype.kind == "f" else "signals"
    return values, kind


def _first_change(full: np.ndarray, other: np.ndarray, upto: int) -> int:
    """First bar below ``upto`` where the two decision sequences differ, or −1."""
    differs = np.flatnonzero(full[:upto] != other[:upto])
    return int(differs[0]) if len(differs) else -1


def bump_open_interest(data: pd.DataFrame, bar: int, contracts: float) -> pd.DataFrame:
    """A copy of ``data`` with ``contracts`` added to the open interest of one ``bar`` only."""
    if not 0 <= bar < len(data):
        raise ValueError(f"bar must be between 0 and {len(data) - 1}, got {bar}")
    bumped = data.copy()
    oi = bumped["open_interest"].to_numpy(dtype=float).copy()
    oi[bar] += contracts
    bumped["open_interest"] = oi
    return bumped

def lookahead_table(data: pd.DataFrame, bar: int = LOOKAHEAD.bar, bump: float = LOOKAHEAD.contracts) -> pd.DataFrame:
    """What bar ``bar``'s indicators read when only the *next* bar's OI is changed by ``bump``.

    Returns one row per indicator with its value at ``bar`` before and after the change (contracts).
    A backward-looking indicator must not move; the centred gradient moves by ``bump`` / 2.
    """
    before = calculate_indicators(data).iloc[bar]
    after = calculate_indicators(bump_open_interest(data, bar + 1, bump)).iloc[bar]
    columns = ["oi_change", "oi_gradient", "oi_short_sma", "oi_long_sma"]
    table = pd.DataFrame({"before": before[columns].astype(float), "after": after[columns].astype(float)})
    table["moved by"] = table["after"] - table["before"]
    table.index.name = f"value at bar {bar}"
    return table.round(2)


def audit_summary(data: pd.DataFrame, n_scrambles: int = 10, **keywords: Any) -> pd.DataFrame:
    """The look-ahead audit of five strategies on ``data``: how many bars were checked, which ones leaked.

    The article's signals and two single fixes are audited at the crossover bars (where the rule can
    decide); the honest settings' signals at every bar, and their whole backtest (account value) at the
    crossovers and around every entry. Each check uses ``n_scrambles`` scrambled futures plus the
    truncated data (see :func:`mesbook.lookahead_audit`). ``keywords`` (``workers=`` or
    ``n_jobs``/``client``/``progress``) spread each audit's cut points; the table does not depend on them.
    """
    workers = workers_of(keywords, "audit_summary")
    crossings_ = crossover_bars(data)
    entries = run_backtest(data, REALISTIC).trades["entry_bar"].to_numpy()
    around_entries = sorted(set(crossings_) | set(entries) | set(entries - 1))
    checks = (
        ("the article's signals", article_signals(), crossings_),
        ("warm-up skipped only", backtest_signals(ARTICLE.replace(warmup="skip")), crossings_),
        ("backward gradient only", backtest_signals(ARTICLE.replace(gradient="backward")), crossings_),
        ("REALISTIC signals", backtest_signals(REALISTIC), range(len(data) - 1)),
        ("REALISTIC backtest (account value)", backtest_equity(REALISTIC), around_entries),
    )
    rows = []
    for name, strategy, cuts in checks:
        audit = lookahead_audit(strategy, data, cuts, n_scrambles=n_scrambles, workers=workers)
        rows.append({"strategy": name, "bars checked": len(audit.checks),
                     "leaking bars": ", ".join(map(str, audit.leaks)) or "none"})
    return pd.DataFrame(rows).set_index("strategy")


def oi_from_the_future(data: pd.DataFrame, lead: int = 1) -> pd.DataFrame:
    """A copy of ``data`` whose bar t shows the open interest of bar t + ``lead`` (a planted look-ahead).

    This is what dating a CFTC figure on its as-of day does (chapter 7): the backtest reads a number
    before it could have been known. The last ``lead`` bars repeat the final figure. ``lead`` is in bars.
    """
    lead = check_int("lead", lead, minimum=0)
    data = check_frame(data, numeric=("open_interest",), timestamp=False)
    oi = data["open_interest"].to_numpy(dtype=float)
    shifted = np.r_[oi[lead:], np.repeat(oi[-1:], min(lead, len(oi)))][: len(oi)]
    return data.assign(open_interest=shifted)


def lookahead_gain(couplings: Iterable[float] = (0.0, 0.1), num_seeds: int = 40, seed: int = 7, *, lead: int = 1,
                   settings: BacktestSettings = REALISTIC, num_periods: int = 500, **keywords: Any) -> pd.DataFrame:
    """What a look-ahead is worth on markets where open interest does or does not carry information.

    For each coupling (the planted edge of :func:`mesbook.simulate_realistic_market`; 0 = OI carries no
    information) the bot runs with ``settings`` on ``num_seeds`` seeded realistic markets (a
    :class:`~mesbook.data.synthetic.Sample` of ``seed``), once on the true data and once on
    :func:`oi_from_the_future` of it. One row per coupling: mean net P&L without and with the look-ahead,
    the mean paired ``gain`` and its 95 % half width (1.96 standard errors, :mod:`mesbook.estimates`), all
    in dollars per market. Markets of one seed share their OI path and shocks whatever the coupling, so the
    rows differ only by the edge. ``keywords`` spread the markets (``workers=`` or ``n_jobs``/...).
    """
    workers = workers_of(keywords, "lookahead_gain")
    rows = {}
    for coupling in couplings:
        sample = Sample("realistic", num_seeds, num_periods, seed, float(coupling))
        work = partial(_lookahead_pair, sample=sample, lead=lead, settings=settings)
        pnl = np.array(workers.map(work, sample.children(), desc="look-ahead gain"))
        gain = estimate(pnl[:, 1] - pnl[:, 0])
        rows[float(coupling)] = {"honest ($)": pnl[:, 0].mean(), "with look-ahead ($)": pnl[:, 1].mean(),
                                 "gain ($)": gain.mean, "gain ± 95 % ($)": gain.half_width_95}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("coupling")


def _lookahead_pair(child: Any, *, sample: Sample, lead: int, settings: BacktestSettings) -> tuple[float, float]:
    """Net P&L (dollars) on one market of ``sample``, without and with the look-ahead."""
    data = sample.market(child)
    honest = run_backtest(data, settings, statistics=False).net_pnl
    return honest, run_backtest(oi_from_the_future(data, lead), settings, statistics=False).net_pnl
