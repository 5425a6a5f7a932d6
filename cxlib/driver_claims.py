"""Key drivers as claims of the report's one family: "this attribute matters more than an equal share".

:mod:`cxlib.drivers` splits the outcome's explained variance (R²) among the
rated attributes (Johnson's relative weights). Saying that an attribute is a
*key driver* is a claim the report makes, so it is tested and enters the same
family as every change and difference (:func:`cxlib.claims.adjust`).

The claim, for each of the k attributes: its share of R² exceeds an equal
share, 1/k. Since a share is its weight over R², that is the weight exceeding
the mean weight, ``w_j − w̄ > 0``. The test:

* statistic ``z = (w_j − w̄) / SE``, where SE is the standard deviation of
  ``w*_j − w̄*`` over the bootstrap replicates :mod:`cxlib.drivers` already
  draws (same seed, so the same data give the same p-value);
* p = P(Z ≥ z), one-sided: the report only ever says an attribute matters
  *more* than its equal share, never less, and this direction is fixed before
  the data are seen.

Why this test and not another (measured in ``bench/bench_drivers.py``,
``docs/drivers.md``):

* a percentile bootstrap p-value cannot fall below 1/(B + 1), while the
  report's family holds some 190 claims on the demo, whose first Holm step is
  0.05/190 ≈ 0.00026: with B = 2,000 no driver could ever be stated. The
  normal approximation has no floor;
* the contrast ``w_j − w̄`` is a smooth function of the correlations, so it is
  asymptotically normal when the attributes explain something; when they
  explain nothing (every weight a small quadratic form of noise), the
  bootstrap overstates its spread, so the test is conservative. The same
  z-test on the share itself (``share − 1/k``) is not: dividing by a noisy R²
  gave 10–13% false claims when no attribute mattered.

Examples
--------
>>> rng = np.random.default_rng(3)
>>> x = rng.normal(size=(400, 3)) + rng.normal(size=(400, 1))
>>> frame = pd.DataFrame(x, columns=["rating_a", "rating_b", "rating_c"]).assign(nps=x @ [2.0, 0.5, 0.5])
>>> frame["nps"] += rng.normal(size=400) * 2
>>> claims = driver_claims(frame, "nps", replicates=300)
>>> claims[["source", "kind", "group"]].iloc[0].tolist(), bool(claims.loc[0, "p"] < 0.001)
(['drivers', 'key driver', 'rating_a'], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from cxlib import catalog
from cxlib.claims import COLUMNS
from cxlib.client import ratings as rating_columns
from cxlib.drivers import OUTCOME_NAMES, DriverError, key_drivers, relative_importance
from cxlib.wording import Words

CLAIMS = catalog.load("drivers")["claims"]
SOURCE, KIND, BY, METHOD = CLAIMS["source"], CLAIMS["kind"], CLAIMS["by"], CLAIMS["method"]


def default_outcome(client: Any) -> str | None:
    """The outcome the report weighs the drivers against: the first of ``[claims] outcomes`` the survey answers.

    None when the client has no answer rows or answers none of them.
    """
    if not getattr(client, "has_rows", True):
        return None
    survey = client.survey
    return next((o for o in CLAIMS["outcomes"] if o in survey and survey[o].notna().any()), None)


def _empty(why: str, **attrs: Any) -> pd.DataFrame:
    table = pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS})
    table.attrs.update(why=why, **attrs)
    return table


def _table(source: Any, outcome: str | None, drivers: Sequence[str] | None, language: str,
           options: dict[str, Any]) -> pd.DataFrame:
    """The drivers' relative importance, from a client (its [ratings]) or a frame (its ``rating_`` columns)."""
    if hasattr(source, "ratings") and hasattr(source, "survey"):
        return key_drivers(source, outcome, **options)
    columns = list(drivers) if drivers is not None else [c for c in source.columns if rating_columns.is_rating(c)]
    return relative_importance(source, outcome, columns, language=language, **options)


