"""Publishing messages, fixing their audience, and reading them per capacity and person.

A message is published by a government client as itself (its organisation comes from its
registration, :mod:`loket.trust`) with a category, a title and a text per language (plain
text: shown escaped everywhere), an optional link (on one of the sender's origins), catalog
product or dossier of its own, a validity, and a target: a list of vCodes, INSZ or KBO numbers,
or a filter over the register (hoofdactiviteiten, werkingsgebieden, verenigingstypes, holds or
lacks a recognition). The audience is fixed when it is published: the filter is evaluated once,
by one ``INSERT … SELECT`` into :class:`~loket.models.MessageRecipient`, in the same
transaction as the message; a sender's ``sleutel`` makes publishing idempotent.

Reading is per capacity (the identifier of the capacity a person acts in) and per person:
each representative of an association reads and archives on their own. No Flask here.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from loket.errors import BadRequest, NotFound
from loket.identifiers import InvalidIdentifier, parse_insz, parse_kbo, parse_vcode
from loket.models import (
    Association,
    AssociationActivity,
    AssociationArea,
    CatalogProduct,
    Dossier,
    Locatie,
    Message,
    MessageRecipient,
    MessageState,
    Postcode,
    Recognition,
    Werkingsgebied,
)
from loket.models.base import table_of
from loket.models.messages import FOREVER
from loket.register import recognitions, wording
from loket.register.validation import Collector, is_http_url
from loket.trust import Binding

CATEGORIES = ("subsidie", "erkenning", "evenement", "info", "actie-nodig")
LANGUAGES = ("nl", "fr", "de", "en")
KIND_MESSAGE, KIND_REMINDER, KIND_DOSSIER = "bericht", "herinnering", "dossier"
LOKET = "loket"  # the sender of the messages Loket writes itself
MAX_TITLE, MAX_BODY = 200, 5000
MAX_LIST = 10_000  # identifiers in one list target
FIELDS = ("categorie", "titel", "tekst", "link", "productnummer", "dossier", "geldigVan",
          "geldigTot", "doelgroep", "sleutel")
TARGETS = ("verenigingen", "personen", "ondernemingen", "filter")
FILTER_FIELDS = ("hoofdactiviteiten", "werkingsgebieden", "verenigingstypes", "heeftErkenning",
                 "mistErkenning")


def _plain(value: Any, field: str, out: Collector, *, max_len: int, lines: bool) -> str | None:
    if not isinstance(value, str) or not value.strip():
        out.add(field, wording.gettext("vul een tekst in."))
        return None
    text = value.strip().replace("\r\n", "\n")
    if len(text) > max_len:
        out.add(field, wording.gettext("mag hoogstens %(max)s tekens lang zijn (nu %(now)s).",
                                       max=max_len, now=len(text)))
        return None
    allowed = "\n\t" if lines else ""
    if any((ord(ch) < 32 and ch not in allowed) or 0x7F <= ord(ch) <= 0x9F for ch in text):
        out.add(field, wording.gettext("bevat onzichtbare stuurtekens."))
        return None
    return text


def _per_language(value: Any, field: str, out: Collector, *, max_len: int,
                  lines: bool) -> dict[str, str]:
    """``{"nl": …, "fr": …}``: Dutch required, the other languages optional."""
    if isinstance(value, str):
        value = {"nl": value}
    if not isinstance(value, dict) or not value:
        out.add(field, wording.gettext("geef de tekst per taal, bv. {\"nl\": \"…\"}."))
        return {}
    result = {}
    for lang, text in value.items():
        if lang not in LANGUAGES:
            out.add(f"{field}.{str(lang)[:10]}", wording.gettext(
                "is geen taal van Loket (nl, fr, de, en)."))
            continue
        cleaned = _plain(text, f"{field}.{lang}", out, max_len=max_len, lines=lines)
        if cleaned is not None:
            result[lang] = cleaned
    if "nl" not in value:
        out.add(f"{field}.nl", wording.gettext("de Nederlandse tekst is verplicht."))
    return result


def _moment(value: Any, field: str, out: Collector) -> int | None:
    """A date (JJJJ-MM-DD: its start in Brussels) or an ISO 8601 time with offset."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            if len(value) == 10:
                parsed = datetime.fromisoformat(value).replace(tzinfo=recognitions.BRUSSELS)
            else:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                if parsed.tzinfo is None:
                    raise ValueError(value)
            if 1900 <= parsed.year <= 2200:
                return int(parsed.timestamp())
        except ValueError:
            pass
    out.add(field, wording.gettext(
        "schrijf een datum (JJJJ-MM-DD) of een tijdstip met tijdzone (bv. "
        "2026-03-01T09:00:00+01:00)."))
    return None


