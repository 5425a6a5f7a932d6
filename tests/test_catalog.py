"""The methodology catalogue and the documents that describe it stay consistent."""

from __future__ import annotations

from pathlib import Path

from cxlib import catalog

KIT_ROOT = Path(__file__).resolve().parents[1]


def test_ten_stages_in_adizes_order_with_both_languages():
    stages = catalog.lifecycle_stages()
    assert [s["name_en"] for s in stages] == ["Courtship", "Infancy", "Go-Go", "Adolescence", "Prime", "Stability",
                                               "Aristocracy", "Recrimination", "Bureaucracy", "Death"]
    for stage in stages:
        for field in ("name", "mandate", "owner"):
            assert stage[f"{field}_en"] and stage[f"{field}_ru"], (stage["key"], field)
        assert stage["source"] in ("000", "kit")


def test_statements_point_at_known_stages_and_are_unique():
    keys = {s["key"] for s in catalog.lifecycle_stages()}
    statements = catalog.lifecycle_statements()
    assert len({s["id"] for s in statements}) == len(statements)
    for statement in statements:
        assert (statement.get("stage") in keys) != (statement.get("axis") in ("flexibility", "control"))
        assert statement["text_en"] and statement["text_ru"]
    assert {s["stage"] for s in statements if "stage" in s} == keys


def test_five_journey_stages_in_order():
    assert [s["key"] for s in catalog.journey_stages()] == ["awareness", "evaluation", "purchase", "experience",
                                                            "loyalty"]


def test_reason_codes_name_known_stages():
    stages = {s["key"] for s in catalog.journey_stages()} | {""}
    for reason in catalog.reason_codes():
        assert reason["stage"] in stages
        assert reason["label_en"] and reason["label_ru"]


def test_label_falls_back_to_english():
    assert catalog.label({"name_en": "Prime"}, "ru") == "Prime"


def test_contract_is_documented_and_templated():
    readme = (KIT_ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for spec in catalog.contract().values():
        assert f"`{spec['file']}`" in readme
        header = (KIT_ROOT / "data" / "template" / spec["file"]).read_text().strip()
        assert header == ",".join(c["name"] for c in spec["columns"])
        for column in spec["columns"]:
            assert f"| `{column['name']}" in readme, (spec["file"], column["name"])
