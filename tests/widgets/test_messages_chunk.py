"""The messages panel's chunk in-process: named in the site's script with its SRI hash, served
immutable, kept out of the header's bundle; labels for every language and every category the
messages API accepts; the panel asks only for labels that exist."""

from __future__ import annotations

import json
import re

from loket.messages.store import CATEGORIES
from loket.themes import LANGS, bundled_dir

ISSUER = "http://127.0.0.1:8000"


def test_site_script_names_the_chunk_and_the_bundle_carries_none_of_it(client) -> None:
    script = client.get("/widgets/v1/groenbeek/embed.js").get_data(as_text=True)
    config = re.search(r"LoketWidgets\.configure\((\{.*\}),\{", script, re.S)
    assert config is not None
    chunk = json.loads(config.group(1))["chunks"]["loket-messages"]
    assert re.fullmatch(rf"{ISSUER}/widgets/v1/assets/loket-messages\.[0-9a-f]{{16}}\.js",
                        chunk["url"])
    assert chunk["integrity"].startswith("sha384-")
    served = client.get(chunk["url"].removeprefix(ISSUER))
    assert served.status_code == 200 and "immutable" in served.headers["Cache-Control"]
    assert 'define("loket-messages",LoketMessages)' in served.get_data(as_text=True)
    assert "LoketMessages" not in script and "Berichten laden" not in script
    theme = client.get("/themes/groenbeek/theme.css").get_data(as_text=True)
    assert "loket-messages" in theme


def test_labels_cover_every_language_and_category() -> None:
    folder = bundled_dir("widgets")
    strings = json.loads((folder / "messages" / "strings.json").read_text())
    assert sorted(strings) == sorted(LANGS)
    keys = set(strings["nl"])
    for lang in LANGS:
        assert set(strings[lang]) == keys, lang
        assert all(text.strip() for text in strings[lang].values()), lang
    assert {f"cat.{c}" for c in CATEGORIES} <= keys
    source = (folder / "messages" / "messages.js").read_text()
    asked = set(re.findall(r'\bt\("([A-Za-z]+)"', source))
    asked |= set(re.findall(r'"(marked[A-Za-z]+|archived|unarchived)"', source))
    shared = set(json.loads((folder / "shared" / "strings.json").read_text())["nl"])
    assert asked and asked <= keys | shared, asked - keys - shared
