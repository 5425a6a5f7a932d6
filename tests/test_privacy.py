"""Masking contact details: the corpus of what must and must not be masked, disguises, linear time, tables, exports."""

from __future__ import annotations

import csv
import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pandas as pd
import pytest

import cxlib
from cxlib import privacy
from cxlib.cli import main
from cxlib.privacy import export_comments, mask_frame, mask_pii, mask_series

KIT_ROOT = Path(__file__).resolve().parents[1]
DEMO = KIT_ROOT / "data" / "demo"
CORPUS = KIT_ROOT / "tests" / "fixtures" / "pii"
MARKED = re.compile(r"⟦(.*?)⟧")
TOKEN = r"\[(?:email|phone)\]"


def _lines(name: str) -> list[str]:
    """The corpus file's texts, with \\uXXXX written out as the character it names."""
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), line)
            for line in lines if line.strip() and not line.startswith("#")]


MUST_MASK = _lines("must_mask.txt")
MUST_KEEP = _lines("must_keep.txt")


def test_the_corpus_is_large_and_bilingual():
    for lines in (MUST_MASK, MUST_KEEP):
        assert len(lines) >= 100
        assert sum(bool(re.search("[а-яё]", line, re.IGNORECASE)) for line in lines) >= 30
        assert sum(not re.search("[а-яё]", line, re.IGNORECASE) for line in lines) >= 30
    assert all(MARKED.search(line) for line in MUST_MASK)
    assert not any("⟦" in line for line in MUST_KEEP)


@pytest.mark.parametrize("line", MUST_MASK)
def test_every_contact_detail_in_the_corpus_is_masked_and_nothing_around_it(line):
    text = MARKED.sub(lambda m: m.group(1), line)
    expected = TOKEN.join(re.escape(part) for part in MARKED.split(line)[::2])
    assert re.fullmatch(expected, mask_pii(text)), (text, mask_pii(text))


@pytest.mark.parametrize("line", MUST_KEEP)
def test_ordinary_numbers_and_words_in_the_corpus_stay(line):
    assert mask_pii(line) == line


@pytest.mark.parametrize("text, masked", [
    ("Please call me back on +7 912 345-67-89, nobody did.", "Please call me back on [phone], nobody did."),
    ("пишите на ivan.petrov@mail.ru", "пишите на [email]"),
    ("8 (495) 123-45-67 или 8-800-555-35-35", "[phone] или [phone]"),
    ("приезжал 01.03.2025, заказ 12345", "приезжал 01.03.2025, заказ 12345"),
    ("NPS 9-10 next time", "NPS 9-10 next time"),
    ("ivan@mail.ru and 8 912 345 67 89", "[email] and [phone]"),
])
def test_contact_details_are_masked(text, masked):
    assert mask_pii(text) == masked


def test_hidden_characters_are_masked_with_the_detail_they_hide():
    text = "a\u200b8\u200b912\u200b345\u200b67\u200b89\u200bb"
    assert mask_pii(text) == "a\u200b[phone]\u200bb"
    assert mask_pii("x\u00a0ivan\u200d@mail.ru\u00a0y") == "x\u00a0[email]\u00a0y"


@pytest.mark.parametrize("value", [None, "", 12, 3.5, float("nan"), pd.NA])
def test_what_is_not_text_comes_back_as_it_was(value):
    assert mask_pii(value) is value


def test_masking_is_idempotent_on_the_corpus():
    for line in MUST_MASK + MUST_KEEP:
        once = mask_pii(MARKED.sub(lambda m: m.group(1), line))
        assert mask_pii(once) == once


# --------------------------------------------------------------------------- linear time

ADVERSARIAL = {
    "letters": "a",
    "dotted letters": "a.",
    "at signs": "a@",
    "addresses": "a@a.",
    "digits and dashes": "1-",
    "digits and dots": "1.",
    "digits and spaces": "1 ",
    "pairs of digits": "11 ",
    "triples of digits": "123 ",
    "digits": "9",
    "plus signs": "+7 ",
    "spaces": " ",
    "brackets": "(",
    "spelled at": "x at ",
    "bracketed at": "x(at)",
    "spelled dot": "x dot ",
    "собака": "x собака ",
    "zero-width": "1\u200b",
    "phones": "+7 912 345-67-89, ",
    "dates": "12.03.2025 ",
}


def _modules() -> list:
    """The package and each of its modules."""
    return [privacy, *(importlib.import_module(f"cxlib.privacy.{part.name}")
                       for part in pkgutil.iter_modules(privacy.__path__))]


def _nested_repeats(pattern: re.Pattern) -> list[str]:
    """Quantifiers that sit inside another quantifier (the shape of catastrophic backtracking)."""
    parser = getattr(re, "_parser", None)
    if parser is None:  # Python before 3.11 named it sre_parse
        import sre_parse as parser
    constants = getattr(re, "_constants", None) or __import__("sre_constants")
    repeats = {constants.MAX_REPEAT, constants.MIN_REPEAT, getattr(constants, "POSSESSIVE_REPEAT", None)}
    found = []

    def walk(items, inside: bool) -> None:
        for op, argument in items:
            if op in repeats:
                _, high, body = argument
                if inside and high != 1:
                    found.append(str(argument)[:60])
                walk(body, inside or high != 1)
            elif op == constants.SUBPATTERN:
                walk(argument[-1], inside)
            elif op == constants.BRANCH:
                for branch in argument[1]:
                    walk(branch, inside)
            elif op in (constants.ASSERT, constants.ASSERT_NOT):
                walk(argument[1], inside)
            elif op == getattr(constants, "ATOMIC_GROUP", None):
                walk(argument, inside)

    walk(parser.parse(pattern.pattern, pattern.flags), False)
    return found


