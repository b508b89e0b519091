"""The catalog panel's chunk in-process: named in the site's script with its SRI hash, served
immutable, not part of the header + footer bundle; both panels carry the shared panel code;
labels for every language and every label the code asks for; the examples are API-shaped."""

from __future__ import annotations

import base64
import hashlib
import json
import re

from loket.catalog import codes
from loket.themes import LANGS, bundled_dir
from loket.widgets.examples import examples

ISSUER = "http://127.0.0.1:8000"
WIDGETS = bundled_dir("widgets")


def _chunks(script: str) -> dict[str, dict[str, str]]:
    config = re.search(r"LoketWidgets\.configure\((\{.*\}),\{", script, re.S)
    assert config is not None
    return dict(json.loads(config.group(1))["chunks"])


def test_site_script_names_the_chunk_served_immutable_with_its_sri(client) -> None:
    script = client.get("/widgets/v1/groenbeek/embed.js").get_data(as_text=True)
    chunks = _chunks(script)
    chunk = chunks["loket-catalog"]
    assert re.fullmatch(rf"{ISSUER}/widgets/v1/assets/loket-catalog\.[0-9a-f]{{16}}\.js",
                        chunk["url"])
    served = client.get(chunk["url"].removeprefix(ISSUER))
    assert served.status_code == 200 and served.mimetype == "text/javascript"
    assert "immutable" in served.headers["Cache-Control"]
    digest = base64.b64encode(hashlib.sha384(served.data).digest()).decode()
    assert chunk["integrity"] == f"sha384-{digest}"
    code = served.get_data(as_text=True)
    assert 'define("loket-catalog",LoketCatalog)' in code
    # The panel's code, labels and the shared panel base stay out of what every page loads.
    for absent in ("LoketCatalog", "Aanbod laden", "LoketPanel", "Alle gebieden"):
        assert absent not in script, absent
    # Each chunk carries the shared base (one source, shared/panel.js) and its CSS.
    dossiers = client.get(chunks["loket-dossiers"]["url"].removeprefix(ISSUER)).get_data(
        as_text=True)
    for text in (code, dossiers):
        assert "class LoketPanel extends LoketElement" in text
        assert 'CSS["panel"]=' in text
    preview = client.get("/themes/groenbeek/preview").get_data(as_text=True)
    assert chunk["url"] in preview.replace("\\u0026", "&")


def test_labels_cover_every_language_and_every_label_asked() -> None:
    strings = json.loads((WIDGETS / "catalog" / "strings.json").read_text())
    assert sorted(strings) == sorted(LANGS)
    keys = set(strings["nl"])
    for lang in LANGS:
        assert set(strings[lang]) == keys, lang
        assert all(text.strip() for text in strings[lang].values()), lang
    source = "".join((WIDGETS / path).read_text() for path in ("catalog/catalog.js",
                                                               "shared/panel.js"))
    asked = set(re.findall(r'\bt\("([A-Za-z]+(?:\.[A-Za-z]+)?)"', source))
    asked |= {f"group.{g}" for g in ("doelgroep", "thema", "type", "level")}
    shared = set(json.loads((WIDGETS / "shared" / "strings.json").read_text())["nl"])
    assert asked and asked <= keys | shared, asked - keys - shared


def test_examples_are_shaped_like_the_api() -> None:
    """The fixtures feed the preview and the axe runs: their products must be real products."""
    found = examples()["catalog"]
    assert [ex["name"] for ex in found][:3] == ["01-association", "02-anonymous", "03-citizen"]
    loaders = {ex["loader"] for ex in found}
    assert loaders == {"search", "pending", "error"}
    for example in found:
        for item in example.get("items", []):
            assert item["type"] in codes.codes("type"), (example["name"], item["id"])
            assert set(item["doelgroepen"]) <= set(codes.codes("doelgroep"))
            assert set(item["themas"]) <= set(codes.codes("thema"))
            assert item["competentAuthority"]["level"] in codes.codes("level")
            assert {"nl", "en"} <= set(item["title"]), item["id"]
        for lang, groups in example.get("labels", {}).items():
            assert lang in LANGS and set(groups) <= {"doelgroep", "thema", "type", "level"}
