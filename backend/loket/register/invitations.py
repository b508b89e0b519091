"""Representatives with their consent: a primary representative invites a person by INSZ and
e-mail; the invitation waits ("Wacht op antwoord") until that person signs in and accepts or
declines; only an accepted invitation makes a representative. Invitations expire and can be
withdrawn; each step is an event of the association, so it is versioned and audited like any
other change (see :mod:`loket.register.service`).

The personal data of an invitation, and of a removed representative in the change history, is
kept for the retention period only: :func:`prune` (``loket db prune``) empties it afterwards.
No Flask here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from loket.errors import NotFound
from loket.models import Association, AssociationEvent, Invitation, Person
from loket.register import changes, representatives, wording
from loket.register import validation as checks
from loket.register.changes import Actor, RecordConflict
from loket.register.validation import InvalidRecord, Problem

WAITING, ACCEPTED, DECLINED, WITHDRAWN, EXPIRED = (
    "WachtOpAntwoord", "Aanvaard", "Geweigerd", "Ingetrokken", "Verlopen")
# An invitation's state as people read it, in each language (a table's cell; lowered, in a
# sentence: "Deze uitnodiging is verlopen").
STATUS_TEXT = {WAITING: wording.gettext("Wacht op antwoord"), ACCEPTED: wording.gettext("Aanvaard"),
               DECLINED: wording.gettext("Geweigerd"), WITHDRAWN: wording.gettext("Ingetrokken"),
               EXPIRED: wording.gettext("Verlopen")}
DAY = 86400
FIELDS = ("insz", "email", "rol", "voornaam", "achternaam")


@dataclass(frozen=True)
class Policy:
    """How long an invitation waits, and how long personal data stays after it is done."""

    valid_days: int = 14
    retention_days: int = 365


def policy(config: Any) -> Policy:
    """The policy of an app's configuration (``LOKET_INVITATION_DAYS``, ``LOKET_RETENTION_DAYS``)."""
    return Policy(int(config.get("INVITATION_DAYS", 14)), int(config.get("RETENTION_DAYS", 365)))


def status(invitation: Invitation, now: int | None = None) -> str:
    """Its status now: a waiting invitation past its end has expired."""
    if invitation.status == WAITING and invitation.expires_at <= (now or int(time.time())):
        return EXPIRED
    return invitation.status


def invite(session: Session, assoc: Association, data: dict[str, Any], actor: Actor,
           by: Any, policy: Policy) -> Invitation:
    """A primary representative (``by``) invites the person ``data["insz"]``."""
    representatives.require_primary(by, wording.gettext("vertegenwoordigers uitnodigen"))
    problems = [Problem(str(k)[:60], wording.gettext("dit veld bestaat niet.")) for k in data
                if k not in FIELDS]
    out: dict[str, Any] = {}
    try:
        cleaned = checks.check_representative(
            {k: v for k, v in data.items() if k in ("insz", "voornaam", "achternaam", "rol",
                                                     "email")}, new=True)
        out = {k: cleaned[k] for k in ("insz", "voornaam", "achternaam", "rol", "email")}
    except InvalidRecord as exc:
        problems += exc.problems
    if not data.get("email") and not any(p.field == "email" for p in problems):
        problems.append(Problem("email", wording.gettext("vul het e-mailadres in waarop deze persoon "
                                                         "de uitnodiging krijgt.")))
    if problems:
        raise InvalidRecord(problems)
    person = session.scalar(select(Person).where(Person.insz == out["insz"]))
    if person is not None and any(r.person_id == person.id for r in assoc.representatives):
        raise RecordConflict("already_representative", "insz", wording.gettext(
            "Deze persoon is al vertegenwoordiger van deze vereniging."))
    now = int(time.time())
    pending = [i for i in session.scalars(select(Invitation).where(
        Invitation.association_id == assoc.id, Invitation.insz == out["insz"]))
        if status(i, now) == WAITING]
    if pending:
        raise RecordConflict("already_invited", "insz", wording.gettext(
            "Deze persoon is al uitgenodigd en heeft nog niet geantwoord."))
    invitation = Invitation(association_id=assoc.id, status=WAITING, invited_by=actor.actor,
                            created_at=now, expires_at=now + policy.valid_days * DAY, **out)
    session.add(invitation)
    session.flush()
    changes.record_event(session, assoc, "VertegenwoordigerWerdUitgenodigd",
                         {"uitnodigingId": invitation.id,
                          "vervalt": day(invitation.expires_at)}, actor)
    return invitation


def day(moment: int) -> str:
    """A moment as the date people read (``2026-12-15``, UTC)."""
    return time.strftime("%Y-%m-%d", time.gmtime(moment))


def find(session: Session, assoc: Association, invitation_id: int) -> Invitation:
    found = session.get(Invitation, invitation_id)
    if found is None or found.association_id != assoc.id:
        raise NotFound("not_found", wording.gettext("Deze vereniging heeft geen uitnodiging met "
                                                    "nummer %(number)s.", number=invitation_id))
    return found


