"""Themes: ``themes/{name}/theme.toml`` with inheritance, validation, and CSS custom properties.

A theme extends another (``extends = "base"``; ``base`` is the root) and overrides tokens. The
checks here are the ones ``loket theme check`` prints and the widgets rely on: only known keys,
colours as ``#rgb``/``#rrggbb``, text/background pairs at WCAG 2.2 AA contrast, values that cannot
break out of a CSS declaration, and a logo SVG without scripts, handlers or external references.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
import time
import tomllib
import xml.etree.ElementTree as ET  # noqa: S405 - parses only; entities/DTDs are refused below
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

LOG = logging.getLogger(__name__)

LANGS = ("nl", "fr", "de", "en")
ROOT_THEME = "base"

COLOR_TOKENS = (
    "background", "text", "muted", "border", "link", "accent", "accent-text", "focus",
    "topbar-background", "topbar-text", "menu-background", "menu-text",
    "alert-info-background", "alert-info-text", "alert-success-background", "alert-success-text",
    "alert-warning-background", "alert-warning-text", "alert-error-background", "alert-error-text",
    "footer-background", "footer-text", "footer-link",
)
FONT_TOKENS = ("body", "heading")
SHAPE_TOKENS = ("radius", "border-width")

# (foreground, background, minimum ratio, what it is). Text at 4.5:1 (WCAG 1.4.3); what is not
# text but must be seen at 3:1 (1.4.11): the accent fills selected options, the dossier
# progress and buttons on the page's background, and the focus ring sits on the background.
# The widgets draw the focus ring in the menu with menu-text, in the top bar with topbar-text
# and in the footer with footer-link, and the edges of controls with muted (4.5:1 already);
# ``border`` is decoration only (cards, dividers), never the one thing that shows a control.
CONTRAST_PAIRS: tuple[tuple[str, str, float], ...] = (
    ("text", "background", 4.5),
    ("muted", "background", 4.5),
    ("link", "background", 4.5),
    ("accent-text", "accent", 4.5),
    ("topbar-text", "topbar-background", 4.5),
    ("menu-text", "menu-background", 4.5),
    ("alert-info-text", "alert-info-background", 4.5),
    ("alert-success-text", "alert-success-background", 4.5),
    ("alert-warning-text", "alert-warning-background", 4.5),
    ("alert-error-text", "alert-error-background", 4.5),
    ("footer-text", "footer-background", 4.5),
    ("footer-link", "footer-background", 4.5),
    ("focus", "background", 3.0),
    ("accent", "background", 3.0),
)
NON_TEXT = {("focus", "background"): "the focus ring", ("accent", "background"):
            "selected options, progress and buttons"}

TOP_KEYS = {"name", "extends", "colors", "fonts", "shape", "branding", "footer", "strings"}
BRANDING_KEYS = {"host", "host-url", "logo", "umbrella", "umbrella-url"}
FOOTER_KEYS = {"text", "links"}
LINK_KEYS = {"label", "href"}

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# A font stack: family names, quoted or not, separated by commas; nothing that ends a declaration.
_FONT = re.compile(r"""^(?:\s*(?:"[A-Za-z0-9 -]{1,60}"|'[A-Za-z0-9 -]{1,60}'|[A-Za-z0-9-]{1,60}"""
                   r"""(?: [A-Za-z0-9-]{1,60}){0,4})\s*)(?:,(?:\s*(?:"[A-Za-z0-9 -]{1,60}"|"""
                   r"""'[A-Za-z0-9 -]{1,60}'|[A-Za-z0-9-]{1,60}(?: [A-Za-z0-9-]{1,60}){0,4})\s*)){0,9}$""")
_LENGTH = re.compile(r"^(?:0|\d{1,3}(?:\.\d{1,3})?(?:px|rem|em))$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_SAFE_HREF = re.compile(r"^(?:https?://[^\s<>\"'`]+|/[^\s<>\"'`]*)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

SVG_ELEMENTS = {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
                "title", "desc", "defs", "lineargradient", "radialgradient", "stop", "use"}
SVG_ATTRIBUTES = {
    "xmlns", "viewbox", "width", "height", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r",
    "rx", "ry", "d", "points", "fill", "fill-rule", "clip-rule", "fill-opacity", "stroke",
    "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-opacity", "opacity",
    "transform", "id", "offset", "stop-color", "stop-opacity", "gradientunits",
    "gradienttransform", "href", "aria-hidden", "role", "focusable", "preserveaspectratio",
    # what makes a logo accessible (a name for screen readers) and what editors write
    "aria-label", "aria-labelledby", "aria-describedby", "lang", "version", "space",
}
MAX_SVG_BYTES = 20_000


class ThemeError(ValueError):
    """A theme that cannot be loaded; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Theme:
    """A theme with its parents applied: every token has a value."""

    name: str
    title: str
    chain: list[str]
    colors: dict[str, str] = field(default_factory=dict)
    fonts: dict[str, str] = field(default_factory=dict)
    shape: dict[str, str] = field(default_factory=dict)
    branding: dict[str, Any] = field(default_factory=dict)
    footer: dict[str, Any] = field(default_factory=dict)
    strings: dict[str, dict[str, str]] = field(default_factory=dict)
    logo_svg: str = ""

    @cached_property
    def digest(self) -> str:
        """Changes whenever anything a page would show of the theme changes (computed once: a
        loaded theme is not changed afterwards, and every widget request asks for it)."""
        body = json.dumps([self.name, self.title, self.colors, self.fonts, self.shape,
                           self.branding, self.footer, self.strings, self.logo_svg],
                          sort_keys=True, default=str)
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def css_declarations(self) -> str:
        """The tokens as ``--loket-*`` custom property declarations (no selector)."""
        parts = [f"--loket-color-{k}:{v}" for k, v in self.colors.items()]
        parts += [f"--loket-font-{k}:{v}" for k, v in self.fonts.items()]
        parts += [f"--loket-{k}:{v}" for k, v in self.shape.items()]
        return ";".join(parts)

    def css(self, selector: str = ":host") -> str:
        return f"{selector}{{{self.css_declarations()}}}"


