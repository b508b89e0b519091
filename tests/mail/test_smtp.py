"""LOKET_SMTP_URL and LOKET_MAIL_FROM: their forms and their refusals (never repeating the
password)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from loket import config, smtp

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
