"""Workbooks as programs other than Excel write them: formulas whose result was never saved are not blanks."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

import cxlib
from cxlib.client.problems import DataError


def workbook_client(folder: Path, formulas: dict[str, str]) -> Path:
    folder.mkdir()
    (folder / "client.toml").write_text('name = "X"\nlanguage = "en"\n', encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["response_id", "date", "nps"])
    for i in range(1, 9):
        sheet.append([f"R{i}", f"2025-01-0{i}", i])
    for cell, formula in formulas.items():
        sheet[cell] = formula
    book.save(folder / "survey.xlsx")  # openpyxl saves formulas without results, as many export scripts do
    return folder


def with_saved_results(path: Path, results: dict[str, str]) -> None:
    """Put each formula's result in its <v>, as Excel does when it saves."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for cell, value in results.items():
        xml = re.sub(rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/>', rf"\g<1><v>{value}</v>", xml)
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_formulas_without_a_saved_result_are_a_problem_naming_cell_column_and_formula(tmp_path):
    folder = workbook_client(tmp_path / "c", {"C4": "=B2*0+5", "C7": "=SUM(C2:C3)"})
    with pytest.raises(DataError) as caught:
        cxlib.load_client(folder)
    message = str(caught.value)
    assert "survey.xlsx" in message and "2 formula cell(s)" in message
    assert "row 4, column nps (C4): =B2*0+5" in message and "row 7, column nps (C7): =SUM(C2:C3)" in message


def test_formulas_with_their_saved_result_read_as_that_result(tmp_path):
    folder = workbook_client(tmp_path / "c", {"C4": "=B2*0+5"})
    with_saved_results(folder / "survey.xlsx", {"C4": "5"})
    survey = cxlib.load_client(folder).survey
    assert survey.loc[4, "nps"] == 5 and survey["nps"].notna().all()
