"""The contract as real exports meet it: optional columns, mapped headers, own satisfaction scales, exported dates."""

from __future__ import annotations

import pandas as pd
import pytest

import cxlib
from cxlib.client.dates import parse_dates

from conftest import write_client


def problems_of(folder):
    with pytest.raises(cxlib.DataError) as caught:
        cxlib.load_client(folder)
    return [str(problem) for problem in caught.value.problems]


def test_a_survey_of_one_question_is_a_survey(tmp_path):
    client = cxlib.load_client(write_client(tmp_path / "c", ["9", "10", "3"], header="nps"))
    assert client.metrics == ["nps"] and client.periods == ["all answers"]
    assert client.lacks("csat") == ("The survey has no satisfaction answers (neither a CSAT nor a CSI question), "
                                    "so CSAT cannot be computed.")
    assert client.lacks("nps", "periods") == ("The survey has no dates, so all answers form one period and changes "
                                              "over time cannot be tested.")
    assert client.lacks("nps") is None


def test_the_sentences_follow_the_clients_language(tmp_path):
    folder = write_client(tmp_path / "c", ["9"], header="nps", toml='name = "Тест"\nlanguage = "ru"\n')
    client = cxlib.load_client(folder)
    assert client.lacks("channel").startswith("В опросе не указан канал")
    assert client.periods == ["все ответы"]


def test_a_survey_without_any_answer_column_is_a_problem_that_suggests_the_mapping(tmp_path):
    folder = write_client(tmp_path / "c", ["2025-01-05,9"], header="date,How likely are you to recommend us?")
    [problem] = problems_of(folder)
    assert "has none of the columns nps, csat, csi, ces, comment" in problem
    assert '[columns.survey] nps = "how likely are you to recommend us?"' in problem


def test_column_mapping_renames_export_headers_and_names_them_in_problems(tmp_path):
    toml = 'name = "X"\n[columns.survey]\nnps = "Likelihood to recommend"\ndate = "Submitted"\n'
    rows = ["05.01.2025,9", "06.01.2025,eleven"]
    folder = write_client(tmp_path / "c", rows, header="Submitted,Likelihood to recommend", toml=toml)
    assert problems_of(folder) == ["survey.csv row 3, likelihood to recommend (nps): 'eleven' is not a number"]
    (folder / "survey.csv").write_text("Submitted,Likelihood to recommend\n05.01.2025,9\n", encoding="utf-8")
    assert cxlib.load_client(folder).survey["nps"].tolist() == [9]


def test_a_mapping_to_a_header_the_file_lacks_is_a_problem(tmp_path):
    toml = 'name = "X"\n[columns.survey]\nnps = "Recommend?"\n'
    mapping, no_answers = problems_of(write_client(tmp_path / "c", ["9"], header="nps_score", toml=toml))
    assert mapping == ("client.toml, columns.survey.nps: 'recommend?' is not a header of survey.csv"
                       " (its headers: nps_score)")
    assert no_answers.endswith('[columns.survey] nps = "nps_score"')


def test_satisfaction_in_words_with_declared_satisfied_answers(tmp_path):
    toml = 'name = "X"\n[scales.csat]\nsatisfied = ["Satisfied"]\n'
    folder = write_client(tmp_path / "c", ["satisfied,a", "neutral or dissatisfied,b", ",c", "Satisfied,d"],
                          header="csat,comment", toml=toml)
    client = cxlib.load_client(folder)
    assert client.csat_source == "csat"
    estimate = cxlib.estimate(client.answers, "csat")
    assert (estimate.n, estimate.missing, round(estimate.value, 1)) == (3, 1, 66.7)


