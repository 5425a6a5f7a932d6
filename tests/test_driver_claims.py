"""Key drivers as claims (cxlib.driver_claims): the rows, the p-value against an independent computation, and the
family-wise false-claim rate and power by simulation with fixed seeds."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import cxlib
import cxlib.diagnosis
from cxlib import claims, driver_claims
from cxlib.claims import COLUMNS
from cxlib.driver_claims import default_outcome, key_drivers_of

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
NAMES = ["booking", "reception", "communication", "repair", "price"]


def ratings_survey(n: int, betas: list[float], rng: np.random.Generator) -> pd.DataFrame:
    """Ratings 1–5 sharing one visit factor, and an NPS 0–10 built from the latent ratings with ``betas``."""
    latent = 0.6 * rng.normal(size=(n, 1)) + rng.normal(size=(n, len(betas)))
    frame = pd.DataFrame(np.clip(np.rint(3.2 + latent), 1, 5), columns=[f"rating_{a}" for a in NAMES[:len(betas)]])
    frame["nps"] = np.clip(np.rint(7 + latent @ np.asarray(betas) + 1.6 * rng.normal(size=n)), 0, 10)
    return frame


def svd_weights(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson's weights built as the paper does: the orthogonal Z nearest to X by SVD, y on Z, X on Z."""
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    y = (y - y.mean()) / y.std()
    u, _, vt = np.linalg.svd(x, full_matrices=False)
    z = u @ vt * np.sqrt(len(x))
    beta = np.linalg.lstsq(z, y, rcond=None)[0]
    loadings = np.linalg.lstsq(z, x, rcond=None)[0]
    return (loadings**2).T @ beta**2


def test_doctests():
    assert doctest.testmod(driver_claims, optionflags=doctest.ELLIPSIS).failed == 0


def test_rows_follow_the_family_and_the_p_value_matches_resampling_rows_one_at_a_time():
    frame = ratings_survey(240, [1.2, 0.4, 0.4, 0.3], np.random.default_rng(5))
    columns = list(frame.columns[:-1])
    table = driver_claims.driver_claims(frame, "nps", replicates=150, seed=9)
    assert list(table.columns) == COLUMNS and len(table) == 4
    assert set(table["source"]) == {"drivers"} and set(table["kind"]) == {"key driver"}
    assert set(table["metric"]) == {"nps"} and table["worse"].isna().all()
    data = frame.to_numpy(dtype=float)
    weights = svd_weights(data[:, :-1], data[:, -1])
    shares = 100 * weights / weights.sum()
    # the bootstrap's draws, as the kit makes them (one chunk): each replicate's rows, then the weights of each copy
    drawn = np.random.default_rng(9).integers(0, len(data), size=(150, len(data)))
    boot = np.array([svd_weights(data[rows, :-1], data[rows, -1]) for rows in drawn])
    se = (boot - boot.mean(axis=1, keepdims=True)).std(axis=0, ddof=1)
    expected_p = stats.norm.sf((weights - weights.mean()) / se)
    got = table.set_index("group").loc[columns]
    np.testing.assert_allclose(got["value_to"], shares, atol=1e-6)
    np.testing.assert_allclose(got["diff"], shares - 25, atol=1e-6)
    np.testing.assert_allclose(got["p"].astype(float), expected_p, rtol=1e-6, atol=1e-12)
    assert (got["value_from"] == 25).all() and (got["n_to"] == 240).all()
    assert (got["low"] <= got["diff"]).all() and (got["diff"] <= got["high"]).all()
    assert table.loc[0, "group"] == "rating_booking" and table.attrs["k"] == 4 and table.attrs["why"] == ""


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_claims_and_one_sentence_when_drivers_cannot_be_computed(language):
    frame = ratings_survey(100, [1.0, 0.5, 0.5], np.random.default_rng(1))
    few = driver_claims.driver_claims(frame.head(20), "nps", language=language)
    assert few.empty and list(few.columns) == COLUMNS and "20" in few.attrs["why"] and "30" in few.attrs["why"]
    unrated = driver_claims.driver_claims(frame[["nps"]], "nps", language=language)
    assert unrated.empty and "rating_" in unrated.attrs["why"]
    unanswered = driver_claims.driver_claims(frame.assign(nps=np.nan), "nps", language=language)
    assert unanswered.empty and "NPS" in unanswered.attrs["why"]
    for table in (few, unrated, unanswered):
        sentence = table.attrs["why"]
        assert sentence.endswith(".") and sentence.count(".") == 1
        assert bool(any("а" <= ch <= "я" for ch in sentence.lower())) == (language == "ru")


def family_wise(n: int, betas: list[float], replicates: int, seed: int) -> tuple[float, np.ndarray]:
    """Share of surveys with at least one key driver claimed after Holm over the drivers, and each one's rate."""
    rng = np.random.default_rng(seed)
    claimed = []
    for r in range(replicates):
        table = driver_claims.driver_claims(ratings_survey(n, betas, rng), "nps", replicates=200, seed=seed + r)
        adjusted = claims.adjust(table).set_index("group")
        claimed.append(adjusted.loc[[f"rating_{a}" for a in NAMES[:len(betas)]], "significant"].to_numpy())
    claimed = np.array(claimed)
    return float(claimed.any(axis=1).mean()), claimed.mean(axis=0)


def test_no_attribute_is_claimed_more_often_than_allowed_when_all_matter_equally():
    # measured: 8 of 300 surveys (2.7%) with equal drivers, 0 of 100 when no attribute matters at all
    rate, _ = family_wise(300, [0.5] * 5, 300, seed=101)
    assert rate <= 0.06
    nothing, _ = family_wise(300, [0.0] * 5, 100, seed=202)
    assert nothing <= 0.03


def test_a_planted_top_driver_is_found():
    # measured: the planted driver claimed in 99 of 100 surveys of 300 answers, another in none
    _, each = family_wise(300, [1.0, 0.4, 0.4, 0.4, 0.4], 100, seed=303)
    assert each[0] >= 0.9 and each[1:].max() <= 0.05


@pytest.fixture(scope="module")
def demo():
    client = cxlib.load_client(DEMO)
    return client, cxlib.diagnosis.diagnose(client)


def test_demo_communication_is_the_one_key_driver_within_the_reports_family(demo):
    client, result = demo
    assert default_outcome(client) == "nps"
    found = driver_claims.driver_claims(client, level=0.95)
    others = result.changes[result.changes["source"] != "drivers"].reindex(columns=COLUMNS)
    family = claims.adjust(pd.concat([others, found], ignore_index=True))
    stated = key_drivers_of(family)
    assert stated["group"].tolist() == ["rating_communication"]
    assert family.attrs["tested"] == others["p"].notna().sum() + 5
    assert stated.iloc[0]["p_adjusted"] < 0.001 and stated.iloc[0]["value_to"] > 40
    assert key_drivers_of(family, "csat").empty and key_drivers_of(None).empty


def test_a_client_and_its_survey_give_the_same_claims(demo):
    client, _ = demo
    from_client = driver_claims.driver_claims(client, "csat", replicates=200)
    from_frame = driver_claims.driver_claims(client.survey, "csat", replicates=200)
    pd.testing.assert_frame_equal(from_client, from_frame)
    table = cxlib.drivers.key_drivers(client, "csat", replicates=200)
    pd.testing.assert_frame_equal(driver_claims.from_table(table), from_client)
