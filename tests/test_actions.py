"""The recommendations drawn from the new analyses: each rests on a claim the family states, and only then."""

from __future__ import annotations

from functools import cache

import pandas as pd

import cxlib
from cxlib import actions
from cxlib.diagnosis import diagnose


@cache
def demo():
    return diagnose(cxlib.load_client("data/demo"))


def by_chapter(result, chapter: str) -> pd.DataFrame:
    return result.recommendations[result.recommendations["chapter"] == chapter]


def test_the_demo_s_key_driver_repeat_contacts_and_policy_gap_become_actions_citing_their_claims():
    result = demo()
    family = result.changes.set_index("claim")
    texts = dict(zip(result.recommendations["claims"], result.recommendations["recommendation"], strict=True))
    driver = family[(family["source"] == "drivers") & family["significant"]]
    assert list(driver["group"]) == ["rating_communication"]
    assert texts[driver.index[0]].startswith("Improve Keeping me informed first")
    repeated = family[(family["source"] == "contacts") & (family["metric"] == "nps") & (family["group"] == "repeated")]
    assert bool(repeated["significant"].iloc[0]) and texts[repeated.index[0]].startswith("Resolve contacts")
    evidence = result.recommendations.set_index("claims").loc[repeated.index[0], "evidence"]
    assert f"{repeated['value_to'].iloc[0]:.0f} against {repeated['value_from'].iloc[0]:.0f}" in evidence
    policy = family[(family["source"] == "components") & (family["metric"] == "policy")]
    assert texts[policy.index[0]] == ("Close the gap on Written customer policy: what managers believe is in place, "
                                      "staff do not see.")


def test_no_action_without_its_claim_surviving_the_family():
    result = demo()
    unstated = result.changes.assign(significant=False)
    assert actions.driver_actions(unstated, result.drivers, 200, "en") == []
    assert actions.contact_actions(unstated, "77%", 200, "en") == []
    assert actions.component_actions(unstated, 200, "en") == []


def test_the_russian_evidence_writes_p_without_an_equals_before_less_than():
    result = diagnose(cxlib.load_client("data/cases/volga_bank"))
    assert result.recommendations["evidence"].str.contains("= <").sum() == 0
    assert result.recommendations["evidence"].str.contains("Холма <").any()
