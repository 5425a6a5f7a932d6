"""The support-contacts section of the report (cxlib/chapters/contacts.py), built from the diagnosis.

Built on the demo in English and on a copy of it in Russian; checked against pandas, scipy and statsmodels on
the raw contacts.csv and survey.csv (not the code under test): the volume, first-contact resolution with its
Wilson interval, the median and 90th-percentile resolution time with their order-statistic intervals, repeat
contacts within seven days, the NPS of each contact history with its adjusted-Wald interval, and the topics
that took the most hours. A difference by contact history is stated only where the family of claims calls it
significant; without contacts.csv there is no section; a blank flag gives its one sentence; no table is
empty or wider than seven columns; no e-notation or code words anywhere.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

import cxlib
import cxlib.diagnosis
from cxlib.chapters import MAX_COLUMNS, Table
from cxlib.chapters import contacts as chapter
from cxlib.wording import Numbers

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
CODE_WORDS = re.compile(r"\b(nan|NaN|None|True|False|NA|NaT|null)\b|\d[eE][+-]?\d|\w+_\w+|<NA>|\.csv")
HISTORY_NAMES = {"en": {"none": "no contacts", "one": "one contact", "repeated": "repeated contacts",
                        "escalated": "escalated"},
                 "ru": {"none": "без обращений", "one": "одно обращение", "repeated": "повторные обращения",
                        "escalated": "эскалация"}}


@cache
def built(folder: str) -> tuple:
    client = cxlib.load_client(folder)
    result = cxlib.diagnosis.diagnose(client)
    return client, result, chapter.section(client, result)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, str]:
    """The demo in English, a Russian copy, a copy without contacts.csv, one whose first-contact flags are blank
    and one whose contacts name no customer."""
    root = tmp_path_factory.mktemp("contacts_section")
    ru = Path(shutil.copytree(DEMO, root / "ru"))
    toml = (ru / "client.toml").read_text(encoding="utf-8")
    (ru / "client.toml").write_text(re.sub(r'(?m)^language = "en"', 'language = "ru"', toml), encoding="utf-8")
    none = Path(shutil.copytree(DEMO, root / "none"))
    (none / "contacts.csv").unlink()
    blank = Path(shutil.copytree(DEMO, root / "blank"))
    raw = pd.read_csv(blank / "contacts.csv", dtype=str, keep_default_na=False)
    raw["resolved_first_time"] = ""
    raw.to_csv(blank / "contacts.csv", index=False)
    anon = Path(shutil.copytree(DEMO, root / "anon"))
    raw["resolved_first_time"] = pd.read_csv(DEMO / "contacts.csv", dtype=str, keep_default_na=False)[
        "resolved_first_time"]
    raw.assign(customer_id="").to_csv(anon / "contacts.csv", index=False)
    return {"en": str(DEMO), "ru": str(ru), "none": str(none), "blank": str(blank), "anon": str(anon)}


def raw_contacts() -> pd.DataFrame:
    raw = pd.read_csv(DEMO / "contacts.csv", dtype={"customer_id": str}, keep_default_na=False,
                      na_values={"opened_at": [""], "closed_at": [""]})
    raw["opened_at"], raw["closed_at"] = pd.to_datetime(raw["opened_at"]), pd.to_datetime(raw["closed_at"])
    return raw


def hours(raw: pd.DataFrame) -> pd.Series:
    return (raw["closed_at"] - raw["opened_at"]).dt.total_seconds() / 3600


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u2060", "")


def lead(section) -> str:
    return plain(section.blocks[0].text)


def tables(section) -> list[Table]:
    return [block for block in section.blocks if block.kind == "table"]


def texts(section) -> list[str]:
    found = [section.heading]
    for block in section.blocks:
        if block.kind == "paragraph":
            found.append(block.text)
        elif block.kind == "table":
            found += [c.label for c in block.columns] + [block.caption] + [cell for row in block.rows for cell in row]
    return found


def wilson(successes: int, n: int, language: str = "en") -> str:
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    numbers = Numbers(language)
    return plain(f"{numbers.percent(100 * successes / n)} {numbers.interval(100 * low, 100 * high)}")


# --------------------------------------------------------------------------- the lead against pandas


def test_volume_and_first_contact_resolution_equal_pandas(folders):
    raw = raw_contacts()
    known = raw["resolved_first_time"].replace("", np.nan).dropna()
    resolved = int((known == "true").sum())
    for language in ("en", "ru"):
        text = lead(built(folders[language])[2])
        numbers = Numbers(language)
        assert plain(numbers.number(len(raw))) in text
        assert f"{wilson(resolved, len(known), language)} " in text
        assert plain(numbers.number(len(known))) in text


def test_resolution_time_quantiles_and_order_statistic_intervals(folders):
    raw = raw_contacts()
    closed = np.sort(hours(raw).dropna().to_numpy())
    n = len(closed)
    parts = []
    for q in (0.5, 0.9):
        r = int(stats.binom.ppf(0.025, n, q))
        s = int(stats.binom.ppf(0.975, n, q)) + 1
        coverage = stats.binom.cdf(s - 1, n, q) - stats.binom.cdf(r - 1, n, q)
        assert coverage >= 0.95
        value = np.quantile(closed, q)
        parts.append(f"{round(value)} h ({round(closed[r - 1])}–{round(closed[s - 1])})")
    text = lead(built(folders["en"])[2])
    assert f"Of {n:,} closed contacts, half were resolved within {parts[0]} and nine in ten within {parts[1]}" in text
    assert f"; {int(raw['closed_at'].isna().sum())} still open are not counted." in text


def test_repeat_contacts_within_seven_days_equal_pandas(folders):
    raw = raw_contacts()
    named = raw[raw["customer_id"].str.strip() != ""].sort_values(["customer_id", "opened_at", "contact_id"])
    following = named.groupby("customer_id")["opened_at"].shift(-1)
    repeated = (following - named["opened_at"]) <= pd.Timedelta(days=7)
    judged = repeated | (named["opened_at"] + pd.Timedelta(days=7) <= raw["opened_at"].max())
    successes, n = int(repeated[judged].sum()), int(judged.sum())
    assert f"{wilson(successes, n)} of {n:,} contacts that can be judged" in lead(built(folders["en"])[2])
    assert f"{wilson(successes, n, 'ru')} из {Numbers('ru').number(n)}".replace("\u00a0", " ") in \
        lead(built(folders["ru"])[2])


# --------------------------------------------------------------------------- NPS by contact history


def nps_by_history() -> pd.DataFrame:
    """Each customer's latest NPS answer, grouped by contact history, with the adjusted-Wald interval."""
    raw = raw_contacts()
    named = raw[raw["customer_id"].str.strip() != ""]
    per = named.groupby("customer_id").agg(count=("contact_id", "size"),
                                           escalated=("escalated", lambda s: (s == "true").any()))
    history = np.where(per["escalated"], "escalated", np.where(per["count"] >= 2, "repeated", "one"))
    history = pd.Series(history, index=per.index)
    survey = pd.read_csv(DEMO / "survey.csv", dtype={"customer_id": str}, keep_default_na=False,
                         na_values={"nps": [""]})
    survey = survey[survey["nps"].notna() & (survey["customer_id"].str.strip() != "")]
    latest = survey.sort_values("date", kind="stable").groupby("customer_id")["nps"].last()
    of = history.reindex(latest.index).fillna("none")
    rows = {}
    z = stats.norm.ppf(0.975)
    for name, scores in latest.groupby(of):
        n = len(scores)
        promoters, detractors = int((scores >= 9).sum()), int((scores <= 6).sum())
        p, d = (promoters + 0.75) / (n + 3), (detractors + 0.75) / (n + 3)
        half = z * np.sqrt((p + d - (p - d) ** 2) / (n + 3))
        rows[name] = {"n": n, "nps": 100 * (promoters - detractors) / n, "low": 100 * (p - d - half),
                      "high": 100 * (p - d + half)}
    return pd.DataFrame(rows).T


