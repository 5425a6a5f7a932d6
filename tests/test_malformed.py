"""A corpus of malformed client folders: each gives listed problems naming the file (and row, column, value where
there is one), never a traceback, and nothing is dropped without a word.

Each defect is built from a small valid folder by one change, so the corpus lives in code, not in 60 copies.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

import cxlib

SURVEY = "response_id,date,channel,segment,nps,csi\nR1,2025-03-01,phone,private,9,5\nR2,2025-03-02,web,fleet,6,2\n"


def _folder(tmp_path: Path, survey: bytes | str = SURVEY, toml: str = 'name = "X"\n', **files) -> Path:
    folder = tmp_path / "client"
    folder.mkdir()
    (folder / "client.toml").write_text(toml, encoding="utf-8")
    data = survey.encode("utf-8") if isinstance(survey, str) else survey
    if data is not None:
        (folder / "survey.csv").write_bytes(data)
    for name, content in files.items():
        (folder / name.replace("__", ".")).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


def _bomb() -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (600 * 1024**2))
    return buffer.getvalue()


# (defect, folder arguments, text every problem list must contain)
CORPUS = [
    ("binary junk", {"survey": b"\x00\x01\x02\xff" * 100}, "survey.csv: is not a text file"),
    ("UTF-16", {"survey": SURVEY.encode("utf-16")}, None),
    ("CR-only line ends", {"survey": SURVEY.replace("\n", "\r")}, None),
    ("field over the limit", {"survey": SURVEY + "R3,2025-03-03,web,fleet,9,5," + "x" * 1_100_000 + "\n"},
     "survey.csv: cannot be read as CSV"),
    ("20,000 columns", {"survey": ",".join(f"c{i}" for i in range(20_000)) + ",nps\n" + "1," * 20_000 + "9\n"},
     "survey.csv: has 20,001 columns; the kit reads at most 1,000"),
    ("not a zip", {"survey": None, "survey__xlsx": b"PK but not really"}, "survey.xlsx: is not an Excel workbook"),
    ("zip bomb", {"survey": None, "survey__xlsx": _bomb()}, "survey.xlsx: unzips to 600 MB"),
    ("huge integer", {"survey": SURVEY + "R3,2025-03-03,web,fleet,99999999999999999999,5\n"},
     "survey.csv row 4, nps: '99999999999999999999'"),
    ("exponent", {"survey": SURVEY + "R3,2025-03-03,web,fleet,1e1,5\n"}, "row 4, nps: '1e1' is not a number"),
    ("spaced digits", {"survey": SURVEY + "R3,2025-03-03,web,fleet,1 0,5\n"}, "row 4, nps: '1 0' is not a number"),
    ("infinity", {"survey": SURVEY + "R3,2025-03-03,web,fleet,9,inf\n"}, "row 4, csi: 'inf' is not a number"),
    ("impossible time zone", {"survey": SURVEY + "R3,2025-03-03T10:00+25:00,web,fleet,9,5\n"},
     "row 4, date: '2025-03-03T10:00+25:00' is not a date"),
    ("future date", {"survey": SURVEY + "R3,2099-06-15,web,fleet,9,5\n"}, "row 4, date: '2099-06-15' is in the future"),
    ("ancient date", {"survey": SURVEY + "R3,1899-06-15,web,fleet,9,5\n"}, "row 4, date: '1899-06-15' is before 1990"),
    ("ambiguous slashes", {"survey": SURVEY.replace("2025-03-01", "01/03/2025")}, "could be day/month or month/day"),
    ("no answer column", {"survey": "response_id,date\nR1,2025-03-01\n"}, "has none of the columns nps, csat"),
    ("empty file", {"survey": ""}, "survey.csv: is empty"),
    ("header only", {"survey": "nps\n"}, "survey.csv: holds no answers"),
    ("ragged row", {"survey": SURVEY + "R3,2025-03-03,web\n"}, "survey.csv row 4: has 3 fields; the header has 6"),
    ("repeated header", {"survey": "nps,nps\n9,9\n"}, "nps: appears twice in the header"),
    ("duplicate id", {"survey": SURVEY + "R2,2025-03-03,web,fleet,9,5\n"}, "row 4, response_id: 'R2' repeats"),
    ("score out of range", {"survey": SURVEY + "R3,2025-03-03,web,fleet,11,5\n"}, "row 4, nps: '11' is outside 0–10"),
    ("fraction", {"survey": SURVEY + "R3,2025-03-03,web,fleet,8.5,5\n"}, "row 4, nps: '8.5' is not a whole number"),
    ("words in a score", {"survey": SURVEY + "R3,2025-03-03,web,fleet,nine,5\n"}, "row 4, nps: 'nine' is not a number"),
    ("csat words without scale", {"survey": "csat\nhappy\n"}, "needs its satisfied answers declared"),
    ("both rows and counts", {"survey_counts__csv": "period,segment,channel,question,score,n\n2025-Q1,,,nps,9,3\n"},
     "survey_counts.csv: is given beside survey.csv"),
    ("csv and xlsx", {"survey__xlsx": b"PK"}, "survey.csv: is there twice"),
    ("missing survey", {"survey": None}, "survey.csv: is missing"),
    ("client.toml not TOML", {"toml": "name = \n"}, "client.toml: is not valid TOML"),
    ("client.toml not UTF-8", {"toml": None}, "client.toml: is not UTF-8 text"),
    ("misspelled key", {"toml": 'name = "X"\nlanguge = "ru"\n'}, "client.toml, languge: 'ru' is not a client.toml key"),
    ("target not a number", {"toml": 'name = "X"\n[targets]\nnps = "thirty"\n'},
     "targets.nps: 'thirty' must be a number"),
    ("target as a table", {"toml": 'name = "X"\n[targets.nps]\na = 1\n'}, "targets.nps: must be a number"),
    ("statement without id", {"toml": 'name = "X"\n[[overrides.lifecycle.statements]]\nstage = "prime"\n'},
     "overrides.lifecycle.statements[1]: needs id"),
    ("band not numbers", {"toml": 'name = "X"\n[overrides.scorecard.bands]\nx = ["a", 2]\n'},
     "overrides.scorecard.bands.x"),
    ("unknown language", {"toml": 'name = "X"\nlanguage = "de"\n'}, "language: 'de' is not one of en, ru"),
    ("no name", {"toml": 'language = "en"\n'}, "client.toml, name: is missing"),
    ("bad frequency", {"toml": 'name = "X"\n[periods]\nfrequency = "week"\n'}, "periods.frequency: 'week'"),
    ("bad date order", {"toml": 'name = "X"\n[dates]\norder = "YMD"\n'}, "dates.order: 'YMD' is not DMY"),
    ("mapping to nothing", {"toml": 'name = "X"\n[columns.survey]\nnps = "Recommend"\n'},
     "columns.survey.nps: 'recommend' is not a header of survey.csv"),
    ("mapping an unknown file", {"toml": 'name = "X"\n[columns.surveys]\nnps = "x"\n'}, "columns.surveys"),
    ("mapping an unknown column", {"toml": 'name = "X"\n[columns.survey]\nscore = "x"\n'},
     "columns.survey.score: 'x' is not a column of survey.csv"),
    ("csat scale without satisfied", {"toml": 'name = "X"\n[scales.csat]\nmin = 1\nmax = 5\n'},
     "scales.csat.satisfied"),
    ("csat satisfied outside scale", {"toml": 'name = "X"\n[scales.csat]\nmin = 1\nmax = 5\nsatisfied = [6]\n'},
     "scales.csat.satisfied: '[6]' must be whole numbers from 1 to 5"),
    ("ces scale reversed", {"toml": 'name = "X"\n[scales.ces]\nmin = 7\nmax = 1\n'}, "scales.ces: '7..1'"),
    ("no_answer not a list", {"toml": 'name = "X"\n[scales.nps]\nno_answer = 99\n'}, "scales.nps.no_answer"),
    ("customers missing a column", {"customers__csv": "customer_id,revenue_12m\nC1,10\n"},
     "customers.csv, purchases_12m: column is missing"),
    ("customers bad bool", {"customers__csv": "customer_id,revenue_12m,purchases_12m,tenure_months,churned\n"
                                              "C1,10,1,3,maybe\n"}, "customers.csv row 2, churned: 'maybe'"),
    ("customers negative revenue", {"customers__csv": "customer_id,revenue_12m,purchases_12m,tenure_months,churned\n"
                                                      "C1,-10,1,3,no\n"}, "customers.csv row 2, revenue_12m: '-10'"),
    ("journey moved on above reached", {"journey__csv": "stage,touchpoint,channel,reached,moved_on,rated,satisfied,"
                                        "high_effort,complaints,expectation,perception,promises_made,promises_kept,"
                                        "delays,delays_announced\nawareness,ad,web,10,11,5,4,1,0,4,4,1,1,0,0\n"},
     "journey.csv row 2, moved_on: '11' is greater than reached"),
    ("journey unknown stage", {"journey__csv": "stage,touchpoint,channel,reached,rated\nnowhere,ad,web,10,5\n"},
     "journey.csv row 2, stage: 'nowhere' is not one of"),
    ("lifecycle bad answer", {"lifecycle__csv": "respondent,role,statement_id,answer\nP1,owner,GO1,6\n"},
     "lifecycle.csv row 2, answer: '6' is outside 1–5"),
    ("lifecycle unknown role", {"lifecycle__csv": "respondent,role,statement_id,answer\nP1,ceo,GO1,4\n"},
     "lifecycle.csv row 2, role: 'ceo' is not one of"),
    ("scorecard unknown level", {"scorecard__csv": "level,metric,period,value,target,benchmark\n"
                                                   "money,churn_rate,2025-Q1,5,,\n"},
     "scorecard.csv row 2, level: 'money'"),
    ("scorecard unknown metric", {"scorecard__csv": "level,metric,period,value,target,benchmark\n"
                                                    "customer,happiness,2025-Q1,5,,\n"},
     "'happiness' is not in the kit's"),
    ("mystery bad result", {"mystery_shopping__csv": "visit_id,date,touchpoint,criterion,result,weight,critical\n"
                                                     "V1,2025-03-01,desk,smile,maybe,1,no\n"}, "result: 'maybe'"),
    ("counts bad question", {"survey": None, "survey_counts__csv": "period,segment,channel,question,score,n\n"
                                                                  "2025-Q1,,,happiness,9,3\n"},
     "question: 'happiness'"),
    ("counts score off scale", {"survey": None, "survey_counts__csv": "period,segment,channel,question,score,n\n"
                                                                     "2025-Q1,,,nps,12,3\n"}, "'12' is outside 0–10"),
    ("counts negative n", {"survey": None, "survey_counts__csv": "period,segment,channel,question,score,n\n"
                                                                "2025-Q1,,,nps,9,-3\n"}, "n: '-3' is below 0"),
    ("follow-up before contact", {"survey": "nps,contact_at,followed_up_at\n3,2025-03-02 10:00,2025-03-02 09:00\n"},
     "contact_at: '2025-03-02 10:00' is later than followed_up_at"),
    ("many defects at once", {"survey": "response_id,date,nps\nR1,2099-01-01,11\nR1,someday,x\n",
                              "toml": 'name = "X"\nlanguage = "de"\n'}, "language: 'de'"),
]


@pytest.mark.parametrize("defect, arguments, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_each_malformed_folder_is_a_list_of_problems(defect, arguments, expected, tmp_path):
    arguments = dict(arguments)
    toml = arguments.pop("toml", 'name = "X"\n')
    folder = _folder(tmp_path, toml=toml if toml is not None else "", **arguments)
    if toml is None:
        (folder / "client.toml").write_bytes('name = "Клиент"\n'.encode("cp1251"))
    if expected is None:  # readable after all: the same answers as the plain file
        assert cxlib.load_client(folder).survey["nps"].tolist() == [9, 6]
        return
    with pytest.raises(cxlib.DataError) as caught:
        cxlib.load_client(folder)
    problems = caught.value.problems
    text = str(caught.value)
    assert expected in text, text
    assert all(problem.file for problem in problems)
    assert "Traceback" not in text


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 60


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_named(tmp_path):
    folder = _folder(tmp_path)
    (folder / "survey.csv").chmod(0)
    with pytest.raises(cxlib.DataError, match="survey.csv: cannot be read"):
        cxlib.load_client(folder)


def test_a_link_to_a_file_outside_the_client_folder_is_refused(tmp_path):
    secret = tmp_path / "elsewhere.csv"
    secret.write_text("nps\n9\n", encoding="utf-8")
    folder = _folder(tmp_path, survey=None)
    (folder / "survey.csv").symlink_to(secret)
    with pytest.raises(cxlib.DataError, match="survey.csv: is a link to a file outside the client folder"):
        cxlib.load_client(folder)
