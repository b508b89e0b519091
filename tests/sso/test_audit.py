"""The audit log: every sign-in, token issue, capacity switch and read of personal data is
appended with time, IP, resource, operation, actor and capacity; `loket audit verify` finds any
edited or deleted entry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.oidc import JAN, full_flow, hint, userinfo
from support.servers import Provider, database_for, make_provider


def entries(provider: Provider, since: int) -> list[dict]:
    rows = provider.sql("SELECT seq, at, ip, actor, capacity, client_id, resource, operation, "
                        "outcome, subject FROM audit_log WHERE seq > :s ORDER BY seq", {"s": since})
    return [dict(r._mapping) for r in rows]


def last_seq(provider: Provider) -> int:
    return int(provider.sql("SELECT COALESCE(MAX(seq), 0) FROM audit_log")[0][0])


def test_a_sign_in_with_switch_and_reads_is_logged(provider, rp, agent) -> None:
    start = last_seq(provider)
    result = full_flow(provider, rp, agent, JAN, capacity="VER:V0001001")
    assert userinfo(provider, result["tokens"]["access_token"]).status_code == 200
    logged = entries(provider, start)
    ops = [e["operation"] for e in logged]
    assert ops == ["sign-in", "capacity-switch", "authorize", "token-issue", "read"]
    for entry in logged:
        assert entry["at"].endswith("Z") and entry["ip"] == "127.0.0.1"
        assert entry["outcome"] == "ok"
    sub = logged[0]["actor"]
    assert all(e["actor"] == sub for e in logged)
    assert [e["capacity"] for e in logged[1:]] == ["VER:V0001001"] * 4
    read = logged[-1]
    assert read["resource"] == "userinfo" and read["subject"] == sub
    assert read["client_id"] == rp.client_id
    # INSZ numbers are personal data the log does not need
    assert all(JAN not in str(e.values()) for e in logged)


def test_targeted_switch_is_logged_with_the_capacity(provider, rp, agent) -> None:
    full_flow(provider, rp, agent, JAN, capacity="VER:V0001001")
    start = last_seq(provider)
    full_flow(provider, rp, agent, JAN, login_hint=hint("EA", "0412.345.614"))
    logged = entries(provider, start)
    authorize = next(e for e in logged if e["operation"] == "authorize")
    assert authorize["capacity"] == "EA:0412345614"


def test_refused_sign_in_is_logged(provider, rp, agent) -> None:
    from support.oidc import auth_params, authorize

    start = last_seq(provider)
    page = authorize(agent, auth_params(rp))
    agent.submit_login(page, "85073003329")
    logged = entries(provider, start)
    assert logged[-1]["operation"] == "sign-in" and logged[-1]["outcome"] == "refused"


def test_verify_passes_on_the_live_log(provider) -> None:
    result = provider.cli("audit", "verify")
    assert "intact" in result.stdout


# ---- tampering, on a database of its own ---------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def logged_db(request, tmp_path: Path) -> Iterator[Provider]:
    """A migrated database with a few audit entries made through the CLI (no server)."""
    with database_for(request.param) as url:
        prov = make_provider(tmp_path, url, start=False, seed=False)
        for n in range(2):
            prov.add_client(f"site-{n}", "--redirect-uri", f"https://site{n}.example/cb")
        prov.cli("keys", "rotate")
        yield prov


def test_verify_detects_an_edited_entry(logged_db) -> None:
    assert logged_db.cli("audit", "verify").returncode == 0
    logged_db.sql("UPDATE audit_log SET resource = 'client/innocent' WHERE seq = 2")
    result = logged_db.cli("audit", "verify", check=False)
    assert result.returncode == 1
    assert "entry 2 was changed" in result.stderr


def test_verify_detects_a_deleted_entry(logged_db) -> None:
    lane, lane_seq = logged_db.sql("SELECT lane, lane_seq FROM audit_log WHERE seq = 2")[0]
    logged_db.sql("DELETE FROM audit_log WHERE seq = 2")
    result = logged_db.cli("audit", "verify", check=False)
    assert result.returncode == 1
    assert f"lane {lane}" in result.stderr and (f"#{lane_seq} is missing" in result.stderr
                                                or "were removed" in result.stderr)


def test_verify_detects_a_cut_off_tail(logged_db) -> None:
    count = int(logged_db.sql("SELECT MAX(seq) FROM audit_log")[0][0])
    lane = logged_db.sql("SELECT lane FROM audit_log WHERE seq = :s", {"s": count})[0][0]
    logged_db.sql("DELETE FROM audit_log WHERE seq = :s", {"s": count})
    result = logged_db.cli("audit", "verify", check=False)
    assert result.returncode == 1
    assert f"lane {lane}: the log ends" in result.stderr and "removed" in result.stderr


def test_verify_detects_a_rewritten_chain_entry(logged_db) -> None:
    """Recomputing one entry's hash is not enough: the next entry's link breaks."""
    import hashlib

    logged_db.sql("UPDATE audit_log SET hash = :h WHERE seq = 1",
                  {"h": hashlib.sha256(b"forged").hexdigest()})
    result = logged_db.cli("audit", "verify", check=False)
    assert result.returncode == 1 and "entry 1 was changed" in result.stderr


def test_verify_detects_entries_swapped_in_the_global_order(logged_db) -> None:
    """Swapping two entries' places in the log (their seq) changes the order a person sees
    their accesses in: the hash covers seq, so it is found."""
    count = int(logged_db.sql("SELECT MAX(seq) FROM audit_log")[0][0])
    assert count >= 2
    logged_db.sql("UPDATE audit_log SET seq = -1 WHERE seq = 1")
    logged_db.sql("UPDATE audit_log SET seq = 1 WHERE seq = 2")
    logged_db.sql("UPDATE audit_log SET seq = 2 WHERE seq = -1")
    result = logged_db.cli("audit", "verify", check=False)
    assert result.returncode == 1 and "was changed" in result.stderr


def test_verify_refuses_an_entry_passed_off_under_the_old_hash_rule(logged_db) -> None:
    """Rule 1 (before seq was hashed) cannot be claimed by an entry written under rule 2: its
    hash does not match the old rule, and a lane's rule never goes back."""
    assert {row[0] for row in logged_db.sql("SELECT DISTINCT chain FROM audit_log")} == {2}
    logged_db.sql("UPDATE audit_log SET chain = 1 WHERE seq = 2")
    result = logged_db.cli("audit", "verify", check=False)
    assert result.returncode == 1 and "entry 2" in result.stderr


