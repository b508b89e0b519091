"""The provider and both demo sites as separate server processes, each on its own host."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.servers import ROOT, Provider, free_port, make_provider, wait_for


@dataclass
class DemoSite:
    id: str
    url: str
    proc: subprocess.Popen


@dataclass
class Demo:
    provider: Provider
    sites: dict[str, DemoSite]

    def url(self, site: str, path: str = "/") -> str:
        return self.sites[site].url + path


def _start_site(site_id: str, provider: Provider, log_dir: Path) -> DemoSite:
    url = provider.demo_clients[site_id]["url"]
    with open(log_dir / f"{site_id}.log", "ab") as log:  # the child keeps its own copy
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "demo_site" / "run.py"), site_id],
            env={**provider.env,
                 "DEMO_CLIENTS_FILE": str(provider.instance / "demo-clients.json")},
            stdout=log, stderr=subprocess.STDOUT,
        )
    wait_for(f"{url}/healthz", proc=proc)
    return DemoSite(site_id, url, proc)


@contextmanager
def running_demo(tmp: Path, database_url: str | None = None) -> Iterator[Demo]:
    extra = {
        "LOKET_DEMO_GROENBEEK_URL": f"http://127.0.0.2:{free_port('127.0.0.2')}",
        "LOKET_DEMO_RIVIERSTEDE_URL": f"http://127.0.0.3:{free_port('127.0.0.3')}",
    }
    provider = make_provider(tmp, database_url, extra_env=extra)
    sites: dict[str, DemoSite] = {}
    try:
        for site_id in ("groenbeek", "rivierstede"):
            sites[site_id] = _start_site(site_id, provider, tmp)
        yield Demo(provider, sites)
    finally:
        for site in sites.values():
            site.proc.terminate()
            site.proc.wait(timeout=15)
        provider.stop()


# ---- what a person does on a demo site (the browser tests of the panels) --------------------

def sign_in(page: Any, demo: Demo, path: str, insz: str | None, choice: str | None,
            site: str = "groenbeek") -> None:
    """From ``path`` on ``site`` through the header's "Aanmelden" (and the provider's test login
    and capacity chooser) back to ``path``; ``insz`` None when the provider still knows the
    person, ``choice`` None for someone with one capacity (no chooser)."""
    page.goto(demo.url(site, path))
    page.locator("loket-header").get_by_role("link", name="Aanmelden").click()
    if insz is not None:
        page.wait_for_url(f"{demo.provider.url}/aanmelden*")
        page.get_by_label("Rijksregisternummer").fill(insz)
        page.get_by_role("button", name="Aanmelden").click()
    if choice is not None:
        page.wait_for_url(f"{demo.provider.url}/hoedanigheid*")
        page.get_by_role("radio", name=choice).check()
        page.get_by_role("button", name="Verder").click()
    page.wait_for_url(demo.url(site, path))


def switch_to(page: Any, link_name: str) -> None:
    """Switch capacity in the header's account menu; the site brings him back to this page."""
    page.locator("loket-header [data-key=account-button]").click()
    with page.expect_navigation(url=page.url, wait_until="load"):
        page.locator("loket-header #account-panel").get_by_role("link", name=link_name).click()