@dataclass(frozen=True)
class Target:
    """Who a message is for: a list of identifiers of one kind, or a filter over the register."""

    kind: str  # verenigingen | personen | ondernemingen | filter
    identifiers: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    holds: str | None = None
    lacks: str | None = None
    pairs: tuple[tuple[str, str], ...] = ()  # kind "agents": (identifier, VER|BUR|EA)
    described: dict[str, Any] | None = None  # kind "agents": what the target says

    def as_json(self) -> dict[str, Any]:
        if self.kind == "agents":
            return dict(self.described or {})
        if self.kind != "filter":
            return {self.kind: list(self.identifiers)}
        found: dict[str, Any] = {}
        for name, value in (("hoofdactiviteiten", self.activities),
                            ("werkingsgebieden", self.areas),
                            ("verenigingstypes", self.types), ("heeftErkenning", self.holds),
                            ("mistErkenning", self.lacks)):
            if value:
                found[name] = list(value) if isinstance(value, tuple) else value
        return {"filter": found}


_PARSERS = {"verenigingen": parse_vcode, "personen": parse_insz, "ondernemingen": parse_kbo}
RECIPIENT_KIND = {"verenigingen": "VER", "personen": "BUR", "ondernemingen": "EA"}


def _target(session: Session, value: Any, out: Collector) -> Target | None:
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in TARGETS:
        out.add("doelgroep", wording.gettext(
            "geef één doelgroep: verenigingen (vCodes), personen (INSZ), ondernemingen "
            "(KBO-nummers) of filter."))
        return None
    kind, given = next(iter(value.items()))
    if kind != "filter":
        if not isinstance(given, list) or not given or len(given) > MAX_LIST:
            out.add(f"doelgroep.{kind}", wording.gettext(
                "geef een lijst van 1 tot %(max)s nummers.", max=MAX_LIST))
            return None
        parsed: list[str] = []
        for i, raw in enumerate(given):
            try:
                parsed.append(_PARSERS[kind](raw if isinstance(raw, str) else ""))
            except InvalidIdentifier as exc:
                out.add(f"doelgroep.{kind}[{i}]", wording.lowered(exc.message))
                if len(out.problems) >= 10:
                    return None
        unique = tuple(dict.fromkeys(parsed))
        if kind == "verenigingen" and unique and not out.problems:
            active = set(session.scalars(select(Association.vcode).where(
                Association.vcode.in_(unique), Association.status == "Actief")))
            missing = [v for v in unique if v not in active]
            if missing:
                out.add("doelgroep.verenigingen", wording.gettext(
                    "geen actieve vereniging met vCode %(vcodes)s.",
                    vcodes=", ".join(missing[:10])))
        return Target(kind, unique)
    return _filter(session, given, out)


def _codes(value: Any, field: str, known: set[str], out: Collector) -> tuple[str, ...]:
    if value in (None, []):
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        out.add(field, wording.gettext("geef een lijst van codes."))
        return ()
    unknown = [v for v in value if v not in known]
    if unknown:
        out.add(field, wording.gettext("onbekende code %(code)s.", code=unknown[0][:40]))
    return tuple(dict.fromkeys(value))


def _filter(session: Session, given: Any, out: Collector) -> Target | None:
    if not isinstance(given, dict) or not given:
        out.add("doelgroep.filter", wording.gettext(
            "een filter heeft minstens één van %(fields)s.", fields=", ".join(FILTER_FIELDS)))
        return None
    for key in given:
        if key not in FILTER_FIELDS:
            out.add(f"doelgroep.filter.{str(key)[:40]}", wording.gettext("dit veld bestaat niet."))
    from loket.register import changes

    activities, areas = changes.known_codes(session)
    acts = _codes(given.get("hoofdactiviteiten"), "doelgroep.filter.hoofdactiviteiten",
                  activities, out)
    where = _codes(given.get("werkingsgebieden"), "doelgroep.filter.werkingsgebieden", areas,
                   out)
    types = _codes(given.get("verenigingstypes"), "doelgroep.filter.verenigingstypes",
                   {"FV", "VZW", "VZER"}, out)
    products: dict[str, str | None] = {}
    for name in ("heeftErkenning", "mistErkenning"):
        raw = given.get(name)
        if raw in (None, ""):
            products[name] = None
            continue
        found = session.scalar(select(CatalogProduct.product_id).where(
            CatalogProduct.product_key == str(raw).lower())) if isinstance(raw, str) else None
        if found is None:
            out.add(f"doelgroep.filter.{name}", wording.gettext(
                "%(product)s is geen product uit de catalogus.", product=str(raw)[:100]))
        products[name] = found
    return Target("filter", (), acts, where, types, products["heeftErkenning"],
                  products["mistErkenning"])


