"""The mail sender against a real SMTP server: delivered once with the right headers, retried
with back-off when the server is down or says 4xx, failed on a 5xx, and never sent twice."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from sqlalchemy import select

from loket import db as dbm
from loket import mail, mail_sender, smtp
from loket.mail_sender import MailSender, RetryPolicy
from loket.models import MailOutbox
from support.mail import T0, Clock, SmtpServer
from support.servers import BACKENDS

FROM = smtp.Sender("Gemeente Groenbeek", "berichten@groenbeek.example")
TEXT = ("Beste vertegenwoordiger,\n\nVraag nu je jeugdsubsidie aan — tot € 500.\n"
        ".Deze regel begint met een punt.\n.\nGroetjes, Groenbeek\n")


def queue(database: dbm.Database, n: int = 1, *, to: str = "jan@fcgroenbeek.example",
          clock: Clock | None = None, **options: Any) -> list[int]:
    ids = []
    with database.transaction() as session:
        for i in range(n):
            ids.append(mail.enqueue(session, to, f"Bericht {i}: jeugdsubsidie", TEXT,
                                    key=f"test:{i}:{to}", lang="nl",
                                    now=(clock or Clock())(), **options).id)
    return ids


def sender(database: dbm.Database, server: SmtpServer, clock: Clock, **options: Any) -> MailSender:
    settings = smtp.parse_url(f"{server.url}?timeout=2")
    return MailSender(database, settings, FROM, clock=clock, **options)


def rows(database: dbm.Database) -> list[MailOutbox]:
    with database.sessions() as session:
        return list(session.scalars(select(MailOutbox).order_by(MailOutbox.id)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_queued_mail_is_delivered_once_with_its_headers(database: dbm.Database,
                                                          smtp_server: SmtpServer,
                                                          clock: Clock) -> None:
    with database.transaction() as session:
        mail.enqueue(session, "Jan.Peeters@FCGroenbeek.example", "Vraag nu je jeugdsubsidie aan — €",
                     TEXT, key="message:1:rep:7", lang="nl", now=clock(),
                     list_unsubscribe=["https://loket.example/mail/uit/abc",
                                       "mailto:uit@loket.example?subject=uit"])
    clock.advance(5)
    report = sender(database, smtp_server, clock).run()
    assert (report.sent, report.retry, report.failed) == (1, 0, 0)
    assert str(report) == "1 sent"

    [received] = smtp_server.inbox.received
    assert received.mail_from == "berichten@groenbeek.example"
    assert received.rcpt_tos == ["Jan.Peeters@fcgroenbeek.example"]
    message = received.message
    assert message["From"] == "Gemeente Groenbeek <berichten@groenbeek.example>"
    assert message["To"] == "Jan.Peeters@fcgroenbeek.example"
    assert message["Subject"] == "Vraag nu je jeugdsubsidie aan — €"
    assert parsedate_to_datetime(message["Date"]).timestamp() == T0  # when it was queued
    assert message["Message-ID"].endswith("@groenbeek.example>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "nl"
    assert message["List-Unsubscribe"] == ("<https://loket.example/mail/uit/abc>, "
                                           "<mailto:uit@loket.example?subject=uit>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().replace("\r\n", "\n") == TEXT  # dots, accents, euro intact
    assert all(len(line) <= 78 for line in received.data.split(b"\r\n"))
    assert received.data.isascii()

    [row] = rows(database)
    assert (row.status, row.attempts, row.sent_at, row.lease_owner) == ("sent", 1, T0 + 5, None)
    clock.advance(3600)
    assert sender(database, smtp_server, clock).run().sent == 0
    assert len(smtp_server.inbox.received) == 1


def test_without_unsubscribe_there_are_no_list_headers(database: dbm.Database,
                                                       smtp_server: SmtpServer,
                                                       clock: Clock) -> None:
    queue(database, list_unsubscribe="mailto:uit@loket.example")
    sender(database, smtp_server, clock).run()
    queue(database, to="els@rietgors.example")
    sender(database, smtp_server, clock).run()
    first, second = smtp_server.inbox.messages()
    assert first["List-Unsubscribe"] == "<mailto:uit@loket.example>"
    assert first["List-Unsubscribe-Post"] is None  # one-click needs an https URI
    assert second["List-Unsubscribe"] is None and second["List-Unsubscribe-Post"] is None


def test_the_message_id_is_the_same_at_every_attempt(database: dbm.Database,
                                                     down_smtp: SmtpServer,
                                                     clock: Clock) -> None:
    [mail_id] = queue(database)
    down_smtp.inbox.data_replies.append("451 4.3.0 Try again later")
    down_smtp.start()
    assert sender(database, down_smtp, clock).run().retry == 1
    [row] = rows(database)
    built = mail.build_message(row, FROM)
    clock.advance(3600)
    assert sender(database, down_smtp, clock).run().sent == 1
    [message] = down_smtp.inbox.messages()
    assert message["Message-ID"] == built["Message-ID"] == f"<{row.message_id}@groenbeek.example>"
    assert rows(database)[0].id == mail_id


def test_a_down_server_loses_nothing_and_the_mail_goes_once_it_is_up(
        database: dbm.Database, down_smtp: SmtpServer, clock: Clock) -> None:
    queue(database, 3)
    report = sender(database, down_smtp, clock).run()
    assert (report.sent, report.retry) == (0, 3)
    waits = [row.due_at - T0 for row in rows(database)]
    assert all(30 <= wait <= 60 for wait in waits)  # the first back-off: 60 s, jittered
    assert all(row.status == "queued" and row.attempts == 1 and "connect" in row.last_error
               for row in rows(database))

    clock.advance(20)  # not due yet: nothing is tried
    down_smtp.start()
    assert not sender(database, down_smtp, clock).run()
    assert down_smtp.inbox.received == []

    down_smtp.stop()
    clock.now = T0 + max(waits)
    assert sender(database, down_smtp, clock).run().retry == 3
    second = [row.due_at - clock() for row in rows(database)]
    assert all(60 <= wait <= 120 for wait in second)  # doubled
    assert all(row.attempts == 2 for row in rows(database))

    down_smtp.start()
    clock.advance(max(second))
    assert sender(database, down_smtp, clock).run().sent == 3
    clock.advance(86400)
    assert not sender(database, down_smtp, clock).run()
    assert sorted(m["Subject"] for m in down_smtp.inbox.messages()) == [
        "Bericht 0: jeugdsubsidie", "Bericht 1: jeugdsubsidie", "Bericht 2: jeugdsubsidie"]
    assert {row.status for row in rows(database)} == {"sent"}


def test_back_off_grows_to_its_ceiling_with_jitter() -> None:
    policy = RetryPolicy(first_delay=60, max_delay=3600, max_attempts=12)
    import random

    rng = random.Random(7)
    waits = {n: [policy.delay(n, rng) for _ in range(200)] for n in (1, 2, 3, 7, 11)}
    assert 30 <= min(waits[1]) and max(waits[1]) <= 60
    assert 60 <= min(waits[2]) and max(waits[2]) <= 120
    assert 120 <= min(waits[3]) and max(waits[3]) <= 240
    assert 1800 <= min(waits[11]) and max(waits[11]) <= 3600
    assert len(set(waits[7])) > 50  # jittered: workers that failed together do not return together


def test_a_4xx_for_the_recipient_is_retried(database: dbm.Database, smtp_server: SmtpServer,
                                            clock: Clock) -> None:
    queue(database)
    smtp_server.inbox.rcpt_replies["jan@fcgroenbeek.example"] = "450 4.2.1 Mailbox busy"
    assert sender(database, smtp_server, clock).run().retry == 1
    [row] = rows(database)
    assert row.status == "queued" and "450" in row.last_error
    del smtp_server.inbox.rcpt_replies["jan@fcgroenbeek.example"]
    clock.now = row.due_at
    assert sender(database, smtp_server, clock).run().sent == 1
    assert len(smtp_server.inbox.received) == 1


def test_a_4xx_at_the_end_of_the_message_is_retried_and_sent_once(
        database: dbm.Database, smtp_server: SmtpServer, clock: Clock) -> None:
    queue(database, 2)
    smtp_server.inbox.data_replies.append("452 4.3.1 Insufficient system storage")
    report = sender(database, smtp_server, clock).run()
    assert (report.sent, report.retry) == (1, 1)  # the other one went over the same session
    clock.advance(3600)
    assert sender(database, smtp_server, clock).run().sent == 1
    assert len(smtp_server.inbox.received) == 2
    assert {row.status for row in rows(database)} == {"sent"}
    assert [row.attempts for row in rows(database)] == [2, 1]


def test_a_5xx_for_one_recipient_fails_it_with_the_reason_and_the_others_go(
        database: dbm.Database, smtp_server: SmtpServer, clock: Clock,
        caplog: pytest.LogCaptureFixture) -> None:
    queue(database, to="nobody@fcgroenbeek.example")
    queue(database, to="jan@fcgroenbeek.example")
    smtp_server.inbox.rcpt_replies["nobody@fcgroenbeek.example"] = (
        "550 5.1.1 <nobody@fcgroenbeek.example>: Recipient address rejected")
    with caplog.at_level(logging.INFO, logger="loket"):
        report = sender(database, smtp_server, clock).run()
    assert (report.sent, report.failed) == (1, 1)
    refused, sent = rows(database)
    assert refused.status == "failed" and refused.last_error.startswith("RCPT TO: 550 5.1.1")
    assert sent.status == "sent"
    assert [r.rcpt_tos for r in smtp_server.inbox.received] == [["jan@fcgroenbeek.example"]]
    clock.advance(86400)
    assert not sender(database, smtp_server, clock).run()  # a refusal is final

    # what Loket logs (the test's SMTP server, aiosmtpd, logs in its own words what it got)
    logged = "\n".join(record.getMessage() for record in caplog.records
                       if record.name.startswith("loket"))
    assert "refused" in logged and "n…@fcgroenbeek.example" in logged
    assert "nobody@" not in logged and "jan@" not in logged  # addresses masked
    assert "jeugdsubsidie" not in logged  # no subject or text in the logs


def test_a_5xx_at_the_end_of_the_message_fails_it(database: dbm.Database,
                                                  smtp_server: SmtpServer, clock: Clock) -> None:
    queue(database)
    smtp_server.inbox.data_replies.append("554 5.6.0 Message content rejected")
    assert sender(database, smtp_server, clock).run().failed == 1
    [row] = rows(database)
    assert row.status == "failed" and "554 5.6.0" in row.last_error


def test_a_mail_is_given_up_after_its_attempts(database: dbm.Database, down_smtp: SmtpServer,
                                               clock: Clock) -> None:
    queue(database)
    policy = RetryPolicy(first_delay=10, max_attempts=3)
    for _ in range(2):
        assert sender(database, down_smtp, clock, policy=policy).run().retry == 1
        clock.advance(3600)
    assert sender(database, down_smtp, clock, policy=policy).run().failed == 1
    [row] = rows(database)
    assert row.status == "failed" and row.attempts == 3
    assert row.last_error.startswith("gave up after 3 attempts: connect:")


def test_an_expired_mail_is_not_sent(database: dbm.Database, smtp_server: SmtpServer,
                                     clock: Clock) -> None:
    queue(database, expires_at=T0 + 60)
    clock.advance(61)
    report = sender(database, smtp_server, clock).run()
    assert (report.sent, report.expired) == (0, 1)
    assert rows(database)[0].status == "expired" and smtp_server.inbox.received == []


def test_a_mail_due_later_waits(database: dbm.Database, smtp_server: SmtpServer,
                                clock: Clock) -> None:
    queue(database, due_at=T0 + 3600)
    assert not sender(database, smtp_server, clock).run()
    clock.advance(3600)
    assert sender(database, smtp_server, clock).run().sent == 1


def test_a_stopped_workers_lease_runs_out_and_the_mail_is_sent(
        database: dbm.Database, smtp_server: SmtpServer, clock: Clock) -> None:
    queue(database)
    with database.transaction() as session:  # a worker claimed it, then its process died
        [claimed] = mail_sender.claim(session, clock(), "dead-worker", lease=300)
    assert claimed.attempts == 1
    clock.advance(299)
    assert not sender(database, smtp_server, clock).run()  # still leased
    clock.advance(1)
    assert sender(database, smtp_server, clock).run().sent == 1
    [row] = rows(database)
    assert row.status == "sent" and row.attempts == 2
    assert len(smtp_server.inbox.received) == 1


class Crash(BaseException):
    """The worker process dies (nothing in it catches this)."""


def test_a_mail_handed_over_before_a_crash_is_never_sent_twice(
        database: dbm.Database, smtp_server: SmtpServer, clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    queue(database)

    def die(*_args: Any) -> None:
        raise Crash()

    first = sender(database, smtp_server, clock)
    monkeypatch.setattr(first, "_mark_sent", die)  # accepted, then the process dies
    with pytest.raises(Crash):
        first.run()
    [row] = rows(database)
    assert row.status == "sending" and row.handed_over_at == T0
    assert len(smtp_server.inbox.received) == 1

    clock.advance(mail_sender.LEASE_SECONDS)
    report = sender(database, smtp_server, clock).run()
    assert (report.sent, report.uncertain) == (0, 1)
    [row] = rows(database)
    assert row.status == "uncertain" and "not sent again" in row.last_error
    clock.advance(86400)
    assert not sender(database, smtp_server, clock).run()
    assert len(smtp_server.inbox.received) == 1


def test_a_reply_that_never_comes_after_the_message_leaves_it_uncertain(
        database: dbm.Database, smtp_server: SmtpServer, clock: Clock) -> None:
    queue(database)
    smtp_server.inbox.stall = 3.0  # the sender waits 1 s for each reply
    settings = smtp.parse_url(f"{smtp_server.url}?timeout=1")
    report = MailSender(database, settings, FROM, clock=clock).run()
    assert report.uncertain == 1
    [row] = rows(database)
    assert row.status == "uncertain" and "after the end of the message" in row.last_error
    smtp_server.inbox.stall = 0
    clock.advance(86400)
    assert not sender(database, smtp_server, clock).run()
    assert len(smtp_server.inbox.received) == 1  # the server had it: once, not twice


def test_a_sender_that_lost_its_lease_does_not_complete_the_message(
        database: dbm.Database, smtp_server: SmtpServer, clock: Clock) -> None:
    queue(database)
    with database.transaction() as session:
        [claimed] = mail_sender.claim(session, clock(), "slow-worker", lease=60)
    clock.advance(61)
    with database.transaction() as session:  # another worker took it over meanwhile
        assert mail_sender.claim(session, clock(), "other-worker")
    slow = sender(database, smtp_server, clock, owner="slow-worker")
    connection = smtp.Connection(slow.settings)
    with pytest.raises(smtp.Withdrawn):
        connection.deliver(FROM.address, claimed.recipient, b"Subject: x\r\n\r\nx\r\n",
                           lambda: slow._hand_over(claimed.id))
    connection.close()
    assert smtp_server.inbox.received == []  # cut before the end: the server discarded it


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_senders_at_once_deliver_each_mail_exactly_once(
        database: dbm.Database, another_database: dbm.Database, smtp_server: SmtpServer,
        clock: Clock) -> None:
    queue(database, 40)
    smtp_server.inbox.per_message = 0.002
    senders = [sender(db, smtp_server, clock, batch=3) for db in (database, another_database)]
    reports: list[mail_sender.SendReport] = []
    start = threading.Barrier(2)

    def work(one: MailSender) -> None:
        start.wait()
        reports.append(one.run())

    threads = [threading.Thread(target=work, args=(one,)) for one in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    ids = Counter(m["Message-ID"] for m in smtp_server.inbox.messages())
    assert len(ids) == 40 and set(ids.values()) == {1}
    assert sum(r.sent for r in reports) == 40
    assert min(r.sent for r in reports) > 0, "the two senders did not overlap"
    assert {row.status for row in rows(database)} == {"sent"}


def test_a_stopping_worker_gives_back_the_mails_it_did_not_try(
        database: dbm.Database, smtp_server: SmtpServer, clock: Clock) -> None:
    queue(database, 5)
    asked = iter([False, False, True])
    report = sender(database, smtp_server, clock).run(lambda: next(asked, True))
    assert report.sent == 2
    assert [(row.status, row.attempts) for row in rows(database)] == [
        ("sent", 1), ("sent", 1), ("queued", 0), ("queued", 0), ("queued", 0)]
    assert sender(database, smtp_server, clock).run().sent == 3
