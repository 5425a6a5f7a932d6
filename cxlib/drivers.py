"""Key-driver analysis: which rated parts of the service move NPS or satisfaction, and by how much.

The survey's attribute ratings (``rating_<attribute>`` columns, see
``data/README.md``) are weighed against an outcome (the NPS score 0–10, a
satisfaction answer 0/1, or CSI) by Johnson's (2000) relative weights: each
attribute's share of the outcome's explained variance (R²), which, unlike
regression coefficients, stays meaningful when the ratings are correlated, as
ratings of one visit always are. Each share has a percentile bootstrap
interval, and each attribute its performance (mean rating and top-box share
with a Wilson interval), so a reader sees both how much an attribute matters
and how well the company does on it.

Choices, made once here (constants in ``cxlib/catalog/drivers.toml``):

* An answer that leaves an attribute or the outcome blank is left out of the
  weights (complete cases), and counted: ``n`` is what the weights rest on,
  ``left_out`` what was set aside. Performance uses every answer that rated
  the attribute (``rated``), since it does not need the other ratings.
* Too few complete answers (``min_rows``), a rating or outcome that never
  varies, or ratings so collinear that their correlation matrix is singular
  raise :class:`DriverError` with one sentence in the client's language: never
  a ranking the data cannot support.
* The bootstrap resamples answers with replacement (kept as how often each
  answer was drawn, so the rows are never copied), with a fixed seed, so the
  same data give the same intervals. As everywhere in the kit, an interval always holds its own
  estimate: when the percentile interval would leave it out, the nearer limit
  moves to it (the interval only grows). ``bench/bench_drivers.py`` measures
  the coverage of the 95% intervals (five correlated drivers, 200 surveys a
  cell, Monte Carlo SE 0.015): 0.94–0.96 on average over the drivers at n = 300
  and 1,000 (0.93–0.975 each), 0.92–0.95 at n = 100, where the percentile
  bootstrap runs short for some drivers (0.885 at worst).

References
----------
Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
predictor variables in multiple regression. Multivariate Behavioral Research
35(1), 1–19.

Examples
--------
>>> rng = np.random.default_rng(1)
>>> x = rng.normal(size=(300, 3))
>>> frame = pd.DataFrame(x, columns=["a", "b", "c"]).assign(y=x @ [2.0, 1.0, 0.0] + rng.normal(size=300))
>>> table = relative_importance(frame, "y", ["a", "b", "c"], replicates=200)
>>> table["driver"].tolist(), bool(abs(table["weight"].sum() - table.attrs["r2"]) < 1e-12)
(['a', 'b', 'c'], True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxlib import catalog
from cxlib.metrics import share as share_estimate
from cxlib.wording import Words

SETTINGS = catalog.load("drivers")["settings"]
OUTCOME_NAMES = {"nps": "NPS", "csat": "CSAT", "csi": "CSI", "ces": "CES"}
COLUMNS = ["driver", "weight", "share", "share_low", "share_high", "excess_se", "performance", "top_box",
           "top_box_low", "top_box_high", "rated", "missing", "n"]
CELLS_PER_CHUNK = 4_000_000  # replicate × answer counts held at once: bounded memory for a million answers


class DriverError(ValueError):
    """No ranking of drivers: the data cannot support one.

    ``reason`` is the sentence's key in ``cxlib/catalog/drivers.toml``
    (``no_drivers``, ``too_few``, ``constant_driver``, ``constant_outcome``,
    ``singular``); the message is the sentence in the client's language.

    Examples
    --------
    >>> print(DriverError("too_few", "en", n=12, outcome="NPS", min_rows=30))
    Only 12 answers rate every attribute and give NPS; ranking the drivers needs at least 30, so none is shown.
    """

    def __init__(self, reason: str, language: str = "en", **values: Any):
        self.reason, self.values = reason, values
        super().__init__(Words("drivers", language)(reason, **values))


def johnson_weights(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights from the drivers' correlations; they sum to the regression's R².

    Parameters
    ----------
    rxx : ndarray, shape (..., p, p)
        Correlation matrix of the drivers (a stack of them for the bootstrap).
    rxy : ndarray, shape (..., p)
        Each driver's correlation with the outcome.

    Returns
    -------
    ndarray, shape (..., p)
        Raw weights; NaN for a matrix whose smallest eigenvalue is below
        ``min_eigenvalue`` of the catalogue (singular: no weights exist).

    Examples
    --------
    >>> [round(float(w), 4) for w in johnson_weights(np.array([[1, 0.5], [0.5, 1]]), np.array([0.6, 0.3]))]
    [0.315, 0.045]
    """
    eigenvalues, vectors = np.linalg.eigh(rxx)
    singular = ~(eigenvalues.min(axis=-1) >= SETTINGS["min_eigenvalue"])  # NaN counts as singular
    roots = np.sqrt(np.clip(np.where(singular[..., None], 1.0, eigenvalues), 0.0, None))
    # Λ½ = P diag(√λ) Pᵀ: the symmetric root, whose columns are the orthogonal variables' loadings on the drivers
    half = np.einsum("...ik,...k,...jk->...ij", vectors, roots, vectors)
    beta = np.linalg.solve(half, rxy[..., None])[..., 0]  # the outcome regressed on the orthogonal variables
    weights = np.einsum("...jk,...k->...j", half**2, beta**2)
    return np.where(singular[..., None], np.nan, weights)


