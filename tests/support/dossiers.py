"""Shared pieces of the dossier tests: demo identities, a valid payload, auth headers."""

from __future__ import annotations

from typing import Any

from support.oidc import basic, bearer  # noqa: F401 - used by tests through this module

JAN, AN, ELS = "85073003328", "92021411256", "79050124561"
FC_GROENBEEK = {"code": "VER", "identifier": "V0001001", "name": "FC Groenbeek"}
PEETERS_BOUW = {"code": "EA", "identifier": "0412345614", "name": "Peeters Bouw BV"}


def dossier_body(**changes: Any) -> dict[str, Any]:
    """A valid dossier for FC Groenbeek, open with an action to take."""
    body: dict[str, Any] = {
        "name": "Subsidie jeugdwerking 2025",
        "type": "Subsidie",
        "lastChange": "2025-03-01T14:30:00+01:00",
        "status": {"code": "DossierOnvolledig", "phase": "Samenstelling",
                   "detail": "De ledenlijst ontbreekt.",
                   "action": {"required": True, "text": "Bezorg de ledenlijst."}},
        "link": "https://backoffice.example/dossiers/1",
        "productNumbers": ["SUB-JEUGD"],
        "handler": {"name": "Sofie Van Damme", "department": "Vrije Tijd",
                    "phone": "09 999 12 34", "email": "vt@backoffice.example",
                    "website": "https://backoffice.example/"},
        "agents": [{"identifier": "V0001001", "rights": "beheren"}],
    }
    body.update(changes)
    return body
