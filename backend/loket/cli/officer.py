"""``loket officer …``: who may consult the audit log (the security officer's desk)."""

from __future__ import annotations

import getpass

import click

from loket.cli import bootstrap


@click.group("officer")
def group() -> None:
    """Security officers: who may consult the audit log at /veiligheidsconsulent."""


def _change(insz: str, grant: bool) -> None:
    from loket import audit, officers
    from loket import db as dbm

    app = bootstrap.app()
    by = f"cli:{getpass.getuser()}"
    with dbm.database(app).transaction() as session:
        try:
            person = officers.grant(session, insz, by) if grant else officers.revoke(session, insz)
        except officers.OfficerProblem as exc:
            raise click.ClickException(str(exc)) from exc
        audit.record(session, "officer-grant" if grant else "officer-revoke",
                     "security-officers", actor=by, subject=person.sub)
        name = f"{person.given_name} {person.family_name}"
    click.echo(f"{name} {'may now' if grant else 'may no longer'} consult the audit log.")


@group.command("grant")
@click.argument("insz")
def grant(insz: str) -> None:
    """Let the person with this INSZ consult the audit log (after signing in)."""
    _change(insz, True)


@group.command("revoke")
@click.argument("insz")
def revoke(insz: str) -> None:
    """Take the right to consult the audit log away."""
    _change(insz, False)


@group.command("list")
def list_officers() -> None:
    """Who may consult the audit log, since when and granted by whom."""
    import time

    from loket import db as dbm
    from loket import officers

    with dbm.database(bootstrap.app()).read_sessions() as session:
        rows = officers.listed(session)
        for person, officer in rows:
            since = time.strftime("%Y-%m-%d", time.gmtime(officer.granted_at))
            click.echo(f"{person.given_name} {person.family_name}  since {since}  by "
                       f"{officer.granted_by}")
    if not rows:
        click.echo("No security officer yet: loket officer grant INSZ.")
