"""Messages by e-mail: opt-in per representative per category, at once or as a daily digest,
through the durable outbox to a real SMTP server (aiosmtpd) started here; each mail once,
however often the jobs run; a one-click unsubscribe link. In-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from support.catalog import bearer
from support.mail import SmtpServer

JAN = "85073003328"
SCHAKEL = "V0001002"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def schakel_rep(app: Flask) -> tuple[int, str]:
    """Jan's representative row of De Schakel, and its e-mail address (from the seed)."""
    from loket import db
    from loket.models import Association, Person, Representative

    with db.database(app).sessions() as session:
        row = session.execute(select(Representative.id, Representative.email).join(
            Association, Association.id == Representative.association_id).join(
            Person, Person.id == Representative.person_id).where(
            Association.vcode == SCHAKEL, Person.insz == JAN)).one()
    assert row[1], "the seed gives Jan an address as representative of De Schakel"
    return int(row[0]), str(row[1])


def choose(app: Flask, rep_id: int, **modes: str) -> None:
    from loket import db
    from loket.messages import mailing

    with db.database(app).transaction() as session:
        mailing.set_preferences(session, rep_id, modes, "fr")


def run_jobs(app: Flask, now: int | None = None) -> dict[str, Any]:
    """The message-mail jobs, then the sender, as ``loket worker --once`` runs them."""
    from loket import db, mail_sender
    from loket.messages import jobs, mailing

    database = db.database(app)
    with database.sessions() as session:
        queued = mailing.mail_new_messages(session, jobs.links(app))
    with database.sessions() as session:
        digests = mailing.mail_digests(session, jobs.links(app), now)
    sender = mail_sender.from_config(app)
    assert sender is not None
    return {"queued": queued, "digests": digests, "sent": sender.run()}


def publish(client: FlaskClient, token: str, **fields: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/messages", headers=bearer(token), json={
        "categorie": "subsidie", "titel": {"nl": "Jeugdsubsidie", "fr": "Subside jeunesse"},
        "tekst": {"nl": "Tot 31 maart.", "fr": "Jusqu'au 31 mars."},
        "link": "https://www.gx.example/jeugd", "doelgroep": {"verenigingen": [SCHAKEL]},
        **fields})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return dict(answer.get_json())


