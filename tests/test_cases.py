"""The case library: each company's planted findings are found, by the library and by the notebooks."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import cxlib
import cxlib.cli
from cxlib import contacts, voice
from cxlib.chapters import Table
from cxlib.chapters import contacts as contacts_chapter
from cxlib.drivers import key_drivers

DATA = Path(__file__).resolve().parents[1] / "data"
TEA_LEAF, VOLGA = DATA / "cases" / "tea_leaf", DATA / "cases" / "volga_bank"


@pytest.fixture(scope="module")
def tea_leaf():
    client = cxlib.load_client(TEA_LEAF)
    return client, cxlib.diagnosis.diagnose(client)


@pytest.fixture(scope="module")
def volga():
    client = cxlib.load_client(VOLGA)
    return client, cxlib.diagnosis.diagnose(client)


def test_tea_leaf_planted_findings(tea_leaf):
    _client, result = tea_leaf
    assert (result.lifecycle.verdict, result.lifecycle.stage) == ("stage", "infancy")
    assert result.pain_points.iloc[0]["touchpoint"] == "delivery"
    survey_claims = result.changes[result.changes["source"] == "survey"]
    assert not survey_claims["significant"].any()  # 150 answers a quarter: no change is real
    loop = result.closed_loop.iloc[0]
    assert loop["low"] > 40  # the founder calls back within the hour
    latest = result.scorecard.latest
    assert latest.loc["training_hours", "status"] == "behind"
    assert latest.loc["response_time", "status"] == "met"


def test_volga_bank_planted_findings(volga):
    client, result = volga
    assert client.language == "ru" and client.config["scales"]["ces"]["higher_is"] == "harder"
    assert (result.lifecycle.verdict, result.lifecycle.stage) == ("stage", "aristocracy")
    assert result.pain_points.iloc[0]["touchpoint"] == "document check"
    claims = result.changes[result.changes["significant"]]
    branch = claims[(claims["group"] == "branch") & (claims["metric"] == "nps")
                    & (claims["kind"] == "period-on-period")]
    assert len(branch) == 1 and branch.iloc[0]["to"] == "2025-Q3" and branch.iloc[0]["diff"] < -15
    assert set(claims.loc[claims["by"] == "channel", "group"]) == {"branch"}  # no other channel is blamed
    assert result.closed_loop.iloc[0]["high"] < 1
    hostages = result.loyalty.set_index("segment").loc["hostages"]
    assert hostages["revenue_share"] > hostages["share"] > 10
    assert "paperwork" in set(client.survey["reason_code"])  # a reason code the client added in client.toml
    assert result.recommendations.iloc[0]["recommendation"].startswith("Клиентский сервис на стадии «Аристократия»")


def test_volga_escalated_contacts_are_the_stated_contact_finding(volga):
    """The case's planted contacts finding: escalated customers score far lower (stated in the family, with a
    recommendation), one or repeated contacts are not stated; deposit documents cost the most handling hours and read
    under the client's own Russian label."""
    client, result = volga
    stated = result.changes[(result.changes["source"] == "contacts") & result.changes["significant"]]
    assert set(stated["group"]) == {"escalated"}  # for NPS and CSAT alike
    assert stated.set_index("metric").loc["nps", "diff"] < -40
    assert result.recommendations["recommendation"].str.startswith("Не доводить до эскалации").sum() == 1
    no_tickets = client.contacts[client.contacts["topic"].eq("")].copy()
    assert len(no_tickets) > 500  # the rest carry only a text: the comment tagger reads them
    ranking = contacts.topic_ranking(client.contacts, client.survey, client.config, client.language)
    assert ranking.iloc[0]["topic"] == "deposit_documents"
    assert client.label("deposit_documents") == "Документы для вклада"
    tables = [block for block in contacts_chapter.section(client, result).blocks if isinstance(block, Table)]
    assert tables[-1].rows[0][0] == "Документы для вклада"  # the report reads the code under the client's label


def _tagged(client):
    commented = client.survey[client.survey["comment"].str.strip() != ""]
    topics = voice.topics_for(client.config, client.language)
    return commented, voice.tag(commented["comment"], language="auto", topics=topics)


def test_tea_leaf_tea_comments_are_the_clients_own_topic(tea_leaf):
    client, result = tea_leaf
    commented, tagged = _tagged(client)
    about_tea = commented["comment"].str.contains(r"\b(?:teas?|oolong|lapsang|rooibos|blends?)\b", case=False)
    assert about_tea.sum() >= 30
    assert tagged.loc[about_tea, "tea_range"].all()
    assert not tagged["food"].any()  # tea is no longer counted as food and drink
    topic = result.changes[(result.changes["source"] == "comments") & (result.changes["metric"] == "tea_range")]
    assert len(topic) == 1 and topic.iloc[0]["diff"] < 0  # promoters write about the teas more than detractors


def test_volga_pensioners_are_suggested_as_a_new_topic(volga):
    client, _ = volga
    commented, tagged = _tagged(client)
    suggested = voice.discover(commented["comment"], tagged, n_topics=5)
    pension = suggested[suggested["words"].str.split(", ").str[0].str.startswith("пенси")]
    assert len(pension) and pension["comments"].sum() >= 100


@pytest.mark.parametrize("case, top, rated", [("tea_leaf", "rating_delivery", 5), ("volga", "rating_staff", 6)])
def test_each_case_has_ratings_and_its_planted_top_driver(case, top, rated, request):
    client, _ = request.getfixturevalue(case)
    columns = [c for c in client.survey.columns if c.startswith("rating_")]
    assert len(columns) == rated and set(client.config["ratings"]) - {"scale"} == {c[len("rating_"):] for c in columns}
    table = key_drivers(client, "nps")
    assert table.iloc[0]["driver"] == top
    assert table.iloc[0]["share_low"] > table.iloc[1]["share_high"]  # first by a clear margin, not by chance


@pytest.mark.parametrize("case, expected", [
    (TEA_LEAF, [r"Infancy \(margin", "delivery"]),
    (VOLGA, [r"Аристократия \(margin", "document check", r"branch\s+2025-Q2\s+2025-Q3"]),
])
def test_the_notebooks_find_each_case_through_cxkit_run(case, expected, tmp_path):
    cxlib.cli.run(case, tmp_path / "out", echo=lambda *_: None)
    notebook = nbformat.read(str(tmp_path / "out" / "06_diagnosis_report.ipynb"), as_version=4)
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "stream")
    for finding in expected:
        assert re.search(finding, printed), finding
    assert (tmp_path / "out" / "report.html").is_file()
