"""The dossier panel's chunk in-process: named in the site's script with its SRI hash, served
immutable, not part of the header + footer bundle; labels for every language, phase and status
code the dossier API accepts."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from loket.dossiers.validation import PHASES, STATUS_CODES
from loket.themes import LANGS, bundled_dir

ISSUER = "http://127.0.0.1:8000"


def _chunks(script: str) -> dict[str, dict[str, str]]:
    config = re.search(r"LoketWidgets\.configure\((\{.*\}),\{", script, re.S)
    assert config is not None
    return dict(json.loads(config.group(1))["chunks"])


def test_site_script_names_the_chunk_served_immutable_with_its_sri(client) -> None:
    script = client.get("/widgets/v1/groenbeek/embed.js").get_data(as_text=True)
    chunk = _chunks(script)["loket-dossiers"]
    assert re.fullmatch(rf"{ISSUER}/widgets/v1/assets/loket-dossiers\.[0-9a-f]{{16}}\.js",
                        chunk["url"])
    served = client.get(chunk["url"].removeprefix(ISSUER))
    assert served.status_code == 200 and served.mimetype == "text/javascript"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.headers["Access-Control-Allow-Origin"] == "*"  # SRI with crossorigin
    digest = base64.b64encode(hashlib.sha384(served.data).digest()).decode()
    assert chunk["integrity"] == f"sha384-{digest}"
    code = served.get_data(as_text=True)
    assert 'define("loket-dossiers",LoketDossiers)' in code
    # The panel's code and labels stay out of what every page loads.
    assert "LoketDossiers" not in script and "Dossiers laden" not in script
    assert client.get("/widgets/v1/assets/loket-dossiers.0000000000000000.js").status_code == 404
    preview = client.get("/themes/groenbeek/preview").get_data(as_text=True)
    assert chunk["url"] in preview.replace("\\u0026", "&")


def test_labels_cover_every_language_phase_and_status_code() -> None:
    strings = json.loads((bundled_dir("widgets") / "dossiers" / "strings.json").read_text())
    assert sorted(strings) == sorted(LANGS)
    keys = set(strings["nl"])
    for lang in LANGS:
        assert set(strings[lang]) == keys, lang
        assert all(text.strip() for text in strings[lang].values()), lang
    assert {f"phase.{p}" for p in PHASES} | {f"code.{c}" for c in STATUS_CODES} <= keys
    # The panel asks only for labels that exist (or the site's shared ones, like "login").
    source = (bundled_dir("widgets") / "dossiers" / "dossiers.js").read_text()
    asked = set(re.findall(r'\bt\("([A-Za-z]+)"', source))
    shared = set(json.loads((bundled_dir("widgets") / "shared" / "strings.json").read_text())["nl"])
    assert asked and asked <= keys | shared, asked - keys - shared


@pytest.mark.parametrize("panel", ["dossiers", "catalog", "associations", "messages"])
def test_no_panel_label_is_shadowed_by_a_shared_one(panel: str) -> None:
    """A panel's label under a key the shared strings also have is never shown (the shared one
    wins): the dossier progress once said "huidige keuze" (the header's "current choice") for
    its current phase. Such a key must mean the same in every language."""
    shared = json.loads((bundled_dir("widgets") / "shared" / "strings.json").read_text())
    own = json.loads((bundled_dir("widgets") / panel / "strings.json").read_text())
    for lang in LANGS:
        clash = {k: (own[lang][k], shared[lang][k]) for k in set(own[lang]) & set(shared[lang])
                 if own[lang][k] != shared[lang][k]}
        assert clash == {}, (lang, clash)