def test_a_reversed_scale_counts_its_low_numbers_as_satisfied(tmp_path):
    """The Friends-and-Family test: 1 = very good … 5 = very poor."""
    toml = 'name = "X"\n[scales.csat]\nmin = 1\nmax = 5\nsatisfied = [1, 2]\n'
    folder = write_client(tmp_path / "c", ["1", "2", "5", "4 - poor", "6"], header="csat", toml=toml)
    assert problems_of(folder) == ["survey.csv row 6, csat: '6' is outside 1–5"]
    (folder / "survey.csv").write_text("csat\n1\n2\n5\n4 - poor\n", encoding="utf-8")
    estimate = cxlib.estimate(cxlib.load_client(folder).answers, "csat")
    assert (estimate.n, estimate.value) == (4, 50.0)


def test_satisfaction_words_without_a_declared_scale_are_a_problem(tmp_path):
    found = problems_of(write_client(tmp_path / "c", ["satisfied"], header="csat"))
    assert found == ['survey.csv row 2, csat: \'satisfied\' needs its satisfied answers declared in client.toml: '
                     '[scales.csat] satisfied = ["satisfied"], or min = 1, max = 5, satisfied = [4, 5]']


def test_without_a_csat_question_csat_is_the_top_two_box_of_csi(tmp_path):
    client = cxlib.load_client(write_client(tmp_path / "c", ["5,a", "4,b", "3,c", ",d"], header="csi,comment"))
    assert client.csat_source == "csi"
    estimate = cxlib.estimate(client.answers, "csat")
    assert (estimate.n, estimate.missing, round(estimate.value, 1)) == (3, 1, 66.7)


@pytest.mark.parametrize("text, expected", [
    ("2025-03-01", "2025-03-01"), ("01.03.2025", "2025-03-01"), ("19 November 2023", "2023-11-19"),
    ("Nov 19, 2023", "2023-11-19"), ("19 ноября 2023 г.", "2023-11-19"), ("45666", "2025-01-09"),
    ("2025-03-01 14:30", "2025-03-01"),
])
def test_dates_as_exported(text, expected):
    values, bad, _, ambiguity = parse_dates(pd.Series([text]), "date", today=pd.Timestamp("2026-01-01"))
    assert (str(values.iloc[0].date()), bad, ambiguity) == (expected, [], None)


def test_dates_with_time_zones_keep_the_local_day_written_and_say_so():
    texts = pd.Series(["2025-03-31T23:30:00+03:00", "2025-04-01T00:10:00.250Z", "2025-01-02 09:00 UTC",
                       "2025-01-03T10:00-0500", "2025-01-04"])
    values, bad, notes, _ = parse_dates(texts, "date", today=pd.Timestamp("2026-01-01"))
    assert [str(v.date()) for v in values] == ["2025-03-31", "2025-04-01", "2025-01-02", "2025-01-03", "2025-01-04"]
    assert bad == [] and "time zone (+03:00, -0500, UTC, Z)" in notes[0]
    _, bad, _, _ = parse_dates(pd.Series(["2025-01-03T10:00+25:00", "2025-01-03+03:00"]), "date")
    assert [position for position, _ in bad] == [0, 1], "an impossible offset, and an offset without a time"


def test_slashed_dates_take_their_order_from_the_file_or_from_client_toml():
    values, _, notes, _ = parse_dates(pd.Series(["25/12/2024", "01/02/2025"]), "date")
    assert [str(v.date()) for v in values] == ["2024-12-25", "2025-02-01"] and "day/month" in notes[0]
    values, _, _, _ = parse_dates(pd.Series(["12/25/2024", "01/02/2025"]), "date")
    assert [str(v.date()) for v in values] == ["2024-12-25", "2025-01-02"]
    values, bad, _, ambiguity = parse_dates(pd.Series(["01/02/2025", "03/04/2025"]), "date")
    assert values.isna().all() and bad == [] and "'01/02/2025', '03/04/2025'" in ambiguity
    values, _, _, ambiguity = parse_dates(pd.Series(["01/02/2025"]), "date", order="MDY")
    assert str(values.iloc[0].date()) == "2025-01-02" and ambiguity is None


