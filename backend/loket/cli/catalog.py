"""``loket catalog import FILE`` and ``loket catalog export [FILE]``: the JSON format of
docs/catalog.md (or, with ``--format ipdc``, IPDC product records), validated as a whole and
imported all-or-nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from loket.cli import bootstrap

FORMAT = "loket-catalog"
VERSION = 1
MAX_SHOWN = 50


@click.group("catalog")
def group() -> None:
    """The product and service catalog: import and export (docs/catalog.md)."""


def _json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{path} is not JSON: {exc.msg} at line {exc.lineno}, "
                                   f"column {exc.colno}.") from exc


def _organisation_names(path: str | None) -> dict[str, str]:
    """``--organisations FILE``: a CSV of ``ovo,name`` (a header row is allowed)."""
    if not path:
        return {}
    import csv

    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from exc
    return {row[0].strip(): row[1].strip() for row in rows
            if len(row) >= 2 and row[0].strip().startswith("OVO")}


def _load_ipdc(path: str, dutch: str, names: dict[str, str]) -> tuple[list[Any], list[str]]:
    """IPDC records (a record, a list, or an LDES page) as catalog records, and the records
    that could not be read at all."""
    from loket.catalog import ipdc

    try:
        found = ipdc.records_of(_json(path))
    except ipdc.NotAnIpdcRecord as exc:
        raise click.ClickException(f"{path}: {exc}.") from exc
    records: list[Any] = []
    problems: list[str] = []
    for index, raw in enumerate(found):
        try:
            records.append(ipdc.to_loket(raw, dutch=dutch, organisations=names))
        except ipdc.NotAnIpdcRecord as exc:
            problems.append(f"record {index}: {exc}")
            records.append(None)
    return records, problems


def _load(path: str) -> list[Any]:
    document = _json(path)
    if not isinstance(document, dict) or not isinstance(document.get("products"), list):
        raise click.ClickException(
            f'{path}: expected {{"format": "{FORMAT}", "version": {VERSION}, "products": [...]}} '
            "(see docs/catalog.md).")
    if document.get("format", FORMAT) != FORMAT or document.get("version", VERSION) != VERSION:
        raise click.ClickException(f"{path}: format must be {FORMAT!r} version {VERSION}.")
    return list(document["products"])


@group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--publisher", help="Client id that publishes records without a 'publisher'.")
@click.option("--format", "shape", type=click.Choice(["loket", "ipdc"]), default="loket",
              show_default=True,
              help="loket: docs/catalog.md; ipdc: IPDC product records (docs/compatibility.md).")
@click.option("--dutch", type=click.Choice(["informal", "formal"]), default="informal",
              show_default=True, help="ipdc: which Dutch variant of the texts to keep.")
@click.option("--organisations", type=click.Path(dir_okay=False),
              help="ipdc: a CSV of ovo,name naming the authorities' OVO codes.")
def import_(file: str, publisher: str | None, shape: str, dutch: str,
            organisations: str | None) -> None:
    """Validate every record of FILE, then import them all in one transaction (or none)."""
    from sqlalchemy import select

    from loket import audit, clients
    from loket import db as dbm
    from loket.catalog import store, validation
    from loket.catalog.areas import AreaTree

    unreadable: list[str] = []
    if shape == "ipdc":
        records, unreadable = _load_ipdc(file, dutch, _organisation_names(organisations))
    else:
        records = _load(file)
    app = bootstrap.app()
    bootstrap.prepare(app, upgrade=False)
    database = dbm.database(app)
    problems: list[str] = list(unreadable)
    parsed: list[tuple[str, dict[str, Any]]] = []
    with database.read_sessions() as session:
        known = set(AreaTree.load(session).areas)
        publishers: dict[str, bool] = {}
        # ids compared without regard to case, as the catalog does
        owners: dict[str, tuple[str, str]] = {
            row.product_id.lower(): (row.publisher, row.product_id) for row in session.execute(
                select(store.CatalogProduct.product_id, store.CatalogProduct.publisher))}
        seen: dict[str, int] = {}
        with click.progressbar(records, label="validating", file=sys.stderr,
                               show_pos=True) as bar:
            for index, raw in enumerate(bar):
                if raw is None:  # an IPDC record that could not be read (in problems)
                    continue
                rid = raw.get("id") if isinstance(raw, dict) else None
                where = f"record {index}" + (f" (id {rid})" if isinstance(rid, str) else "")
                try:
                    data = validation.parse_product(raw, known, allow_publisher=True)
                except validation.InvalidProduct as exc:
                    problems += [f"{where}: {e.field or '(record)'}: {e.detail}" for e in exc.errors]
                    continue
                owner = data.get("publisher") or publisher
                if owner is None:
                    problems.append(f"{where}: publisher: missing; add it to the record or pass "
                                    "--publisher CLIENT_ID")
                    continue
                if owner not in publishers:
                    publishers[owner] = clients.get(session, owner) is not None
                if not publishers[owner]:
                    problems.append(f"{where}: publisher: no client {owner!r}; register it with "
                                    "`loket client add --grant-type client_credentials "
                                    "--scope catalog:write`")
                elif owners.get(data["id"].lower(), (owner,))[0] != owner:
                    problems.append(f"{where}: publisher: product {data['id']!r} belongs to "
                                    f"{owners[data['id'].lower()][0]!r}, not {owner!r}")
                elif owners.get(data["id"].lower(), (owner, data["id"]))[1] != data["id"]:
                    problems.append(f"{where}: id: the catalog has it as "
                                    f"{owners[data['id'].lower()][1]!r}; use that spelling")
                key = data["id"].lower()
                if key in seen:
                    problems.append(f"{where}: id: {data['id']!r} appears already in record "
                                    f"{seen[key]} (ids are compared without regard to case)")
                seen[key] = index
                parsed.append((owner, data))
    if problems:
        for line in problems[:MAX_SHOWN]:
            click.echo(line, err=True)
        if len(problems) > MAX_SHOWN:
            click.echo(f"... and {len(problems) - MAX_SHOWN} more problems.", err=True)
        click.echo(f"Error: {len(problems)} problem(s) in {file}; nothing was imported. Fix the "
                   "records named above and run the import again.", err=True)
        sys.exit(1)
    counts = {store.CREATED: 0, store.UPDATED: 0, store.UNCHANGED: 0}
    now = dbm.now()
    with database.transaction() as session:
        with click.progressbar(parsed, label="importing ", file=sys.stderr,
                               show_pos=True) as bar:
            for owner, data in bar:
                counts[store.upsert(session, owner, data, now).result] += 1
        audit.record(session, "catalog-import", f"catalog/import/{Path(file).name}"[:300],
                     actor="cli", detail=dict(counts))
    click.echo(f"Imported {len(parsed)} products: {counts[store.CREATED]} created, "
               f"{counts[store.UPDATED]} updated, {counts[store.UNCHANGED]} unchanged.")


@group.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--publisher", help="Only the products of this client.")
def export(file: str | None, publisher: str | None) -> None:
    """Write the catalog (or one publisher's part) as JSON to FILE, or to standard output."""
    from sqlalchemy import func, select

    from loket import db as dbm
    from loket.catalog import store

    database = dbm.database(bootstrap.app())
    with database.read_sessions() as session:
        query = select(func.count()).select_from(store.CatalogProduct)
        if publisher:
            query = query.where(store.CatalogProduct.publisher == publisher)
        total = session.scalar(query) or 0
        if file is None or file == "-":
            _write(sys.stdout, store.export_records(session, publisher), None)
            return
        with open(file, "w", encoding="utf-8") as handle, click.progressbar(
                length=total, label="exporting", file=sys.stderr, show_pos=True) as bar:
            _write(handle, store.export_records(session, publisher), bar.update)
    click.echo(f"Exported {total} products to {file}.", err=True)


def _write(out: IO[str], records: Any, step: Any) -> None:
    out.write(f'{{\n  "format": "{FORMAT}",\n  "version": {VERSION},\n  "products": [')
    for i, item in enumerate(records):
        out.write(("," if i else "") + "\n    " + json.dumps(item, ensure_ascii=False))
        if step:
            step(1)
    out.write("\n  ]\n}\n")
