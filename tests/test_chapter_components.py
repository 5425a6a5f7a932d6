"""The four-components section of the report (cxlib/chapters/components.py), built from the diagnosis.

Built on the demo in English and on a copy of it in Russian; checked against pandas and scipy on the raw
components.csv (not the code under test): each group's mean score with its t interval and n, the manager–staff
gap with Welch's interval, and the weakest component. A gap is called significant only where the family of
claims says so; too few respondents give the "insufficient" verdict with its one sentence; without
components.csv there is no section; no table is empty or wider than seven columns; no e-notation anywhere.
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

import cxlib
import cxlib.diagnosis
from cxlib.chapters import MAX_COLUMNS
from cxlib.chapters import components as chapter
from cxlib.wording import Numbers

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
PREFIX = {"MET": "metrics", "POL": "policy", "PRO": "processes", "CUL": "culture"}
NAMES = {"en": {"metrics": "Approved metrics", "policy": "Written customer policy",
                "processes": "Processes consistent with the policy", "culture": "Culture committed to the customer"},
         "ru": {"metrics": "Утверждённые метрики", "policy": "Клиентская политика",
                "processes": "Процессы, согласованные с политикой", "culture": "Культура, ориентированная на клиента"}}
CODE_WORDS = re.compile(r"\b(nan|NaN|None|True|False|NA|NaT|null)\b|\d[eE][+-]?\d|\w+_\w+|<NA>|\.csv")


@cache
def built(folder: str) -> tuple:
    client = cxlib.load_client(folder)
    result = cxlib.diagnosis.diagnose(client)
    return client, result, chapter.section(client, result)


def russian(folder: Path) -> None:
    toml = (folder / "client.toml").read_text(encoding="utf-8")
    (folder / "client.toml").write_text(re.sub(r'(?m)^language = "en"', 'language = "ru"', toml), encoding="utf-8")


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, str]:
    """The demo in English, a Russian copy, a copy without components.csv, and one with four respondents."""
    root = tmp_path_factory.mktemp("components_section")
    ru = Path(shutil.copytree(DEMO, root / "ru"))
    russian(ru)
    none = Path(shutil.copytree(DEMO, root / "none"))
    (none / "components.csv").unlink()
    few = Path(shutil.copytree(DEMO, root / "few"))
    raw = pd.read_csv(few / "components.csv", dtype=str)
    keep = list(raw.loc[raw["role"] != "staff", "respondent"].unique()[:2]) + \
        list(raw.loc[raw["role"] == "staff", "respondent"].unique()[:2])
    raw[raw["respondent"].isin(keep)].to_csv(few / "components.csv", index=False)
    return {"en": str(DEMO), "ru": str(ru), "none": str(none), "few": str(few)}


def respondent_scores() -> pd.DataFrame:
    """Each respondent's mean answer per component (the demo answers every statement), and their group."""
    raw = pd.read_csv(DEMO / "components.csv")
    raw["component"] = raw["statement_id"].str[:3].map(PREFIX)
    scores = raw.pivot_table(index="respondent", columns="component", values="answer", aggfunc="mean")
    role = raw.groupby("respondent")["role"].first()
    scores["group"] = np.where(role.reindex(scores.index).isin(["owner", "manager"]), "managers", "staff")
    return scores


def t_interval(values: pd.Series) -> tuple[float, float, float, int]:
    n = len(values)
    half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return values.mean(), max(values.mean() - half, 1.0), min(values.mean() + half, 5.0), n


def table_of(section):
    tables = [block for block in section.blocks if block.kind == "table"]
    assert len(tables) == 1
    return tables[0]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_scores_and_gaps_equal_pandas_and_scipy(folders, language):
    scores = respondent_scores()
    numbers = Numbers(language)
    table = table_of(built(folders[language])[2])
    assert table.rows and len(table.columns) <= MAX_COLUMNS
    rows = {row[0].split(" (")[0]: row for row in table.rows}
    for key, name in NAMES[language].items():
        row = rows[name]
        for group, cell in (("managers", 1), ("staff", 2)):
            mean, low, high, n = t_interval(scores.loc[scores["group"] == group, key])
            assert row[cell] == f"{numbers.number(mean, 2)} {numbers.interval(low, high, 2)}, n\u00a0=\u00a0{n}"
        managers = scores.loc[scores["group"] == "managers", key]
        staff = scores.loc[scores["group"] == "staff", key]
        welch = stats.ttest_ind(managers, staff, equal_var=False)
        low, high = welch.confidence_interval(0.95)
        diff = managers.mean() - staff.mean()
        assert row[3] == f"+{numbers.number(diff, 2)} {numbers.interval(low, high, 2)}"


def test_weakest_is_the_lowest_mean_with_its_interval(folders):
    scores = respondent_scores()
    means = scores[list(PREFIX.values())].mean()
    weakest = means.idxmin()
    assert weakest == "policy"  # the demo's planted finding
    mean, low, high, n = t_interval(scores[weakest])
    section = built(folders["en"])[2]
    verdict = section.blocks[1].text.replace("\u2060", "")
    assert verdict.startswith(f"The weakest component is “{NAMES['en'][weakest]}”: {mean:.2f} of 5 "
                              f"({low:.2f}–{high:.2f}) across {n} respondents")
    assert [row[0] for row in table_of(section).rows].count(f"{NAMES['en'][weakest]} (weakest)") == 1


def test_gap_called_significant_only_where_the_family_says_so(folders):
    client, result, section = built(folders["en"])
    claims = result.changes[result.changes["source"] == "components"].set_index("metric")
    assert claims.loc["policy", "significant"]  # managers rate the written policy far above staff
    rows = {row[0].split(" (")[0]: row for row in table_of(section).rows}
    for key, claim in claims.iterrows():
        assert rows[NAMES["en"][key]][4].startswith("significant") == bool(claim["significant"]), key
    assert section.blocks[2].text.startswith("Managers rate “Written customer policy” higher than staff do")
    quiet = chapter.section(client, dataclasses.replace(result, changes=result.changes.assign(significant=False)))
    assert quiet.blocks[2].text.startswith("No gap between managers and staff is significant")
    assert all(row[4].startswith("not significant") for row in table_of(quiet).rows)


def test_too_few_respondents_say_why_in_one_sentence(folders):
    _, result, section = built(folders["few"])
    assert result.components.insufficient
    verdict = section.blocks[1].text
    assert verdict == f"No component can be named the weakest. {result.components.reason}"
    assert result.components.reason.count(". ") == 0
    assert "(weakest)" not in " ".join(row[0] for row in table_of(section).rows)
    assert all(row[4] == "not tested" for row in table_of(section).rows)  # two of each role: no gap is tested


def test_no_components_file_no_section(folders):
    assert built(folders["none"])[2] is None


@pytest.mark.parametrize("language", ["en", "ru"])
def test_words_and_numbers(folders, language):
    section = built(folders[language])[2]
    table = table_of(section)
    everything = [section.heading, *(b.text for b in section.blocks if b.kind == "paragraph"),
                  *(c.label for c in table.columns), table.caption, *(cell for row in table.rows for cell in row)]
    for text in everything:
        assert not CODE_WORDS.search(text), text
    figures = [block for block in section.blocks if block.kind == "figure"]
    assert len(figures) == 1 and figures[0].uri.startswith("data:image/png;base64,")
    everything += [figures[0].alt, figures[0].caption]
    if language == "ru":
        joined = " ".join(everything)
        assert not re.search(r"\d\.\d", joined)
        assert "2,83 из 5" in joined and "Слабейшая составляющая — «Клиентская политика»" in joined
        assert "adjusted" not in joined and "weakest" not in joined