def test_entries_of_the_old_rule_still_verify_and_precede_new_ones(logged_db) -> None:
    """A log written before the rule changed (its entries rehashed here the old way, as they
    were written then) verifies, and new entries follow it in the same lanes."""
    from loket.audit_chain import HASHED_FIELDS, entry_hash

    rows = logged_db.sql(f"SELECT seq, lane, {', '.join(HASHED_FIELDS)} FROM audit_log "  # noqa: S608
                         "ORDER BY lane, lane_seq")
    prev: dict[int, str] = {}
    for row in rows:
        fields = dict(zip(HASHED_FIELDS, row[2:], strict=True))
        if isinstance(fields["detail"], str):
            fields["detail"] = json.loads(fields["detail"])
        new = entry_hash(prev.get(row[1], "0" * 64), fields)  # rule 1: without seq
        logged_db.sql("UPDATE audit_log SET chain = 1, prev_hash = :p, hash = :h WHERE seq = :s",
                      {"p": prev.get(row[1], "0" * 64), "h": new, "s": row[0]})
        prev[row[1]] = new
    for lane, last in prev.items():
        logged_db.sql("UPDATE audit_head SET last_hash = :h WHERE id = :l", {"h": last, "l": lane})
    assert logged_db.cli("audit", "verify").returncode == 0
    logged_db.add_client("site-after", "--redirect-uri", "https://after.example/cb")
    assert {row[0] for row in logged_db.sql("SELECT DISTINCT chain FROM audit_log")} == {1, 2}
    assert "intact" in logged_db.cli("audit", "verify").stdout
