"""``loket seed-demo``: the demo data set, and generated bulk data on request."""

from __future__ import annotations

import json
from pathlib import Path

import click

from loket.cli import bootstrap


@click.command("seed-demo")
@click.option("--associations", default=0, type=click.IntRange(0, 2_000_000),
              help="Also add this many generated associations.")
@click.option("--dossiers", default=0, type=click.IntRange(0, 10_000_000),
              help="Also add this many generated dossiers (see docs/performance.md).")
@click.option("--products", default=0, type=click.IntRange(0, 1_000_000),
              help="Also add this many generated catalog products.")
@click.option("--json", "as_json", is_flag=True, help="Print the demo clients as JSON.")
def seed_demo(associations: int, dossiers: int, products: int, as_json: bool) -> None:
    """Load the demo persons, associations, companies and the two demo sites (idempotent)."""
    from loket import db as dbm
    from loket import seed

    app = bootstrap.app()
    bootstrap.prepare(app, upgrade=app.config["ENV"] == "development")
    instance = Path(app.instance_path)
    allow_http = app.config["ENV"] == "development"
    with dbm.database(app).transaction() as session:
        sites = seed.seed_demo(session, instance, allow_http_anywhere=allow_http)
    if associations:
        from loket.register import bulk as register_bulk

        with dbm.database(app).transaction() as session:
            register_bulk.add(session, associations,
                              progress=bootstrap.progress("associations", associations))
    if dossiers:
        from loket.dossiers import bulk as dossier_bulk

        dossier_bulk.add(dbm.database(app), dossiers, now=dbm.now(),
                         progress=bootstrap.progress("dossiers", dossiers))
    if products:
        from loket.catalog import bulk as catalog_bulk

        with dbm.database(app).transaction() as session:
            catalog_bulk.add(session, products, progress=bootstrap.progress("products", products))
    if as_json:
        click.echo(json.dumps(sites, indent=2))
        return
    click.echo("Demo data loaded.")
    for demo in seed.PERSONS:
        name = f"{demo.given_name} {demo.family_name}"
        click.echo(f"  {name:<12} INSZ {demo.insz}  {demo.story}")
    for site in sites.values():
        click.echo(f"  site {site['client_id']:<12} {site['url']}  (client secret in "
                   f"{instance / 'demo-clients.json'})")
