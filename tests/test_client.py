"""Loading and validating a client folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

import cxlib
from cxlib import DataError, load_client

from conftest import SURVEY_HEADER, write_client

GOOD = "R1,2025-03-01,phone,private,C1,9,5,6,praise,Great,,"


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_client(folder)
    return [str(problem) for problem in caught.value.problems]


def test_demo_loads_with_typed_tables():
    client = load_client(Path(__file__).parents[1] / "data" / "demo")
    assert client.name == "Motorline Service"
    assert len(client.survey) == 2400
    assert str(client.survey["nps"].dtype) == "Int64"
    assert client.survey["date"].dtype.kind == "M"
    assert client.customers["churned"].dtype == "boolean"
    assert sorted(client.survey["period"].unique()) == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert client.notes == []
    assert [str(s) for s in client.sources][0] == "read survey.csv as UTF-8, ','-separated, 2400 rows"


def test_four_kinds_of_problem_are_reported_together(tmp_path):
    """The foundation issue's acceptance case: every problem in one error (a survey without csi is fine now)."""
    header = SURVEY_HEADER.replace(",csi", "")  # an optional column left out
    rows = [
        "R1,2025-03-01,phone,private,C1,9,6,praise,,,",
        "R2,2025-03-02,phone,private,C2,11,6,,,,",       # out of range
        "R2,2025-03-03,web,fleet,C3,7,5,,,,",            # duplicate id
        "R4,2025-03-04,web,fleet,C4,nine,5,,,,",         # not a number
    ]
    found = problems_of(write_client(tmp_path / "c", rows, header=header))
    assert found == [
        "survey.csv row 3, nps: '11' is outside 0–10",
        "survey.csv row 4, response_id: 'R2' repeats the value of row 3; each must be unique",
        "survey.csv row 5, nps: 'nine' is not a number",
    ]


def test_error_message_lists_every_problem_and_the_folder(tmp_path):
    rows = [f"R{i},2025-03-01,phone,private,C1,{11 + i},5,6,,,," for i in range(5)]
    folder = write_client(tmp_path / "c", rows)
    with pytest.raises(DataError) as caught:
        load_client(folder)
    message = str(caught.value)
    assert message.startswith(f"5 problems in client folder {folder}:")
    for row in range(2, 7):
        assert f"survey.csv row {row}, nps:" in message
    frame = caught.value.to_frame()
    assert list(frame.columns) == ["file", "row", "column", "value", "expected"]
    assert frame["row"].tolist() == [2, 3, 4, 5, 6]


def test_long_problem_lists_are_summarised_but_kept_whole(tmp_path):
    rows = [f"R{i},2025-03-01,phone,private,C1,12,5,6,,,," for i in range(250)]
    with pytest.raises(DataError) as caught:
        load_client(write_client(tmp_path / "c", rows))
    assert len(caught.value.problems) == 250
    assert "... and 50 more, by file and column:" in str(caught.value)
    assert "survey.csv, nps: 50" in str(caught.value)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("4.5", "'4.5' is not a whole number"),
        ("", None),
        (" 7 ", None),
    ],
)
def test_whole_numbers(tmp_path, cell, expected):
    folder = write_client(tmp_path / "c", [f"R1,2025-03-01,phone,private,C1,{cell},5,6,,,,"])
    if expected is None:
        assert load_client(folder).survey["nps"].isna().sum() == (cell == "")
    else:
        assert problems_of(folder) == [f"survey.csv row 2, nps: {expected}"]


def test_bad_dates_codes_and_follow_up_order(tmp_path):
    rows = [
        "R1,31/02/2025,phone,private,C1,5,2,3,parking,,2025-03-01 10:00,2025-03-01 09:00",
        "R2,,phone,private,C1,5,2,3,booking,,yesterday,",
    ]
    found = problems_of(write_client(tmp_path / "c", rows))
    assert found == [
        "survey.csv row 2, date: '31/02/2025' is not a date such as 2025-03-01, 01.03.2025, 01/03/2025 or 1 March 2025",
        "survey.csv row 2, reason_code: 'parking' is not one of: " + ", ".join(
            r["code"] for r in cxlib.catalog.reason_codes()),
        "survey.csv row 2, contact_at: '2025-03-01 10:00' is later than followed_up_at '2025-03-01 09:00': "
        "a follow-up cannot come before the contact",
        "survey.csv row 3, date: is empty; a value is required",
        "survey.csv row 3, contact_at: 'yesterday' is not a date such as 2025-03-01, 01.03.2025, 01/03/2025"
        " or 1 March 2025",
    ]