def _correlations(moments: np.ndarray) -> np.ndarray:
    """Correlation matrices from stacks of (mean, second moment) of the standardised data, as [mean | E zzᵀ]."""
    means, second = moments[..., 0, :], moments[..., 1:, :]
    cov = second - means[..., :, None] * means[..., None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=-2, axis2=-1), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        return cov / (sd[..., :, None] * sd[..., None, :])


def _bootstrap_weights(data: np.ndarray, replicates: int, seed: int) -> np.ndarray:
    """Raw weights of ``replicates`` resamples of the rows of ``data`` (drivers, then the outcome last).

    A resample is how often each row was drawn, so each replicate's moments are one matrix product over the
    rows' outer products; the rows are never copied. A singular replicate gives NaN weights.
    """
    rng = np.random.default_rng(seed)
    n, q = data.shape
    z = (data - data.mean(axis=0)) / data.std(axis=0)  # standardised once, for the moments' precision
    products = np.concatenate([z, (z[:, :, None] * z[:, None, :]).reshape(n, q * q)], axis=1)
    chunk = max(1, CELLS_PER_CHUNK // n)
    found = []
    for start in range(0, replicates, chunk):
        size = min(chunk, replicates - start)
        # each replicate's rows drawn with replacement, as how often each row was drawn (bincount per replicate)
        drawn = rng.integers(0, n, size=(size, n)) + n * np.arange(size)[:, None]
        counts = np.bincount(drawn.ravel(), minlength=size * n).reshape(size, n)
        sums = (counts @ products / n).reshape(-1, q + 1, q)  # row 0: means; rows 1..q: E[z zᵀ]
        corr = _correlations(sums)
        found.append(johnson_weights(corr[:, :-1, :-1], corr[:, :-1, -1]))
    return np.concatenate(found)


def _complete(frame: pd.DataFrame, outcome: str, drivers: list[str]) -> tuple[np.ndarray, pd.Series]:
    """The rows rating every driver and giving the outcome, as floats; and each column's blanks over all rows."""
    values = frame[[*drivers, outcome]].apply(pd.to_numeric, errors="coerce").astype("float64")
    blanks = values.isna().sum()
    return values.dropna().to_numpy(), blanks


def _refuse(data: np.ndarray, outcome: str, drivers: list[str], language: str) -> None:
    """Raise :class:`DriverError` when the complete rows cannot support a ranking."""
    name = OUTCOME_NAMES.get(outcome, outcome)
    needed = max(int(SETTINGS["min_rows"]), len(drivers) + 2)
    if len(data) < needed:
        raise DriverError("too_few", language, n=len(data), outcome=name, min_rows=needed)
    spread = data.std(axis=0)
    if spread[-1] == 0:
        raise DriverError("constant_outcome", language, outcome=name)
    if (spread[:-1] == 0).any():
        raise DriverError("constant_driver", language, driver=drivers[int(np.argmin(spread[:-1]))], outcome=name)
    rxx = np.corrcoef(data[:, :-1], rowvar=False).reshape(len(drivers), len(drivers))
    eigenvalues, vectors = np.linalg.eigh(rxx)
    if eigenvalues[0] < SETTINGS["min_eigenvalue"]:
        loading = np.abs(vectors[:, 0])  # the drivers that make up the near-zero direction
        together = [drivers[j] for j in np.flatnonzero(loading > 0.5 * loading.max())]
        raise DriverError("singular", language, drivers=", ".join(together))


def _interval(estimate: np.ndarray, replicates: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile limits of each column of ``replicates``, widened to hold ``estimate`` (the kit's rule)."""
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(replicates, [tail, 100 - tail], axis=0)
    return np.minimum(low, estimate), np.maximum(high, estimate)


def _performance(frame: pd.DataFrame, driver: str, scale: tuple[int, int], points: int,
                 level: float) -> dict[str, float]:
    """Mean rating and top-box share (the top ``points`` of the scale) over every answer rating ``driver``."""
    ratings = pd.to_numeric(frame[driver], errors="coerce").dropna()
    top = share_estimate(int((ratings > scale[1] - points).sum()), len(ratings), level=level, metric="top box")
    return {"performance": ratings.mean() if len(ratings) else np.nan, "top_box": top.value,
            "top_box_low": top.low, "top_box_high": top.high, "rated": len(ratings)}


def _per_driver(value: Any, driver: str, default: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get(driver, default)
    return default if value is None else value


def relative_importance(frame: pd.DataFrame, outcome: str, drivers: Sequence[str], *, replicates: int | None = None,
                        seed: int | None = None, level: float | None = None,
                        scales: Mapping[str, tuple[int, int]] | tuple[int, int] | None = None,
                        top_box: Mapping[str, int] | int | None = None, language: str = "en") -> pd.DataFrame:
    """Each driver's relative weight in ``outcome`` (Johnson 2000), its share of R² with an interval, its performance.

    Parameters
    ----------
    frame : DataFrame
        One row per answer; blanks (NaN, ``pd.NA``) are left out and counted.
    outcome, drivers : str, sequence of str
        The outcome column (``nps`` 0–10, ``csat`` 0/1, ``csi``, any number) and the driver columns.
    replicates, seed, level : optional
        Bootstrap replicates, seed and confidence level; the catalogue's when not given.
    scales, top_box : optional
        Each driver's (min, max) scale (1–5 by default) and the points at its top that make the top box (the
        catalogue's 2): one for all drivers, or a mapping by driver.
    language : str
        The language of a :class:`DriverError`'s sentence.

    Returns
    -------
    DataFrame
        One row per driver, largest share first: ``driver``, ``weight`` (raw, a part of R²), ``share`` (% of R²)
        with ``share_low``/``share_high``, ``excess_se`` (bootstrap standard error of the driver's weight minus the
        mean weight, in R² units: what :mod:`cxlib.driver_claims` tests), ``performance`` (mean rating),
        ``top_box`` (%) with its Wilson limits, ``rated`` (answers rating it), ``missing`` (its blanks), ``n``
        (complete answers behind the weights).
        ``attrs``: ``outcome``, ``n``, ``left_out`` (answers set aside for a blank), ``outcome_missing``, ``r2``
        with ``r2_low``/``r2_high``, ``level``, ``replicates``, ``seed``, ``failed`` (singular replicates), ``note``.

    Raises
    ------
    DriverError
        Too few complete answers, a constant rating or outcome, or singular correlations.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1, 2, 3, 4, 5] * 8, "b": [2, 1, 4, 3, 5] * 8, "y": [0, 2, 5, 6, 10] * 8})
    >>> relative_importance(frame, "y", ["a", "b"], replicates=100)[["driver", "share"]].round(1).values.tolist()
    [['a', 61.5], ['b', 38.5]]
    """
    if not (drivers := list(drivers)):
        raise DriverError("no_drivers", language, outcome=OUTCOME_NAMES.get(outcome, outcome))
    level = float(SETTINGS["level"] if level is None else level)
    data, blanks = _complete(frame, outcome, drivers)
    _refuse(data, outcome, drivers, language)
    corr = np.corrcoef(data, rowvar=False)
    weights = johnson_weights(corr[:-1, :-1], corr[:-1, -1])
    bounds = _intervals(data, weights, level, language,
                        int(SETTINGS["replicates"] if replicates is None else replicates),
                        int(SETTINGS["seed"] if seed is None else seed))
    rows = [{"driver": driver, "weight": weights[j], "share": 100 * weights[j] / weights.sum(),
             "share_low": bounds["low"][j], "share_high": bounds["high"][j], "excess_se": bounds["excess_se"][j],
             **_performance(frame, driver, tuple(_per_driver(scales, driver, (1, 5))),
                            int(_per_driver(top_box, driver, SETTINGS["top_box"])), level),
             "missing": int(blanks[driver]), "n": len(data)} for j, driver in enumerate(drivers)]
    table = pd.DataFrame(rows, columns=COLUMNS).sort_values("share", ascending=False, kind="stable", ignore_index=True)
    table.attrs.update(outcome=outcome, n=len(data), left_out=len(frame) - len(data),
                       outcome_missing=int(blanks[outcome]), r2=float(weights.sum()), level=level,
                       **{k: v for k, v in bounds.items() if k not in ("low", "high", "excess_se")})
    return table


def _intervals(data: np.ndarray, weights: np.ndarray, level: float, language: str, replicates: int,
               seed: int) -> dict[str, Any]:
    """Bootstrap limits of each share (``low``, ``high``, percent) and of R², with what the bootstrap did.

    ``excess_se`` is each weight's excess over the mean weight (``w_j − w̄``), its standard deviation over the
    replicates. Singular replicates are dropped and counted (``failed``); beyond ``max_failed_share`` of them the
    limits are unknown and ``note`` says why in one sentence.
    """
    boot = _bootstrap_weights(data, replicates, seed)
    bad = np.isnan(boot).any(axis=1)
    boot = boot[~bad]
    found = {"replicates": replicates, "seed": seed, "failed": int(bad.sum()), "note": ""}
    if bad.sum() > SETTINGS["max_failed_share"] * replicates:
        unknown = np.full(len(weights), np.nan)
        note = Words("drivers", language)("unstable", failed=int(bad.sum()), replicates=replicates)
        return {**found, "low": unknown, "high": unknown, "excess_se": unknown, "r2_low": np.nan, "r2_high": np.nan,
                "note": note}
    low, high = _interval(100 * weights / weights.sum(), 100 * boot / boot.sum(axis=1, keepdims=True), level)
    (r2_low,), (r2_high,) = _interval(np.array([weights.sum()]), boot.sum(axis=1)[:, None], level)
    excess = (boot - boot.mean(axis=1, keepdims=True)).std(axis=0, ddof=1) if len(boot) > 1 else \
        np.full(len(weights), np.nan)
    return {**found, "low": low, "high": high, "excess_se": excess, "r2_low": float(r2_low),
            "r2_high": float(r2_high)}


def key_drivers(client: Any, outcome: str = "nps", **options: Any) -> pd.DataFrame:
    """:func:`relative_importance` of a client's attribute ratings, with their names, touchpoints and stages.

    Parameters
    ----------
    client : Client
        From :func:`cxlib.load_client`; its survey's ``rating_`` columns are the drivers, their scales and top
        boxes from ``[ratings]`` in client.toml.
    outcome : str
        ``nps``, ``csat`` or ``csi``.
    **options
        ``replicates``, ``seed``, ``level`` for :func:`relative_importance`.

    Raises
    ------
    DriverError
        As :func:`relative_importance`, in the client's language; ``no_drivers`` when the survey rates nothing.

    Examples
    --------
    >>> table = key_drivers(cxlib.load_client("data/demo"), "nps")      # doctest: +SKIP
    >>> table.loc[0, ["name", "share"]].tolist()                         # doctest: +SKIP
    ['Keeping me informed', 41.2]
    """
    ratings = client.ratings
    survey = client.survey
    if outcome not in survey.columns:
        raise KeyError(f"the survey has no column {outcome!r}")
    table = relative_importance(
        survey, outcome, ratings["column"].tolist(), language=client.language,
        scales={r.column: (r.min, r.max) for r in ratings.itertuples()},
        top_box={r.column: r.top_box for r in ratings.itertuples()}, **options)
    labels = ratings.set_index("column")[["name", "touchpoint", "stage"]]
    joined = table.join(labels, on="driver")
    joined.attrs = table.attrs
    return joined[["driver", "name", "touchpoint", "stage", *COLUMNS[1:]]]


def touchpoint_importance(drivers: pd.DataFrame) -> pd.Series:
    """Each journey touchpoint's share of the outcome's explained variance: the shares of its attributes, summed.

    Shares are parts of one R², so the shares of two attributes placed at one touchpoint add up. Attributes
    placed at no touchpoint are left out; a touchpoint no attribute rates is absent (its importance is unknown,
    not 0). Touchpoints are matched as the loader does: trimmed, lower case.

    Parameters
    ----------
    drivers : DataFrame
        :func:`key_drivers`' table (``touchpoint`` and ``share`` columns).

    Returns
    -------
    Series
        Share of R² in percent, indexed by the touchpoint key (trimmed, lower case).

    Examples
    --------
    >>> table = pd.DataFrame({"touchpoint": ["desk", "desk", "", "app"], "share": [30.0, 20.0, 10.0, 40.0]})
    >>> touchpoint_importance(table).to_dict()
    {'desk': 50.0, 'app': 40.0}
    """
    if drivers is None or not len(drivers) or "touchpoint" not in drivers:
        return pd.Series(dtype="float64", name="share")
    keys = drivers["touchpoint"].fillna("").astype(str).str.strip().str.lower()
    placed = drivers.assign(_key=keys)[keys != ""]
    return placed.groupby("_key", sort=False)["share"].sum().rename("share").rename_axis(None)
