"""Named failures and the conditional-request rules, without Flask: what each error's JSON
holds, the language rule, and If-Match / If-None-Match as every API reads them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from loket import preconditions
from loket.errors import (
    BadRequest,
    LoketError,
    PreconditionFailed,
    PreconditionRequired,
    database_busy,
    in_language,
)
from loket.register.validation import InvalidRecord, Problem
from loket.sso.protocol import BearerError, InvalidClient, OAuthError

FOUR = {"nl": "Hallo", "fr": "Bonjour", "de": "Hallo (de)", "en": "Hello"}


@pytest.mark.parametrize("text, lang, expected", [
    ("Alleen één taal", "fr", "Alleen één taal"),
    (FOUR, "nl", "Hallo"),
    (FOUR, "fr", "Bonjour"),
    (FOUR, "de", "Hallo (de)"),
    (FOUR, "en", "Hello"),
    ({"en": "Hello", "fr": "Bonjour"}, "de", "Hello"),     # no German, no Dutch: English
    ({"nl": "Hallo", "en": "Hello"}, "fr", "Hallo"),       # no French: Dutch first
    ({"fr": "Bonjour"}, "nl", "Bonjour"),                  # the only language it has
    ({}, "nl", ""),
])
def test_a_message_is_given_in_the_asked_language_else_dutch_else_english(
        text, lang, expected) -> None:
    assert in_language(text, lang) == expected


def test_an_error_answers_its_code_and_the_text_in_the_asked_language() -> None:
    error = LoketError("not_here", FOUR, 404)
    assert error.detail == "Hallo" and str(error) == "Hallo"
    assert error.to_dict("fr") == {"error": "not_here", "detail": "Bonjour"}
    assert error.to_dict() == {"error": "not_here", "detail": "Hallo"}
    assert error.status == 404 and error.code == "not_here"


def test_the_shared_answers_exist_in_four_languages() -> None:
    busy = database_busy()
    assert busy.status == 503 and busy.headers == {"Retry-After": "5"}
    assert len({busy.detail_in(lang) for lang in ("nl", "fr", "de", "en")}) == 4


def test_oauth_errors_answer_in_oauths_own_shape() -> None:
    error = OAuthError("invalid_grant", "The code has expired.")
    assert error.to_dict("fr") == {"error": "invalid_grant",
                                   "error_description": "The code has expired."}
    assert (error.error, error.description, error.status) == ("invalid_grant",
                                                              "The code has expired.", 400)
    basic = InvalidClient("Client authentication failed.", basic=True)
    assert basic.status == 401 and basic.headers == {"WWW-Authenticate": 'Basic realm="loket"'}
    assert InvalidClient("Client authentication failed.").headers == {}
    bearer = BearerError("insufficient_scope", "This token is not for userinfo.", 403)
    assert bearer.status == 403
    assert 'error="insufficient_scope"' in bearer.headers["WWW-Authenticate"]


def test_a_field_error_names_the_first_field_and_lists_all() -> None:
    error = InvalidRecord([Problem("naam", "vul dit in."), Problem("adres.postcode", "4 cijfers.")])
    assert isinstance(error, BadRequest) and error.status == 400
    assert error.to_dict() == {
        "error": "invalid_field", "detail": "naam: vul dit in.", "field": "naam",
        "problems": [{"field": "naam", "detail": "vul dit in."},
                     {"field": "adres.postcode", "detail": "4 cijfers."}]}


# ---- If-Match and If-None-Match ----------------------------------------------------------------

@pytest.mark.parametrize("header, versions", [
    ('W/"3"', {3}), ('"3"', {3}), ("3", {3}), ('W/"3", W/"4"', {3, 4}), (" * ", None),
])
def test_if_match_names_versions_or_any(header, versions) -> None:
    accepted = preconditions.parse_if_match(header)
    assert accepted == (frozenset(versions) if versions is not None else None)


@pytest.mark.parametrize("header", ['W/"x"', '"3"x', "３", 'W/"1", nonsense', ""])
def test_a_malformed_if_match_is_a_clear_400(header) -> None:
    with pytest.raises(BadRequest) as refused:
        preconditions.parse_if_match(header)
    assert refused.value.code == "invalid_if_match" and refused.value.status == 400


@pytest.mark.parametrize("header", [None, "", "  "])
def test_a_change_that_must_name_its_version_is_428_without_it(header) -> None:
    with pytest.raises(PreconditionRequired) as refused:
        preconditions.required(header)
    assert refused.value.status == 428 and refused.value.code == "precondition_required"


@pytest.mark.parametrize("header, current, ok", [
    (None, None, True),            # optional: no header, nothing to compare
    (None, 4, True),
    ("*", 4, True),                # any existing version
    ("*", None, False),            # ... but there is none
    ('W/"4"', 4, True),
    ('W/"3"', 4, False),
    ('W/"3", W/"4"', 4, True),
    ('W/"4"', None, False),
])
def test_an_optional_if_match_is_checked_against_the_current_version(header, current,
                                                                     ok) -> None:
    if ok:
        preconditions.check(header, current)
        return
    with pytest.raises(PreconditionFailed) as refused:
        preconditions.check(header, current)
    assert refused.value.status == 412
    assert refused.value.headers == ({"ETag": 'W/"4"'} if current is not None else {})


@pytest.mark.parametrize("header, holds", [
    (None, False), ("", False), ("*", True), ('W/"4"', True), ('"4"', True),
    ('W/"3"', False), ('W/"3", W/"4"', True), ("nonsense", False),
])
def test_if_none_match_says_whether_the_client_holds_this_version(header, holds) -> None:
    assert preconditions.holds(header, 4) is holds


def test_the_errors_and_the_rules_need_no_flask() -> None:
    code = ("import sys, loket.errors, loket.preconditions, loket.register.validation; "
            "assert 'flask' not in sys.modules, 'flask was imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_shared_message_is_in_four_languages_with_the_same_blanks() -> None:
    import json
    import string
    from importlib import resources

    from loket.errors import LANGUAGES

    messages = json.loads(resources.files("loket.data").joinpath("messages.json")
                          .read_text(encoding="utf-8"))
    assert len(messages) >= 20
    for key, texts in messages.items():
        assert tuple(sorted(texts)) == tuple(sorted(LANGUAGES)), key
        blanks = {tuple(sorted(name for _, name, _, _ in string.Formatter().parse(text) if name))
                  for text in texts.values()}
        assert len(blanks) == 1, f"{key}: the languages fill in different values"
        assert len(set(texts.values())) == 4, f"{key}: a language repeats another"


def test_a_shared_message_is_filled_in_in_every_language() -> None:
    from loket.errors import message

    filled = message("scope_missing", scope="'dossiers:write'")
    assert filled["en"] == "This token lacks the scope 'dossiers:write'."
    assert all("'dossiers:write'" in text for text in filled.values())
