"""Demo dossiers (contract §7) and generated bulk dossiers (`loket seed-demo --dossiers N`)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text

from loket import db, seed
from loket.dossiers import bulk, store
from loket.identifiers import parse_insz, parse_kbo, parse_vcode
from loket.models import Client, Dossier, DossierAgent, DossierStatusChange
from support.servers import LOKET, postgres_available, postgres_database


def test_v0001001_has_an_open_dossier_with_action_at_groenbeek_and_a_closed_one(app) -> None:
    with db.database(app).read_sessions() as session:
        page = store.page_for(session, "V0001001", limit=100)
    rows = [d for d, _ in page.items]
    assert any(d.source == "groenbeek-backoffice" and d.action_required and d.phase != "Afgerond"
               for d in rows)
    assert any(d.phase == "Afgerond" for d in rows)
    sources = {d.source for d, _ in page.items}
    assert sources == {"groenbeek-backoffice", "vlaanderen-vrijetijd"}
    with db.database(app).read_sessions() as session:
        phases = set(session.scalars(select(Dossier.phase)))
        names = dict(session.execute(select(Client.id, Client.name)
                                     .where(Client.id.like("%-backoffice"))).all())
    assert phases == {"Samenstelling", "Behandeling", "Beslissing", "Beroep", "Uitvoering",
                      "Afgerond"}
    assert names == {"groenbeek-backoffice": "Gemeente Groenbeek",
                     "rivierstede-backoffice": "Stad Rivierstede"}


def test_seeding_again_changes_nothing(app: Flask, tmp_path: Path) -> None:
    database = db.database(app)
    secrets_file = tmp_path / "instance" / "demo-backoffices.json"
    first = json.loads(secrets_file.read_text())
    with database.read_sessions() as session:
        before = session.execute(select(Dossier.number, Dossier.version, Dossier.last_change)
                                 .order_by(Dossier.number)).all()
        history = session.scalar(select(func.count()).select_from(DossierStatusChange))
    with database.transaction() as session:
        seed.seed_demo(session, tmp_path / "instance", allow_http_anywhere=True)
    with database.read_sessions() as session:
        after = session.execute(select(Dossier.number, Dossier.version, Dossier.last_change)
                                .order_by(Dossier.number)).all()
        assert session.scalar(select(func.count()).select_from(DossierStatusChange)) == history
        backoffice = session.get(Client, "groenbeek-backoffice")
    assert after == before and len(after) == 13
    assert json.loads(secrets_file.read_text()) == first
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    assert backoffice is not None
    # (a municipality's back office also prefills its e-loket's forms from the register)
    assert (backoffice.grant_types, backoffice.scopes) == (
        ["client_credentials"], ["dossiers:write", "associations:exchange"])


def test_generated_dossiers_are_consistent_and_numbering_continues(app: Flask) -> None:
    database = db.database(app)
    assert bulk.add(database, 2500, now=db.now()) == 2500
    assert bulk.add(database, 600, now=db.now()) == 600
    with database.read_sessions() as session:
        generated = session.scalar(select(func.count()).select_from(Dossier)
                                   .where(Dossier.number.like("GEN-%")))
        numbers = set(session.scalars(select(Dossier.number)))
        agents = session.execute(
            select(DossierAgent.identifier, DossierAgent.kind, DossierAgent.sort_rank,
                   Dossier.phase, Dossier.action_required, DossierAgent.last_change,
                   Dossier.last_change)
            .join(Dossier, Dossier.id == DossierAgent.dossier_id)).all()
        without_agent = session.scalar(
            select(func.count()).select_from(Dossier)
            .where(~Dossier.id.in_(select(DossierAgent.dossier_id))))
        without_history = session.scalar(
            select(func.count()).select_from(Dossier)
            .where(~Dossier.id.in_(select(DossierStatusChange.dossier_id))))
        top = store.page_for(session, "V0001001", limit=1).items[0][0].number
        club_total = store.counts_for(session, "V0001001")["total"]
    assert generated == 3100 and {"GEN-00000001", "GEN-00003100"} <= numbers
    assert without_agent == 0 and without_history == 0
    parse = {"vCode": parse_vcode, "KBO": parse_kbo, "INSZ": parse_insz}
    for identifier, kind, rank, phase, action, agent_change, change in agents:
        assert parse[kind](identifier) == identifier
        assert rank == store.sort_rank(phase == "Afgerond", action)
        assert agent_change == change
    assert top == "GB-2025-0142"  # the demo's own stay on top
    assert club_total == 5 + 3  # GEN 1000, 2000, 3000 went to FC Groenbeek


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_seed_demo_cli_adds_generated_dossiers(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql" and not postgres_available():
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")

    def run(url: str) -> None:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("LOKET_")},
               "LOKET_DATABASE_URL": url, "LOKET_INSTANCE_PATH": str(tmp_path / "instance"),
               "LOKET_SECRET_KEY": "seed-test-secret-0123456789abcdefghij"}
        for args in (["db", "upgrade"], ["seed-demo", "--dossiers", "12000"],
                     ["seed-demo", "--dossiers", "500"]):
            done = subprocess.run([LOKET, *args], env=env, capture_output=True, text=True,
                                  timeout=300)
            assert done.returncode == 0, done.stderr
        assert "dossiers" in done.stderr  # the progress bar
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            with engine.connect() as conn:
                count = conn.execute(text("SELECT count(*) FROM dossiers")).scalar()
                bad = conn.execute(text(
                    "SELECT count(*) FROM dossier_agents a JOIN dossiers d ON d.id = a.dossier_id "
                    "WHERE a.last_change <> d.last_change")).scalar()
                if backend == "postgresql":
                    # The sequence moved past the ids COPY used: the API can insert after it.
                    seq = conn.execute(text(
                        "SELECT last_value FROM dossiers_id_seq")).scalar()
                    assert seq >= conn.execute(text("SELECT max(id) FROM dossiers")).scalar()
        finally:
            engine.dispose()
        assert count == 13 + 12500 and bad == 0

    if backend == "postgresql":
        with postgres_database() as url:
            run(url)
    else:
        run(f"sqlite:///{tmp_path / 'seed.sqlite'}")
