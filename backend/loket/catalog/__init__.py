"""Product and service catalog, LPDC-style: validation, storage, search and relevance, the API,
the export records and the demo catalog. ``loket catalog import/export`` is in
:mod:`loket.cli.catalog`."""