def test_client_reason_codes_extend_the_catalogue(tmp_path):
    toml = 'name = "Test Co"\n[reason_codes]\nparking = "Parking is hard"\n'
    folder = write_client(tmp_path / "c", ["R1,2025-03-01,phone,private,C1,5,2,3,Parking,,,"], toml=toml)
    assert load_client(folder).survey["reason_code"].tolist() == ["parking"]


def test_ces_range_follows_client_scale(tmp_path):
    toml = 'name = "Test Co"\n[scales.ces]\nmin = 0\nmax = 100\nhigher_is = "harder"\n'
    folder = write_client(tmp_path / "c", ["R1,2025-03-01,phone,private,C1,5,2,85,,,,",
                                           "R2,2025-03-01,phone,private,C1,5,2,101,,,,"], toml=toml)
    assert problems_of(folder) == ["survey.csv row 3, ces: '101' is outside 0–100"]


def test_cp1251_semicolons_and_decimal_commas(tmp_path):
    header = SURVEY_HEADER.replace(",", ";")
    rows = ["R1;01.03.2025;телефон;частный;C1;9;5;6;;Всё отлично;;"]
    folder = write_client(tmp_path / "c", rows, header=header, encoding="cp1251")
    (folder / "customers.csv").write_bytes(
        "customer_id;revenue_12m;purchases_12m;tenure_months;churned\nC1;1 234,50;3;12;нет\n".encode("cp1251"))
    client = load_client(folder)
    assert client.survey.loc[2, "comment"] == "Всё отлично"
    assert client.survey.loc[2, "date"] == pd.Timestamp("2025-03-01")
    assert client.customers.loc[2, "revenue_12m"] == 1234.5
    assert not client.customers.loc[2, "churned"]
    assert [str(s) for s in client.sources] == ["read survey.csv as cp1251, ';'-separated, 1 rows",
                                                "read customers.csv as cp1251, ';'-separated, 1 rows"]


def test_utf8_bom_is_detected(tmp_path):
    folder = write_client(tmp_path / "c", [GOOD], encoding="utf-8-sig")
    client = load_client(folder)
    assert str(client.sources[0]).startswith("read survey.csv as UTF-8 with BOM")
    assert "response_id" in client.survey.columns


def test_ragged_rows_are_reported_by_line(tmp_path):
    folder = write_client(tmp_path / "c", [GOOD, "R2,2025-03-01,phone,private,C1,9,5,6,,,,,extra"])
    assert problems_of(folder) == ["survey.csv row 3: has 13 fields; the header has 12"]


def test_missing_optional_files_are_noted_not_hidden(tmp_path):
    client = load_client(write_client(tmp_path / "c", [GOOD]))
    assert "mystery_shopping.csv not supplied: the analyses that need it are skipped" in client.notes
    assert client.mystery_shopping.empty
    assert list(client.mystery_shopping.columns)[:3] == ["visit_id", "date", "touchpoint"]
    assert client.summary().loc["survey", "supplied"]
    assert not client.summary().loc["journey", "supplied"]


def test_extra_columns_are_kept_and_reported(tmp_path):
    folder = write_client(tmp_path / "c", [GOOD + ",north"], header=SURVEY_HEADER + ",region")
    client = load_client(folder)
    assert client.survey.loc[2, "region"] == "north"
    assert client.notes[0] == "survey.csv: extra columns kept as text: region"


def test_config_problems(tmp_path):
    folder = write_client(tmp_path / "c", [GOOD], toml='language = "de"\n[periods]\nfrequency = "week"\n')
    assert problems_of(folder) == [
        "client.toml, name: is missing: give the client's name",
        "client.toml, language: 'de' is not one of en, ru",
        "client.toml, periods.frequency: 'week' is not one of month, quarter, year",
    ]


def test_missing_survey_and_folder(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "client.toml").write_text('name = "X"\n')
    assert problems_of(tmp_path / "c") == ["survey.csv: is missing (or survey.xlsx); the kit cannot run without it"]
    assert problems_of(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: is not a folder"]


def test_row_checks_on_journey(demo_copy):
    journey = demo_copy / "journey.csv"
    lines = journey.read_text().splitlines()
    fields = lines[1].split(",")
    fields[4] = str(int(fields[3]) + 1)  # moved_on > reached
    lines[1] = ",".join(fields)
    journey.write_text("\n".join(lines) + "\n")
    found = problems_of(demo_copy)
    assert len(found) == 1 and found[0].startswith("journey.csv row 2, moved_on:")
    assert "more customers cannot move on than reached the touchpoint" in found[0]


def test_client_files_are_never_modified(demo_copy):
    def checksums() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(demo_copy.iterdir())}

    before = checksums()
    client = load_client(demo_copy)
    client.survey.loc[2, "nps"] = 0  # even changing the loaded table leaves the files alone
    assert checksums() == before


