"""Queueing mail: in the caller's transaction, once per key, refused when it could not be sent
or could break its headers; the outbox's schema; unsubscribe tokens; pruning."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from loket import db as dbm
from loket import mail, mail_sender
from loket.models import Base, MailOutbox
from support.mail import T0
from support.servers import BACKENDS


def count(database: dbm.Database) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(MailOutbox)) or 0)


def enqueue(session: object, key: str = "k", **changes: object) -> mail.Queued:
    arguments: dict = {"to": "jan@fcgroenbeek.example", "subject": "Onderwerp",
                       "text": "Tekst", "key": key, "lang": "nl", "now": T0, **changes}
    return mail.enqueue(session, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_same_key_queues_one_mail(database: dbm.Database) -> None:
    with database.transaction() as session:
        first = enqueue(session, "reminder:42:60d")
        again = enqueue(session, "reminder:42:60d", subject="Anders")
    with database.transaction() as session:
        later = enqueue(session, "reminder:42:60d")
        other = enqueue(session, "reminder:42:14d")
    assert first.new and not again.new and not later.new and other.new
    assert first.id == again.id == later.id != other.id
    assert count(database) == 2
    with database.sessions() as session:
        assert session.get(MailOutbox, first.id).subject == "Onderwerp"  # the first one holds


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_transactions_queueing_one_key_at_once_queue_one_mail(
        database: dbm.Database, another_database: dbm.Database) -> None:
    start = threading.Barrier(2)
    results: list[mail.Queued] = []

    def queue(one: dbm.Database) -> None:
        start.wait()
        with one.transaction() as session:
            results.append(enqueue(session, "digest:rep-7:2025-06-15"))

    threads = [threading.Thread(target=queue, args=(one,)) for one in (database, another_database)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(r.new for r in results) == [False, True]
    assert count(database) == 1


def test_a_mail_exists_only_if_the_callers_change_commits(database: dbm.Database) -> None:
    with pytest.raises(RuntimeError), database.transaction() as session:
        enqueue(session)
        raise RuntimeError("the caller's change failed")
    assert count(database) == 0
    with database.transaction() as session:
        enqueue(session)
    assert count(database) == 1


@pytest.mark.parametrize("changes, field", [
    ({"to": "jan"}, "to"),
    ({"to": "jan@fc groenbeek.example"}, "to"),
    ({"to": "jan@fcgroenbeek.example>\r\nBcc: all@example"}, "to"),
    ({"to": "jän@fcgroenbeek.example"}, "to"),
    ({"subject": ""}, "subject"),
    ({"subject": "x" * 501}, "subject"),
    ({"subject": "Hallo\x00"}, "subject"),
    ({"text": "Hallo\x1b[31m"}, "text"),
    ({"lang": "xx"}, "lang"),
    ({"key": ""}, "key"),
    ({"key": "k" * 201}, "key"),
    ({"list_unsubscribe": "javascript:alert(1)"}, "list_unsubscribe"),
    ({"list_unsubscribe": "https://x.example/a>, <https://evil.example"}, "list_unsubscribe"),
    ({"list_unsubscribe": ["https://x.example/a b"]}, "list_unsubscribe"),
])
def test_a_mail_that_cannot_be_sent_is_refused_at_once(database: dbm.Database, changes: dict,
                                                       field: str) -> None:
    with database.transaction() as session, pytest.raises(mail.InvalidMail) as refused:
        enqueue(session, **changes)
    assert refused.value.field == field
    assert count(database) == 0


def test_a_subject_cannot_add_headers(database: dbm.Database) -> None:
    with database.transaction() as session:
        queued = enqueue(session, subject="Hallo\r\nBcc: iedereen@example.be")
    with database.sessions() as session:
        row = session.get(MailOutbox, queued.id)
    message = mail.build_message(row, mail.sender({"ISSUER": "https://loket.example.be"}))
    assert message["Bcc"] is None and message["Subject"] == "Hallo Bcc: iedereen@example.be"


def test_an_internationalised_domain_is_sent_as_punycode(database: dbm.Database) -> None:
    with database.transaction() as session:
        queued = enqueue(session, to="info@vereniging-bière.example")
    with database.sessions() as session:
        assert session.get(MailOutbox, queued.id).recipient == "info@xn--vereniging-bire-6mb.example"


def test_the_sender_address_comes_from_the_settings() -> None:
    assert mail.sender({"MAIL_FROM": "Loket Groenbeek <no-reply@groenbeek.example>",
                        "ISSUER": "https://x.example"}).address == "no-reply@groenbeek.example"
    assert mail.sender({"ISSUER": "https://loket.example.be"}).address == "no-reply@loket.example.be"
    assert mail.sender({"ISSUER": "http://127.0.0.1:8000"}).address == "no-reply@localhost"
    assert not mail.configured({"SMTP_URL": ""}) and mail.configured({"SMTP_URL": "smtp://x"})


def test_unsubscribe_tokens_say_who_and_what_and_cannot_be_forged() -> None:
    secret = "s" * 40
    token = mail.unsubscribe_token(secret, "representative:7", "subsidie")
    assert token.isascii() and all(c.isalnum() or c in "-_." for c in token)
    assert mail.read_unsubscribe_token(secret, token) == mail.Unsubscribe(
        "representative:7", "subsidie")
    payload, mac = token.split(".")
    forged = mail.unsubscribe_token("another secret", "representative:8", "subsidie")
    for bad in (forged, f"{forged.split('.')[0]}.{mac}", payload, "", "..", f"{payload}.x",
                mail.unsubscribe_token(secret + "x", "representative:7", "subsidie")):
        with pytest.raises(mail.InvalidUnsubscribeToken):
            mail.read_unsubscribe_token(secret, bad)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_migration_makes_the_tables_the_models_describe(database: dbm.Database) -> None:
    ours = {"mail_outbox", "worker_jobs", "recognitions", "messages", "message_recipients",
            "message_states", "message_mail_preferences", "dosis_uploads",
            "association_locations"}

    def include_name(name: str | None, kind: str, _parents: object) -> bool:
        return kind != "table" or name in ours

    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_name, "compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert [d for d in differences if any(name in repr(d) for name in ours)] == []


def test_old_mails_are_emptied_then_forgotten(database: dbm.Database) -> None:
    day = 86400
    with database.transaction() as session:
        enqueue(session, "old-sent", now=T0 - 40 * day)
        enqueue(session, "old-queued", now=T0 - 40 * day)
        enqueue(session, "recent-sent", now=T0 - 5 * day)
        enqueue(session, "ancient", now=T0 - 400 * day)
        session.execute(MailOutbox.__table__.update()
                        .where(MailOutbox.key != "old-queued").values(status="sent"))
    with database.transaction() as session:
        assert mail_sender.prune(session, T0, keep_days=30, forget_days=365) == 2
    with database.sessions() as session:
        kept = {r.key: r for r in session.scalars(select(MailOutbox))}
    assert set(kept) == {"old-sent", "old-queued", "recent-sent"}
    assert (kept["old-sent"].recipient, kept["old-sent"].body, kept["old-sent"].emptied_at) == (
        "", "", T0)
    assert kept["old-queued"].body == "Tekst"  # not sent yet: kept whole
    assert kept["recent-sent"].recipient == "jan@fcgroenbeek.example"
    with database.transaction() as session:  # the key of an emptied mail still counts
        assert not enqueue(session, "old-sent").new
