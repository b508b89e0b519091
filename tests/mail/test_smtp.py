"""LOKET_SMTP_URL: its forms, its refusals (never repeating the password), and delivery over
STARTTLS, over TLS from the start and with a log-in, to a real server."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from sqlalchemy import select

from loket import config, mail, smtp
from loket import db as dbm
from loket.mail_sender import MailSender
from loket.models import MailOutbox
from support.mail import Certificate, Clock, SmtpServer, authenticator

FROM = smtp.Sender("Loket", "no-reply@loket.example")
PASSWORD = "p@ss:w%rd/1?"


@pytest.mark.parametrize("url, expected", [
    ("smtp://127.0.0.1:2525", smtp.SmtpSettings("127.0.0.1", 2525, "plain")),
    ("smtp://mail.example.be", smtp.SmtpSettings("mail.example.be", 25, "plain")),
    ("smtp://mail.example.be?starttls=true",
     smtp.SmtpSettings("mail.example.be", 587, "starttls")),
    ("smtps://mail.example.be", smtp.SmtpSettings("mail.example.be", 465, "tls")),
    (f"smtps://loket%40groenbeek.be:{quote(PASSWORD, safe='')}@mail.example.be:4650"
     "?timeout=5&cafile=/etc/ssl/ca.pem",
     smtp.SmtpSettings("mail.example.be", 4650, "tls", "loket@groenbeek.be", PASSWORD, 5.0,
                       "/etc/ssl/ca.pem")),
])
def test_the_smtp_url_says_where_and_how(url: str, expected: smtp.SmtpSettings) -> None:
    assert smtp.parse_url(url) == expected


def test_a_password_outside_ascii_is_refused() -> None:
    # smtplib sends user and password as ASCII; say so at start-up rather than fail each mail
    with pytest.raises(config.ConfigError, match="ASCII"):
        config.load({"LOKET_SMTP_URL": f"smtp://loket:{quote('wörd')}@mail.example.be"})


def test_the_description_in_the_logs_has_no_password() -> None:
    settings = smtp.parse_url(f"smtp://loket:{quote(PASSWORD, safe='')}@mail.example.be:587"
                              "?starttls=true")
    assert settings.describe() == "smtp://loket@mail.example.be:587 (STARTTLS)"


@pytest.mark.parametrize("url, says", [
    ("http://mail.example.be", "smtp:// or smtps://"),
    ("smtp://", "host"),
    ("smtp://mail.example.be:99999", "port"),
    ("smtp://mail.example.be/x", "path"),
    ("smtp://mail.example.be?tls=1", "unknown option 'tls'"),
    ("smtps://mail.example.be?starttls=true", "starttls is for smtp://"),
    ("smtp://mail.example.be?starttls=maybe", "true or false"),
    ("smtp://mail.example.be?timeout=0", "timeout"),
    ("smtp://:secret-pw@mail.example.be", "user name"),
])
def test_a_bad_smtp_url_is_refused_at_start_up(url: str, says: str) -> None:
    with pytest.raises(config.ConfigError) as refused:
        config.load({"LOKET_SMTP_URL": url})
    assert str(refused.value).startswith("LOKET_SMTP_URL: ") and says in str(refused.value)
    assert "secret-pw" not in str(refused.value)


def test_a_bad_sender_is_refused_at_start_up() -> None:
    with pytest.raises(config.ConfigError, match="LOKET_MAIL_FROM: not an e-mail address"):
        config.load({"LOKET_MAIL_FROM": "Loket"})
    assert config.load({"LOKET_MAIL_FROM": "Loket <no-reply@loket.example>"})["MAIL_FROM"]


def test_production_refuses_a_password_sent_in_clear() -> None:
    base = {"LOKET_ENV": "production", "LOKET_ISSUER": "https://loket.example",
            "LOKET_SECRET_KEY": "s" * 40, "LOKET_TEST_LOGIN": "0"}
    clear = config.production_problems(config.load(
        {**base, "LOKET_SMTP_URL": "smtp://loket:pw@mail.example.be"}))
    assert any("unencrypted" in problem for problem in clear)
    for safe in ("smtp://loket:pw@mail.example.be?starttls=true", "smtps://loket:pw@mail.example.be",
                 "smtp://127.0.0.1:25"):
        assert not any("SMTP" in p for p in config.production_problems(
            config.load({**base, "LOKET_SMTP_URL": safe})))


def _send_one(database: dbm.Database, url: str, clock: Clock) -> MailSender:
    with database.transaction() as session:
        mail.enqueue(session, "els@rietgors.example", "Erkenning verloopt", "Binnen 14 dagen.",
                     key="tls", lang="nl", now=clock())
    sender = MailSender(database, smtp.parse_url(url), FROM, clock=clock)
    sender.run()
    return sender


def _status(database: dbm.Database) -> MailOutbox:
    with database.sessions() as session:
        return session.scalars(select(MailOutbox)).one()


def test_starttls_with_a_log_in(database: dbm.Database, certificate: Certificate,
                                clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    server = SmtpServer(tls_context=certificate.server_context(), require_starttls=True,
                        authenticator=authenticator("loket", PASSWORD),
                        auth_required=True).start()
    try:
        url = (f"smtp://loket:{quote(PASSWORD, safe='')}@127.0.0.1:{server.port}"
               f"?starttls=true&cafile={certificate.cert}&timeout=5")
        with caplog.at_level(logging.INFO, logger="loket"):
            _send_one(database, url, clock)
        assert _status(database).status == "sent"
        assert [r.rcpt_tos for r in server.inbox.received] == [["els@rietgors.example"]]
        assert PASSWORD not in caplog.text
    finally:
        server.stop()


def test_a_refused_log_in_is_retried_later_and_says_so(database: dbm.Database,
                                                       certificate: Certificate,
                                                       clock: Clock) -> None:
    server = SmtpServer(tls_context=certificate.server_context(), require_starttls=True,
                        authenticator=authenticator("loket", PASSWORD),
                        auth_required=True).start()
    try:
        url = (f"smtp://loket:wrong-password@127.0.0.1:{server.port}"
               f"?starttls=true&cafile={certificate.cert}&timeout=5")
        _send_one(database, url, clock)
        row = _status(database)
        assert row.status == "queued" and row.last_error.startswith("log-in refused: 535")
        assert "wrong-password" not in row.last_error
        assert server.inbox.received == []
    finally:
        server.stop()


def test_an_untrusted_certificate_is_not_sent_to(database: dbm.Database,
                                                 certificate: Certificate, clock: Clock) -> None:
    server = SmtpServer(tls_context=certificate.server_context(), require_starttls=True).start()
    try:
        _send_one(database, f"smtp://127.0.0.1:{server.port}?starttls=true&timeout=5", clock)
        row = _status(database)
        assert row.status == "queued" and "CERTIFICATE_VERIFY_FAILED" in row.last_error
        assert server.inbox.received == []
    finally:
        server.stop()


def test_tls_from_the_first_byte(database: dbm.Database, certificate: Certificate,
                                 clock: Clock) -> None:
    server = SmtpServer(ssl_context=certificate.server_context()).start()
    try:
        _send_one(database, f"smtps://127.0.0.1:{server.port}?cafile={certificate.cert}"
                            "&timeout=5", clock)
        assert _status(database).status == "sent"
        assert len(server.inbox.received) == 1
    finally:
        server.stop()