def test_at_once_a_mail_per_message_exactly_once_with_a_working_unsubscribe_link(
        app: Flask, client: FlaskClient, gov_client: Callable[..., str],
        smtp_server: SmtpServer) -> None:
    app.config["SMTP_URL"] = smtp_server.url
    token = gov_client()
    rep_id, address = schakel_rep(app)
    publish(client, token, categorie="info")  # before the choice, and another category
    assert run_jobs(app)["queued"] == 0  # the demo's and this one: nobody chose mail yet
    choose(app, rep_id, subsidie="meteen")
    publish(client, token)
    first = run_jobs(app)
    again = run_jobs(app)  # a second run (or a second worker) sends nothing more
    assert first["queued"] == 1 and again["queued"] == 0
    messages = smtp_server.inbox.messages()
    assert len(messages) == 1
    got = messages[0]
    assert got["To"] == address and got["Subject"] == "Subside jeunesse"
    assert got["Content-Language"] == "fr"
    body = got.get_content()
    assert "Gemeente Gx: Subside jeunesse" in body and "https://www.gx.example/jeugd" in body
    assert f"/mijn-verenigingsloket/{SCHAKEL}/berichten" in body
    link = got["List-Unsubscribe"].strip("<>")
    assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.split("://", 1)[1].split("/", 1)[1]
    asked = client.get(f"/{path}?lang=fr")
    assert asked.status_code == 200 and "Se désabonner" in asked.get_data(as_text=True)
    done = client.post(f"/{path}", data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")  # as mail programs do
    assert done.status_code == 200
    publish(client, token, titel="Nog een subsidie")
    assert run_jobs(app)["queued"] == 0 and len(smtp_server.inbox.messages()) == 1
    assert client.get("/berichten/uitschrijven/not-a-token").status_code == 404


def test_a_daily_digest_once_a_day_from_seven(app: Flask, client: FlaskClient,
                                               gov_client: Callable[..., str],
                                               smtp_server: SmtpServer) -> None:
    from loket import db
    from loket.models import Message
    from loket.register.recognitions import BRUSSELS

    app.config["SMTP_URL"] = smtp_server.url
    token = gov_client()
    rep_id, address = schakel_rep(app)
    choose(app, rep_id, subsidie="dagelijks", evenement="dagelijks")
    ids = [publish(client, token)["id"], publish(client, token, categorie="evenement",
                                                 titel="Verenigingsbeurs")["id"],
           publish(client, token, categorie="info", titel="Niet gekozen")["id"]]
    # published the afternoon before a day three days ahead (Brussels time); the digest goes
    # from 07:00 that day (not today: the seed's own messages are of today, which would fall in
    # the window before 07:00)
    today = (datetime.now(BRUSSELS) + timedelta(days=3)).replace(hour=0, minute=0, second=0,
                                                                 microsecond=0)
    yesterday = int(today.timestamp()) - 8 * 3600
    with db.database(app).transaction() as session:
        for found in session.scalars(select(Message).where(Message.id.in_(ids))):
            found.created_at = yesterday
    six, eight = int(today.timestamp()) + 6 * 3600, int(today.timestamp()) + 8 * 3600
    assert run_jobs(app, six)["digests"] == 0  # before seven: nothing yet
    assert run_jobs(app, eight)["digests"] == 1
    assert run_jobs(app, eight + 3600)["digests"] == 0  # once a day
    digests = [m for m in smtp_server.inbox.messages() if m["To"] == address]
    assert len(digests) == 1
    text = digests[0].get_content()
    assert "Subside jeunesse" in text and "Verenigingsbeurs" in text
    assert "Niet gekozen" not in text  # a category not chosen stays out
    assert digests[0]["Subject"].startswith("2 nouveaux messages")


def test_a_renewal_reminder_14_days_ahead_is_mailed_once_to_who_opted_in(
        app: Flask, gov_client: Callable[..., str], smtp_server: SmtpServer) -> None:
    """The reminder Loket writes itself goes the way of every message: to the representatives
    who chose e-mail for "erkenning" — Jan, of De Schakel — once, however often the jobs run;
    not to a representative of De Schakel who chose nothing, nor to one of another association
    who did. After the end date the recognition is Verlopen."""
    from loket import db, timefmt
    from loket.messages import system
    from loket.models import Association, Person, Recognition, Representative
    from loket.register import recognitions

    app.config["SMTP_URL"] = smtp_server.url
    client = app.test_client()
    token = gov_client()
    rep_id, address = schakel_rep(app)
    with db.database(app).transaction() as session:
        schakel = session.scalar(select(Association).where(Association.vcode == SCHAKEL))
        an = session.scalar(select(Person).where(Person.insz == "92021411256"))
        quiet = Representative(association_id=schakel.id, person_id=an.id, rol="lid",
                               email="an.janssens@example.test")
        els = session.scalar(select(Representative).join(Person).where(
            Person.insz == "79050124561"))
        session.add(quiet)
        session.flush()
        els_id, els_address = els.id, els.email
    choose(app, rep_id, erkenning="meteen")
    choose(app, els_id, erkenning="meteen")
    run_jobs(app)  # what the demo's own messages send to them, before this test's
    before = len(smtp_server.inbox.messages())

    made = client.post(f"/api/v1/exchange/associations/{SCHAKEL}/erkenningen",
                       headers=bearer(token), json={
                           "productnummer": "GX-ERKENNING", "startdatum": _day(-351),
                           "einddatum": _day(30), "hernieuwingsdatum": _day(14),
                           "hernieuwingsUrl": "https://www.gx.example/hernieuwen"})
    assert made.status_code == 201, made.get_data(as_text=True)
    item = made.get_json()["erkenningId"]
    with db.database(app).sessions() as session:
        written = [system.remind_renewals(session, _day(0)) for _ in range(2)]
    assert written[1] == 0 and written[0] >= 1
    run_jobs(app)
    run_jobs(app)  # a second round, or another worker: nothing more
    new = smtp_server.inbox.messages()[before:]
    assert [m["To"] for m in new] == [address]
    text = new[0].get_content()
    assert "Gemeente Gx" in text and "https://www.gx.example/hernieuwen" in text
    assert timefmt.calendar_day(_day(14), "fr") in text  # in the language Jan chose
    assert all(m["To"] not in ("an.janssens@example.test", els_address) for m in new)

    with db.database(app).sessions() as session:
        recognitions.move_by_date(session, _day(31))
        assert session.get(Recognition, item).status == "Verlopen"


def _day(offset: int) -> str:
    from loket.register import recognitions

    return (datetime.fromisoformat(recognitions.today()) + timedelta(days=offset)).date().isoformat()
