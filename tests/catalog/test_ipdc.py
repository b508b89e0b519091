"""IPDC product records into Loket's catalog (docs/compatibility.md): the record written here
from IPDC's documented shape (docs/reference/ipdc-facts.md, values of our own) is translated
field by field, its HTML sanitised to the allowed subset, Dutch taken from the chosen variant,
authorities kept by OVO code, areas by NUTS code; `loket catalog import --format ipdc` imports
an LDES page all-or-nothing."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loket.catalog import ipdc
from support.servers import Provider, make_provider

HOSTILE = ('<p onclick="x()">Goed <script>alert(1)</script><img src=x onerror=alert(1)>'
           '<a href="javascript:alert(1)">klik</a> <a href="https://www.vlaanderen.example/x" '
           'style="color:red">meer</a></p><style>p{}</style><iframe src="https://evil"></iframe>')

# One IPDC record (a concept snapshot compacted with the IPDC-LPDC context), every kind of field
RECORD: dict[str, Any] = {
    "@id": "https://ipdc.vlaanderen.example/id/conceptsnapshot/00000000-0000-0000-0000-000000000001",
    "@type": "ConceptSnapshot",
    "productnummer": "1502",
    "naam": {"nl": "Subsidie voor jeugdkampen", "nl-BE-x-formal": "Subsidie voor jeugdkampen (u)",
             "nl-BE-x-generated-informal": "Subsidie voor jeugdkampen (je)",
             "en": "Grant for youth camps", "fr": "Subside pour camps de jeunesse"},
    "beschrijving": {
        "nl": "<p>Algemeen.</p>",
        "nl-BE-x-formal": "<p>U krijgt steun voor <strong>elk kamp</strong>.</p>"
                          "<ul><li>Een</li><li>Twee</li></ul>",
        "nl-BE-x-generated-informal": "<p>Je krijgt steun voor <strong>elk kamp</strong>.</p>"
                                      "<ul><li>Een</li><li>Twee</li></ul>",
        "en": "<p>You get support for <strong>every camp</strong>.</p>"},
    "verdereBeschrijving": {"nl-BE-x-generated-informal": "<h3>Meer</h3><p>Zie ook de gids.</p>",
                            "en": "<h3>More</h3><p>See the guide.</p>"},
    "uitzonderingen": {"nl-BE-x-generated-informal": HOSTILE, "en": "<p>None.</p>"},
    "voorwaarden": [{"order": 0.0, "naam": {"nl": "Voorwaarden"}, "beschrijving": {
        "nl": "<p>Je vereniging is erkend.</p>"}, "bewijs": {"naam": {"nl": "Bewijs"},
                                                           "beschrijving": {"nl": "<p>De erkenning.</p>"}}}],
    "procedures": [{"order": 0, "naam": {"nl": "Aanvragen"}, "beschrijving": {
        "nl": "<p>Via het e-loket.</p>"}, "websites": [{"naam": {"nl": "E-loket"},
                                                       "url": "https://www.vlaanderen.example/e-loket"}]}],
    "kosten": [{"order": 0, "naam": {"nl": "Kosten"}, "beschrijving": {"nl": "<p>Gratis.</p>"}}],
    "financieleVoordelen": [{"order": 0, "naam": {"nl": "Bedrag"},
                             "beschrijving": {"nl": "<p>Tot 500 euro.</p>"}}],
    "regelgevingTekst": {"nl": "<p>Decreet van 1 januari 2020.</p>"},
    "regelgeving": [{"naam": {"nl": "Decreet"}, "url": "https://www.vlaanderen.example/decreet"}],
    "websites": [{"order": 1, "naam": {"nl": "Tweede"}, "url": "https://www.vlaanderen.example/2"},
                 {"order": 0, "naam": {"nl": "Eerste", "en": "First"},
                  "url": "https://www.vlaanderen.example/1"}],
    "contactgegevens": [{"email": "jeugd@vlaanderen.example", "telefoonnummer": "02 999 00 00",
                         "url": "https://www.vlaanderen.example/contact", "openingsuren": "ma-vr 9-12",
                         "order": 0, "adres": [{"straatnaam": {"nl": "Kerkstraat"},
                                                "huisnummer": "1", "busnummer": "a",
                                                "postcode": "9000", "gemeentenaam": {"nl": "Gent"},
                                                "land": {"nl": "België"}}]}],
    "type": "https://productencatalogus.data.vlaanderen.be/id/concept/Type/FinancieelVoordeel",
    "doelgroepen": ["Vereniging"],
    "themas": ["CultuurSportVrijeTijd", "WelzijnGezondheid"],
    "bevoegdBestuursniveaus": ["Vlaams"],
    "uitvoerendBestuursniveaus": ["Provinciaal"],
    "bevoegdeOverheden": [{"id": "OVO002514"},
                          "https://data.vlaanderen.be/id/organisatie/OVO000001"],
    "uitvoerendeOverheden": [{"id": "OVO000009"}],
    "geografischToepassingsgebieden": ["http://data.europa.eu/nuts/code/BE23444021", "BE234",
                                       "BE24"],
    "zoektermen": {"nl": ["kamp"], "nl-BE-x-formal": ["jeugd", "kamp"], "en": ["camp"]},
    "publicatiekanalen": ["YourEurope"],
    "yourEuropeCategorieen": ["VerblijfNaturalisatie"],
    "tags": ["YourEuropeAanbevolen"],
    "startDienstVerlening": "2026-01-01T00:00:00Z",
    "eindeDienstVerlening": "2027-12-31T23:00:00.026Z",
    "creatie": "2025-07-12T11:40:20Z", "laatstGewijzigd": "2025-08-12T11:40:20Z",
    "generatedAtTime": "2025-08-12T11:40:20Z",
    "isVersionOf": "https://ipdc.vlaanderen.example/id/concept/00000000-0000-0000-0000-000000000002",
    "gearchiveerd": False,
}
# Every field of the record: where it lands in Loket's record, or None (not kept: listed in
# docs/compatibility.md)
MAPPING = {
    "@id": None, "@type": None, "productnummer": "id", "naam": "title",
    "beschrijving": "descriptionHtml", "verdereBeschrijving": "descriptionHtml",
    "uitzonderingen": "descriptionHtml", "voorwaarden": "requirements", "procedures": "procedure",
    "kosten": "costs", "financieleVoordelen": None, "regelgevingTekst": None, "regelgeving": None,
    "websites": "websites", "contactgegevens": "contactPoints", "type": "type",
    "doelgroepen": "doelgroepen", "themas": "themas",
    "bevoegdBestuursniveaus": "competentAuthority", "uitvoerendBestuursniveaus":
    "executingAuthority", "bevoegdeOverheden": "competentAuthority",
    "uitvoerendeOverheden": "executingAuthority", "geografischToepassingsgebieden": "spatialScope",
    "zoektermen": "keywords", "publicatiekanalen": None, "yourEuropeCategorieen": None,
    "tags": None, "startDienstVerlening": "startDate", "eindeDienstVerlening": "endDate",
    "creatie": None, "laatstGewijzigd": None, "generatedAtTime": None, "isVersionOf": None,
    "gearchiveerd": None,
}


def test_every_field_of_the_record_is_accounted_for() -> None:
    assert set(RECORD) == set(MAPPING)
    translated = ipdc.to_loket(RECORD, organisations={"OVO002514": "Departement Cultuur, Jeugd "
                                                                   "en Media"})
    for field, ours in MAPPING.items():
        if ours is not None:
            assert ours in translated, field
    text = (Path(__file__).resolve().parents[2] / "docs/compatibility.md").read_text()
    for field, ours in MAPPING.items():
        assert f"`{field}`" in text, f"{field} is not in docs/compatibility.md"
        if ours is None:
            assert f"`{field}` | not kept" in text, field


def test_the_translation_field_by_field() -> None:
    out = ipdc.to_loket(RECORD, organisations={"OVO002514": "Departement Cultuur, Jeugd en Media"})
    assert out["id"] == "IPDC-1502"
    # informal Dutch first (written, then generated), other languages as they are
    assert out["title"] == {"nl": "Subsidie voor jeugdkampen (je)", "en": "Grant for youth camps",
                            "fr": "Subside pour camps de jeunesse"}
    assert out["descriptionHtml"]["nl"].startswith(
        "<p>Je krijgt steun voor <strong>elk kamp</strong>.</p><ul><li>Een</li><li>Twee</li></ul>")
    assert "<h3>Meer</h3>" in out["descriptionHtml"]["nl"]
    assert out["description"]["nl"].startswith(
        "Je krijgt steun voor elk kamp.\n\n• Een\n• Twee\n\nMeer\n\nZie ook de gids.")
    assert out["type"] == "FinancieelVoordeel"
    assert out["themas"] == ["CultuurSportVrijeTijd", "WelzijnGezondheid"]
    assert out["competentAuthority"] == {
        "level": "Vlaams", "name": "Departement Cultuur, Jeugd en Media; OVO000001",
        "ovo": ["OVO002514", "OVO000001"]}
    assert out["executingAuthority"] == {"level": "Provinciaal", "name": "OVO000009",
                                         "ovo": ["OVO000009"]}
    # NUTS codes as werkingsgebieden; an arrondissement (NUTS3) as its province
    assert out["spatialScope"] == ["BE23444021", "BE23", "BE24"]
    assert out["keywords"] == {"nl": ["kamp", "jeugd"], "en": ["camp"]}
    assert out["requirements"]["nl"] == "Voorwaarden\nJe vereniging is erkend.\nDe erkenning."
    assert out["procedure"]["nl"] == "Aanvragen\nVia het e-loket."
    assert out["costs"]["nl"] == "Kosten\nGratis."
    assert ipdc.plain_text("<p>a</p><ul><li>b</li><li>c</li></ul><p>d<br>e</p>") == (
        "a\n\n• b\n• c\n\nd\ne")
    assert [w["url"] for w in out["websites"]] == ["https://www.vlaanderen.example/1",
                                                   "https://www.vlaanderen.example/2"]
    assert out["contactPoints"] == [{
        "email": "jeugd@vlaanderen.example", "phone": "02 999 00 00",
        "url": "https://www.vlaanderen.example/contact", "openingHours": {"nl": "ma-vr 9-12"},
        "address": {"street": "Kerkstraat", "number": "1 bus a", "postcode": "9000",
                    "municipality": "Gent"}}]
    assert (out["startDate"], out["endDate"]) == ("2026-01-01", "2027-12-31")
    formal = ipdc.to_loket(RECORD, dutch="formal")
    assert formal["title"]["nl"] == "Subsidie voor jeugdkampen (u)"
    assert formal["descriptionHtml"]["nl"].startswith("<p>U krijgt steun")


def test_html_keeps_only_the_safe_subset() -> None:
    clean = ipdc.sanitise(HOSTILE)
    for gone in ("<script", "alert(1)</script", "onerror", "onclick", "javascript:", "style=",
                 "<style", "<iframe", "<img"):
        assert gone not in clean, gone
    assert '<a href="https://www.vlaanderen.example/x" rel="noopener noreferrer">meer</a>' in clean
    assert clean.startswith("<p>Goed ")
    assert ipdc.plain_text(HOSTILE) == "Goed klik meer"


def test_what_cannot_be_read_is_said() -> None:
    with pytest.raises(ipdc.NotAnIpdcRecord, match="productnummer"):
        ipdc.to_loket({k: v for k, v in RECORD.items() if k != "productnummer"})
    with pytest.raises(ipdc.NotAnIpdcRecord):
        ipdc.records_of("x")
    page = {"@type": "EventStream", "member": [RECORD, RECORD]}
    assert ipdc.records_of(page) == [RECORD, RECORD]
    assert ipdc.records_of(RECORD) == [RECORD]


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    yield make_provider(tmp_path_factory.mktemp("ipdc-cli"), start=False)


def test_an_ldes_page_is_imported_all_or_nothing(cli: Provider, tmp_path: Path) -> None:
    second = copy.deepcopy(RECORD)
    second["productnummer"] = "1503"
    broken = copy.deepcopy(RECORD)
    broken["productnummer"] = "1504"
    broken["themas"] = ["GeenThema"]
    nameless = {k: v for k, v in RECORD.items() if k != "productnummer"}
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"@type": "EventStream", "member": [RECORD, broken, nameless]}))
    refused = cli.cli("catalog", "import", str(page), "--format", "ipdc", "--publisher",
                      "catalog-vlaanderen", check=False)
    assert refused.returncode == 1
    assert "record 1 (id IPDC-1504): themas[0]: unknown code 'GeenThema'" in refused.stderr
    assert "record 2: productnummer is missing" in refused.stderr
    assert "nothing was imported" in refused.stderr
    assert not cli.sql("SELECT 1 FROM catalog_products WHERE product_id LIKE 'IPDC-%'")
    names = tmp_path / "organisaties.csv"
    names.write_text('ovo,naam\nOVO002514,"Departement Cultuur, Jeugd en Media"\n')
    page.write_text(json.dumps({"member": [RECORD, second]}))
    done = cli.cli("catalog", "import", str(page), "--format", "ipdc", "--publisher",
                   "catalog-vlaanderen", "--organisations", str(names))
    assert "Imported 2 products: 2 created" in done.stdout
    [(data,)] = cli.sql("SELECT data FROM catalog_products WHERE product_id = 'IPDC-1502'")
    stored = json.loads(data) if isinstance(data, str) else data
    assert stored["competentAuthority"]["ovo"] == ["OVO002514", "OVO000001"]
    assert "<script" not in json.dumps(stored) and "onerror" not in json.dumps(stored)
    assert stored["descriptionHtml"]["en"].startswith(
        "<p>You get support for <strong>every camp</strong>.</p>")
    # the same page again changes nothing
    again = cli.cli("catalog", "import", str(page), "--format", "ipdc", "--publisher",
                    "catalog-vlaanderen", "--organisations", str(names))
    assert "2 unchanged" in again.stdout
