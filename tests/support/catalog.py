"""Shared pieces of the catalog tests: a valid product, auth headers, the demo identities."""

from __future__ import annotations

import copy
from typing import Any

from support.oidc import basic, bearer  # noqa: F401 - used by tests through this module

HOSTILE = "<img src=x onerror=alert(1)>"
FC_GROENBEEK = {"code": "VER", "identifier": "V0001001", "name": "FC Groenbeek"}
DE_RIETGORS = {"code": "VER", "identifier": "V0001003", "name": "Vogelwerkgroep De Rietgors"}
PEETERS_BOUW = {"code": "EA", "identifier": "0412345614", "name": "Peeters Bouw BV"}

_PRODUCT: dict[str, Any] = {
    "title": {"nl": "Subsidie voor buurtfeesten", "en": "Grant for street parties"},
    "description": {"nl": "Steun voor een buurtfeest.", "en": "Support for a street party."},
    "type": "FinancieelVoordeel",
    "doelgroepen": ["Vereniging", "Burger"],
    "themas": ["WelzijnGezondheid"],
    "competentAuthority": {"level": "Lokaal", "name": "Gemeente Groenbeek"},
    "executingAuthority": {"level": "Derden", "name": "Buurtwerk vzw"},
    "keywords": {"nl": ["buurtfeest"], "en": ["street party"]},
    "requirements": {"nl": "Minstens tien buren doen mee."},
    "procedure": {"nl": "Vul het formulier in.", "en": "Fill in the form."},
    "costs": {"nl": "Gratis."},
    "websites": [{"url": "https://www.groenbeek.example/buurtfeest",
                  "title": {"nl": "Reglement"}}],
    "contactPoints": [{"email": "info@groenbeek.example", "phone": "09 999 12 34",
                       "openingHours": {"nl": "Ma-vr 9-12 uur"},
                       "address": {"street": "Dorpsplein", "number": "1", "postcode": "9999",
                                   "municipality": "Groenbeek"}}],
    "spatialScope": ["BE23999001"],
    "startDate": "2020-01-01",
    "endDate": "2099-12-31",
    "onlineRequestUrl": "https://loket.groenbeek.example/buurtfeest",
}


def product(**changes: Any) -> dict[str, Any]:
    """A valid product for Groenbeek; ``changes`` replace fields (None removes one)."""
    body = copy.deepcopy(_PRODUCT)
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body




def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]
