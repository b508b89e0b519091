"""Helpers for the register tests: throwaway associations and people written straight into a
live provider's database (through the register's own code, so they are versioned like any
other), tokens for representatives and for government clients."""

from __future__ import annotations

import random
import uuid
from typing import Any

import requests

from support.agent import Agent
from support.oidc import full_flow
from support.servers import Provider

HOSTILE = "<img src=x onerror=alert(1)>"


def fresh_insz() -> str:
    """A valid INSZ that no demo or bulk person has (serials 100-499, random birth dates)."""
    from loket.identifiers import make_insz

    rng = random.Random(uuid.uuid4().int)
    birth = f"{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    return make_insz(birth, rng.randint(100, 499))


def word() -> str:
    """A made-up word no other association uses, for searches that must find only ours."""
    return "zq" + uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))


def _database(provider: Provider) -> Any:
    from loket.db import Database

    return Database(provider.database_url)


def make_association(provider: Provider, reps: list[tuple[str, bool]] | None = None,
                     **fields: Any) -> dict[str, Any]:
    """Register an association (and its representatives: (insz, primary)) in the provider's
    database; returns its vCode and the representatives' ids."""
    from loket.register import changes, representatives

    data = {"naam": f"Testvereniging {word()}", "verenigingstype": "FV",
            "hoofdactiviteiten": ["SPRT"], "werkingsgebieden": ["BE23999001"], **fields}
    status = data.pop("status", None)
    opt_out = data.pop("opt_out", None)
    database = _database(provider)
    try:
        with database.transaction() as session:
            assoc = changes.register(session, data, changes.SYSTEM)
            rep_ids = []
            for n, (insz, primary) in enumerate(reps or []):
                rep = representatives.add_representative(session, assoc, {
                    "insz": insz, "voornaam": f"Test{n}", "achternaam": "Vertegenwoordiger",
                    "isPrimair": primary, "email": f"rep{n}.{insz}@example.org",
                    "telefoon": f"+32 470 {insz[-6:-4]} {insz[-4:-2]} {insz[-2:]}",
                }, changes.SYSTEM, None)
                rep_ids.append(rep.id)
            if status:
                assoc.status = status
            if opt_out is not None:
                assoc.opt_out = opt_out
            session.flush()
            return {"vcode": assoc.vcode, "reps": rep_ids, "naam": assoc.naam}
    finally:
        database.dispose()


def add_person(provider: Provider, insz: str, given: str = "Testpersoon",
               family: str = "Zonder Vereniging") -> None:
    from loket import db
    from loket.models import Person

    database = _database(provider)
    try:
        with database.transaction() as session:
            session.add(Person(insz=insz, given_name=given, family_name=family,
                               created_at=db.now()))
    finally:
        database.dispose()


def user_token(provider: Provider, rp: Any, insz: str, capacity: str | None) -> str:
    """An access token of ``insz`` acting in ``capacity`` (``VER:V…``), through ``rp``."""
    agent = Agent(provider.url)
    try:
        result = full_flow(provider, rp, agent, insz, capacity=capacity,
                           scope="openid profile capacity associations privacy")
        return str(result["tokens"]["access_token"])
    finally:
        agent.http.close()


def client_token(provider: Provider, client_id: str, secret: str, scope: str) -> str:
    response = requests.post(f"{provider.url}/oidc/token", auth=(client_id, secret),
                             data={"grant_type": "client_credentials", "scope": scope},
                             timeout=15)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


_AUDIT_COLUMNS = ("seq", "actor", "capacity", "client_id", "resource", "operation", "outcome",
                  "reason", "subject")


def audit_rows(provider: Provider, since: int, **where: str) -> list[dict[str, Any]]:
    """Audit entries after ``since`` whose columns equal ``where``."""
    rows = provider.sql(f"SELECT {', '.join(_AUDIT_COLUMNS)} FROM audit_log "  # noqa: S608
                        "WHERE seq > :since ORDER BY seq", {"since": since})
    found = [dict(r._mapping) for r in rows]
    return [r for r in found if all(r[k] == v for k, v in where.items())]


def last_audit_seq(provider: Provider) -> int:
    return int(provider.sql("SELECT COALESCE(MAX(seq), 0) FROM audit_log")[0][0])


def person_sub(provider: Provider, insz: str) -> str:
    return str(provider.sql("SELECT sub FROM persons WHERE insz = :i", {"i": insz})[0][0])
