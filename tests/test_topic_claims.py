"""The comments' topic comparisons are claims of the report's one family, checked by simulation (fixed seeds)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import cxlib
from cxlib.claims import adjust
from cxlib.diagnosis import diagnose
from cxlib.topic_claims import SOURCE, topic_claims

PHRASES = ["the staff were rude", "waited an hour in the queue", "price is too high", "website kept crashing",
           "friendly and helpful", "nothing to add"]


def survey(rng: np.random.Generator, n: int, rude_detractors: float | None = None) -> pd.DataFrame:
    nps = rng.choice([0, 3, 5, 7, 8, 9, 10], size=n)
    comments = rng.choice(PHRASES, size=n)
    if rude_detractors is not None:  # a planted effect: detractors complain of rudeness far more often
        detractor, promoter = nps <= 6, nps >= 9
        comments = np.where(detractor & (rng.random(n) < rude_detractors), PHRASES[0], comments)
        comments = np.where(promoter & (comments == PHRASES[0]), PHRASES[5], comments)
    return pd.DataFrame({"nps": nps, "comment": comments})


def claims_any_significant(frame: pd.DataFrame) -> tuple[bool, bool]:
    table = adjust(topic_claims(frame, {}, "en"))
    significant = table[table["significant"]]
    return bool(len(significant)), bool((significant["metric"] == "staff_attitude").any())


def test_under_the_null_the_family_rarely_claims_anything():
    rng = np.random.default_rng(20261130)
    runs = [claims_any_significant(survey(rng, 300))[0] for _ in range(200)]
    rate = float(np.mean(runs))
    assert rate <= 0.08, f"false-claim rate {rate:.1%} over 200 null surveys (Holm controls it at 5%)"


def test_a_planted_topic_difference_is_found():
    rng = np.random.default_rng(7)
    found = [claims_any_significant(survey(rng, 300, rude_detractors=0.35))[1] for _ in range(100)]
    assert float(np.mean(found)) >= 0.8, f"power {np.mean(found):.0%} for a planted rudeness gap"


def test_the_demo_s_topics_join_the_diagnosis_family():
    client = cxlib.load_client("data/demo")
    result = diagnose(client)
    comments = result.changes[result.changes["source"] == SOURCE]
    assert len(comments) >= 8 and comments["p"].notna().all()
    assert result.changes.attrs["tested"] == int(pd.to_numeric(result.changes["p"], errors="coerce").notna().sum())
    assert comments["significant"].any(), "the demo's planted complaints are claims the report may state"