def withdraw(session: Session, assoc: Association, invitation: Invitation, actor: Actor,
             by: Any) -> Invitation:
    """A primary representative withdraws an invitation that still waits."""
    representatives.require_primary(by, wording.gettext("uitnodigingen intrekken"))
    if status(invitation) != WAITING:
        raise RecordConflict("not_waiting", None, wording.gettext(
            "Deze uitnodiging is %(status)s: er valt niets in te trekken.",
            status=wording.lowered(STATUS_TEXT[status(invitation)])))
    invitation.status, invitation.answered_at = WITHDRAWN, int(time.time())
    changes.record_event(session, assoc, "UitnodigingWerdIngetrokken",
                         {"uitnodigingId": invitation.id}, actor)
    return invitation


def waiting_for(session: Session, person: Person) -> list[Invitation]:
    """The invitations that wait for ``person``'s answer, of active associations."""
    now = int(time.time())
    found = session.scalars(select(Invitation).join(Association).where(
        Invitation.insz == person.insz, Invitation.status == WAITING,
        Invitation.expires_at > now, Association.status == changes.ACTIVE)
        .order_by(Invitation.created_at))
    return list(found)


def invitation_of(session: Session, person: Person, invitation_id: int) -> Invitation:
    """An invitation addressed to ``person`` (404 for anyone else's: nothing is told)."""
    found = session.get(Invitation, invitation_id)
    if found is None or found.insz is None or found.insz != person.insz:
        raise NotFound("not_found", wording.gettext("Er is geen uitnodiging met nummer %(number)s "
                                                    "voor jou.", number=invitation_id))
    return found


def answer(session: Session, invitation: Invitation, person: Person, accept: bool,
           actor: Actor) -> Invitation:
    """The invited person accepts (becomes a representative, not primary) or declines. The
    association must be locked by the caller (:func:`changes.find` with ``lock``)."""
    now_status = status(invitation)
    if now_status != WAITING:
        raise RecordConflict("not_waiting", None, wording.gettext(
            "Deze uitnodiging is %(status)s; vraag een primaire vertegenwoordiger om een "
            "nieuwe.", status=wording.lowered(STATUS_TEXT[now_status])))
    assoc = invitation.association
    invitation.answered_at = int(time.time())
    if not accept:
        invitation.status = DECLINED
        changes.record_event(session, assoc, "UitnodigingWerdGeweigerd",
                             {"uitnodigingId": invitation.id}, actor)
        return invitation
    if any(r.person_id == person.id for r in assoc.representatives):
        raise RecordConflict("already_representative", None, wording.gettext(
            "Je bent al vertegenwoordiger van deze vereniging."))
    invitation.status = ACCEPTED
    changes.record_event(session, assoc, "UitnodigingWerdAanvaard",
                         {"uitnodigingId": invitation.id}, actor)
    representatives.add_representative(session, assoc, {
        "insz": person.insz, "rol": invitation.rol, "email": invitation.email,
        "isPrimair": False}, actor, None)
    return invitation


# ---- retention -----------------------------------------------------------------------------

PERSONAL_EVENT_FIELDS = ("persoon", "roepnaam", "rol", "email", "telefoon")


def prune(session: Session, policy: Policy, now: int | None = None) -> dict[str, int]:
    """Empty the personal data the register no longer needs: of invitations answered, withdrawn
    or expired more than ``retention_days`` ago, and, in the change history, of
    representatives removed that long ago. The events stay (what happened, when); who it was
    does not."""
    now = now or int(time.time())
    before = now - policy.retention_days * DAY
    invitations = 0
    for invitation in session.scalars(select(Invitation).where(
            Invitation.anonymised_at.is_(None),
            or_(and_(Invitation.status != WAITING, Invitation.answered_at <= before),
                and_(Invitation.status == WAITING, Invitation.expires_at <= before)))):
        invitation.insz = invitation.voornaam = invitation.achternaam = None
        invitation.email = invitation.rol = None
        invitation.anonymised_at = now
        invitations += 1
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(before))
    removed = {(e.association_id, (e.data or {}).get("vertegenwoordigerId"))
               for e in session.scalars(select(AssociationEvent).where(
                   AssociationEvent.type == "VertegenwoordigerWerdVerwijderd",
                   AssociationEvent.at <= cutoff))}
    events = 0
    if removed:
        for event in session.scalars(select(AssociationEvent).where(
                AssociationEvent.type.like("VertegenwoordigerWerd%"),
                AssociationEvent.association_id.in_({a for a, _ in removed}))):
            data = dict(event.data or {})
            if (event.association_id, data.get("vertegenwoordigerId")) not in removed \
                    or data.get("geanonimiseerd"):
                continue
            for key in PERSONAL_EVENT_FIELDS:
                if key in data:
                    data[key] = None
            if isinstance(data.get("gewijzigd"), dict):
                data["gewijzigd"] = {k: {"oud": None, "nieuw": None}
                                     if k in PERSONAL_EVENT_FIELDS else v
                                     for k, v in data["gewijzigd"].items()}
            data["geanonimiseerd"] = True
            event.data = data
            events += 1
    return {"invitations anonymised": invitations, "history entries anonymised": events}