def test_period_labels():
    dates = pd.Series(pd.to_datetime(["2025-01-31", "2025-12-01", None]))
    assert cxlib.period_labels(dates).tolist() == ["2025-Q1", "2025-Q4", ""]
    assert cxlib.period_labels(dates, "month").tolist() == ["2025-01", "2025-12", ""]
    assert cxlib.period_labels(dates, "year", {"2025": "FY25"}).tolist() == ["FY25", "FY25", ""]


def test_respondent_with_most_answers_blank(demo_copy):
    lifecycle = demo_copy / "lifecycle.csv"
    lines = lifecycle.read_text().splitlines()
    blanked = [line.rsplit(",", 1)[0] + "," if line.startswith("P03,") and i % 3 else line
               for i, line in enumerate(lines)]
    lifecycle.write_text("\n".join(blanked) + "\n")
    found = problems_of(demo_copy)
    assert len(found) == 1
    assert found[0].startswith("lifecycle.csv row ")
    assert ", respondent: 'P03' left " in found[0] and "answers blank" in found[0]


def test_unknown_statement_and_answer_out_of_range(demo_copy):
    lifecycle = demo_copy / "lifecycle.csv"
    lines = lifecycle.read_text().splitlines()
    lines[1] = "P01,owner,XX9,3"
    lines[2] = lines[2].rsplit(",", 1)[0] + ",6"
    lifecycle.write_text("\n".join(lines) + "\n")
    found = problems_of(demo_copy)
    assert found[0].startswith("lifecycle.csv row 2, statement_id: 'XX9' is not one of: CO1, CO2")
    assert found[1].startswith("lifecycle.csv row 3, answer: '") and found[1].endswith("is outside 1–5")


def test_unknown_scorecard_metric_needs_unit_and_direction(demo_copy):
    first_new_row = len((demo_copy / "scorecard.csv").read_text().splitlines()) + 1
    with open(demo_copy / "scorecard.csv", "a") as handle:
        handle.write("customer,nps_b2b,2025-Q4,31,30,,,,\n")
        handle.write("customer,reviews_rating,2025-Q4,4.4,4.5,,,stars,higher\n")
    found = problems_of(demo_copy)
    assert found == [f"scorecard.csv row {first_new_row}, metric: 'nps_b2b' is not in the kit's metric catalogue, "
                     "so the row must give its unit and direction (higher, lower or band); missing: unit, direction"]


def test_run_cache_is_used_only_while_the_files_are_unchanged(demo_copy, monkeypatch):
    from cxlib.client.cache import CACHE_VARIABLE, remove_cache, write_cache

    client = load_client(demo_copy)
    client.survey.loc[2, "channel"] = "from the cache"
    cache = write_cache(client)
    try:
        monkeypatch.setenv(CACHE_VARIABLE, str(cache))
        cached = load_client(demo_copy)
        assert cached.survey.loc[2, "channel"] == "from the cache"
        for key, table in client.tables.items():  # every table comes back with its values and dtypes
            pd.testing.assert_frame_equal(cached.tables[key], table, check_index_type=False)
        assert (cached.config, cached.notes, cached.sources) == (client.config, client.notes, client.sources)
        with open(demo_copy / "survey.csv", "a", encoding="utf-8") as handle:
            handle.write("R99999,2025-12-31,phone,private,,9,5,6,,,,,,,,,,,\n")
        fresh = load_client(demo_copy)
        assert fresh.survey.loc[2, "channel"] != "from the cache" and len(fresh.survey) == 2401
    finally:
        remove_cache(cache)


def test_the_cache_holds_data_only_and_is_private(demo_copy, monkeypatch):
    import os
    import stat

    from cxlib.client.cache import CACHE_VARIABLE, remove_cache, write_cache

    cache = write_cache(load_client(demo_copy))
    try:
        assert stat.S_IMODE(cache.stat().st_mode) == 0o700
        suffixes = [".json"] + [".npz"] * len(cxlib.catalog.contract())  # no pickle anywhere
        assert sorted(p.suffix for p in cache.iterdir()) == suffixes
        os.chmod(cache, 0o777)  # another user could have planted data here: the kit reads the files instead
        monkeypatch.setenv(CACHE_VARIABLE, str(cache))
        with open(cache / "client.json", encoding="utf-8") as handle:
            assert "Motorline" in handle.read()
        assert load_client(demo_copy).name == "Motorline Service"
        from cxlib.client.cache import read_cache

        assert read_cache(cache, demo_copy) is None
    finally:
        remove_cache(cache)
