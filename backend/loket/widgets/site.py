"""A site's widget configuration: its theme merged with its ``Client.settings``, as the JSON the
scripts carry and as the values the no-JavaScript header renders."""

from __future__ import annotations

import json
from typing import Any

from loket.models import Client
from loket.themes import LANGS, Theme
from loket.widgets import sanitize
from loket.widgets.settings import translate


def _translated(value: Any, fn: Any) -> Any:
    """Apply ``fn`` to each language of a translatable value."""
    if isinstance(value, dict):
        return {lang: fn(text) for lang, text in value.items() if lang in LANGS}
    return fn(value)


def site_config(client: Client, theme: Theme, issuer: str) -> dict[str, Any]:
    """What the widgets of this site start from (the page may change it through the API)."""
    settings = client.settings or {}
    host = settings.get("host") or {}
    umbrella = settings.get("umbrella") or {}
    footer = settings.get("footer") or {}
    alert = settings.get("alert") or {}
    contact = settings.get("contact") or {}
    points = [dict(p, type="link") if p.get("href") and not (p.get("phone") or p.get("email"))
              else dict(p) for p in contact.get("servicePoints", [])]
    return {
        "widgetId": client.id,
        "issuer": issuer,
        "theme": theme.name,
        "themeCss": theme.css(":host"),
        "logoSvg": theme.logo_svg,
        "colors": {k: theme.colors[k] for k in ("background", "accent-text")},
        "strings": theme.strings,
        "branding": {
            "level": 4,
            "colors": {},
            "host": {"label": host.get("label", theme.branding.get("host", client.name)),
                     "href": host.get("href", theme.branding.get("host-url", "/"))},
            "umbrella": {"label": umbrella.get("label", theme.branding.get("umbrella")),
                         "href": umbrella.get("href", theme.branding.get("umbrella-url"))},
        },
        "profile": {key: value for key, value in (settings.get("profile") or {}).items()},
        "mainLinks": settings.get("mainLinks", []),
        "applicationLinks": settings.get("applicationLinks", []),
        "applicationName": settings.get("applicationName", ""),
        "footer": {"text": footer.get("text", theme.footer.get("text", "")),
                   "links": footer.get("links", theme.footer.get("links", []))},
        "alert": {"enabled": bool(alert.get("enabled")) and bool(alert.get("message")),
                  "message": _translated(alert.get("message", ""), sanitize.simple_html),
                  "modifier": alert.get("modifier", "info")},
        "servicePoints": {"defaults": points},
        "skipTarget": settings.get("skipTarget", "main"),
        "profileUrl": f"{issuer}/widgets/v1/{client.id}/profile",
    }


def js_json(value: Any) -> str:
    """JSON that is also safe to place in a script (no closing tags, no line separators)."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def per_site_script(code: str, config: dict[str, Any], *, embed: bool) -> str:
    """The bundle followed by the site's configuration; ``embed`` renders at the script's place."""
    options = "{embedAt:document.currentScript}" if embed else "{}"
    return f"{code}LoketWidgets.configure({js_json(config)},{options});\n"


def nojs_values(config: dict[str, Any], lang: str) -> dict[str, Any]:
    """The configuration in one language, for the server-rendered header and footer."""
    lang = lang if lang in LANGS else "nl"
    branding = config["branding"]
    strings = config["strings"].get(lang, config["strings"]["nl"])

    def links(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            href = sanitize.safe_href(item.get("href"))
            out.append({"label": translate(item.get("label"), lang), "href": href,
                        "blank": item.get("target") == "_blank" or bool(item.get("isExternal"))})
        return out

    alert = config["alert"]
    return {
        "lang": lang,
        "t": strings,
        "host": {"label": translate(branding["host"]["label"], lang),
                 "href": sanitize.safe_href(branding["host"]["href"])},
        "umbrella": {"label": translate(branding["umbrella"]["label"], lang),
                     "href": sanitize.safe_href(branding["umbrella"]["href"])},
        "login": sanitize.safe_href(config["profile"].get("loginUrl")),
        "main_links": links(config["mainLinks"]),
        "footer_links": links(config["footer"]["links"]),
        "footer_text": translate(config["footer"]["text"], lang),
        "alert": {"html": translate(alert["message"], lang), "modifier": alert["modifier"]}
        if alert["enabled"] else None,
        "points": [{"label": translate(p.get("label"), lang),
                    "description": translate(p.get("description"), lang),
                    "phone": p.get("phone"), "email": p.get("email"),
                    "href": sanitize.safe_href(p.get("href"))}
                   for p in config["servicePoints"]["defaults"]],
        "skip_target": config["skipTarget"],
        "logo_svg": config["logoSvg"],
    }
