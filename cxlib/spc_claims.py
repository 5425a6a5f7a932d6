"""A control chart's signals as claims of the report's one family, each with an exact p-value.

A point beyond its limits is one test per month (:func:`cxlib.spc.signals_as_claims`, every judged month so
that the family holds every test looked at). Anhøj's two pattern rules are tests too, with exact null
distributions when each judged point falls above or below the centre with probability ½ independently:

* crossings: the number of times the series crosses the centre is Binomial(m − 1, ½); few crossings mean the
  level moved, so p = P(X ≤ crossings);
* runs: p = P(longest run on one side ≥ the observed run) among m points, computed exactly by counting sequences
  (:func:`longest_run_p`).

The report calls a level shift or a special-cause month only when its claim is significant after Holm's
adjustment over the whole family, so the chart adds no unchecked claim.

Examples
--------
>>> round(longest_run_p(10, 7), 4)      # 7 or more in a row among 10 fair coin flips
0.0391
>>> round(crossings_p(12, 2), 4)        # 2 crossings or fewer among 12 points (11 chances)
0.0327
"""

from __future__ import annotations

import math
from functools import cache

import pandas as pd
from scipy import stats

from cxlib import spc
from cxlib.claims import COLUMNS

PATTERN_KIND = "level shift"


@cache
def _sequences_without_run(m: int, longest: int) -> int:
    """How many of the 2^m side sequences have no run longer than ``longest`` (runs of equal sides)."""
    if m == 0:
        return 1
    # ways[k]: sequences of the length so far ending in a run of exactly k
    ways = [0] * (longest + 1)
    ways[1] = 2
    for _ in range(m - 1):
        ways = [0, sum(ways)] + ways[1:longest]
    return sum(ways)


def longest_run_p(m: int, run: int) -> float:
    """P(the longest run among ``m`` fair, independent sides is at least ``run``)."""
    if run <= 1:
        return 1.0
    return 1 - _sequences_without_run(m, run - 1) / 2 ** m


def crossings_p(m: int, crossings: int) -> float:
    """P(at most ``crossings`` crossings among ``m`` points): Binomial(m − 1, ½)."""
    return float(stats.binom.cdf(crossings, max(m - 1, 0), 0.5))


def pattern_claims(chart: pd.DataFrame) -> pd.DataFrame:
    """The chart's runs and crossings tests as two claim rows (none when the chart could not be judged)."""
    attrs = chart.attrs
    if not attrs.get("judged") or attrs.get("useful", 0) < 2:
        return pd.DataFrame(columns=COLUMNS)
    m, judged = int(attrs["useful"]), chart[chart["judged"]]
    base = {"source": spc.SOURCE, "metric": attrs["metric"], "by": "", "group": "(all)", "kind": PATTERN_KIND,
            "from": judged["period"].iloc[0], "to": judged["period"].iloc[-1], "n_to": int(judged["n"].sum()),
            "diff": math.nan, "worse": pd.NA, "unit": attrs["unit"]}
    rows = [{**base, "method": "Anhøj runs rule, exact", "p": longest_run_p(m, int(attrs["longest_run"]))},
            {**base, "method": "Anhøj crossings rule, binomial", "p": crossings_p(m, int(attrs["crossings"]))}]
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    table["p_own"] = table["p"]
    return table


def chart_claims(chart: pd.DataFrame) -> pd.DataFrame:
    """Every test a control chart makes, as claims: each judged month against the centre, then the two patterns."""
    months = spc.signals_as_claims(chart, every_period=True).reindex(columns=COLUMNS)
    patterns = pattern_claims(chart)
    parts = [part for part in (months, patterns) if len(part)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
