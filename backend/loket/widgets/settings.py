"""Per-site widget configuration kept in ``Client.settings`` (JSON): schema and validation.

Everything is optional; what a site leaves out comes from its theme. Every problem names its
field (``alert.modifier: …``) so ``loket client configure`` can say exactly what to fix.
"""

from __future__ import annotations

import re
from typing import Any

from loket import themes

ALERT_MODIFIERS = ("info", "success", "warning", "error")
TARGETS = ("_self", "_blank")
ICONS = ("e-desk", "e-desk-lock")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{6,25}$")
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")

# field -> (kind, description), documented in docs/embedding.md
SCHEMA: dict[str, str] = {
    "host": "{label, href}: the site's own name and home link (default: the theme's branding)",
    "umbrella": "{label, href}: the umbrella link above the bar (default: the theme's)",
    "applicationName": "translatable text at the top of the profile menu",
    "profile": "{loginUrl, logoutUrl, switchCapacityUrl}: the site's own endpoints",
    "mainLinks": "[{label, href, isExternal?, target?}]: quick links in the bar",
    "applicationLinks": "[{label, href, target?, icon?}]: links in the profile menu",
    "footer": "{text?, links?}: footer text and links (default: the theme's)",
    "alert": "{enabled, message, modifier}: a notice above the bar; simple HTML only",
    "contact": "{servicePoints: [{label, description?, phone?, email?, href?}]}: 'hulp nodig?'",
    "skipTarget": "id of the element the skip link goes to (default: main)",
}
PROFILE_KEYS = ("loginUrl", "logoutUrl", "switchCapacityUrl")


class SettingsError(ValueError):
    """Settings that cannot be stored; one line per problem, each naming its field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _unknown(value: dict[str, Any], known: tuple[str, ...] | set[str], where: str,
             problems: list[str]) -> None:
    for key in sorted(set(value) - set(known)):
        problems.append(f"{where}.{key}: unknown field (known: {', '.join(sorted(known))})"
                        if where else f"{key}: unknown field (known: {', '.join(sorted(known))})")


def _table(value: object, where: str, problems: list[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.append(f"{where}: must be an object")
        return {}
    return value


def _link_list(value: object, where: str, problems: list[str], extra: dict[str, tuple]) -> None:
    if not isinstance(value, list):
        problems.append(f"{where}: must be a list of links")
        return
    if len(value) > 20:
        problems.append(f"{where}: at most 20 links")
    for i, link in enumerate(value):
        here = f"{where}[{i}]"
        link = _table(link, here, problems)
        _unknown(link, ("label", "href", *extra), here, problems)
        themes.check_translatable(link.get("label"), f"{here}.label", problems)
        themes.check_href(link.get("href"), f"{here}.href", problems)
        for key, allowed in extra.items():
            if key in link and link[key] not in allowed:
                shown = ", ".join(str(a).lower() for a in allowed)
                problems.append(f"{here}.{key}: choose one of {shown}")


def validate(settings: object) -> dict[str, Any]:
    """The settings if valid; otherwise :class:`SettingsError` with every problem."""
    problems: list[str] = []
    data = _table(settings, "settings", problems)
    _unknown(data, tuple(SCHEMA), "", problems)
    for key in ("host", "umbrella"):
        if key in data:
            part = _table(data[key], key, problems)
            _unknown(part, ("label", "href"), key, problems)
            if "label" in part:
                themes.check_translatable(part["label"], f"{key}.label", problems, 120)
            if "href" in part:
                themes.check_href(part["href"], f"{key}.href", problems)
    if "applicationName" in data:
        themes.check_translatable(data["applicationName"], "applicationName", problems, 120)
    if "profile" in data:
        part = _table(data["profile"], "profile", problems)
        _unknown(part, PROFILE_KEYS, "profile", problems)
        for key in PROFILE_KEYS:
            if key in part:
                themes.check_href(part[key], f"profile.{key}", problems)
    if "mainLinks" in data:
        _link_list(data["mainLinks"], "mainLinks", problems,
                   {"isExternal": (True, False), "target": TARGETS})
    if "applicationLinks" in data:
        _link_list(data["applicationLinks"], "applicationLinks", problems,
                   {"target": TARGETS, "icon": ICONS})
    if "footer" in data:
        part = _table(data["footer"], "footer", problems)
        _unknown(part, ("text", "links"), "footer", problems)
        if "text" in part:
            themes.check_translatable(part["text"], "footer.text", problems, 500)
        if "links" in part:
            themes.check_links(part["links"], "footer.links", problems)
    if "alert" in data:
        part = _table(data["alert"], "alert", problems)
        _unknown(part, ("enabled", "message", "modifier"), "alert", problems)
        if not isinstance(part.get("enabled", False), bool):
            problems.append("alert.enabled: true or false")
        if "message" in part:
            themes.check_translatable(part["message"], "alert.message", problems, 1000)
        if part.get("enabled") and "message" not in part:
            problems.append("alert.message: an enabled alert needs a message")
        if part.get("modifier", "info") not in ALERT_MODIFIERS:
            problems.append(f"alert.modifier: choose one of {', '.join(ALERT_MODIFIERS)}")
    if "contact" in data:
        _contact(data["contact"], problems)
    if "skipTarget" in data and not (isinstance(data["skipTarget"], str)
                                     and _ID.match(data["skipTarget"])):
        problems.append("skipTarget: an element id (a letter, then letters, digits, '-' or '_')")
    if problems:
        raise SettingsError(problems)
    return data


def _contact(value: object, problems: list[str]) -> None:
    part = _table(value, "contact", problems)
    _unknown(part, ("servicePoints",), "contact", problems)
    points = part.get("servicePoints", [])
    if not isinstance(points, list) or len(points) > 10:
        problems.append("contact.servicePoints: a list of at most 10 service points")
        return
    for i, point in enumerate(points):
        here = f"contact.servicePoints[{i}]"
        point = _table(point, here, problems)
        _unknown(point, ("label", "description", "phone", "email", "href"), here, problems)
        themes.check_translatable(point.get("label"), f"{here}.label", problems, 120)
        if "description" in point:
            themes.check_translatable(point["description"], f"{here}.description", problems, 300)
        if "phone" in point and not (isinstance(point["phone"], str) and _PHONE.match(point["phone"])):
            problems.append(f"{here}.phone: a phone number like +32 9 999 00 00")
        if "email" in point and not (isinstance(point["email"], str) and _EMAIL.match(point["email"])):
            problems.append(f"{here}.email: an e-mail address")
        if "href" in point:
            themes.check_href(point["href"], f"{here}.href", problems)


def translate(value: Any, lang: str) -> str:
    """The text of a translatable value in ``lang`` (falling back to nl, then any)."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("nl") or next(iter(value.values()), ""))
    return "" if value is None else str(value)
