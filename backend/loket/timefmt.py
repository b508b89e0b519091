"""Times as people in Flanders read them: Belgian time (Europe/Brussels, summer time included),
day-month-year. The log and the database keep UTC; only what a page shows is converted. No
Flask here."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
# Day, month, year as each language writes them in Belgium.
PATTERNS = {"nl": "%d-%m-%Y %H:%M", "fr": "%d/%m/%Y %H:%M", "de": "%d.%m.%Y %H:%M",
            "en": "%d/%m/%Y %H:%M"}


def brussels(value: str | None, lang: str = "nl") -> str:
    """``2026-07-01T12:30:05.123Z`` (UTC) → ``01-07-2026 14:30`` (``01/07/2026 14:30`` in
    French and English, ``01.07.2026 14:30`` in German); what is no time, as given."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BRUSSELS).strftime(PATTERNS.get(lang, PATTERNS["nl"]))


def calendar_day(value: str | None, lang: str = "nl") -> str:
    """A date as written (``2027-03-31``) in the language's order: ``31-03-2027``,
    ``31/03/2027`` (fr, en), ``31.03.2027`` (de); what is no date, as given."""
    if not value:
        return ""
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return str(value)
    return parsed.strftime(PATTERNS.get(lang, PATTERNS["nl"]).removesuffix(" %H:%M"))