def test_no_pattern_nests_one_quantifier_in_another():
    patterns = {f"{module.__name__}.{name}": value for module in _modules() for name, value in vars(module).items()
                if isinstance(value, re.Pattern)}
    assert len(patterns) >= 8
    assert {name: _nested_repeats(p) for name, p in patterns.items() if _nested_repeats(p)} == {}
    assert _nested_repeats(re.compile(r"(a+)+b")) and _nested_repeats(re.compile(r"(?:\.\w+)+"))


def test_phone_windows_grow_with_the_text_not_its_square(monkeypatch):
    calls = []
    judge = privacy._Segment.is_phone
    monkeypatch.setattr(privacy._Segment, "is_phone", lambda self, *a: calls.append(1) or judge(self, *a))
    for unit in ("11 ", "123 ", "8 912 ", "1234 "):
        for size in (10_000, 20_000):
            calls.clear()
            mask_pii((unit * size)[:size])
            assert len(calls) <= size  # each start tries at most MAX_GROUPS windows, most none


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_long_adversarial_comments_are_masked_whole(name):
    """Each adversarial comment, 200,000 characters long, comes back masked and as long as the masks make it; how
    its time grows with its length is measured by bench/bench_privacy.py, not here (no timed tests)."""
    unit = ADVERSARIAL[name]
    text = (unit * 200_000)[:200_000]
    masked = mask_pii(text)
    assert masked == mask_pii(masked)  # nothing left to mask
    if not re.search(r"[@\d]", text):
        assert masked == text  # nothing that could be a contact detail is touched


# --------------------------------------------------------------------------- tables and exports


def test_mask_frame_masks_every_text_column_and_nothing_else():
    table = pd.DataFrame({
        "name": ["Ivan ivan@mail.ru", "Anna"],
        "segment": pd.Categorical(["vip +7 912 345 67 89", "private"]),
        "touchpoint": pd.Series(["call 8 800 555 35 35", "web"], dtype="string"),
        "customer_id": ["89123456789", "C0002"],
        "nps": [9, 3],
        "date": pd.to_datetime(["2025-03-12", "2025-03-13"]),
        "mixed": ["petr@mail.ru", 7],
    })
    masked = mask_frame(table)
    assert masked["name"].tolist() == ["Ivan [email]", "Anna"]
    assert masked["segment"].tolist() == ["vip [phone]", "private"]
    assert isinstance(masked["segment"].dtype, pd.CategoricalDtype)
    assert masked["touchpoint"].tolist() == ["call [phone]", "web"]
    assert masked["touchpoint"].dtype == table["touchpoint"].dtype
    assert masked["customer_id"].tolist() == ["[phone]", "C0002"]
    assert masked["mixed"].tolist() == ["[email]", 7]
    assert masked[["nps", "date"]].equals(table[["nps", "date"]])
    assert table["name"].iloc[0] == "Ivan ivan@mail.ru"  # the original is untouched
    only = mask_frame(table, ["name"])
    assert only["name"].iloc[0] == "Ivan [email]" and only["customer_id"].iloc[0] == "89123456789"


def test_mask_series_merges_categories_that_mask_alike():
    column = pd.Series(pd.Categorical(["a@b.com", "c@d.com", "x", None]))
    masked = mask_series(column)
    assert masked.tolist()[:3] == ["[email]", "[email]", "x"] and pd.isna(masked.iloc[3])
    assert list(masked.cat.categories) == ["[email]", "x"]


def _survey_with_contacts() -> pd.DataFrame:
    survey = cxlib.load_client(DEMO).survey.head(60).copy()
    first, second = survey.index[0], survey.index[1]
    survey.loc[[first, second], "comment"] = ["call +7 912 345-67-89", "write ivan (at) mail (dot) ru"]
    survey.loc[first, "customer_id"] = "ivan.petrov@mail.ru"
    survey.loc[second, "customer_id"] = "+7 912 345 67 89"
    survey.loc[first, "segment"] = "vip 8 800 555 35 35"
    survey.loc[second, "channel"] = "petr@mail.ru"
    return survey


def test_export_without_pseudonyms_masks_contact_details_in_every_column(tmp_path):
    path = export_comments(_survey_with_contacts(), tmp_path / "comments.csv")
    text = path.read_text(encoding="utf-8-sig")
    for secret in ("ivan.petrov", "912 345", "800 555", "petr@", "ivan (at)"):
        assert secret not in text
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert rows[0]["customer_id"] == "[email]" and rows[1]["customer_id"] == "[phone]"
    assert rows[0]["segment"] == "vip [phone]" and rows[1]["channel"] == "[email]"
    assert rows[0]["comment"] == "call [phone]" and rows[1]["comment"] == "write [email]"
    assert all(row["customer_id"] == "" or re.fullmatch(r"[A-Z]\d+|\[(email|phone)\]", row["customer_id"])
               for row in rows)


def test_export_with_pseudonyms_hashes_the_raw_id(tmp_path):
    survey = _survey_with_contacts()
    path = export_comments(survey, tmp_path / "comments.csv", key="k", pseudonymise_ids=True)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert rows[0]["customer_id"] == privacy.pseudonymise(["ivan.petrov@mail.ru"], key="k")[0]
    assert "ivan.petrov" not in path.read_text(encoding="utf-8-sig")


def test_cli_export_says_what_it_did(tmp_path, capsys):
    assert main(["export-comments", str(DEMO), "--out", str(tmp_path / "c.csv")]) == 0
    said = capsys.readouterr().out
    assert "contact details masked in every column" in said and "customer ids" in said


def test_the_module_examples_hold():
    results = [doctest.testmod(module, optionflags=doctest.ELLIPSIS) for module in _modules()]
    assert sum(result.attempted for result in results) >= 10
    assert [result.failed for result in results] == [0] * len(results)
