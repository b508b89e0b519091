"""The catalog's data files: code lists, labels, the hoofdactiviteit→thema mapping, the area
tree, the JSON Schema of the import format, and the demo catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from loket import reference
from loket.catalog import codes, demo
from loket.catalog.areas import AreaTree

ROOT = Path(__file__).resolve().parents[2]


def test_every_hoofdactiviteit_maps_to_known_themas_with_reasons_in_every_language() -> None:
    mapping = codes.activity_themas()
    assert set(mapping) == {row["code"] for row in reference.hoofdactiviteiten()}
    for entry in mapping.values():
        assert entry.themas and set(entry.themas) <= set(codes.codes("thema"))
        assert all(entry.reason[lang] for lang in codes.LANGUAGES)
    assert mapping["SPRT"].themas == ("CultuurSportVrijeTijd",)
    assert mapping["SPRT"].reason["nl"] == "sport"


@pytest.mark.parametrize("kind", ["type", "doelgroep", "thema", "level", "executing_level"])
def test_every_code_has_a_label_in_every_language(kind: str) -> None:
    for code in codes.codes(kind):
        for lang in codes.LANGUAGES:
            text = codes.label(kind, code, lang)
            assert text and (lang == "nl" or text != code), (kind, code, lang)


def test_bits_follow_the_code_lists() -> None:
    assert codes.bit("doelgroep", "Burger") == 1
    assert codes.mask("thema", ["BurgerOverheid", "CultuurSportVrijeTijd"]) == 3


def test_language_choice() -> None:
    assert codes.pick_language("fr-BE,fr;q=0.9", None) == "fr"
    assert codes.pick_language("es, en;q=0.5", None) == "en"
    assert codes.pick_language(None, "de") == "de"
    assert codes.pick_language("es", "xx") == "nl"


def test_area_tree_nests_municipality_province_region(app: Flask) -> None:
    from loket import db

    with db.database(app).read_sessions() as session:
        tree = AreaTree.load(session)
    assert tree.ancestors("BE23999001") == ["BE23999001", "BE23", "BE2"]
    assert tree.ancestors("BE23444021") == ["BE23444021", "BE23", "BE2"]
    assert tree.ancestors("BE10") == ["BE10"]
    assert "BE23999001" in tree.descendants("BE2")
    assert "BE24999002" not in tree.overlapping(["BE23999001"])
    assert {"BE23999001", "BE23", "BE2"} <= tree.overlapping(["BE23999001"])
    assert tree.display_name("BE23", "nl") == "Oost-Vlaanderen"
    assert tree.display_name("BE2", "en") == "Flanders"


def test_relative_demo_dates() -> None:
    assert demo.resolve_date("Y-01-01", 2026) == "2026-01-01"
    assert demo.resolve_date("Y+1-03-31", 2026) == "2027-03-31"
    assert demo.resolve_date("Y-1-12-31", 2026) == "2025-12-31"
    assert demo.resolve_date("2024-05-01", 2026) == "2024-05-01"


def test_demo_catalog_and_docs_example_follow_the_json_schema() -> None:
    import jsonschema

    schema = json.loads((ROOT / "docs/catalog.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    records = [{**record, "publisher": publisher} for publisher, record in demo.records(2026)]
    jsonschema.validate({"format": "loket-catalog", "version": 1, "products": records}, schema)
    bad = {"products": [{**records[0], "themas": ["Sport"]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_the_schema_names_the_fields_the_validator_knows() -> None:
    from loket.catalog.validation import FIELDS

    schema = json.loads((ROOT / "docs/catalog.schema.json").read_text())
    assert tuple(schema["$defs"]["product"]["properties"]) == FIELDS


def test_the_example_in_the_docs_is_valid() -> None:
    import jsonschema

    from loket.catalog.validation import parse_product

    text = (ROOT / "docs/catalog.md").read_text()
    start = text.index('```json\n{\n  "format"') + len("```json\n")
    example = json.loads(text[start:text.index("```", start)])
    jsonschema.validate(example, json.loads((ROOT / "docs/catalog.schema.json").read_text()))
    record = example["products"][0]
    assert parse_product(record, {"BE23999001"}, allow_publisher=True) == record
