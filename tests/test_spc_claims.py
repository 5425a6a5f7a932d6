"""Control-chart signals as claims: exact p-values for Anhøj's rules, every judged month in the family."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxlib import spc
from cxlib.chapters.control import verdict
from cxlib.claims import adjust
from cxlib.spc_claims import chart_claims, crossings_p, longest_run_p
from cxlib.wording import Numbers, Words

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


def longest(sides: tuple[int, ...]) -> int:
    best = run = 1
    for before, after in zip(sides, sides[1:]):
        run = run + 1 if before == after else 1
        best = max(best, run)
    return best


@pytest.mark.parametrize("m", [6, 9, 12, 14])
def test_the_longest_run_p_is_exact_by_enumeration(m):
    sequences = list(itertools.product((0, 1), repeat=m))
    for run in range(2, m + 1):
        by_hand = sum(longest(s) >= run for s in sequences) / len(sequences)
        assert longest_run_p(m, run) == pytest.approx(by_hand, abs=1e-12)


def test_the_crossings_p_is_the_binomial_tail():
    crossings = [sum(a != b for a, b in zip(s, s[1:])) for s in itertools.product((0, 1), repeat=10)]
    for c in range(10):
        assert crossings_p(10, c) == pytest.approx(np.mean(np.array(crossings) <= c), abs=1e-12)
    assert crossings_p(24, 7) == pytest.approx(stats.binom.cdf(7, 23, 0.5))


def csat_chart(satisfied: list[int], n: int = 200) -> pd.DataFrame:
    counts = np.array([[n - s, s] for s in satisfied])
    return spc.chart_from_counts(counts, "csat", MONTHS)


def test_every_judged_month_and_both_patterns_are_claims():
    rng = np.random.default_rng(3)
    chart = csat_chart(list(rng.binomial(200, 0.7, 12)))
    claims = chart_claims(chart)
    assert (claims["kind"] == spc.KIND).sum() == int(chart["judged"].sum()) == 12
    assert (claims["kind"] == "level shift").sum() == 2 and claims["p"].between(0, 1).all()


def family_of(chart: pd.DataFrame, others: int = 100) -> pd.DataFrame:
    """The chart's claims among ``others`` null claims of a report (uniform p-values, fixed seed)."""
    rng = np.random.default_rng(11)
    noise = pd.DataFrame({"source": "survey", "metric": "nps", "kind": "trend", "p": rng.uniform(size=others)})
    table = adjust(pd.concat([chart_claims(chart), noise], ignore_index=True))
    return table[table["source"] == spc.SOURCE]


def test_a_month_is_a_special_cause_only_when_the_family_says_so():
    words, numbers = Words("chapters/control", "en"), Numbers("en")
    strong = csat_chart([140, 142, 138, 141, 139, 140, 60, 141, 139, 140, 142, 138])
    said = verdict(strong, "csat", "month", words, numbers, family_of(strong))
    assert "special cause" in said and "July 2025" in said
    for july in range(140, 60, -1):  # the mildest July outside the 3σ limits: a signal, but a weak one
        moderate = csat_chart([140, 142, 138, 141, 139, 140, july, 141, 139, 140, 142, 138])
        if moderate["rule"].str.contains("beyond").any():
            break
    said = verdict(moderate, "csat", "month", words, numbers, family_of(moderate))
    assert "not significant" in said and "special cause" not in said


def test_false_claims_from_stable_charts_are_rare_in_the_family():
    rng = np.random.default_rng(20261130)
    runs = []
    for _ in range(300):
        chart = csat_chart(list(rng.binomial(200, 0.7, 12)))
        runs.append(bool(adjust(chart_claims(chart))["significant"].any()))
    assert np.mean(runs) <= 0.07, f"{np.mean(runs):.1%} of stable charts claimed something"