def history_table(section) -> Table:
    return tables(section)[0]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_history_table_equals_pandas(folders, language):
    expected = nps_by_history()
    numbers = Numbers(language)
    table = history_table(built(folders[language])[2])
    assert len(table.columns) <= MAX_COLUMNS and table.rows
    rows = {row[0]: row for row in table.rows}
    for history, values in expected.iterrows():
        row = rows[HISTORY_NAMES[language][history]]
        assert row[1] == numbers.number(values["n"])
        assert row[2] == numbers.number(values["nps"])
        assert row[3] == numbers.interval(values["low"], values["high"])


def test_difference_stated_only_where_the_family_says_significant(folders):
    client, result, section = built(folders["en"])
    claims = result.changes[(result.changes["source"] == "contacts") & (result.changes["metric"] == "nps")]
    assert claims.set_index("to").loc["repeated", "significant"]  # the demo's planted finding
    text = lead(section)
    for _, claim in claims.iterrows():
        name = HISTORY_NAMES["en"][claim["to"]]
        stated = f"“{name}”: {round(abs(claim['diff']))} points lower" in text
        assert stated == bool(claim["significant"]), name
    rows = {row[0]: row for row in history_table(section).rows}
    assert rows["repeated contacts"][5].startswith("significant (adjusted p")
    assert rows["one contact"][5].startswith("no difference shown")
    # the same data with the family's verdicts all "not significant": no difference is stated anywhere
    quiet = result.changes.assign(significant=False)
    section = chapter.section(client, dataclasses.replace(result, changes=quiet))
    assert "points lower" not in lead(section) and "points higher" not in lead(section)
    assert "“no contacts”" not in lead(section)
    assert all(not row[5].startswith("significant") for row in history_table(section).rows)


