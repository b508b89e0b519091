"""Themes: inheritance, the shipped themes, and `loket theme check` rejections (one line each)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from loket import themes
from support.servers import LOKET, ROOT

SHIPPED = ("base", "groenbeek", "rivierstede")


def check(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LOKET, "theme", "check", str(folder)], capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_themes_pass_and_inherit(name) -> None:
    result = check(ROOT / "themes" / name)
    assert result.returncode == 0, result.stderr
    theme, problems = themes.load(ROOT / "themes" / name)
    assert problems == [] and theme is not None
    assert theme.chain[0] == "base" and theme.chain[-1] == name
    assert set(theme.colors) == set(themes.COLOR_TOKENS)
    assert ":host{--loket-color-background:" in theme.css()


def test_shipped_themes_look_clearly_different() -> None:
    loaded = {n: themes.load(ROOT / "themes" / n)[0] for n in SHIPPED}
    for a in SHIPPED:
        for b in SHIPPED:
            if a < b:
                ta, tb = loaded[a], loaded[b]
                assert ta and tb
                assert (ta.colors["background"], ta.colors["accent"], ta.fonts["body"], ta.shape["radius"]) != \
                    (tb.colors["background"], tb.colors["accent"], tb.fonts["body"], tb.shape["radius"])
    assert loaded["groenbeek"].colors["accent"] == "#0b6b35"     # inherits base's alerts
    assert loaded["groenbeek"].colors["alert-info-text"] == loaded["base"].colors["alert-info-text"]


def _theme(tmp_path: Path, toml: str, svg: str | None = None) -> Path:
    folder = tmp_path / "mijnthema"
    folder.mkdir()
    (folder / "theme.toml").write_text(toml)
    if svg is not None:
        (folder / "logo.svg").write_text(svg)
    return folder


def test_check_rejects_each_problem_on_its_own_line(tmp_path) -> None:
    folder = _theme(tmp_path, """
extends = "base"
kleur = "groen"
[colors]
text = "#777777"
link = "blue"
accent = "#abc;}"
[fonts]
body = 'Arial; } :root { display: none'
[shape]
radius = "4px; background: url(x)"
[branding]
logo = "logo.svg"
host-url = "javascript:alert(1)"
[strings.nl]
login = "Inloggen"
onbekend = "x"
""", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
         '<rect width="1" onclick="alert(1)"/><use href="https://evil.example/x.svg#a"/>'
         '<rect width="2" style="fill:red"/></svg>')
    result = check(folder)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    expected = [
        "kleur: unknown key",
        "colors.link: 'blue' is not a colour",
        "colors.accent: '#abc;}' is not a colour",
        "fonts.body: 'Arial; } :root { display: none' is not a plain font stack",
        "shape.radius: '4px; background: url(x)' is not a length",
        "branding.host-url: must be an http(s) URL",
        "strings.nl.onbekend: unknown key",
        "unsafe SVG: element <script> is not allowed",
        "unsafe SVG: <rect> has an event handler attribute onclick",
        "unsafe SVG: <use> refers to 'https://evil.example/x.svg#a'",
        "unsafe SVG: <rect> has a style attribute",
        "colors.text #777777 on colors.background #ffffff: contrast 4.47:1 is below WCAG AA for "
        "text (4.5:1)",
    ]
    for fragment in expected:
        assert sum(fragment in line for line in lines) == 1, (fragment, lines)
    assert len(lines) == len(expected), lines


def test_check_asks_3_to_1_of_what_is_not_text_and_rounds_down(tmp_path) -> None:
    """An accent of 1.44:1 on white draws selected options and the dossier progress that no
    one can see; a focus ring just under 3:1 is reported as 2.99, not "3.00 is below 3"."""
    folder = _theme(tmp_path, """
extends = "base"
[colors]
accent = "#ffd166"
accent-text = "#102a43"
focus = "#959595"
""")
    result = check(folder)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert any("colors.accent #ffd166 on colors.background #ffffff: contrast 1.44:1 is below "
               "WCAG AA for selected options, progress and buttons (3:1, 1.4.11" in line
               for line in lines), lines
    ratio = themes.contrast("#959595", "#ffffff")
    assert 2.99 < ratio < 3.0
    assert any("colors.focus #959595" in line and "contrast 2.99:1 is below WCAG AA for the "
               "focus ring (3:1" in line for line in lines), lines
    assert len(lines) == 2, lines


def test_an_accessible_logo_passes(tmp_path) -> None:
    folder = _theme(tmp_path, """
