"""A client folder with a hostile string in every text field a client controls (tests/fixtures/hostile).

:func:`plant` copies a client folder and puts the corpus's strings into
``client.toml`` (the name, period labels, labels for codes, reason-code
labels) and into every text column of the CSVs (channels, segments,
touchpoints, reason codes, customer ids, comments, scorecard metric names,
mystery-shopping criteria, the contacts export's channels, topic codes and texts,
the components respondents), so each report, notebook and export the kit
writes can be checked for markup that became live.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "hostile" / "strings.json"
# Characters no CSV export of a real system holds and the loader rightly refuses: planted in comments they would
# only prove that `check` refuses them (tests/test_malformed.py does), so they are left out of the folder.
REFUSED = ("\x00",)


def strings() -> list[str]:
    """The hostile-string corpus."""
    return json.loads(CORPUS.read_text(encoding="utf-8"))


def plantable() -> list[str]:
    return [text for text in strings() if not any(ch in text for ch in REFUSED)]


def _toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid TOML basic string for these characters


def _rewrite(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for number, row in enumerate(rows):
        change(number, row)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)


def _renamer(values: list[str], corpus: list[str], offset: int) -> dict[str, str]:
    """Each distinct code gets its own hostile name, so every code's path through the kit is exercised."""
    return {value: f"{corpus[(offset + i) % len(corpus)]} {i}" for i, value in enumerate(sorted(set(values)))}


def plant(source: Path, target: Path) -> dict[str, str]:
    """Copy ``source`` to ``target`` with hostile strings in every client-controlled text; return where each went."""
    shutil.copytree(source, target)
    corpus = plantable()
    placed: dict[str, str] = {"name": corpus[0]}
    survey = target / "survey.csv"
    with survey.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    channels = _renamer([r["channel"] for r in rows if r.get("channel")], corpus, 1)
    segments = _renamer([r["segment"] for r in rows if r.get("segment")], corpus, 9)
    touchpoints = _renamer([r["touchpoint"] for r in rows if r.get("touchpoint")], corpus, 17)
    reasons = _renamer([r["reason_code"] for r in rows if r.get("reason_code")], corpus, 40)
    customers = {code: f"{corpus[i % len(corpus)][:40]} {code}" for i, code in
                 enumerate(sorted({r["customer_id"] for r in rows if r.get("customer_id")})) if i % 7 == 0}

    def survey_row(number: int, row: dict) -> None:
        for column, names in (("channel", channels), ("segment", segments), ("touchpoint", touchpoints),
                              ("reason_code", reasons)):
            if row.get(column):
                row[column] = names[row[column]]
        if row.get("comment") is not None:
            row["comment"] = corpus[number % len(corpus)] + (" " + row["comment"] if number % 2 else "")
        if row.get("customer_id"):
            row["customer_id"] = customers.get(row["customer_id"], row["customer_id"])

    _rewrite(survey, survey_row)
    if (target / "customers.csv").exists():
        _rewrite(target / "customers.csv", lambda n, row: row.update(
            customer_id=customers.get(row["customer_id"], row["customer_id"]),
            segment=segments.get(row.get("segment", ""), row.get("segment", ""))))
    if (target / "journey.csv").exists():
        _rewrite(target / "journey.csv", lambda n, row: row.update(
            touchpoint=touchpoints.get(row["touchpoint"], f"{corpus[(n + 50) % len(corpus)]} {n}"),
            channel=channels.get(row.get("channel", ""), row.get("channel", ""))))
    if (target / "mystery_shopping.csv").exists():
        _rewrite(target / "mystery_shopping.csv", lambda n, row: row.update(
            touchpoint=touchpoints.get(row["touchpoint"], row["touchpoint"]),
            criterion=f"{corpus[(n + 60) % len(corpus)]} {n}"))
    if (target / "contacts.csv").exists():
        with (target / "contacts.csv").open(newline="", encoding="utf-8") as handle:
            topics = _renamer([r["topic"] for r in csv.DictReader(handle) if r.get("topic")], corpus, 25)
        _rewrite(target / "contacts.csv", lambda n, row: row.update(
            channel=channels.get(row["channel"], f"{corpus[(n + 5) % len(corpus)][:40]} {row['channel']}"),
            customer_id=customers.get(row["customer_id"], row["customer_id"]),
            topic=topics.get(row["topic"], ""),
            text=f"{corpus[(n + 35) % len(corpus)]} {row['text']}" if row["text"] else ""))
        placed["contact_topics"] = topics  # type: ignore[assignment]
    if (target / "components.csv").exists():
        with (target / "components.csv").open(newline="", encoding="utf-8") as handle:
            respondents = _renamer([r["respondent"] for r in csv.DictReader(handle)], corpus, 45)
        _rewrite(target / "components.csv", lambda n, row: row.update(respondent=respondents[row["respondent"]]))
    _plant_config(target / "client.toml", corpus, {**channels, **segments, **placed.get("contact_topics", {})},
                  reasons)
    placed.update(channels=channels, segments=segments, touchpoints=touchpoints, reasons=reasons)
    return placed


def _plant_config(toml: Path, corpus: list[str], groups: dict[str, str], reasons: dict[str, str]) -> None:
    text = toml.read_text(encoding="utf-8")
    # the client's own [reason_codes] and [labels] would be second tables of those names: drop them (their codes are
    # renamed anyway)
    text = re.sub(r"(?ms)^\[(?:reason_codes|labels)\][^\n]*\n.*?(?=^\[|\Z)", "", text)
    lines = text.splitlines()
    lines = [f"name = {_toml_string(corpus[0])}" if line.startswith("name =") else line for line in lines]
    lines += ["", "[labels]"] + [f"{_toml_string(code)} = {_toml_string(corpus[(i + 30) % len(corpus)])}"
                                 for i, code in enumerate(sorted(groups.values()))]
    lines += ["", "[reason_codes]"] + [f"{_toml_string(code)} = {_toml_string(corpus[(i + 70) % len(corpus)])}"
                                       for i, code in enumerate(sorted(reasons.values()))]
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
