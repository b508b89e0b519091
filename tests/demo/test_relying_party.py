"""The demo sites as relying parties, driven over HTTP (the browser journey is in
test_journey_browser.py)."""

from __future__ import annotations

import sys

import pytest
import requests

from support.agent import Agent
from support.demo import Demo
from support.oidc import ELS, JAN, hint
from support.servers import ROOT


def sign_in(demo: Demo, agent: Agent, site: str, insz: str, capacity: str | None) -> None:
    response = agent.http.get(demo.url(site, "/auth/login"), allow_redirects=False, timeout=15)
    response = agent.follow(agent.get(response.headers["Location"]))
    if agent.is_login_page(response):
        response = agent.submit_login(response, insz)
    if agent.is_chooser(response):
        response = agent.choose(response, capacity)
    assert response.status_code in (302, 303)
    back = agent.http.get(response.headers["Location"], allow_redirects=False, timeout=15)
    assert back.status_code == 302, back.text


def test_site_signs_in_and_shows_the_person(demo: Demo) -> None:
    agent = Agent(demo.provider.url)
    sign_in(demo, agent, "groenbeek", JAN, f"BUR:{JAN}")
    home = agent.http.get(demo.url("groenbeek"), timeout=15).text
    assert "Jan Peeters" in home and "als burger" in home
    agent.http.close()


def test_switch_with_login_hint_and_no_prompt(demo: Demo) -> None:
    agent = Agent(demo.provider.url)
    sign_in(demo, agent, "groenbeek", JAN, f"BUR:{JAN}")
    page = agent.http.get(demo.url("groenbeek"), timeout=15).text
    switch_url = page.split('"switchCapacityUrl": "')[1].split('"')[0]
    response = agent.http.get(demo.url("groenbeek", switch_url) + "&login_hint="
                              + hint("VER", "V0001001"), allow_redirects=False, timeout=15)
    response = agent.follow(agent.get(response.headers["Location"]))
    assert response.status_code == 302, "no credential prompt, no chooser"
    agent.http.get(response.headers["Location"], timeout=15)
    home = agent.http.get(demo.url("groenbeek"), timeout=15).text
    assert "FC Groenbeek" in home and "V0001001" in home
    agent.http.close()


def test_els_cannot_reach_fc_groenbeek_by_crafting_the_switch_url(demo: Demo) -> None:
    agent = Agent(demo.provider.url)
    sign_in(demo, agent, "groenbeek", ELS, f"BUR:{ELS}")
    page = agent.http.get(demo.url("groenbeek"), timeout=15).text
    switch_url = page.split('"switchCapacityUrl": "')[1].split('"')[0]
    response = agent.http.get(demo.url("groenbeek", switch_url) + "&login_hint="
                              + hint("VER", "V0001001"), allow_redirects=False, timeout=15)
    response = agent.follow(agent.get(response.headers["Location"]))
    assert agent.is_chooser(response)
    assert "FC Groenbeek" not in response.text
    agent.http.close()


def test_switch_link_without_the_action_token_is_refused(demo: Demo) -> None:
    response = requests.get(demo.url("groenbeek", "/auth/switch?login_hint=x"), timeout=15,
                            allow_redirects=False)
    assert response.status_code == 400


def test_back_channel_logout_ends_the_other_site(demo: Demo) -> None:
    agent = Agent(demo.provider.url)
    sign_in(demo, agent, "groenbeek", JAN, f"BUR:{JAN}")
    sign_in(demo, agent, "rivierstede", JAN, f"BUR:{JAN}")
    page = agent.http.get(demo.url("rivierstede"), timeout=15).text
    logout_url = page.split('"logoutUrl": "')[1].split('"')[0]
    response = agent.http.get(demo.url("rivierstede", logout_url), allow_redirects=False,
                              timeout=15)
    provider_logout = agent.get(response.headers["Location"])
    assert provider_logout.status_code == 302
    assert provider_logout.headers["Location"].startswith(demo.url("rivierstede"))
    home = agent.http.get(demo.url("groenbeek"), timeout=15).text
    assert "Jan Peeters" not in home, "Groenbeek's session ended by back-channel logout"
    agent.http.close()


@pytest.mark.parametrize("target, safe", [
    ("/mijn-dossiers", True), ("/ok?x=1", True), ("/\t/evil.example", False),
    ("/\n/evil", False), ("//evil", False), ("/a\\b", False), ("https://evil", False),
    (" /x", False), ("", False),
])
def test_demo_site_returns_only_to_its_own_paths(target: str, safe: bool) -> None:
    sys.path.insert(0, str(ROOT))
    from demo_site.app import _safe_next

    assert (_safe_next(target) == target) is safe