# ---- publishing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Published:
    message: Message
    created: bool  # False: the same sleutel was published before; this is that message


def check_and_publish(session: Session, binding: Binding, data: Mapping[str, Any], *,
                      now: int | None = None) -> Published:
    """Check a government's message and publish it with its audience, in the session's
    transaction (the caller commits); every problem at once, nothing written on one."""
    out = Collector()
    for key in data:
        if key not in FIELDS:
            out.add(str(key)[:60], wording.gettext("dit veld bestaat niet."))
    category = data.get("categorie")
    if category not in CATEGORIES:
        out.add("categorie", wording.gettext("kies een van %(categories)s.",
                                             categories=", ".join(CATEGORIES)))
    title = _per_language(data.get("titel"), "titel", out, max_len=MAX_TITLE, lines=False)
    body = _per_language(data.get("tekst"), "tekst", out, max_len=MAX_BODY, lines=True)
    link = data.get("link")
    if link not in (None, ""):
        if not isinstance(link, str) or len(link) > 2000 or not is_http_url(link):
            out.add("link", wording.gettext(
                "moet een volledige http- of https-link zijn (bv. https://www.gemeente.be/…)."))
        elif binding.link_problem(link):
            out.add("link", wording.gettext(
                "moet op een van de websites liggen die voor deze client geregistreerd zijn "
                "(%(origins)s).", origins=", ".join(binding.origins) or "—"))
    else:
        link = None
    product_id = None
    if data.get("productnummer") not in (None, ""):
        raw = data.get("productnummer")
        product_id = session.scalar(select(CatalogProduct.product_id).where(
            CatalogProduct.product_key == str(raw).lower())) if isinstance(raw, str) else None
        if product_id is None:
            out.add("productnummer", wording.gettext(
                "%(product)s is geen product uit de catalogus.", product=str(raw)[:100]))
    dossier_id = None
    if data.get("dossier") not in (None, ""):
        number = data.get("dossier")
        dossier_id = session.scalar(select(Dossier.id).where(
            Dossier.source == binding.client_id, Dossier.number == number)) \
            if isinstance(number, str) else None
        if dossier_id is None:
            out.add("dossier", wording.gettext(
                "deze client heeft geen dossier met nummer %(number)s.", number=str(number)[:100]))
    now = now if now is not None else int(time.time())
    valid_from = _moment(data.get("geldigVan"), "geldigVan", out) or now
    valid_until = _moment(data.get("geldigTot"), "geldigTot", out)
    if valid_until is not None and valid_until <= max(valid_from, now):
        out.add("geldigTot", wording.gettext("ligt niet na geldigVan en nu."))
    sleutel = data.get("sleutel")
    if sleutel is not None and (not isinstance(sleutel, str) or not 1 <= len(sleutel) <= 200
                                or not sleutel.isprintable()):
        out.add("sleutel", wording.gettext("is 1 tot 200 gewone tekens."))
    target = _target(session, data.get("doelgroep"), out)
    out.done()
    assert target is not None and isinstance(category, str)
    return publish(session, sender=binding.client_id, organisation=binding.organisation,
                   kind=KIND_MESSAGE, category=category, title=title, body=body, link=link,
                   product_id=product_id, dossier_id=dossier_id, valid_from=valid_from,
                   valid_until=valid_until, target=target, key=sleutel, now=now)


