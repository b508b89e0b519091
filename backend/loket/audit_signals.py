"""Irregularities the security officer's desk shows: a small, documented set of signals over the
last days of the audit log, each with the filters that list the entries behind it.

- **refused requests by client**: entries with outcome ``refused``, per client and day;
- **bursts of personal-data reads**: reads that touch someone's data (an entry with a subject)
  by one client or one IP address within one hour, above ``burst`` (default 200);
- **reads outside a client's usual hours**: a client's personal-data reads in an hour of the day
  (UTC) in which it made less than 2 % of its reads over the window, per client and day;
- **failed sign-ins**: refused sign-ins per day, with the IP addresses they came from.

Times in the log are UTC text (``2026-12-01T14:03:…Z``), so days and hours are its prefixes: the
same SQL on SQLite and PostgreSQL. No Flask here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loket.models import AuditEntry

USUAL_SHARE = 0.02


@dataclass(frozen=True)
class Finding:
    """One line of a signal: what, how many, and the search filters behind it."""

    label: str
    count: int
    filters: dict[str, str]


@dataclass
class Signal:
    name: str
    explains: str
    findings: list[Finding] = field(default_factory=list)


def _day_after(day: str) -> str:
    return (datetime.fromisoformat(day) + timedelta(days=1)).strftime("%Y-%m-%d")


def signals(session: Session, *, days: int = 14, burst: int = 200,
            now: datetime | None = None) -> list[Signal]:
    """The four signals over the last ``days`` days."""
    since = ((now or datetime.now(UTC)) - timedelta(days=days)).strftime("%Y-%m-%d")
    day = func.substr(AuditEntry.at, 1, 10)
    hour = func.substr(AuditEntry.at, 1, 13)
    recent = AuditEntry.at >= since
    found: list[Signal] = []

    refused = Signal("Geweigerde verzoeken per client",
                     "verzoeken die het register of de aanmelding weigerde, per client en dag")
    for client, on, count in session.execute(
            select(AuditEntry.client_id, day, func.count()).where(
                recent, AuditEntry.outcome == "refused", AuditEntry.client_id.is_not(None))
            .group_by(AuditEntry.client_id, day).order_by(func.count().desc()).limit(20)):
        refused.findings.append(Finding(f"{client} op {on}", int(count), {
            "client": client, "outcome": "refused", "since": on, "until": _day_after(on)}))
    found.append(refused)

    bursts = Signal(f"Uitschieters: meer dan {burst} lezingen van persoonsgegevens per uur",
                    "door één client of vanaf één IP-adres, binnen één uur")
    reads = (recent, AuditEntry.subject.is_not(None))
    for column, what in ((AuditEntry.client_id, "client"), (AuditEntry.ip, "ip")):
        for who, at, count in session.execute(
                select(column, hour, func.count()).where(*reads, column.is_not(None))
                .group_by(column, hour).having(func.count() > burst)
                .order_by(func.count().desc()).limit(20)):
            bursts.findings.append(Finding(f"{what} {who}, {at[:10]} {at[11:13]}:00–{at[11:13]}:59",
                                           int(count), {what: who, "since": f"{at}:00",
                                                        "until": _next_hour(at)}))
    found.append(bursts)

    unusual = Signal("Lezingen buiten de gewone uren van een client",
                     f"persoonsgegevens gelezen in een uur (UTC) waarin de client minder dan "
                     f"{USUAL_SHARE:.0%} van zijn lezingen van de periode deed")
    per_hour: dict[str, Counter[str]] = defaultdict(Counter)
    per_day_hour: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for client, at, count in session.execute(
            select(AuditEntry.client_id, hour, func.count()).where(
                *reads, AuditEntry.client_id.is_not(None))
            .group_by(AuditEntry.client_id, hour)):
        per_hour[client][at[11:13]] += int(count)
        per_day_hour[(client, at[:10])][at[11:13]] += int(count)
    for (client, on), hours in sorted(per_day_hour.items()):
        total = sum(per_hour[client].values())
        odd = {h: n for h, n in hours.items() if per_hour[client][h] < USUAL_SHARE * total}
        if odd and total >= 50:  # too few reads say nothing about usual hours
            unusual.findings.append(Finding(
                f"{client} op {on}, om {', '.join(f'{h}u' for h in sorted(odd))}",
                sum(odd.values()), {"client": client, "since": on, "until": _day_after(on)}))
    found.append(unusual)

    failed = Signal("Mislukte aanmeldingen", "per dag, met de IP-adressen waar ze vandaan kwamen")
    for on, ip, count in session.execute(
            select(day, AuditEntry.ip, func.count()).where(
                recent, AuditEntry.operation == "sign-in", AuditEntry.outcome == "refused")
            .group_by(day, AuditEntry.ip).order_by(day.desc(), func.count().desc()).limit(30)):
        failed.findings.append(Finding(f"{on} vanaf {ip or 'onbekend'}", int(count), {
            "operation": "sign-in", "outcome": "refused", "ip": ip or "", "since": on,
            "until": _day_after(on)}))
    found.append(failed)
    return found


def _next_hour(prefix: str) -> str:
    moment = datetime.strptime(prefix, "%Y-%m-%dT%H") + timedelta(hours=1)
    return moment.strftime("%Y-%m-%dT%H:00")


def summary(found: list[Signal]) -> dict[str, Any]:
    """What the desk's log entry records of the signals it showed (counts only)."""
    return {s.name: sum(f.count for f in s.findings) for s in found}
