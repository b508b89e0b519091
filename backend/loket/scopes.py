"""Every scope the provider knows, in one place."""

from __future__ import annotations

# Scopes a person grants to a relying party (authorization code flow).
USER_SCOPES: dict[str, str] = {
    "openid": "sign in (required)",
    "profile": "given and family name",
    "capacity": "the active capacity and the capacities the person may take",
    "rrn": "the rijksregisternummer (INSZ)",
    "vo": "ACM's claims of the active capacity: vo_id, vo_doelgroepcode, vo_orgcode, vo_orgnaam",
    "papi": "ACM's papi_token: a short-lived token the global header's profile API takes",
    "offline_access": "a refresh token: access while the person is away, until they sign out",
    "dossiers": "read the dossiers of the active capacity",
    "messages": "read the messages of the active capacity, mark them read, archive them",
    "catalog": "personalised product catalog for the active capacity",
    "associations": "read and change the active association's data",
    "privacy": "download everything stored about the person and see who accessed it (AVG)",
}

# Scopes a back office or government client uses on its own behalf (client credentials).
SERVICE_SCOPES: dict[str, str] = {
    "dossiers:write": "push dossier status for its own source",
    "DosisImport": "push dossier status for its own source through the DOSIS-compatible "
                   "face (/api/v2/dosis)",
    "catalog:write": "publish its own products and services",
    "messages:publish": "send messages (berichten) to associations, citizens and companies",
    "associations:exchange": "read full association records and their changes (with a reason)",
    "associations:manage": "mark an association as a duplicate of another (with a reason)",
    "associations:recognitions": "record the recognitions (erkenningen) of associations for "
                                 "its own catalog products",
}

ALL_SCOPES = {**USER_SCOPES, **SERVICE_SCOPES}

DEFAULT_RP_SCOPES = ["openid", "profile", "capacity", "vo", "papi", "dossiers", "catalog",
                     "associations", "messages"]

# The scope of a profile token (``papi_token``, ``/widgets/v1/profile-token``): it reads the
# person's name and capacities through the header's profile API, nothing else.
PROFILE_SCOPE = "widget:profile"
