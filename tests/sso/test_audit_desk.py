"""The security officer's tools for the audit log: `loket audit search` finds every access to a
person's data (with IP and reason), logs the search itself where the person sees it; signed
checkpoints outside the database prove the log even against someone who rewrites a lane and
its head row consistently (`loket audit verify --checkpoints`)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.agent import Agent
from support.oidc import JAN, full_flow, userinfo
from support.servers import Provider, database_for, make_provider, run_cli

KEY = "k" * 40


def search(provider: Provider, *args: str, check: bool = True) -> Any:
    return provider.cli("audit", "search", *args, check=check)


def test_the_officer_finds_every_access_to_jans_data(provider, rp, agent) -> None:
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 1))
    full_flow(provider, rp, agent, JAN, capacity=f"BUR:{JAN}")
    tokens = full_flow(provider, rp, agent, JAN, capacity="VER:V0001001")["tokens"]
    assert userinfo(provider, tokens["access_token"]).status_code == 200
    sub = str(provider.sql("SELECT sub FROM persons WHERE insz = :i", {"i": JAN})[0][0])
    expected = provider.sql("SELECT seq FROM audit_log WHERE subject = :s AND at >= :t "
                            "ORDER BY seq", {"s": sub, "t": since})
    found = search(provider, "--person", JAN, "--since", since, "--all", "--format", "jsonl",
                   "--reason", "melding 2026/12: onregelmatige toegang")
    rows = [json.loads(line) for line in found.stdout.splitlines()]
    assert [r["seq"] for r in rows] == [e[0] for e in expected] and rows
    assert all(r["subject"] == sub and r["ip"] == "127.0.0.1" for r in rows)
    assert {"userinfo"} <= {r["resource"] for r in rows}
    assert JAN not in found.stdout                     # the log names people by sub only
    # the search itself is in the log, with the officer, the reason and Jan as subject …
    logged = provider.sql("SELECT actor, reason, subject, detail FROM audit_log WHERE "
                          "operation = 'audit-search' ORDER BY seq DESC LIMIT 1")[0]
    assert logged[0].startswith("cli:") and logged[1].startswith("melding 2026/12")
    assert logged[2] == sub
    detail = logged[3] if isinstance(logged[3], dict) else json.loads(logged[3])
    assert detail["found"] == len(rows) and JAN not in json.dumps(detail)
    # … so Jan's own access overview shows that the security officer consulted it, and why
    jan = Agent(provider.url)
    try:
        jan.submit_login(jan.get("/aanmelden"), JAN)
        overview = jan.get("/mijn-gegevens").text
    finally:
        jan.http.close()
    assert "de veiligheidsconsulent" in overview and "melding 2026/12" in overview


def test_search_filters_and_formats(provider, rp) -> None:
    for _ in range(3):   # three sign-ins and token issues: more than one page of two holds
        browser = Agent(provider.url)
        full_flow(provider, rp, browser, JAN, capacity=f"BUR:{JAN}")
        browser.http.close()
    table = search(provider, "--client", rp.client_id, "--operation", "token-issue",
                   "--limit", "2", "--reason", "steekproef")
    lines = table.stdout.splitlines()
    assert len(lines) == 2 and all("token-issue" in line for line in lines)
    assert "more after" in table.stderr
    csv = search(provider, "--ip", "127.0.0.0/8", "--operation", "sign-in", "--limit", "3",
                 "--format", "csv", "--reason", "steekproef")
    header, *rest = csv.stdout.splitlines()
    assert header.startswith("seq,at,ip,actor") and len(rest) == 3
    nothing = search(provider, "--ip", "10.0.0.0/8", "--reason", "steekproef")
    assert nothing.stdout == "" and "0 entries" in nothing.stderr
    for args, says in ((["--person", "12345678901"], "--person"),
                       (["--since", "gisteren"], "--since"),
                       (["--ip", "999.1.1.1"], "--ip"),
                       (["--association", "X1"], "--association")):
        refused = search(provider, *args, "--reason", "steekproef", check=False)
        assert refused.returncode != 0 and says in refused.stderr, refused.stderr
    missing = search(provider, "--person", JAN, check=False)
    assert missing.returncode != 0 and "--reason" in missing.stderr


# ---- checkpoints, on a database of their own ------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def checkpointed(request, tmp_path: Path) -> Iterator[Provider]:
    """A migrated database with a checkpoint key and file, and entries in the log."""
    env = {"LOKET_AUDIT_CHECKPOINT_KEY": KEY,
           "LOKET_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl")}
    with database_for(request.param) as url:
        prov = make_provider(tmp_path, url, start=False, seed=False, extra_env=env)
        for n in range(3):
            prov.add_client(f"site-{n}", "--redirect-uri", f"https://site{n}.example/cb")
        yield prov


def _rewrite_lane_from(provider: Provider, seq: int) -> None:
    """What a database administrator could do: change an entry and rehash the rest of its
    lane and its head row, so that the hash chain holds again."""
    from loket.audit_chain import ALL_FIELDS as HASHED_FIELDS
    from loket.audit_chain import entry_hash

    lane, lane_seq = provider.sql("SELECT lane, lane_seq FROM audit_log WHERE seq = :s",
                                  {"s": seq})[0]
    provider.sql("UPDATE audit_log SET resource = 'client/niets-gebeurd' WHERE seq = :s",
                 {"s": seq})
    rows = provider.sql(f"SELECT seq, prev_hash, {', '.join(HASHED_FIELDS)} FROM audit_log "  # noqa: S608
                        "WHERE lane = :l AND lane_seq >= :n ORDER BY lane_seq",
                        {"l": lane, "n": lane_seq})
    prev = rows[0][1]
    for found in rows:
        fields = dict(zip(HASHED_FIELDS, found[2:], strict=True))
        if isinstance(fields["detail"], str):
            fields["detail"] = json.loads(fields["detail"])
        new = entry_hash(prev, fields)
        provider.sql("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE seq = :s",
                     {"p": prev, "h": new, "s": found[0]})
        prev = new
    provider.sql("UPDATE audit_head SET last_hash = :h WHERE id = :l", {"h": prev, "l": lane})


def test_a_consistently_rewritten_lane_is_found_by_the_checkpoints(checkpointed) -> None:
    first = checkpointed.cli("audit", "checkpoint")
    assert "Checkpoint of" in first.stdout
    marker = int(checkpointed.sql("SELECT MAX(seq) FROM audit_log")[0][0])
    checkpointed.add_client("site-late", "--redirect-uri", "https://late.example/cb")
    checkpointed.cli("audit", "checkpoint")
    proven = checkpointed.cli("audit", "verify", "--checkpoints")
    assert "matches all 2 checkpoints" in proven.stdout
    # rewrite the first entry after the first checkpoint, and its lane, consistently
    victim = int(checkpointed.sql("SELECT MIN(seq) FROM audit_log WHERE seq > :m AND "
                                  "operation = 'client-add'", {"m": marker})[0][0])
    _rewrite_lane_from(checkpointed, victim)
    assert checkpointed.cli("audit", "verify").returncode == 0   # the chain alone holds
    caught = checkpointed.cli("audit", "verify", "--checkpoints", check=False)
    assert caught.returncode == 1
    assert f"the first entry that may have been rewritten is entry {victim}" in caught.stderr
    assert "the last checkpoint it matches is" in caught.stderr


def test_checkpoints_that_were_altered_or_are_missing_prove_nothing(checkpointed,
                                                                   tmp_path: Path) -> None:
    none = checkpointed.cli("audit", "verify", "--checkpoints", check=False)
    assert none.returncode != 0 and "no checkpoint file" in none.stderr
    checkpointed.cli("audit", "checkpoint")
    path = Path(checkpointed.env["LOKET_AUDIT_CHECKPOINT_FILE"])
    cp = json.loads(path.read_text())
    cp["lanes"]["1"][0] += 1
    path.write_text(json.dumps(cp) + "\n")
    forged = checkpointed.cli("audit", "verify", "--checkpoints", check=False)
    assert forged.returncode == 1 and "not carry a valid signature" in forged.stderr
    other = {**checkpointed.env, "LOKET_AUDIT_CHECKPOINT_KEY": "x" * 40}
    path.write_text("")
    run_cli(other, "audit", "checkpoint")
    unknown = checkpointed.cli("audit", "verify", "--checkpoints", check=False)
    assert unknown.returncode == 1 and "LOKET_AUDIT_CHECKPOINT_OLD_KEYS" in unknown.stderr
    rotated = run_cli({**checkpointed.env, "LOKET_AUDIT_CHECKPOINT_OLD_KEYS": "x" * 40},
                      "audit", "verify", "--checkpoints")
    assert rotated.returncode == 0, rotated.stderr


def test_the_service_takes_checkpoints_as_the_log_grows(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.jsonl"
    provider = make_provider(tmp_path, extra_env={
        "LOKET_AUDIT_CHECKPOINT_KEY": KEY, "LOKET_AUDIT_CHECKPOINT_FILE": str(path),
        "LOKET_AUDIT_CHECKPOINT_EVERY": "3"})
    try:
        # each sign-in writes its entries in one of the server's processes, each of which
        # counts its own: sign in until one of them has written three (bounded)
        deadline = time.time() + 20
        while time.time() < deadline and not path.exists():
            agent = Agent(provider.url)
            agent.submit_login(agent.get("/aanmelden"), JAN)
            agent.http.close()
            time.sleep(0.1)
        assert path.exists(), "no checkpoint written"
        lines = path.read_text().splitlines()
        assert lines, "no checkpoint written"
        proven = provider.cli("audit", "verify", "--checkpoints")
        assert f"matches all {len(lines)} checkpoints" in proven.stdout
    finally:
        provider.stop()


# ---- retention: pruning that keeps the chain verifiable -------------------------------------

OLD = "2020-01-01T10:00:00.000000Z"


@pytest.fixture()
def aged(checkpointed, monkeypatch) -> Provider:
    """Two clients added and one removed in 2020 (their entries long past retention), beside
    the three of today; old client removals are kept forever."""
    checkpointed.env["LOKET_AUDIT_RETENTION"] = "client-remove=forever,*=1000"
    with monkeypatch.context() as then:
        then.setattr("loket.audit._now_iso", lambda: OLD)
        checkpointed.add_client("site-old-0", "--redirect-uri", "https://old0.example/cb")
        checkpointed.add_client("site-old-1", "--redirect-uri", "https://old1.example/cb")
        checkpointed.cli("client", "remove", "site-old-1")
    return checkpointed


def _whole(provider: Provider) -> list[Any]:
    return provider.sql("SELECT seq, operation, actor, resource, pruned FROM audit_log "
                        "ORDER BY seq")


def test_pruning_empties_what_is_past_retention_and_the_log_still_proves(aged) -> None:
    before = _whole(aged)
    dry = aged.cli("audit", "prune", "--dry-run")
    assert "client-add" in dry.stdout and "2 entries would be due" in dry.stdout
    assert _whole(aged) == before                                   # a dry run changes nothing
    done = aged.cli("audit", "prune")
    assert "Cut 1: emptied 2 entries" in done.stdout and "Checkpoint marking cut 1" in done.stdout
    emptied = aged.sql("SELECT operation, at, actor, ip, resource, subject, pruned FROM "
                       "audit_log WHERE pruned IS NOT NULL")
    assert [(e[0], e[1]) for e in emptied] == [("client-add", OLD)] * 2
    assert all(e[2] is None and e[3] is None and e[4] == "" and e[5] is None and e[6] == 1
               for e in emptied)
    kept = aged.sql("SELECT operation, resource FROM audit_log WHERE pruned IS NULL AND at = :o",
                    {"o": OLD})
    assert kept == [("client-remove", "client/site-old-1")]         # kept forever
    assert len(aged.sql("SELECT seq FROM audit_log WHERE operation = 'client-add' AND pruned "
                        "IS NULL")) == 3                            # today's are whole
    chain = aged.cli("audit", "verify")
    assert "2 of them emptied under retention" in chain.stdout
    proven = aged.cli("audit", "verify", "--checkpoints")
    assert "exactly those their checkpoints signed" in proven.stdout
    found = search(aged, "--operation", "client-add", "--all", "--format", "jsonl",
                   "--reason", "retentiecontrole")
    assert len(found.stdout.splitlines()) == 3                      # nothing left to find
    again = aged.cli("audit", "prune")
    assert "0 entries are due" in again.stdout and "Cut 2" not in again.stdout


def test_an_entry_emptied_by_anyone_but_the_pruning_is_named(aged) -> None:
    aged.cli("audit", "prune")
    victim = int(aged.sql("SELECT MAX(seq) FROM audit_log WHERE operation = 'client-add' AND "
                          "pruned IS NULL")[0][0])
    # emptied as the pruning would have, but today's entry: the database's own record says no
    aged.sql("UPDATE audit_log SET actor = NULL, ip = NULL, resource = '', pruned = 1 "
             "WHERE seq = :s", {"s": victim})
    sloppy = aged.cli("audit", "verify", check=False)
    assert sloppy.returncode == 1 and f"entry {victim}" in sloppy.stderr
    assert "kept such entries" in sloppy.stderr
    # with its time moved back too, the chain alone is satisfied; the signed cut is not
    aged.sql("UPDATE audit_log SET at = :o WHERE seq = :s", {"o": OLD, "s": victim})
    assert aged.cli("audit", "verify").returncode == 0
    caught = aged.cli("audit", "verify", "--checkpoints", check=False)
    assert caught.returncode == 1, caught.stdout
    assert f"the first entry that may have been emptied or changed since is entry {victim}" \
        in caught.stderr
    # a cut of one's own, recorded in the database but signed by no checkpoint
    aged.sql("INSERT INTO audit_cuts (id, at, before, entries) VALUES "
             "(2, :o, '{\"*\": \"2030-01-01T00:00:00.000000Z\"}', 1)", {"o": OLD})
    aged.sql("UPDATE audit_log SET pruned = 2 WHERE seq = :s", {"s": victim})
    assert aged.cli("audit", "verify").returncode == 0
    unsigned = aged.cli("audit", "verify", "--checkpoints", check=False)
    assert unsigned.returncode == 1 and "cut 2 was never signed" in unsigned.stderr
    assert f"entry {victim}" in unsigned.stderr


def test_pruning_never_hides_an_edit(aged) -> None:
    old = int(aged.sql("SELECT MIN(seq) FROM audit_log WHERE at = :o", {"o": OLD})[0][0])
    aged.sql("UPDATE audit_log SET resource = 'client/iets-anders' WHERE seq = :s", {"s": old})
    refused = aged.cli("audit", "prune", check=False)
    assert refused.returncode != 0 and f"entry {old} no longer carries its hash" in refused.stderr
    assert aged.sql("SELECT COUNT(*) FROM audit_log WHERE pruned IS NOT NULL")[0][0] == 0
    assert aged.sql("SELECT COUNT(*) FROM audit_cuts")[0][0] == 0


def test_retention_rules_say_what_is_wrong(aged) -> None:
    for rules, says in (("sign-in", "not operation=days"), ("sign-in=0", "at least 1"),
                        ("sign-in=²", "whole number of days"), ("*=ooit", "whole number")):
        aged.env["LOKET_AUDIT_RETENTION"] = rules
        refused = aged.cli("audit", "prune", "--dry-run", check=False)
        assert refused.returncode != 0 and says in refused.stderr, (rules, refused.stderr)