extends = "base"
[branding]
logo = "logo.svg"
""", '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" '
         'aria-labelledby="t" lang="nl" xml:space="preserve"><title id="t">Gemeente Voorbeeld'
         '</title><rect width="1" height="1" aria-label="vlak"/></svg>')
    result = check(folder)
    assert result.returncode == 0, result.stderr


def test_check_rejects_unknown_parent_and_loops(tmp_path) -> None:
    folder = _theme(tmp_path, 'extends = "bestaat-niet"\n')
    result = check(folder)
    assert result.returncode == 1 and "no theme named 'bestaat-niet'" in result.stderr
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "theme.toml").write_text('extends = "b"\n')
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "theme.toml").write_text('extends = "a"\n')
    looped = check(tmp_path / "a")
    assert looped.returncode == 1 and "loops back" in looped.stderr


def test_a_new_theme_from_the_guide_passes(tmp_path) -> None:
    shutil.copy(ROOT / "themes" / "groenbeek" / "logo.svg", tmp_path / "logo.svg")
    folder = _theme(tmp_path, """
name = "Mijn gemeente"
extends = "base"
[colors]
accent = "#6b2c91"
link = "#6b2c91"
[branding]
host = "Gemeente Voorbeeld"
""")
    result = check(folder)
    assert result.returncode == 0, result.stderr
    assert "extends: base -> mijnthema" in result.stdout


def test_svg_checks_directly() -> None:
    assert themes.svg_problems('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>') == []
    assert themes.svg_problems('<!DOCTYPE svg [<!ENTITY x "y">]><svg/>') == [
        "has a DOCTYPE or entity declaration"]
    assert "not well-formed" in themes.svg_problems("<svg")[0]
    assert themes.contrast("#000000", "#ffffff") == pytest.approx(21.0)


@pytest.mark.parametrize("svg, problem", [
    ('<svg xmlns="http://www.w3.org/2000/svg"><?x ><img src=x onerror=alert(1)>?></svg>',
     "processing instruction"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><!-- --><rect width="1" height="1"/></svg>',
     "comment"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><title><![CDATA[<img>]]></title></svg>', "CDATA"),
])
def test_theme_check_refuses_svg_an_html_page_would_read_as_markup(svg: str,
                                                                   problem: str) -> None:
    from loket.themes import svg_problems

    assert any(problem in p for p in svg_problems(svg))


def test_logos_are_served_re_serialised() -> None:
    from loket.themes import ThemeRegistry

    theme = ThemeRegistry(None).get("groenbeek")
    assert theme.logo_svg.startswith("<svg") and "<!--" not in theme.logo_svg


def test_the_provider_pages_focus_ring_is_seen_on_page_and_header() -> None:
    """The provider's own pages (loket.css) draw the focus ring on the white page and on the
    dark header bar: 3:1 against both."""
    css = (ROOT / "backend" / "loket" / "static" / "loket.css").read_text()
    tokens = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css.split("}", 1)[0]))
    for surface in ("paper", "ink"):
        assert themes.contrast(tokens["focus"], tokens[surface]) >= 3.0, surface


def test_an_edited_theme_reaches_every_worker_and_a_broken_edit_keeps_the_last_good(
        tmp_path: Path, monkeypatch) -> None:
    """A designer's edit under LOKET_THEMES_PATH is served within seconds, by every process
    (each looks at the files' times at most every CHECK_SECONDS); one that does not pass the
    checks leaves the last good version serving."""
    monkeypatch.setattr(themes, "CHECK_SECONDS", 0.0)
    folder = tmp_path / "dorp"
    folder.mkdir()
    (folder / "theme.toml").write_text('extends = "base"\n[colors]\naccent = "#6b2c91"\n')
    registry = themes.ThemeRegistry(str(tmp_path))
    first = registry.get("dorp")
    assert first.colors["accent"] == "#6b2c91"
    assert registry.get("dorp") is first                      # unchanged files: the same theme
    (folder / "theme.toml").write_text('extends = "base"\n[colors]\naccent = "#0b6b35"\n')
    second = registry.get("dorp")
    assert second.colors["accent"] == "#0b6b35" and second.digest != first.digest
    (folder / "theme.toml").write_text('extends = "base"\n[colors]\naccent = "#ffffff"\n')
    assert registry.get("dorp") is second                     # 1.0:1 on white: not served
    monkeypatch.setattr(themes, "CHECK_SECONDS", 3600.0)
    (folder / "theme.toml").write_text('extends = "base"\n[colors]\naccent = "#123456"\n')
    assert registry.get("dorp") is second                     # not looked at again yet
