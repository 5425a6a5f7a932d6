"""Real client exports: encodings, separators, Excel workbooks, labels, don't-know answers, malformed folders."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import tomllib
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import cxlib
from cxlib.cli import main
from cxlib.privacy import export_comments, pseudonymise, spreadsheet_safe

KIT_ROOT = Path(__file__).resolve().parents[1]
DEMO = KIT_ROOT / "data" / "demo"
BAD = KIT_ROOT / "tests" / "fixtures" / "bad_clients"
EXPECTED = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_malformed_folder_gives_a_clear_error(case, capsys):
    with pytest.raises(cxlib.DataError) as caught:
        cxlib.load_client(BAD / case)
    messages = [str(problem) for problem in caught.value.problems]
    assert messages[0].startswith(EXPECTED[case]), messages
    assert main(["check", str(BAD / case)]) == 1
    err = capsys.readouterr().err
    assert EXPECTED[case] in err and "Traceback" not in err


def test_the_folder_with_many_defects_lists_them_all():
    with pytest.raises(cxlib.DataError) as caught:
        cxlib.load_client(BAD / "many")
    columns = [(p.file, p.row, p.column) for p in caught.value.problems]
    assert columns == [("client.toml", None, "name"), ("survey.csv", 4, None), ("survey.csv", None, "date"),
                       ("survey.csv", 3, "response_id"), ("survey.csv", 3, "nps")]


def cp1251_copy(target: Path) -> Path:
    """The demo as a Russian-locale Excel would save it: cp1251, ';'-separated, decimal commas."""
    target.mkdir()
    shutil.copy(DEMO / "client.toml", target / "client.toml")
    for path in DEMO.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        converted = [[cell.replace(".", ",") if cell.replace(".", "", 1).lstrip("-").isdigit() else cell
                      for cell in row] for row in rows]
        with open(target / path.name, "w", encoding="cp1251", newline="") as handle:
            csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(converted)
    return target


def test_cp1251_semicolon_copy_reads_the_same_as_the_demo(tmp_path):
    demo, copy = cxlib.load_client(DEMO), cxlib.load_client(cp1251_copy(tmp_path / "ru"))
    assert str(copy.sources[0]) == "read survey.csv as cp1251, ';'-separated, 2400 rows"
    for key in demo.tables:
        pd.testing.assert_frame_equal(demo.tables[key], copy.tables[key], check_dtype=True)


def test_cxkit_run_on_the_cp1251_copy_prints_the_same_numbers(tmp_path):
    import nbformat

    from cxlib.exercises import without_exercises

    client = cp1251_copy(tmp_path / "ru")
    cxlib.cli.run(client, tmp_path / "out", echo=lambda *_: None)
    for name in ("01_lifecycle_stage", "02_scorecard", "03_customer_journey", "04_nps_csi_statistics"):
        def streams(path: Path) -> str:  # a client's run leaves the exercises out
            notebook = without_exercises(nbformat.read(str(path), as_version=4))
            return "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
                           if o.output_type == "stream")
        assert streams(tmp_path / "out" / f"{name}.ipynb") == streams(KIT_ROOT / "notebooks" / f"{name}.ipynb"), name


def workbook(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADER = ["response_id", "date", "channel", "segment", "customer_id", "nps", "csi", "ces", "reason_code", "comment",
          "contact_at", "followed_up_at"]


def test_excel_export_with_a_title_row_labels_serials_and_dont_know(tmp_path):
    folder = tmp_path / "xl"
    folder.mkdir()
    (folder / "client.toml").write_text('name = "Excel Co"\n', encoding="utf-8")
    workbook(folder / "survey.xlsx", [
        ["Опрос клиентов", None, None, None, None, "Оценки"],
        HEADER,
        ["R1", datetime(2025, 1, 5), "phone", "private", "C1", "9 - очень вероятно", 5, 6, "praise", "Отлично",
         None, None],
        ["R2", 45666, "web", "fleet", "C2", "не знаю", "4: доволен", 5, None, None, None, None],
        ["R3", "07.01.2025", "web", "fleet", "C3", 3, 2, "N/A", "booking", "Перезвоните",  # formulas: test_workbooks
         datetime(2025, 1, 7, 10, 0), "2025-01-07 10:30"],
    ])
    client = cxlib.load_client(folder)
    survey = client.survey
    assert str(client.sources[0]) == "read survey.xlsx as an Excel workbook (first sheet), header on row 2, 3 rows"
    assert survey.index.tolist() == [3, 4, 5]  # spreadsheet rows
    assert survey["date"].tolist() == [pd.Timestamp(d) for d in ("2025-01-05", "2025-01-09", "2025-01-07")]
    assert survey["nps"].tolist()[0] == 9 and pd.isna(survey["nps"].tolist()[1])
    assert survey["csi"].tolist() == [5, 4, 2] and pd.isna(survey["ces"].iloc[2])
    notes = " | ".join(client.notes)
    assert "survey.xlsx nps: 1 don't-know answers ('не знаю') read as blank" in notes
    assert "survey.xlsx nps: 1 answers written with their label (e.g. '9 - очень вероятно')" in notes
    assert "survey.xlsx date: 1 dates written as Excel day numbers were converted" in notes


def test_excel_problems_name_the_spreadsheet_row(tmp_path):
    folder = tmp_path / "xl"
    folder.mkdir()
    (folder / "client.toml").write_text('name = "Excel Co"\n', encoding="utf-8")
    workbook(folder / "survey.xlsx", [["Title"], HEADER,
                                      ["R1", datetime(2025, 1, 5), "phone", "private", "C1", 14, 5, 6]])
    with pytest.raises(cxlib.DataError, match=r"survey.xlsx row 3, nps: '14' is outside 0–10"):
        cxlib.load_client(folder)


def test_a_file_given_twice_is_a_problem(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    workbook(folder / "customers.xlsx", [["customer_id"]])
    with pytest.raises(cxlib.DataError, match=r"customers.csv: is there twice \(customers.csv and customers.xlsx\)"):
        cxlib.load_client(folder)


def test_dont_know_in_a_required_number_is_named(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    lines = (folder / "customers.csv").read_text().splitlines()
    fields = lines[1].split(",")
    fields[4] = "n/a"  # tenure_months
    lines[1] = ",".join(fields)
    (folder / "customers.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(cxlib.DataError) as caught:
        cxlib.load_client(folder)
    assert [str(p) for p in caught.value.problems] == [
        "customers.csv row 2, tenure_months: 'n/a' is a don't-know answer; this column needs a value"]


# --------------------------------------------------------------------------- privacy and safety


def test_pseudonyms_are_stable_keyed_and_need_a_key(monkeypatch):
    first = pseudonymise(["C1", "C2", "C1"], key="k1")
    assert first[0] == first[2] != first[1]
    assert pseudonymise(["C1"], key="k2") != first[:1]
    monkeypatch.delenv("CXKIT_PSEUDONYM_KEY", raising=False)
    with pytest.raises(ValueError, match="CXKIT_PSEUDONYM_KEY"):
        pseudonymise(["C1"])


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_cells_are_defused(cell):
    assert spreadsheet_safe(cell) == "'" + cell


def test_exported_comments_are_masked_inert_and_pseudonymous(tmp_path, monkeypatch):
    survey = cxlib.load_client(DEMO).survey.head(200).copy()
    survey.loc[survey.index[0], "comment"] = "=cmd|' /C calc'!A0 <script>alert(1)</script> call +7 912 345-67-89"
    monkeypatch.setenv("CXKIT_PSEUDONYM_KEY", "test-key")
    path = export_comments(survey, tmp_path / "comments.csv", pseudonymise_ids=True)
    text = path.read_text(encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0 <script>alert(1)</script> call [phone]" in text
    assert "+7 912" not in text
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert all(r["customer_id"] == "" or r["customer_id"].startswith("ID-") for r in rows)
    assert not any(value.startswith(("=", "+", "-", "@")) for r in rows for value in r.values())


def test_cli_export_comments(tmp_path, capsys):
    assert main(["export-comments", str(DEMO), "--out", str(tmp_path / "c.csv")]) == 0
    assert "[phone]" in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")


def test_nothing_the_kit_does_changes_the_client_files(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))

    def checksums() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}

    before = checksums()
    client = cxlib.load_client(folder)
    cxlib.diagnosis.diagnose(client)
    export_comments(client.survey, tmp_path / "comments.csv")
    main(["check", str(folder)])
    assert checksums() == before


def test_workbook_with_a_wrong_stored_size_and_time_cells(tmp_path):
    from openpyxl import Workbook

    folder = tmp_path / "xl"
    folder.mkdir()
    (folder / "client.toml").write_text('name = "Excel Co"\n', encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER + ["visit_time"])
    for i in range(200):
        sheet.append([f"R{i}", datetime(2025, 1, 5), "phone", "private", "C1", 9, 5, 6, None, None, None, None,
                      datetime(2025, 1, 5, 9, 30).time()])
    book.save(folder / "survey.xlsx")
    import zipfile  # an exporter that writes a wrong <dimension>: the loader must still read every row
    with zipfile.ZipFile(folder / "survey.xlsx") as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:M10"/>',
                                               sheet_xml).encode()
    with zipfile.ZipFile(folder / "survey.xlsx", "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    client = cxlib.load_client(folder)
    assert len(client.survey) == 200
    assert client.survey["visit_time"].iloc[0] == "09:30:00"


@pytest.mark.parametrize("toml, expected", [
    ('name = "X"\nscales = 5\n', "client.toml, scales: '5' must be a table"),
    ('name = "X"\nperiods = "month"\n', "client.toml, periods: 'month' must be a table"),
    ('name = "X"\n[periods]\nlabels = "x"\n', "client.toml, periods.labels: 'x' must be a table"),
    ("name = 5\n", "client.toml, name: '5' must be text"),
])
def test_mistyped_client_toml_is_a_problem_not_a_traceback(tmp_path, toml, expected):
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    (folder / "client.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(cxlib.DataError) as caught:
        cxlib.load_client(folder)
    assert str(caught.value.problems[0]).startswith(expected)


def test_language_is_read_case_insensitively(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    text = (folder / "client.toml").read_text(encoding="utf-8").replace('language = "en"', 'language = "RU"')
    (folder / "client.toml").write_text(text, encoding="utf-8")
    assert cxlib.load_client(folder).language == "ru"


def test_empty_files_and_repeated_header_names_are_named(tmp_path):
    folder = Path(shutil.copytree(DEMO, tmp_path / "demo"))
    (folder / "journey.csv").write_text("")
    lines = (folder / "customers.csv").read_text().splitlines()
    lines[0] = lines[0] + ",churned"
    lines[1:] = [line + ",x" for line in lines[1:]]
    (folder / "customers.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(cxlib.DataError) as caught:
        cxlib.load_client(folder)
    found = [str(p) for p in caught.value.problems]
    assert "customers.csv row 1, churned: appears twice in the header" in found
    assert "journey.csv: is empty; it needs at least the header row (see data/template)" in found
