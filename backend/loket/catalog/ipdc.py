"""IPDC (Flanders' interbestuurlijke producten- en dienstencatalogus, v3) product records as
Loket catalog records, for ``loket catalog import --format ipdc`` (docs/compatibility.md).

An IPDC record is JSON-LD compacted with the IPDC-LPDC context (docs/reference/ipdc-facts.md):
Dutch keys (``productnummer``, ``naam``, ``beschrijving``, ``bevoegdeOverheden``,
``geografischToepassingsgebieden``, …), language maps whose Dutch comes as ``nl`` and formal /
informal variants (``nl-BE-x-formal``, ``nl-BE-x-informal`` and their ``generated`` forms), codes
as bare names or concept URIs, organisations by OVO code, areas by NUTS/LAU code, and HTML in
the descriptions. :func:`to_loket` translates one record; the result then goes through
:func:`loket.catalog.validation.parse_product` like any record, so nothing is stored that the
catalog's own format would refuse. Descriptions keep their HTML only as
:func:`sanitise` leaves it (``descriptionHtml``), beside a plain-text form (``description``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import nh3

from loket.catalog import codes

# The HTML a description may keep: what real IPDC records use (p, lists, strong, h3, links,
# line breaks) and emphasis; links only to http(s) and mailto, opened as plain links.
ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "b", "i", "h3", "h4", "br", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
NUTS_BASE = "http://data.europa.eu/nuts/code/"
OVO = re.compile(r"(OVO[0-9]{6})$")
# Dutch variants in the order they are taken, per register (docs/compatibility.md)
DUTCH = {
    "informal": ("nl-BE-x-informal", "nl-BE-x-generated-informal", "nl", "nl-BE-x-formal",
                 "nl-BE-x-generated-formal"),
    "formal": ("nl-BE-x-formal", "nl-BE-x-generated-formal", "nl", "nl-BE-x-informal",
               "nl-BE-x-generated-informal"),
}
PREFIX = "IPDC-"


class NotAnIpdcRecord(ValueError):
    """A record this translation cannot read at all (no product number, not an object)."""


def sanitise(markup: str) -> str:
    """``markup`` reduced to the allowed tags and attributes (scripts, styles, event handlers
    and other URL schemes gone; links get ``rel="noopener noreferrer"``)."""
    return nh3.clean(markup, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer").strip()


_BLOCK_END = re.compile(r"</(p|h3|h4|ul|ol)>", re.IGNORECASE)
_LINE_END = re.compile(r"</li>|<br\s*/?>", re.IGNORECASE)
_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str) -> str:
    """What a reader reads of ``markup``: paragraphs (and headings, lists) apart by a blank
    line, list items as "• …" on lines of their own, no tags, entities decoded."""
    text = _ITEM.sub("• ", sanitise(markup))
    text = _LINE_END.sub("\n", _BLOCK_END.sub("\n\n", text))
    text = html.unescape(_TAG.sub("", text))
    blocks = []
    for block in re.split(r"\n\s*\n", text):
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in block.splitlines()]
        if any(lines):
            blocks.append("\n".join(line for line in lines if line))
    return "\n\n".join(blocks)


def _code(value: Any) -> str | None:
    """A code as IPDC gives it: a bare name or a concept URI (its last segment)."""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("id")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().rstrip("/").rsplit("/", 1)[-1]


def _codes(value: Any) -> list[str]:
    return [c for c in (_code(item) for item in _codes_raw(value)) if c]


def _language(value: Any, dutch: str, *, markup: bool = False) -> dict[str, str]:
    """A language map as Loket's ``{"nl", "en", "fr", "de"}``: Dutch from the chosen register
    (informal or formal, written before generated), the others as they are."""
    if isinstance(value, str):
        value = {"nl": value}
    if not isinstance(value, dict):
        return {}
    folded = {str(k).lower(): v for k, v in value.items() if isinstance(v, str) and v.strip()}
    out: dict[str, str] = {}
    for tag in DUTCH[dutch]:
        if tag.lower() in folded:
            out["nl"] = folded[tag.lower()]
            break
    for lang in codes.LANGUAGES:
        if lang != "nl" and lang in folded:
            out[lang] = folded[lang]
    return {k: (sanitise(v) if markup else plain_text(v)) for k, v in out.items()}


def _joined(parts: list[dict[str, str]], separator: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in parts:
        for lang, text in part.items():
            out[lang] = f"{out[lang]}{separator}{text}" if lang in out else text
    return out


def _items_text(items: Any, dutch: str) -> dict[str, str]:
    """Requirements, procedures or costs (IPDC: a list of {naam, beschrijving, order}) as one
    text per language, in their order."""
    if not isinstance(items, list):
        return {}
    ordered = sorted((i for i in items if isinstance(i, dict)),
                     key=lambda i: float(i.get("order") or 0))
    parts = []
    for item in ordered:
        name = _language(item.get("naam"), dutch)
        text = _language(item.get("beschrijving"), dutch)
        proof = item.get("bewijs") if isinstance(item.get("bewijs"), dict) else {}
        proof_text = _language(proof.get("beschrijving"), dutch) if proof else {}
        parts.append(_joined([p for p in (name, text, proof_text) if p], "\n"))
    return _joined(parts, "\n\n")


def _organisations(value: Any, names: Mapping[str, str]) -> tuple[list[str], str | None]:
    """The OVO codes of ``bevoegdeOverheden`` (``[{"id": "OVO002514"}]``, plain strings or
    organisation URIs) and their names as ``names`` gives them (the code otherwise)."""
    found = []
    for item in value if isinstance(value, list) else []:
        ref = _code(item) if not isinstance(item, str) else item
        match = OVO.search(ref or "")
        if match and match.group(1) not in found:
            found.append(match.group(1))
    if not found:
        return [], None
    return found, "; ".join(names.get(code, code) for code in found)


def _area(code: str) -> str:
    """A NUTS/LAU code (or URI); a NUTS3 code (``BE234``, an arrondissement) is taken as the
    province it lies in, which the werkingsgebieden list has."""
    bare = code[len(NUTS_BASE):] if code.startswith(NUTS_BASE) else code.rsplit("/", 1)[-1]
    return bare[:4] if re.fullmatch(r"BE[0-9]{3}", bare) else bare


def _date(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value) else None


def _contact(item: dict[str, Any], dutch: str) -> dict[str, Any]:
    point: dict[str, Any] = {k: item[theirs].strip() for k, theirs in (
        ("email", "email"), ("phone", "telefoonnummer"), ("url", "url"))
        if isinstance(item.get(theirs), str) and item[theirs].strip()}
    if isinstance(item.get("openingsuren"), str) and item["openingsuren"].strip():
        point["openingHours"] = {"nl": item["openingsuren"].strip()}
    address = item.get("adres")
    if isinstance(address, list):
        address = address[0] if address else None
    if isinstance(address, dict):
        street = _language(address.get("straatnaam"), dutch).get("nl")
        number = " bus ".join(str(address[k]) for k in ("huisnummer", "busnummer")
                              if address.get(k))
        place = _language(address.get("gemeentenaam"), dutch).get("nl")
        parts = {"street": street, "number": number or None,
                 "postcode": address.get("postcode"), "municipality": place}
        point["address"] = {k: v for k, v in parts.items() if v}
    return point


def product_id(record: Mapping[str, Any]) -> str:
    number = record.get("productnummer")
    if isinstance(number, (int, float)):
        number = str(int(number))
    if not isinstance(number, str) or not number.strip():
        raise NotAnIpdcRecord("productnummer is missing: every IPDC product has one")
    return PREFIX + re.sub(r"[^A-Za-z0-9._-]", "-", number.strip())[:90]


def to_loket(record: Any, *, dutch: str = "informal",
             organisations: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One IPDC record as a Loket catalog record (not yet validated)."""
    if not isinstance(record, dict):
        raise NotAnIpdcRecord("an IPDC record is a JSON object")
    names = organisations or {}
    description_parts = [_language(record.get(key), dutch, markup=True)
                         for key in ("beschrijving", "verdereBeschrijving", "uitzonderingen")]
    description_html = _joined([p for p in description_parts if p], "\n")
    out: dict[str, Any] = {
        "id": product_id(record),
        "title": _language(record.get("naam"), dutch),
        "description": {lang: plain_text(text) for lang, text in description_html.items()},
        "descriptionHtml": description_html,
        "type": _code(record.get("type")),
        "doelgroepen": _codes(record.get("doelgroepen")),
        "themas": _codes(record.get("themas")),
    }
    levels = _codes(record.get("bevoegdBestuursniveaus"))
    ovo, name = _organisations(record.get("bevoegdeOverheden"), names)
    out["competentAuthority"] = {k: v for k, v in (
        ("level", levels[0] if levels else None), ("name", name), ("ovo", ovo or None)) if v}
    executing = _codes(record.get("uitvoerendBestuursniveaus"))
    executing_ovo, executing_name = _organisations(record.get("uitvoerendeOverheden"), names)
    if executing:
        out["executingAuthority"] = {k: v for k, v in (
            ("level", executing[0]), ("name", executing_name), ("ovo", executing_ovo or None))
            if v}
    keywords = record.get("zoektermen")
    if isinstance(keywords, dict):
        merged: dict[str, list[str]] = {}
        for tag, words in keywords.items():
            lang = "nl" if str(tag).lower().startswith("nl") else str(tag).lower()
            if lang in codes.LANGUAGES and isinstance(words, list):
                merged.setdefault(lang, [])
                merged[lang] += [w for w in words if isinstance(w, str) and w not in merged[lang]]
        out["keywords"] = merged
    for theirs, ours in (("voorwaarden", "requirements"), ("procedures", "procedure"),
                         ("kosten", "costs")):
        text = _items_text(record.get(theirs), dutch)
        if text:
            out[ours] = text
    websites = [w for w in record.get("websites") or [] if isinstance(w, dict) and w.get("url")]
    if websites:
        out["websites"] = [{"url": w["url"], **({"title": t} if (t := _language(
            w.get("naam"), dutch)) else {})} for w in sorted(
            websites, key=lambda w: float(w.get("order") or 0))]
    contacts = [c for c in record.get("contactgegevens") or [] if isinstance(c, dict)]
    if contacts:
        out["contactPoints"] = [_contact(c, dutch) for c in contacts]
    out["spatialScope"] = list(dict.fromkeys(
        _area(c) for c in _codes_raw(record.get("geografischToepassingsgebieden"))))
    for theirs, ours in (("startDienstVerlening", "startDate"), ("eindeDienstVerlening",
                                                                 "endDate")):
        if _date(record.get(theirs)):
            out[ours] = _date(record.get(theirs))
    return {k: v for k, v in out.items() if v not in (None, {}, [])}


def _codes_raw(value: Any) -> list[str]:
    """Area codes as given (URIs kept whole: :func:`_area` reads them)."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    found = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("@id") or item.get("id")
        if isinstance(item, str) and item.strip():
            found.append(item.strip())
    return found


def records_of(document: Any) -> list[Any]:
    """The records of an IPDC document: one record, a list of them, or an LDES page
    (``{"member": [...]}``) as the concept-snapshot feed serves it."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("member"), list):
        return list(document["member"])
    if isinstance(document, dict):
        return [document]
    raise NotAnIpdcRecord("expected an IPDC record, a list of records or an LDES page "
                          "with 'member'")
