"""The association register (Verenigingsregister-style): the full record and its change events,
public search, self-service for representatives, data exchange for governments, and the
AVG (GDPR) export and access overview.

Pure checks live in :mod:`validation`; changes (versioned, each an event) in :mod:`changes`
and :mod:`representatives`, made by the pages and the API alike through :mod:`service`
(locked, version-checked, audited, committed); JSON views in :mod:`views`; search in
:mod:`search` over the in-memory :mod:`index` and the database's full-text index; postcodes in
:mod:`postcodes`; the AVG data in :mod:`privacy`; the HTTP layers in ``api_*`` and
:mod:`pages`; the demo records in :mod:`demo` and generated ones in :mod:`bulk`. The
``loket reference`` command is in :mod:`loket.cli.reference`.
"""
