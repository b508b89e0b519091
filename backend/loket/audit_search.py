"""Consulting the audit log: the filters a security officer searches by, and the pages they get.

A person, an association or a company is named by what the officer knows (an INSZ, a vCode, a
KBO number) and looked up here: the log itself never holds an INSZ (it names people by their
``sub``). Results come in ``seq`` order, a page at a time (``after`` the last one seen), and
can be written as CSV or JSON Lines. Every search is itself an entry of the log — who looked,
why, with which filters, and whose data (see :func:`record_search`). No Flask here.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, false, or_, select
from sqlalchemy.orm import Session

from loket.identifiers import InvalidIdentifier, parse_insz, parse_kbo, parse_vcode
from loket.models import AuditEntry, Person
from loket.models.base import table_of

MAX_PAGE = 1000
# An entry's time is taken right before it is inserted (audit._flush_pending), so its ``seq``
# and its ``at`` agree to within a moment; a time range is turned into a ``seq`` range with this
# much to spare, and the exact time condition is applied on top.
SLACK = timedelta(minutes=10)
_ISO = "%Y-%m-%dT%H:%M:%S.%fZ"
COLUMNS = ("seq", "at", "ip", "actor", "capacity", "client_id", "resource", "operation",
           "outcome", "reason", "subject")


class SearchProblem(ValueError):
    """A filter that cannot be used, with what to give instead."""


@dataclass(frozen=True)
class Filters:
    """What to look for; every filter given must hold (AND)."""

    person: str | None = None        # INSZ: entries about this person's data (subject)
    by_person: str | None = None     # INSZ: entries of what this person did (actor)
    association: str | None = None   # vCode: about it, or done acting for it
    company: str | None = None       # KBO number: done acting for the company
    actor: str | None = None         # a person's sub or a client id, as logged
    client: str | None = None
    ip: str | None = None            # an address or a network (10.0.0.0/8)
    resource: str | None = None      # a kind ("association") or a resource's start
    operation: str | None = None
    outcome: str | None = None
    since: str | None = None         # ISO date or time, UTC, inclusive
    until: str | None = None         # exclusive
    after: int = 0                   # the last seq of the previous page
    limit: int = 100

    def described(self) -> dict[str, Any]:
        """The filters given, as the audit entry of the search records them (INSZ masked)."""
        shown = {k: v for k, v in asdict(self).items() if v not in (None, 0) and k != "limit"}
        for key in ("person", "by_person"):
            if key in shown:
                shown[key] = f"•••••••••{str(shown[key])[-2:]}"
        return shown


@dataclass
class Page:
    """Entries as plain rows (each column an attribute): a page of them costs a tenth of what
    ORM objects do, and nothing here changes them."""

    entries: list[Row[Any]] = field(default_factory=list)
    more: bool = False

    @property
    def next_after(self) -> int | None:
        return self.entries[-1].seq if self.more and self.entries else None


def _moment(value: str, what: str) -> str:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SearchProblem(f"{what}: give a date or time such as 2026-12-01 or "
                            f"2026-12-01T14:00 (UTC), not {value[:40]!r}") from exc
    return parsed.strftime(_ISO)


def _first_seq_from(session: Session, moment: str, slack: timedelta) -> int | None:
    """The ``seq`` of the first entry (by time) at or after ``moment`` shifted by ``slack``:
    one step down the time index."""
    shifted = (datetime.strptime(moment, _ISO) + slack).strftime(_ISO)
    return session.scalar(select(AuditEntry.seq).where(AuditEntry.at >= shifted)
                          .order_by(AuditEntry.at).limit(1))


def _seq_range(session: Session, filters: Filters) -> list[Any]:
    """The ``seq`` range the search covers: after the page before (``after``) and within the
    time range, as *one* lower and one upper bound, so that the database scans the ``(…, seq)``
    index from the right place (given two lower bounds, SQLite ranges on one and filters by the
    other: a week of refused sign-ins would be found by reading the whole year's)."""
    low = filters.after + 1
    if filters.since:
        first = _first_seq_from(session, _moment(filters.since, "--since"), -SLACK)
        if first is None:
            return [false()]
        low = max(low, first)
    conditions: list[Any] = [AuditEntry.seq >= low]
    if filters.until:
        beyond = _first_seq_from(session, _moment(filters.until, "--until"), SLACK)
        if beyond is not None:
            conditions.append(AuditEntry.seq < beyond)
    return conditions


def _sub_of(session: Session, insz: str, what: str) -> str:
    try:
        canonical = parse_insz(insz)
    except InvalidIdentifier as exc:
        raise SearchProblem(f"{what}: {exc.message}") from exc
    sub = session.scalar(select(Person.sub).where(Person.insz == canonical))
    if sub is None:
        raise SearchProblem(f"{what}: nobody with this INSZ is known here, so the log has "
                            "nothing about them")
    return str(sub)


def subjects(session: Session, filters: Filters) -> list[str]:
    """The people (``sub``) whose data the search is about: their access overview shows it."""
    return [_sub_of(session, filters.person, "--person")] if filters.person else []


def build(session: Session, filters: Filters) -> Select[Any]:
    """The query for ``filters`` (without paging); :class:`SearchProblem` for a bad filter."""
    # entries emptied under retention have nothing left to find
    query = select(table_of(AuditEntry)).where(AuditEntry.pruned.is_(None))
    if filters.person:
        query = query.where(AuditEntry.subject == _sub_of(session, filters.person, "--person"))
    if filters.by_person:
        query = query.where(AuditEntry.actor == _sub_of(session, filters.by_person,
                                                       "--by-person"))
    if filters.association:
        try:
            vcode = parse_vcode(filters.association)
        except InvalidIdentifier as exc:
            raise SearchProblem(f"--association: {exc.message}") from exc
        query = query.where(or_(AuditEntry.resource == f"association/{vcode}",
                                AuditEntry.resource.startswith(f"association/{vcode}/"),
                                AuditEntry.capacity == f"VER:{vcode}"))
    if filters.company:
        try:
            kbo = parse_kbo(filters.company)
        except InvalidIdentifier as exc:
            raise SearchProblem(f"--company: {exc.message}") from exc
        query = query.where(AuditEntry.capacity == f"EA:{kbo}")
    for column, value in ((AuditEntry.actor, filters.actor),
                          (AuditEntry.client_id, filters.client),
                          (AuditEntry.operation, filters.operation),
                          (AuditEntry.outcome, filters.outcome)):
        if value:
            query = query.where(column == value)
    if filters.resource:
        query = query.where(or_(AuditEntry.resource == filters.resource,
                                AuditEntry.resource.startswith(filters.resource.rstrip("/")
                                                               + "/")))
    if filters.ip:
        query = query.where(*_ip_condition(filters.ip))
    if filters.since:
        query = query.where(AuditEntry.at >= _moment(filters.since, "--since"))
    if filters.until:
        query = query.where(AuditEntry.at < _moment(filters.until, "--until"))
    return query.where(*_seq_range(session, filters)).order_by(AuditEntry.seq)


def _ip_condition(value: str) -> list[Any]:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise SearchProblem(f"--ip: give an address (192.0.2.7) or a network "
                            f"(192.0.2.0/24), not {value[:40]!r}") from exc
    if network.num_addresses == 1:
        return [AuditEntry.ip == str(network.network_address)]
    # A network: the addresses are text in the log, so narrow by the common text prefix in
    # the database and check the rest here (see matches()).
    prefix = _text_prefix(network)
    return [AuditEntry.ip.startswith(prefix)] if prefix else [AuditEntry.ip.is_not(None)]


def _text_prefix(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    if isinstance(network, ipaddress.IPv4Network):
        whole = network.prefixlen // 8
        return ".".join(str(network.network_address).split(".")[:whole]) + ("." if whole else "")
    return ""


def _checked_here(filters: Filters) -> bool:
    return bool(filters.ip and "/" in filters.ip)


def matches(filters: Filters, entry: Any) -> bool:
    """What the database could not check: membership of a network."""
    if not _checked_here(filters):
        return True
    try:
        return ipaddress.ip_address(entry.ip or "") in ipaddress.ip_network(filters.ip or "",
                                                                            strict=False)
    except ValueError:
        return False


def search(session: Session, filters: Filters) -> Page:
    """One page of entries matching ``filters``, oldest first."""
    limit = max(1, min(filters.limit, MAX_PAGE))
    query = build(session, filters)
    if _checked_here(filters):  # the database cannot check everything: read on in batches
        query = query.execution_options(yield_per=500)
    else:
        query = query.limit(limit + 1)
    page = Page()
    result = session.execute(query)
    try:
        for entry in result:
            if not matches(filters, entry):
                continue
            if len(page.entries) == limit:
                page.more = True
                break
            page.entries.append(entry)
    finally:  # a page that stops early closes its server-side cursor now
        result.close()
    return page


def every(session: Session, filters: Filters) -> Iterator[Row[Any]]:
    """Every matching entry, page by page (for an export)."""
    after = filters.after
    while True:
        page = search(session, Filters(**{**asdict(filters), "after": after,
                                          "limit": MAX_PAGE}))
        yield from page.entries
        if page.next_after is None:
            return
        after = page.next_after


def row(entry: Any) -> dict[str, Any]:
    return {**{c: getattr(entry, c) for c in COLUMNS}, "detail": entry.detail or {}}


def as_csv(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Rows (:func:`row`) as CSV with a header row; ``detail`` as JSON in its column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*COLUMNS, "detail"])
    yield buffer.getvalue()
    for values in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([*(values[c] if values[c] is not None else "" for c in COLUMNS),
                         json.dumps(values["detail"], ensure_ascii=False, sort_keys=True)])
        yield buffer.getvalue()


def as_jsonl(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Rows (:func:`row`) as JSON Lines."""
    for values in rows:
        yield json.dumps(values, ensure_ascii=False, sort_keys=True) + "\n"


def record_search(session: Session, filters: Filters, *, officer: str, reason: str,
                  found: int, via: str) -> None:
    """The search, as an entry of the log itself: who searched, why, for what — and, once per
    person the search was about, an entry with that person as subject, so their access
    overview shows that the security officer consulted it."""
    from loket import audit

    if not reason.strip():
        raise SearchProblem("give the reason for this search (--reason): it is logged with it")
    about = subjects(session, filters)
    detail = {"filters": filters.described(), "found": found, "via": via}
    audit.record(session, "audit-search", "audit-log", actor=officer, reason=reason[:500],
                 subject=about[0] if about else None, detail=detail)
    for sub in about[1:]:
        audit.record(session, "audit-search", "audit-log", actor=officer, reason=reason[:500],
                     subject=sub, detail=detail)
