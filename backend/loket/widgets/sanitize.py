"""Simple HTML for the alert message: links and emphasis survive, everything else is text.

The widgets sanitize again in the browser (``widgets/shared/render.js``); this copy serves the
no-JavaScript header, where the server writes the HTML.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

ALLOWED = {"a", "em", "strong", "b", "i", "br", "p"}
VOID = {"br"}
# Dropped together with their content (the rest keep their text).
DROP_CONTENT = {"script", "style", "template", "iframe", "object", "svg", "math", "noscript",
                "textarea", "title"}
_HREF = re.compile(r"^(?:https?://|mailto:|tel:|/(?!/))", re.IGNORECASE)


def safe_href(value: str | None) -> str | None:
    """``value`` if it is an http(s), mailto: or tel: URL or a site path; None otherwise."""
    if not value:
        return None
    cleaned = "".join(ch for ch in value if ch >= " " and ch != "\x7f").strip()
    return cleaned if _HREF.match(cleaned) else None


class _Simple(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in ALLOWED:
            return
        if tag == "a":
            href = safe_href(dict(attrs).get("href"))
            self.out.append(f'<a href="{escape(href, quote=True)}">' if href else "<a>")
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID and not self.dropping:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))


def simple_html(markup: str) -> str:
    """Keep ``a[href]``, ``em``, ``strong``, ``b``, ``i``, ``br``, ``p``; escape all other text."""
    parser = _Simple()
    parser.feed(markup[:5000])
    parser.close()
    parser.out.extend(f"</{tag}>" for tag in reversed(parser.open))
    return "".join(parser.out)
