"""The association register (Verenigingsregister-style): the full record and its change events,
public search, self-service for representatives, data exchange for governments, and the
AVG (GDPR) export and access overview.

Pure checks live in :mod:`validation`; changes (versioned, each an event) in :mod:`changes`;
JSON views in :mod:`views`; search in :mod:`search`; the HTTP layers in ``api_*`` and
:mod:`pages`.
"""