# ---- where themes live -----------------------------------------------------------------------

def bundled_dir(name: str) -> Path:
    """``widgets`` or ``themes``: shipped inside the package, or the source tree (editable)."""
    here = Path(__file__).resolve().parent
    installed = here / f"_{name}"
    return installed if installed.is_dir() else here.parents[1] / name


def search_path(extra: str | Path | None = None) -> list[Path]:
    paths = [Path(p) for p in str(extra or "").split(":") if p]
    return [*paths, bundled_dir("themes")]


def find_folder(name: str, paths: list[Path]) -> Path | None:
    if not _NAME.match(name or ""):
        return None
    for base in paths:
        if (base / name / "theme.toml").is_file():
            return base / name
    return None


def available(paths: list[Path]) -> list[str]:
    names = {p.parent.name for base in paths if base.is_dir() for p in base.glob("*/theme.toml")}
    return sorted(n for n in names if _NAME.match(n))


# ---- validation helpers ----------------------------------------------------------------------

def _luminance(color: str) -> float:
    hexa = color.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    channels = [int(hexa[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def is_color(value: object) -> bool:
    return isinstance(value, str) and bool(_COLOR.match(value))


def check_text(value: object, where: str, problems: list[str], max_len: int = 200) -> None:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: give a non-empty text")
    elif len(value) > max_len:
        problems.append(f"{where}: at most {max_len} characters")
    elif _CONTROL.search(value):
        problems.append(f"{where}: control characters are not allowed")


def check_translatable(value: object, where: str, problems: list[str], max_len: int = 200) -> None:
    """A plain text, or a table keyed by language (nl, fr, de, en)."""
    if isinstance(value, dict):
        if not value:
            problems.append(f"{where}: give at least one language")
        for lang, text in value.items():
            if lang not in LANGS:
                problems.append(f"{where}.{lang}: unknown language (use {', '.join(LANGS)})")
            else:
                check_text(text, f"{where}.{lang}", problems, max_len)
    else:
        check_text(value, where, problems, max_len)


def check_href(value: object, where: str, problems: list[str]) -> None:
    if not isinstance(value, str) or not _SAFE_HREF.match(value) or len(value) > 2000:
        problems.append(f"{where}: must be an http(s) URL or a path starting with '/' "
                        f"(got {str(value)[:60]!r})")


def check_links(value: object, where: str, problems: list[str]) -> None:
    if not isinstance(value, list):
        problems.append(f"{where}: give a list of {{label, href}} tables")
        return
    if len(value) > 20:
        problems.append(f"{where}: at most 20 links")
    for i, link in enumerate(value):
        here = f"{where}[{i}]"
        if not isinstance(link, dict):
            problems.append(f"{here}: give a table with label and href")
            continue
        for key in sorted(set(link) - LINK_KEYS):
            problems.append(f"{here}.{key}: unknown key (known: href, label)")
        check_translatable(link.get("label"), f"{here}.label", problems)
        check_href(link.get("href"), f"{here}.href", problems)


def _parse_svg(text: str) -> ET.Element:
    # Comments and processing instructions are kept (the default drops them silently), so the
    # check sees everything a browser would.
    builder = ET.TreeBuilder(insert_comments=True, insert_pis=True)
    parser = ET.XMLParser(target=builder)  # noqa: S314 - no DTD/entities (refused), size-capped
    parser.feed(text)
    return parser.close()


def safe_svg(text: str) -> str:
    """The logo as we re-serialise it (never the designer's raw text): only what was checked."""
    ET.register_namespace("", "http://www.w3.org/2000/svg")
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return ET.tostring(_parse_svg(text), encoding="unicode")


def svg_problems(text: str) -> list[str]:
    """Why an SVG is unsafe to inline in a page: scripts, handlers, external or style content."""
    if len(text.encode()) > MAX_SVG_BYTES:
        return [f"larger than {MAX_SVG_BYTES} bytes"]
    if re.search(r"<!(?:DOCTYPE|ENTITY)", text, re.IGNORECASE):
        return ["has a DOCTYPE or entity declaration"]
    if "<![CDATA[" in text:
        return ["has a CDATA section (an HTML page may read it differently)"]
    try:
        root = _parse_svg(text)
    except ET.ParseError as exc:
        return [f"is not well-formed XML ({exc})"]
    problems: list[str] = []
    for el in root.iter():
        if el.tag is ET.Comment:
            problems.append("has a comment (an HTML page may read it differently)")
            continue
        if el.tag is ET.ProcessingInstruction:
            problems.append("has a processing instruction (<?…?>), which an HTML page reads as "
                            "markup")
            continue
        tag = el.tag.split("}", 1)[-1].lower() if isinstance(el.tag, str) else "?"
        if tag not in SVG_ELEMENTS:
            problems.append(f"element <{tag}> is not allowed"
                            + (" (scripts never run in a logo)" if tag == "script" else ""))
        for raw_name, value in el.attrib.items():
            name = raw_name.split("}", 1)[-1].lower()
            if name.startswith("on"):
                problems.append(f"<{tag}> has an event handler attribute {name}")
            elif name == "style":
                problems.append(f"<{tag}> has a style attribute (use presentation attributes; "
                                "inline styles break a strict CSP)")
            elif name not in SVG_ATTRIBUTES:
                problems.append(f"<{tag}> attribute {name} is not allowed")
            elif name == "href" and not value.startswith("#"):
                problems.append(f"<{tag}> refers to {value[:60]!r}: only internal references (#id)")
            elif re.search(r"url\(\s*['\"]?(?!#)|javascript:|data:", value, re.IGNORECASE):
                problems.append(f"<{tag}> attribute {name} refers to something outside the file")
    return problems


# ---- loading ---------------------------------------------------------------------------------

def _read_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problems.append(f"{path}: no theme.toml in this folder")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: not valid TOML ({exc})")
    return {}


def check_document(doc: dict[str, Any], label: str, label_keys: set[str]) -> list[str]:
    """Problems with one theme.toml on its own (keys, value syntax); not contrast."""
    problems: list[str] = []
    p = f"{label}: "
    for key in sorted(set(doc) - TOP_KEYS):
        problems.append(f"{p}{key}: unknown key (known: {', '.join(sorted(TOP_KEYS))})")
    if "name" in doc:
        check_text(doc["name"], f"{p}name", problems, 80)
    if "extends" in doc and not (isinstance(doc["extends"], str) and _NAME.match(doc["extends"])):
        problems.append(f"{p}extends: a theme folder name (lower-case letters, digits, '-')")
    sections = (("colors", COLOR_TOKENS), ("fonts", FONT_TOKENS), ("shape", SHAPE_TOKENS),
                ("branding", tuple(BRANDING_KEYS)), ("footer", tuple(FOOTER_KEYS)))
    for section, known in sections:
        value = doc.get(section, {})
        if not isinstance(value, dict):
            problems.append(f"{p}{section}: must be a table")
            continue
        for key in sorted(set(value) - set(known)):
            problems.append(f"{p}{section}.{key}: unknown key (known: {', '.join(sorted(known))})")
    for key, value in _table(doc, "colors").items():
        if key in COLOR_TOKENS and not is_color(value):
            problems.append(f"{p}colors.{key}: {str(value)[:40]!r} is not a colour; "
                            "use #rgb or #rrggbb")
    for key, value in _table(doc, "fonts").items():
        if key in FONT_TOKENS and not (isinstance(value, str) and _FONT.match(value)):
            problems.append(f"{p}fonts.{key}: {str(value)[:60]!r} is not a plain font stack "
                            "(family names and commas only; nothing that could end the CSS value)")
    for key, value in _table(doc, "shape").items():
        if key in SHAPE_TOKENS and not (isinstance(value, str) and _LENGTH.match(value)):
            problems.append(f"{p}shape.{key}: {str(value)[:40]!r} is not a length like 4px, "
                            "0.5rem or 0")
    branding = _table(doc, "branding")
    for key in ("host", "umbrella"):
        if key in branding:
            check_translatable(branding[key], f"{p}branding.{key}", problems, 120)
    for key in ("host-url", "umbrella-url"):
        if key in branding:
            check_href(branding[key], f"{p}branding.{key}", problems)
    if "logo" in branding and not (isinstance(branding["logo"], str)
                                   and re.match(r"^[A-Za-z0-9_-]{1,60}\.svg$", branding["logo"])):
        problems.append(f"{p}branding.logo: an .svg file name in the theme folder")
    footer = _table(doc, "footer")
    if "text" in footer:
        check_translatable(footer["text"], f"{p}footer.text", problems, 500)
    if "links" in footer:
        check_links(footer["links"], f"{p}footer.links", problems)
    strings = doc.get("strings", {})
    if not isinstance(strings, dict):
        problems.append(f"{p}strings: must be a table of languages")
        strings = {}
    for lang, table in strings.items():
        if lang not in LANGS:
            problems.append(f"{p}strings.{lang}: unknown language (use {', '.join(LANGS)})")
            continue
        if not isinstance(table, dict):
            problems.append(f"{p}strings.{lang}: must be a table")
            continue
        for key, text in table.items():
            if key not in label_keys:
                problems.append(f"{p}strings.{lang}.{key}: unknown key "
                                f"(known: {', '.join(sorted(label_keys))})")
            else:
                check_text(text, f"{p}strings.{lang}.{key}", problems, 120)
    return problems


def _table(doc: dict[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key, {})
    return value if isinstance(value, dict) else {}


@lru_cache(maxsize=1)
def default_strings() -> dict[str, dict[str, str]]:
    """The widgets' labels per language (``widgets/shared/strings.json``)."""
    path = bundled_dir("widgets") / "shared" / "strings.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def label_keys() -> set[str]:
    return set(default_strings()["nl"])


def _chain(folder: Path, paths: list[Path], problems: list[str]) -> list[tuple[Path, dict]]:
    """The theme and its ancestors, root first."""
    chain: list[tuple[Path, dict]] = []
    seen: set[str] = set()
    current: Path | None = folder
    while current is not None:
        key = str(current.resolve())
        if key in seen:
            problems.append(f"{current / 'theme.toml'}: extends: inheritance loops back to "
                            f"{current.name!r}")
            break
        seen.add(key)
        doc = _read_toml(current / "theme.toml", problems)
        chain.append((current, doc))
        parent = doc.get("extends")
        if parent is None:
            if current.name != ROOT_THEME and doc:
                problems.append(f"{current / 'theme.toml'}: extends: missing; every theme but "
                                f"'{ROOT_THEME}' extends another (extends = \"{ROOT_THEME}\")")
            break
        if not isinstance(parent, str):
            break
        # A sibling folder first (a theme and its parent side by side), then the search path.
        current = find_folder(parent, [current.parent, *paths])
        if current is None:
            problems.append(f"{chain[-1][0] / 'theme.toml'}: extends: no theme named {parent!r} "
                            "was found")
    return list(reversed(chain))


def load(folder: Path, paths: list[Path] | None = None) -> tuple[Theme | None, list[str]]:
    """The theme in ``folder`` with its parents applied, and every problem found."""
    paths = search_path() if paths is None else paths
    folder = Path(folder)
    problems: list[str] = []
    chain = _chain(folder, paths, problems)
    keys = label_keys()
    for path, doc in chain:
        problems += check_document(doc, str(path / "theme.toml"), keys)
    theme = Theme(name=folder.name, title=folder.name, chain=[p.name for p, _ in chain])
    for lang, strings in default_strings().items():
        theme.strings[lang] = dict(strings)
    for path, doc in chain:
        theme.title = doc.get("name", theme.title) if isinstance(doc.get("name"), str) else theme.title
        theme.colors.update({k: v for k, v in _table(doc, "colors").items() if k in COLOR_TOKENS})
        theme.fonts.update({k: v for k, v in _table(doc, "fonts").items() if k in FONT_TOKENS})
        theme.shape.update({k: v for k, v in _table(doc, "shape").items() if k in SHAPE_TOKENS})
        branding = {k: v for k, v in _table(doc, "branding").items() if k in BRANDING_KEYS}
        if "logo" in branding:
            theme.logo_svg = _logo(path, branding["logo"], problems)
        theme.branding.update(branding)
        theme.footer.update({k: v for k, v in _table(doc, "footer").items() if k in FOOTER_KEYS})
        for lang, table in _table(doc, "strings").items():
            if lang in LANGS and isinstance(table, dict):
                theme.strings[lang].update({k: v for k, v in table.items()
                                            if k in keys and isinstance(v, str)})
    if chain and not problems:
        problems += _completeness(theme, str(folder / "theme.toml"))
    if any(is_color(v) for v in theme.colors.values()):
        problems += contrast_problems(theme, str(folder / "theme.toml"))
    return (None if problems else theme), problems


def _logo(folder: Path, name: object, problems: list[str]) -> str:
    if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9_-]{1,60}\.svg$", name):
        return ""
    path = folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        problems.append(f"{folder / 'theme.toml'}: branding.logo: cannot read {name}")
        return ""
    found = svg_problems(text)
    problems += [f"{path}: unsafe SVG: {problem}" for problem in found]
    return "" if found else safe_svg(text)


def _completeness(theme: Theme, label: str) -> list[str]:
    missing = [f"colors.{k}" for k in COLOR_TOKENS if k not in theme.colors]
    missing += [f"fonts.{k}" for k in FONT_TOKENS if k not in theme.fonts]
    missing += [f"shape.{k}" for k in SHAPE_TOKENS if k not in theme.shape]
    return [f"{label}: {key}: missing (set it here or in a parent theme)" for key in missing]


def shown_ratio(ratio: float) -> str:
    """A contrast ratio as a designer reads it, rounded down: 2.996 is "2.99", never "3.00"
    beside "below 3:1"."""
    return f"{math.floor(ratio * 100) / 100:.2f}"


def contrast_problems(theme: Theme, label: str) -> list[str]:
    problems = []
    for fg, bg, minimum in CONTRAST_PAIRS:
        a, b = theme.colors.get(fg), theme.colors.get(bg)
        if not (is_color(a) and is_color(b)):
            continue
        ratio = contrast(str(a), str(b))
        if ratio < minimum:
            what = NON_TEXT.get((fg, bg))
            rule = (f"WCAG AA for {what} ({minimum:g}:1, 1.4.11 non-text contrast)" if what
                    else f"WCAG AA for text ({minimum:g}:1)")
            problems.append(f"{label}: colors.{fg} {a} on colors.{bg} {b}: contrast "
                            f"{shown_ratio(ratio)}:1 is below {rule}")
    return problems


CHECK_SECONDS = 2.0  # how often a worker looks whether a theme's files changed


@dataclass
class _Loaded:
    theme: Theme
    stamp: tuple[Any, ...]
    checked: float


def _stamp(folder: Path, chain: list[str], paths: list[Path]) -> tuple[Any, ...]:
    """What the theme's files hold now: every file of its folder and its parents' (name and a
    hash of its content: small files, and no clock or file system can fool it)."""
    found: list[Any] = []
    for name in chain:
        where = folder if name == folder.name else find_folder(name, paths)
        if where is None:
            found.append((name, None))
            continue
        for path in sorted(where.iterdir()):
            if path.is_file():
                found.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
    return tuple(found)


class ThemeRegistry:
    """Loaded themes by name, per process. A theme whose files change (a designer's edit under
    ``LOKET_THEMES_PATH``, a deploy) is loaded again within :data:`CHECK_SECONDS` in every
    worker; an edit that breaks it keeps the last good version serving (and logs why)."""

    def __init__(self, extra_paths: str | None = None) -> None:
        self.paths = search_path(extra_paths)
        self._cache: dict[str, _Loaded] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Theme:
        now = time.monotonic()
        loaded = self._cache.get(name)
        if loaded is not None and now - loaded.checked < CHECK_SECONDS:
            return loaded.theme
        with self._lock:
            loaded = self._cache.get(name)
            if loaded is not None and now - loaded.checked < CHECK_SECONDS:
                return loaded.theme
            folder = find_folder(name, self.paths)
            if folder is None:
                if loaded is not None:
                    return loaded.theme
                raise ThemeError([f"theme {name!r}: no such theme (known: "
                                  f"{', '.join(available(self.paths))})"])
            if loaded is not None:
                stamp = _stamp(folder, loaded.theme.chain, self.paths)
                if stamp == loaded.stamp:
                    loaded.checked = now
                    return loaded.theme
            theme, problems = load(folder, self.paths)
            if theme is None:
                if loaded is None:
                    raise ThemeError(problems)
                LOG.warning("theme %r changed but does not load, still serving the last good "
                            "one: %s", name, "; ".join(problems))
                self._cache[name] = _Loaded(loaded.theme, stamp, now)
                return loaded.theme
            self._cache[name] = _Loaded(theme, _stamp(folder, theme.chain, self.paths), now)
            return theme

    def names(self) -> list[str]:
        return available(self.paths)