def test_ambiguous_future_and_ancient_dates_are_listed_problems(tmp_path):
    rows = ["01/02/2025,9", "03/04/2025,9", "2099-06-15,9", "1899-12-31,9", "80000,9"]
    found = problems_of(write_client(tmp_path / "c", rows, header="date,nps"))
    assert found[0].startswith("survey.csv, date: dates such as '01/02/2025', '03/04/2025' could be day/month "
                               "or month/day")
    assert found[1:] == ["survey.csv row 4, date: '2099-06-15' is in the future",
                         "survey.csv row 5, date: '1899-12-31' is before 1990: a typo or a number read as a date?",
                         "survey.csv row 6, date: '80000' is in the future"]


def test_counts_with_labels_as_people_write_them_are_in_time_order(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "client.toml").write_text('name = "X"\n', encoding="utf-8")
    lines = ["period,segment,channel,question,score,n"] + [
        f"{period},,,nps,{score},{n}" for period in ("Q1 2025", "Q3 2024", "Q4 2024") for score, n in ((9, 5), (3, 2))]
    (folder / "survey_counts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    client = cxlib.load_client(folder)
    assert client.periods == ["Q3 2024", "Q4 2024", "Q1 2025"]
    table = cxlib.summarize(client.answers, by="period", metrics=["nps"])
    assert table["period"].tolist() == ["Q3 2024", "Q4 2024", "Q1 2025"]
    assert cxlib.changes(client.answers, "nps")[["from", "to"]].values.tolist() == [
        ["Q3 2024", "Q4 2024"], ["Q4 2024", "Q1 2025"]]
    assert client.lacks("channel").startswith("The survey does not say through which channel")


def test_a_clients_own_no_answer_code_is_a_counted_blank(tmp_path):
    toml = 'name = "X"\n[scales.nps]\nno_answer = [99]\n'
    folder = write_client(tmp_path / "c", ["9,a", "99,b", "3,c"], header="nps,comment", toml=toml)
    client = cxlib.load_client(folder)
    estimate = cxlib.estimate(client.answers, "nps")
    assert (estimate.n, estimate.missing) == (2, 1)
    assert "1 don't-know answers ('99') read as blank" in " ".join(client.notes)


def test_header_suggestions_match_words_not_fragments():
    from cxlib.client.validate import suggestions

    spec = cxlib.catalog.contract()["survey"]
    found = suggestions(spec, ["funding & use of financial resources", "contacting services", "overall satisfaction",
                               "review text"])
    assert found == {"csat": "overall satisfaction", "comment": "review text"}


def test_all_of_client_toml_is_checked_against_one_schema(tmp_path):
    toml = ('name = "X"\nlangauge = "ru"\n[targets]\nnps = "thirty"\ncsat = { a = 1 }\n'
            '[[overrides.lifecycle.statements]]\nstage = "prime"\n[scales.ces]\nmin = 1.5\n')
    found = problems_of(write_client(tmp_path / "c", ["9"], header="nps", toml=toml))
    assert found == [
        "client.toml, langauge: 'ru' is not a client.toml key (known: name, language, currency, periods, scales, "
        "reason_codes, targets, benchmarks, columns, dates, overrides, topics, labels, ratings)",
        "client.toml, targets.nps: 'thirty' must be a number",
        "client.toml, targets.csat: must be a number",
        "client.toml, overrides.lifecycle.statements[1]: needs id",
        "client.toml, scales.ces.min: '1.5' must be an integer",
    ]


def test_client_toml_that_is_not_utf8_is_named(tmp_path):
    folder = write_client(tmp_path / "c", ["9"], header="nps")
    (folder / "client.toml").write_bytes('name = "Клиент"\n'.encode("cp1251"))
    assert problems_of(folder) == ["client.toml: is not UTF-8 text (byte 8); save it as UTF-8"]