def publish(session: Session, *, sender: str, organisation: str, kind: str, category: str,
            title: dict[str, str], body: dict[str, str], target: Target,
            link: str | None = None, product_id: str | None = None,
            dossier_id: int | None = None, valid_from: int | None = None,
            valid_until: int | None = None, key: str | None = None,
            now: int | None = None) -> Published:
    """Store a (checked) message and fix its audience. With a ``key`` the sender used before,
    the earlier message is answered instead (two racing publishers: the unique constraint
    keeps one; the caller's commit fails for the other, who may ask again)."""
    now = now if now is not None else int(time.time())
    key = key or uuid.uuid4().hex
    earlier = session.scalar(select(Message).where(Message.sender == sender, Message.key == key))
    if earlier is not None:
        return Published(earlier, False)
    message = Message(sender=sender, organisation=organisation, kind=kind, category=category,
                      title=title, body=body, link=link, product_id=product_id,
                      dossier_id=dossier_id, valid_from=valid_from or now,
                      valid_until=valid_until or FOREVER, target=target.as_json(), audience=0,
                      key=key, created_at=now)
    session.add(message)
    session.flush()
    message.audience = _fix_audience(session, message, target)
    return Published(message, True)


def _active_with(target: Target) -> Any:
    """The vCodes of the active associations a filter selects."""
    query = select(Association.vcode).where(Association.status == "Actief")
    if target.activities:
        query = query.where(exists().where(
            AssociationActivity.association_id == Association.id,
            AssociationActivity.code.in_(target.activities)))
    if target.areas:
        municipalities = select(Werkingsgebied.code).where(or_(
            Werkingsgebied.code.in_(target.areas), Werkingsgebied.provincie.in_(target.areas)))
        in_area = exists().where(AssociationArea.association_id == Association.id,
                                 AssociationArea.code.in_(municipalities))
        located = exists().where(
            Locatie.association_id == Association.id,
            Locatie.postcode.in_(select(Postcode.postcode).where(
                Postcode.werkingsgebied.in_(municipalities))))
        query = query.where(or_(in_area, located))
    if target.types:
        query = query.where(Association.verenigingstype.in_(target.types))
    for product, wanted in ((target.holds, True), (target.lacks, False)):
        if product:
            held = exists().where(Recognition.association_id == Association.id,
                                  Recognition.product_key == product.lower(),
                                  Recognition.status == recognitions.ACTIEF)
            query = query.where(held if wanted else ~held)
    return query


def _fix_audience(session: Session, message: Message, target: Target) -> int:
    table = table_of(MessageRecipient)
    columns = ["message_id", "identifier", "kind", "valid_from", "valid_until"]
    if target.kind == "filter":
        vcodes = _active_with(target).subquery()
        source = select(literal(message.id), vcodes.c.vcode, literal("VER"),
                        literal(message.valid_from), literal(message.valid_until))
        session.execute(insert(table).from_select(columns, source))
    elif target.pairs:
        session.execute(insert(table), [
            {"message_id": message.id, "identifier": identifier, "kind": kind,
             "valid_from": message.valid_from, "valid_until": message.valid_until}
            for identifier, kind in dict(target.pairs).items()])
    elif target.identifiers:
        kind = RECIPIENT_KIND[target.kind]
        session.execute(insert(table), [
            {"message_id": message.id, "identifier": identifier, "kind": kind,
             "valid_from": message.valid_from, "valid_until": message.valid_until}
            for identifier in target.identifiers])
    return int(session.scalar(select(func.count()).select_from(table).where(
        table.c.message_id == message.id)) or 0)


# ---- reading ---------------------------------------------------------------------------------

def _current(identifier: str, now: int) -> Any:
    return and_(MessageRecipient.identifier == identifier, MessageRecipient.valid_from <= now,
                MessageRecipient.valid_until > now)


def unread_count(session: Session, identifier: str, person_sub: str,
                 now: int | None = None) -> int:
    """How many current messages of the capacity this person has neither read nor archived."""
    now = now if now is not None else int(time.time())
    seen = exists().where(MessageState.message_id == MessageRecipient.message_id,
                          MessageState.identifier == MessageRecipient.identifier,
                          MessageState.person_sub == person_sub,
                          MessageState.read_at.is_not(None))
    return int(session.scalar(select(func.count()).select_from(MessageRecipient).where(
        _current(identifier, now), ~seen)) or 0)


@dataclass(frozen=True)
class Page:
    items: list[tuple[Message, int | None, int | None]]  # message, read_at, archived_at
    total: int
    unread: int


