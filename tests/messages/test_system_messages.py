"""The messages Loket writes itself: renewal reminders 60 and 14 days ahead (once each,
whoever runs the job), and "actie nodig" when a dossier asks for action. In-process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from loket import timefmt
from support.catalog import bearer
from support.dossiers import dossier_body

JAN = "85073003328"
SCHAKEL, FC = "V0001002", "V0001001"


def day(offset: int) -> str:
    from loket.register import recognitions

    return (date.fromisoformat(recognitions.today()) + timedelta(days=offset)).isoformat()


def mine(session: Any, item: int, run: Callable[[], int]) -> int:
    """How many reminders of recognition ``item`` a run wrote (the demo has recognitions and
    reminders of its own)."""
    from loket.models import Message

    def count() -> int:
        return len(list(session.scalars(select(Message.id).where(
            Message.key.like(f"herinnering:{item}:%")))))

    before = count()
    run()
    return count() - before


def inbox(client: FlaskClient, token: str) -> list[dict]:
    answer = client.get("/api/v1/me/messages", headers=bearer(token))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return list(answer.get_json()["berichten"])


def test_a_recognition_renewing_in_14_days_gets_exactly_one_reminder(
        app: Flask, client: FlaskClient, gov_client: Callable[..., str],
        person_token: Callable[..., str]) -> None:
    from loket import db
    from loket.messages import system

    token = gov_client()
    made = client.post(f"/api/v1/exchange/associations/{SCHAKEL}/erkenningen",
                       headers=bearer(token), json={
                           "productnummer": "GX-ERKENNING", "startdatum": day(-351),
                           "einddatum": day(30), "hernieuwingsdatum": day(14),
                           "hernieuwingsUrl": "https://www.gx.example/hernieuwen"})
    assert made.status_code == 201, made.get_data(as_text=True)
    item = made.get_json()["erkenningId"]
    with db.database(app).sessions() as session:
        assert mine(session, item, lambda: system.remind_renewals(session, day(0))) == 1
        # a second run, or worker; the next day (the same stage)
        assert mine(session, item, lambda: system.remind_renewals(session, day(0))) == 0
        assert mine(session, item, lambda: system.remind_renewals(session, day(1))) == 0
    schakel = person_token(JAN, {"code": "VER", "identifier": SCHAKEL, "name": "De Schakel"},
                           scope="openid capacity messages")
    reminders = [m for m in inbox(client, schakel) if m["soort"] == "herinnering"
                 and m["afzender"] == "Gemeente Gx"]  # the demo's own reminder aside
    assert len(reminders) == 1
    reminder = reminders[0]
    assert reminder["link"] == "https://www.gx.example/hernieuwen"
    assert reminder["categorie"] == "erkenning" and reminder["afzender"] == "Gemeente Gx"
    assert reminder["product"]["productnummer"] == "GX-ERKENNING"
    assert (timefmt.calendar_day(day(14)) in reminder["tekst"]
            and timefmt.calendar_day(day(30)) in reminder["tekst"])
    fc = person_token(JAN, {"code": "VER", "identifier": FC, "name": "FC"},
                      scope="openid capacity messages")
    assert not [m for m in inbox(client, fc) if m["soort"] == "herinnering"]
    # the government sees its reminder among its own messages, with its figures
    own = client.get("/api/v1/messages", headers=bearer(token)).get_json()["berichten"]
    assert [(m["soort"], m["bereikt"]) for m in own] == [("herinnering", 1)]


def test_sixty_then_fourteen_days_ahead_then_expired(app: Flask, client: FlaskClient,
                                                     gov_client: Callable[..., str]) -> None:
    from loket import db
    from loket.messages import system
    from loket.models import Message, Recognition
    from loket.register import recognitions

    token = gov_client()
    made = client.post(f"/api/v1/exchange/associations/{SCHAKEL}/erkenningen",
                       headers=bearer(token), json={
                           "productnummer": "GX-ERKENNING", "startdatum": day(-300),
                           "einddatum": day(70), "hernieuwingsdatum": day(50)})
    item = made.get_json()["erkenningId"]
    with db.database(app).sessions() as session:
        def run(offset: int) -> int:
            return mine(session, item, lambda: system.remind_renewals(session, day(offset)))

        assert run(-20) == 0  # 70 days ahead: not yet
        assert run(0) == 1  # 50 ahead: the 60-day one
        assert run(36) == 1  # 14 ahead
        assert run(45) == 0
        assert run(51) == 0  # past the renewal date
        keys = sorted(session.scalars(select(Message.key).where(
            Message.key.like(f"herinnering:{item}:%"))))
        assert keys == [f"herinnering:{item}:14:{day(50)}", f"herinnering:{item}:60:{day(50)}"]
        recognitions.move_by_date(session, day(71))
        assert session.get(Recognition, item).status == "Verlopen"
        assert run(71) == 0


def test_a_dossier_asking_for_action_tells_its_agents_once_per_version(
        app: Flask, client: FlaskClient, gov_client: Callable[..., str],
        person_token: Callable[..., str]) -> None:
    back_office = gov_client("bo-gx", "Gemeente Gx", scopes=("dossiers:write",))
    url = "/api/v1/dossiers/bo-gx/GX-2026-001"
    body = dossier_body(link="https://www.gx.example/dossiers/1",
                        handler={"name": "Sofie", "website": "https://www.gx.example/"})
    assert client.put(url, headers=bearer(back_office), json=body).status_code == 201
    fc = person_token(JAN, {"code": "VER", "identifier": FC, "name": "FC"},
                      scope="openid capacity messages")
    asked = [m for m in inbox(client, fc) if m["soort"] == "dossier"
             and m["afzender"] == "Gemeente Gx"]
    assert len(asked) == 1
    assert asked[0]["categorie"] == "actie-nodig" and "Bezorg de ledenlijst." in asked[0]["tekst"]
    assert asked[0]["dossier"]["nummer"] == "GX-2026-001"
    # the same push again changes nothing and tells nobody again
    assert client.put(url, headers=bearer(back_office), json=body).status_code == 200
    assert len([m for m in inbox(client, fc) if m["soort"] == "dossier"
                and m["afzender"] == "Gemeente Gx"]) == 1
    # a push without action asks nothing
    done = dossier_body(link="https://www.gx.example/dossiers/1",
                        lastChange="2025-03-05T10:00:00+01:00",
                        handler={"name": "Sofie", "website": "https://www.gx.example/"},
                        status={"code": "InBehandeling", "phase": "Behandeling"})
    assert client.put(url, headers=bearer(back_office), json=done).status_code == 200
    assert len([m for m in inbox(client, fc) if m["soort"] == "dossier"
                and m["afzender"] == "Gemeente Gx"]) == 1


def test_loket_worker_runs_the_recognition_jobs(app: Flask, client: FlaskClient,
                                                gov_client: Callable[..., str]) -> None:
    from loket import db, worker
    from loket.models import Recognition

    token = gov_client()
    made = client.post(f"/api/v1/exchange/associations/{SCHAKEL}/erkenningen",
                       headers=bearer(token), json={
                           "productnummer": "GX-ERKENNING", "startdatum": day(-300),
                           "einddatum": day(60), "hernieuwingsdatum": day(10)})
    item = made.get_json()["erkenningId"]
    database = db.database(app)
    with database.transaction() as session:  # as if its start date had come while stored
        session.get(Recognition, item).status = "InAanvraag"
    jobs = {job.name: job for job in worker.jobs(app)}
    assert {"recognition-statuses", "recognition-reminders"} <= set(jobs)
    done = worker.Worker(database, [jobs["recognition-statuses"],
                                    jobs["recognition-reminders"]]).run_once()
    assert [(r.name, r.result, r.error) for r in done.jobs] == [
        ("recognition-statuses", 1, None), ("recognition-reminders", 1, None)]  # only ours
    with database.sessions() as session:
        assert session.get(Recognition, item).status == "Actief"
