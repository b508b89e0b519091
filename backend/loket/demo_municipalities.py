"""The two fictional demo municipalities (contract §7): their place in the code list, which
every feature's demo data points at, and their websites as relying parties that embed the
widgets (the demo_site/ app)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from loket import clients, reference
from loket.scopes import DEFAULT_RP_SCOPES

# (code, name, province, postcode)
MUNICIPALITIES = (
    ("BE23999001", "Groenbeek", "BE23", "9999"),
    ("BE24999002", "Rivierstede", "BE24", "3999"),
)


def add_to_code_list(session: Session) -> None:
    """The demo municipalities as werkingsgebieden, next to the real ones."""
    for code, name, province, postcode in MUNICIPALITIES:
        reference.upsert_area(session, code, name, "municipality", province, [postcode])


@dataclass(frozen=True)
class DemoSite:
    id: str
    name: str
    url: str
    theme: str
    # the fictional e-loket address of the demo data's request links, which ``seed-demo``
    # points at the demo site's own forms
    eloket: str
    # the client id of the municipality's back office (the dossiers' source)
    back_office: str


# The request forms each demo site's e-loket has (demo_site/eloket.py, which a test holds to
# this list): the demo catalog's request links to these paths lead to the site's own form.
FORM_PATHS = {
    "groenbeek": ("/aanvragen/sportsubsidie", "/aanvragen/evenement", "/reserveren/zalen",
                  "/reserveren/materiaal"),
    "rivierstede": ("/sportimpuls", "/evenement", "/zaalhuur"),
}


def demo_sites() -> tuple[DemoSite, ...]:
    """Where the demo sites run: LOKET_DEMO_GROENBEEK_URL and LOKET_DEMO_RIVIERSTEDE_URL, or
    the hosts `make demo` starts them on."""
    return (
        DemoSite("groenbeek", "Gemeente Groenbeek",
                 os.environ.get("LOKET_DEMO_GROENBEEK_URL", "http://127.0.0.2:8001"), "groenbeek",
                 "https://loket.groenbeek.example", "groenbeek-backoffice"),
        DemoSite("rivierstede", "Stad Rivierstede",
                 os.environ.get("LOKET_DEMO_RIVIERSTEDE_URL", "http://127.0.0.3:8002"),
                 "rivierstede", "https://e-loket.rivierstede.example", "rivierstede-backoffice"),
    )


def register_sites(session: Session, instance: Path, *,
                   allow_http_anywhere: bool) -> dict[str, Any]:
    """Register (or refresh) the demo sites as relying parties; returns their credentials, kept
    in ``instance/demo-clients.json`` (mode 0600) so a second run keeps the same secrets."""
    path = instance / "demo-clients.json"
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    result: dict[str, Any] = {}
    for site in demo_sites():
        known = stored.get(site.id, {})
        existing = clients.get(session, site.id)
        reg = clients.Registration(
            id=site.id, name=site.name,
            redirect_uris=[f"{site.url}/auth/callback"],
            origins=[site.url],
            post_logout_uris=[f"{site.url}/"],
            backchannel_logout_uri=f"{site.url}/auth/backchannel-logout",
            grant_types=["authorization_code"],
            # the e-loket's forms: the person's INSZ (a citizen's dossier is theirs by INSZ, a
            # representative is found in the register's record by it)
            scopes=[*DEFAULT_RP_SCOPES, "rrn"],
            theme=site.theme,
        )
        keep = known.get("client_secret") if existing is not None else None
        client, secret = clients.add(session, reg, allow_http_anywhere=allow_http_anywhere,
                                     secret=keep, replace=True)
        client.settings = _site_settings(site)
        if existing is not None and keep is None:
            # The secret was lost with the instance folder: issue a fresh one.
            secret = clients.new_secret()
            client.secret_hash = clients.hash_secret(secret)
        result[site.id] = {"client_id": client.id, "client_secret": secret or keep,
                           "url": site.url, "name": site.name, "theme": site.theme}
    instance.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(result, handle, indent=2)
    return result


def _site_settings(site: DemoSite) -> dict[str, Any]:
    """What the demo site's header and footer show (validated like `loket client configure`)."""
    from loket.widgets.settings import validate

    return validate({
        "host": {"label": site.name, "href": f"{site.url}/"},
        "applicationName": "Verenigingsloket",
        "applicationLinks": [
            {"label": "Mijn dossiers", "href": f"{site.url}/mijn-dossiers", "icon": "e-desk"},
            {"label": "Producten en diensten", "href": f"{site.url}/producten-en-diensten"},
        ],
        "contact": {"servicePoints": [
            {"label": "Dienst vrije tijd", "description": "Ma–vr 9–12 u.",
             "phone": "+32 9 999 00 10", "email": "vrijetijd@example.org"},
            {"label": "Alle contactgegevens", "href": f"{site.url}/"},
        ]},
    })
