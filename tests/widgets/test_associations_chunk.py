"""The association panel's chunk in-process: named in the site's script with its SRI hash, served
immutable, not part of the header + footer bundle, on the shared panel base; labels for every
language, activity code and association type; the examples shaped like the public API's
answers; the preview shows them."""

from __future__ import annotations

import base64
import hashlib
import json
import re

from loket import reference
from loket.register.validation import ASSOCIATION_TYPES
from loket.themes import LANGS, bundled_dir
from loket.widgets.examples import examples

ISSUER = "http://127.0.0.1:8000"
FOLDER = bundled_dir("widgets") / "associations"


def _chunks(script: str) -> dict[str, dict[str, str]]:
    config = re.search(r"LoketWidgets\.configure\((\{.*\}),\{", script, re.S)
    assert config is not None
    return dict(json.loads(config.group(1))["chunks"])


def test_site_script_names_the_chunk_served_immutable_with_its_sri(client) -> None:
    script = client.get("/widgets/v1/groenbeek/embed.js").get_data(as_text=True)
    chunk = _chunks(script)["loket-associations"]
    assert re.fullmatch(rf"{ISSUER}/widgets/v1/assets/loket-associations\.[0-9a-f]{{16}}\.js",
                        chunk["url"])
    served = client.get(chunk["url"].removeprefix(ISSUER))
    assert served.status_code == 200 and served.mimetype == "text/javascript"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.headers["Access-Control-Allow-Origin"] == "*"
    digest = base64.b64encode(hashlib.sha384(served.data).digest()).decode()
    assert chunk["integrity"] == f"sha384-{digest}"
    code = served.get_data(as_text=True)
    assert 'define("loket-associations",LoketAssociations)' in code
    assert "Zoek een vereniging in je buurt" in code and 'CSS["associations"]' in code
    # On the shared panel base, like the other panels (its own copy, with its CSS).
    assert "class LoketAssociations extends LoketPanel" in code
    assert "class LoketPanel extends LoketElement" in code and 'CSS["panel"]=' in code
    # Neither its code nor its labels weigh on every page; the dossier panel keeps its chunk.
    assert "LoketAssociations" not in script and "Zoek een vereniging" not in script
    assert "loket-dossiers" in _chunks(script)
    preview = client.get("/themes/groenbeek/preview").get_data(as_text=True)
    assert chunk["url"] in preview.replace("\\u0026", "&")
    assert "Verenigingen zoeken" in preview and "02-voetbal" in preview


def test_labels_cover_every_language_activity_and_type() -> None:
    strings = json.loads((FOLDER / "strings.json").read_text(encoding="utf-8"))
    assert sorted(strings) == sorted(LANGS)
    keys = set(strings["nl"])
    for lang in LANGS:
        assert keys <= set(strings[lang]), (lang, keys - set(strings[lang]))
        assert all(text.strip() for text in strings[lang].values()), lang
    # Dutch names come with the API's answer (the register's code list); the other languages
    # translate every code.
    activities = {f"act.{row['code']}" for row in reference.hoofdactiviteiten()}
    types = {f"type.{code}" for code in ASSOCIATION_TYPES}
    for lang in ("fr", "de", "en"):
        assert set(strings[lang]) == keys | activities | types, lang
    # The same placeholders in every language.
    for key in keys:
        wanted = sorted(re.findall(r"\{\w+\}", strings["nl"][key]))
        assert all(sorted(re.findall(r"\{\w+\}", strings[lang][key])) == wanted for lang in LANGS), key
    # The panel asks only for labels that exist (or the site's shared ones).
    source = (FOLDER / "associations.js").read_text(encoding="utf-8")
    asked = set(re.findall(r'\bt\("([A-Za-z]+)"', source))
    shared = set(json.loads((bundled_dir("widgets") / "shared" / "strings.json").read_text())["nl"])
    assert asked and asked <= keys | shared, asked - keys - shared


SUMMARY = {"vCode", "naam", "korteNaam", "roepnaam", "korteBeschrijving", "verenigingstype",
           "doelgroep", "hoofdactiviteiten", "werkingsgebieden", "links"}


def test_examples_are_shaped_like_the_public_api() -> None:
    found = examples()["associations"]
    assert [ex["name"] for ex in found] == sorted(ex["name"] for ex in found)
    assert len(found) >= 8 and all(ex["title"] for ex in found)
    for example in found:
        assert example["loader"] in ("register", "pending", "error"), example["name"]
        for item in example.get("associations", []):
            extra = set(item) - SUMMARY
            # Only the hostile example carries what a public answer must never hold, to show
            # that the panel does not show it.
            assert not extra or (example["name"] == "07-hostile"
                                 and extra == {"vertegenwoordigers"}), (example["name"], extra)
        for vcode, detail in example.get("details", {}).items():
            assert detail["vCode"] == vcode and "contactgegevens" in detail and "locaties" in detail
    texts = json.dumps([ex for ex in found if ex["name"] != "07-hostile"])
    assert "insz" not in texts and "vertegenwoordigers" not in texts