def driver_claims(source: Any, outcome: str | None = None, drivers: Sequence[str] | None = None, *,
                  replicates: int | None = None, seed: int | None = None, level: float | None = None,
                  language: str | None = None) -> pd.DataFrame:
    """One claim per attribute: "a key driver of ``outcome``", its share of R² against an equal share 1/k.

    Parameters
    ----------
    source : Client or DataFrame
        A client from :func:`cxlib.load_client` (its ``rating_`` columns and ``[ratings]``), or survey rows.
    outcome : str, optional
        ``nps``, ``csat`` or ``csi``; for a client, :func:`default_outcome` when not given.
    drivers : sequence of str, optional
        For a frame: the attribute columns (by default every ``rating_`` column).
    replicates, seed, level : optional
        As :func:`cxlib.drivers.relative_importance` (the catalogue's when not given).
    language : str, optional
        The language of ``attrs["why"]``; a client's own by default, else English.

    Returns
    -------
    DataFrame
        Rows in :data:`cxlib.claims.COLUMNS`, largest share first: ``source`` "drivers", ``metric`` the outcome,
        ``by`` "driver", ``group`` the attribute's column, ``kind`` "key driver", ``from`` "equal share",
        ``to`` "share", ``value_from`` 100/k, ``value_to`` the share (% of R²), ``n_from``/``n_to`` the complete
        answers, ``diff`` = share − 100/k (percentage points) with ``low``/``high`` (the share's bootstrap interval
        less 100/k), ``p_own`` = ``p`` (one-sided, unadjusted), ``worse`` NA (importance is neither good nor bad),
        ``unit`` "%". ``attrs``: ``why`` (empty, or the one sentence saying why there are no claims), ``outcome``,
        ``n``, ``k``, ``r2``. Empty, with ``why``, when the drivers cannot be computed.

    Examples
    --------
    >>> claims = driver_claims(cxlib.load_client("data/demo"))                              # doctest: +SKIP
    >>> claims.loc[0, ["group", "value_to", "value_from"]].tolist()                           # doctest: +SKIP
    ['rating_communication', 47.2, 20.0]
    """
    language = language or getattr(source, "language", "en")
    if outcome is None:
        outcome = default_outcome(source) if hasattr(source, "survey") else None
    name = OUTCOME_NAMES.get(outcome or "", outcome or "")
    if not getattr(source, "has_rows", True):
        return _empty(Words("drivers", language)("counts_only", outcome=name or "NPS"), outcome=outcome)
    survey = source.survey if hasattr(source, "survey") else source
    if outcome is None or outcome not in survey or not survey[outcome].notna().any():
        return _empty(Words("drivers", language)("no_outcome", outcome=name or "NPS, CSAT, CSI"), outcome=outcome)
    options = {key: value for key, value in (("replicates", replicates), ("seed", seed), ("level", level))
               if value is not None}
    try:
        table = _table(source, outcome, drivers, language, options)
    except DriverError as error:
        return _empty(str(error), outcome=outcome, reason=error.reason)
    return from_table(table, outcome)


def from_table(table: pd.DataFrame, outcome: str | None = None) -> pd.DataFrame:
    """The claim rows of a table :func:`cxlib.drivers.key_drivers` (or ``relative_importance``) already computed.

    For a caller that needs the table itself too (the journey's importance) and should not bootstrap twice.
    ``outcome`` defaults to the table's own (``attrs["outcome"]``).

    Examples
    --------
    >>> table = key_drivers(client, "nps")                                # doctest: +SKIP
    >>> from_table(table).equals(driver_claims(client, "nps"))            # doctest: +SKIP
    True
    """
    outcome = outcome or table.attrs["outcome"]
    k = len(table)
    equal = 100 / k
    excess = table["weight"] - table["weight"].mean()
    se = table["excess_se"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(se > 0, stats.norm.sf(excess / se), np.nan)
    rows = pd.DataFrame({
        "source": SOURCE, "metric": outcome, "by": BY, "group": table["driver"], "kind": KIND,
        "from": CLAIMS["from"], "to": CLAIMS["to"], "value_from": equal, "value_to": table["share"],
        "n_from": table["n"], "n_to": table["n"], "diff": table["share"] - equal,
        "low": table["share_low"] - equal, "high": table["share_high"] - equal, "p_own": p, "p": p,
        "worse": pd.NA, "unit": "%", "method": METHOD})
    rows = rows.reindex(columns=COLUMNS).reset_index(drop=True)
    rows.attrs.update(why="", outcome=outcome, n=int(table.attrs["n"]), k=k, r2=float(table.attrs["r2"]))
    return rows


def key_drivers_of(changes: pd.DataFrame | None, outcome: str | None = None) -> pd.DataFrame:
    """The family's driver claims that came out significant (largest share first); empty when none did.

    ``changes`` is the report's family (:func:`cxlib.diagnosis.diagnose`'s ``changes``, adjusted).
    """
    if changes is None or not len(changes) or "significant" not in changes:
        return pd.DataFrame(columns=[*COLUMNS, "p_adjusted", "significant"])
    mine = changes[(changes["source"] == SOURCE) & changes["significant"].astype(bool)]
    if outcome is not None:
        mine = mine[mine["metric"] == outcome]
    return mine.sort_values("value_to", ascending=False, kind="stable")