# --------------------------------------------------------------------------- topics, gaps, absence


def test_topics_by_hours_equal_pandas(folders):
    raw = raw_contacts().assign(hours=lambda frame: hours(frame))
    given = raw[raw["topic"].str.strip() != ""].groupby("topic")["hours"].agg(["size", "sum"])
    top = given.sort_values("sum", ascending=False).index[0]  # the demo's costliest topic is one the export names
    table = tables(built(folders["en"])[2])[1]
    first = table.rows[0]
    assert first[0].lower() == top.replace("_", " ")
    share = f"{round(100 * given.loc[top, 'sum'] / raw['hours'].sum())}%"
    assert first[1] == f"{given.loc[top, 'size']:,}"
    assert first[2] == f"{round(given.loc[top, 'sum']):,} ({share})"
    spent = [float(row[2].split(" ")[0].replace(",", "")) for row in table.rows]
    assert spent == sorted(spent, reverse=True)


def test_no_contacts_file_no_section(folders):
    assert built(folders["none"])[2] is None


def test_blank_flags_are_said_in_one_sentence_not_as_zero(folders):
    section = built(folders["blank"])[2]
    assert "resolved at the first contact" not in lead(section)
    assert section.blocks[-1].text == ("No contact says whether it was resolved at the first contact, so "
                                       "first-contact resolution cannot be computed.")


def test_contacts_naming_no_customer_compare_no_scores(folders):
    section = built(folders["anon"])[2]
    assert "NPS" not in lead(section) and "followed by another" not in lead(section)
    assert [len(table.columns) for table in tables(section)] == [3]  # topics by hours only: no customer to ask
    assert section.blocks[-1].text == (
        "The contacts name no customer (customer_id), so contacts per customer and repeat contacts cannot be "
        "counted. No survey answer comes from a customer the contacts export names, so the NPS of customers with "
        "and without contacts cannot be compared.")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_words_tables_and_numbers(folders, language):
    section = built(folders[language])[2]
    assert all(table.rows and len(table.columns) <= MAX_COLUMNS for table in tables(section))
    for text in texts(section):
        assert not CODE_WORDS.search(text), text
    if language == "ru":
        assert section.heading == "Обращения в поддержку"
        everything = " ".join(texts(section))
        assert not re.search(r"\d\.\d", re.sub(r"\b\d\d\.\d{4}\b", "", everything))  # decimal commas (months aside)
        assert re.search(r"= \d,\d{3}\)", plain(everything))  # a p-value with its decimal comma
        assert "p после поправки" in everything and "adjusted" not in everything
        assert section.blocks[-1].text.startswith("Обращения показывают")


@pytest.mark.parametrize("name", ["contacts", "components"])
def test_catalogue_has_both_languages_with_the_same_placeholders(name):
    from cxlib import catalog

    for table in ("texts", "charts"):
        texts_ = catalog.load(f"chapters/{name}").get(table, {})
        stems = {key.rsplit("_", 1)[0] for key in texts_ if key.endswith(("_en", "_ru"))}
        for stem in stems:
            if stem.endswith("_one"):  # an English singular; Russian takes the other form's words
                continue
            fields = [set(re.findall(r"{(\w+)}", texts_[f"{stem}_{language}"])) for language in ("en", "ru")]
            assert fields[0] == fields[1], stem