def page_for(session: Session, identifier: str, person_sub: str, *, archived: bool = False,
             limit: int = 20, offset: int = 0, now: int | None = None) -> Page:
    """The capacity's current messages for this person: unread first, then newest first;
    the archived ones apart (``archived``)."""
    now = now if now is not None else int(time.time())
    state = and_(MessageState.message_id == MessageRecipient.message_id,
                 MessageState.identifier == MessageRecipient.identifier,
                 MessageState.person_sub == person_sub)
    base = (select(Message, MessageState.read_at, MessageState.archived_at)
            .select_from(MessageRecipient)
            .join(Message, Message.id == MessageRecipient.message_id)
            .outerjoin(MessageState, state)
            .where(_current(identifier, now),
                   MessageState.archived_at.is_not(None) if archived
                   else MessageState.archived_at.is_(None)))
    rows = session.execute(base.order_by(
        MessageState.read_at.is_not(None), MessageRecipient.valid_from.desc(),
        MessageRecipient.message_id.desc()).limit(limit).offset(offset)).all()
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    return Page([(row[0], row[1], row[2]) for row in rows], total,
                unread_count(session, identifier, person_sub, now))


def received(session: Session, message_id: int, identifier: str,
             now: int | None = None) -> Message:
    """The message, when this capacity got it and it is current; else :class:`NotFound`."""
    now = now if now is not None else int(time.time())
    found = session.scalar(select(Message).join(
        MessageRecipient, MessageRecipient.message_id == Message.id).where(
        Message.id == message_id, _current(identifier, now)))
    if found is None:
        raise NotFound("not_found", wording.gettext("Er is geen bericht %(id)s voor jou.",
                                                    id=message_id))
    return found


def mark(session: Session, message_id: int, identifier: str, person_sub: str, *,
         read: bool | None = None, archived: bool | None = None,
         now: int | None = None) -> tuple[int | None, int | None]:
    """Set (or undo) read and archived for one person; archiving reads it too. Idempotent:
    an upsert on the state's key, so two tabs marking at once agree."""
    now = now if now is not None else int(time.time())
    received(session, message_id, identifier, now)
    state = session.get(MessageState, (message_id, identifier, person_sub), with_for_update=True)
    if state is None:
        values = {"message_id": message_id, "identifier": identifier, "person_sub": person_sub,
                  "read_at": None, "archived_at": None}
        dialect = session.get_bind().dialect.name
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(make(table_of(MessageState)).values(**values).on_conflict_do_nothing())
        state = session.get(MessageState, (message_id, identifier, person_sub),
                            with_for_update=True, populate_existing=True)
        assert state is not None
    if read is not None:
        state.read_at = (state.read_at or now) if read else None
    if archived is not None:
        state.archived_at = (state.archived_at or now) if archived else None
        if archived:
            state.read_at = state.read_at or now
    if state.read_at is None:
        state.archived_at = None  # unread is never archived
    return state.read_at, state.archived_at


def text_in(texts: Mapping[str, str], lang: str) -> tuple[str, str]:
    """The text in ``lang`` or else Dutch, and the language it is in."""
    if lang in texts:
        return texts[lang], lang
    return texts.get("nl", next(iter(texts.values()), "")), "nl"


def figures(session: Session, messages: Iterable[Message]) -> dict[int, dict[str, int]]:
    """Per message: how many capacities it reached, and how many of them read it."""
    ids = [m.id for m in messages]
    if not ids:
        return {}
    read: dict[int, int] = {int(row[0]): int(row[1]) for row in session.execute(
        select(MessageState.message_id, func.count(func.distinct(MessageState.identifier)))
        .where(MessageState.message_id.in_(ids), MessageState.read_at.is_not(None))
        .group_by(MessageState.message_id))}
    return {m.id: {"bereikt": m.audience, "gelezen": int(read.get(m.id, 0))} for m in messages}


def own(session: Session, sender: str, message_id: int) -> Message:
    found = session.get(Message, message_id)
    if found is None or found.sender != sender:
        raise NotFound("not_found", wording.gettext(
            "Deze client verstuurde geen bericht %(id)s.", id=message_id))
    return found


def iso(seconds: int | None) -> str | None:
    if seconds is None or seconds >= FOREVER:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")


def bad_parameter(text: Any) -> BadRequest:
    return BadRequest("invalid_parameter", text)
