"""The OpenAPI document at ``/api/v1/openapi.json`` is checked against the running service with
schemathesis: every operation, called with every kind of credential an API user holds, answers
only what the document says — a documented status, content type, body and headers, never a
server error — and refuses (401/403) every credential its declared security does not admit.

``make test`` runs a few examples per operation and credential (``LOKET_FUZZ_EXAMPLES``,
default 3); ``make fuzz`` runs the same tests with a large budget on SQLite and PostgreSQL and
prints the figures (``LOKET_FUZZ_REPORT`` names the JSON file they are written to). Each
database gets a provider of its own: the fuzzer changes the demo data, other tests must not see
that. Generation is derandomized (the same cases every run), without shrinking or deadlines.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from support.agent import Agent, pkce_pair
from support.oidc import AN, JAN, hint
from support.servers import (
    BACKENDS,
    Provider,
    make_provider,
    postgres_database,
    redis_available,
    redis_env,
    skip_without_postgres,
)

pytestmark = pytest.mark.slow

LOG = os.environ.get("LOKET_FUZZ_LOG")  # every case's answer, one line each (for debugging)
EXAMPLES = int(os.environ.get("LOKET_FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
CALLBACK = "http://127.0.0.1:9/callback"
PERSON_SCOPES = ["dossiers", "catalog", "associations", "privacy", "messages"]
FC_GROENBEEK = "V0001001"
BACK_OFFICE = "groenbeek-backoffice"  # a demo back office: it has dossiers of its own
PUBLISHER = "catalog-groenbeek"  # a demo publisher: it has products of its own


@dataclass(frozen=True)
class Credential:
    """What a kind of caller sends, and what the document's security admits for it."""

    kind: str
    authorization: str | None  # the Authorization header, None for an anonymous call
    scheme: str | None  # the security scheme the token belongs to (None: no valid token)
    scopes: frozenset[str] = frozenset()
    # path parameters that lead to this caller's own data (the rest is generated)
    anchors: dict[str, str] = field(default_factory=dict)

    def aimed(self) -> dict[str, str]:
        """Path parameters to aim at: this caller's own data, else the public demo data."""
        return {**PUBLIC, **self.anchors}

    def admitted(self, security: list[dict[str, list[str]]]) -> bool:
        """Whether one of the operation's security requirements admits this credential."""
        for requirement in security:
            if not requirement:  # anyone may call it
                return True
            if all(name == self.scheme and set(scopes) <= self.scopes
                   for name, scopes in requirement.items()):
                return True
        return False


# demo data anyone may read, so that calls get past the 404s
PUBLIC = {"vCode": FC_GROENBEEK, "product_id": "GB-SUB-SPORT", "postcode": "9000",
          "source": BACK_OFFICE, "number": "GB-2025-0142"}

KINDS = ["anonymous", "citizen", "representative", "back-office", "publisher", "exchange",
         "manage", "wrong-token", "expired-token"]


# ---- the provider and its callers ------------------------------------------------------------

@pytest.fixture(scope="module", params=[
    pytest.param(backend, marks=pytest.mark.xdist_group(backend)) for backend in BACKENDS])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Provider]:
    """A provider of this module's own (the fuzzer changes its data), on each database."""
    backend = request.param
    skip_without_postgres(backend)
    tmp = tmp_path_factory.mktemp(f"conformance-{backend}")
    if backend == "postgresql":
        with postgres_database() as url:
            provider = make_provider(tmp, url, extra_env=redis_env() if redis_available() else None)
            try:
                yield provider
            finally:
                provider.stop()
    else:
        provider = make_provider(tmp)
        try:
            yield provider
        finally:
            provider.stop()


def _client_token(provider: Provider, client_id: str, secret: str) -> str:
    answer = requests.post(f"{provider.url}/oidc/token", data={"grant_type": "client_credentials"},
                           auth=(client_id, secret), timeout=15)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _person_token(provider: Provider, client_id: str, secret: str, insz: str,
                  login_hint: str | None) -> str:
    agent = Agent(provider.url)
    try:
        verifier, challenge = pkce_pair()
        params = agent.sign_in(
            insz, None, client_id=client_id, redirect_uri=CALLBACK, response_type="code",
            scope=" ".join(["openid", "capacity", *PERSON_SCOPES]), state="s", nonce="n",
            code_challenge=challenge, code_challenge_method="S256",
            **({"login_hint": login_hint} if login_hint else {}))
    finally:
        agent.http.close()
    answer = requests.post(f"{provider.url}/oidc/token", auth=(client_id, secret), timeout=15,
                           data={"grant_type": "authorization_code", "code": params["code"],
                                 "redirect_uri": CALLBACK, "code_verifier": verifier})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.fixture(scope="module")
def credentials(live: Provider) -> dict[str, Credential]:
    """One credential of each kind, obtained the way API users obtain them."""
    tag = uuid.uuid4().hex[:6]
    site = f"conformance-site-{tag}"
    site_secret = live.add_client(site, "--redirect-uri", CALLBACK, *[
        arg for scope in ["openid", "capacity", *PERSON_SCOPES] for arg in ("--scope", scope)])
    service: dict[str, str] = {}
    for name, scope in (("exchange", "associations:exchange"),
                        ("manage", "associations:manage")):
        client_id = f"conformance-{name}-{tag}"
        service[name] = _client_token(live, client_id, live.add_client(
            client_id, "--grant-type", "client_credentials", "--scope", scope))
    back_offices = json.loads((live.instance / "demo-backoffices.json").read_text())
    publishers = json.loads((live.instance / "demo-catalog-clients.json").read_text())
    back_office = _client_token(live, BACK_OFFICE, back_offices[BACK_OFFICE]["client_secret"])
    publisher = _client_token(live, PUBLISHER, publishers[PUBLISHER]["client_secret"])
    stale = f"conformance-expired-{tag}"  # a back office whose one token has expired
    expired = _client_token(live, stale, live.add_client(
        stale, "--grant-type", "client_credentials", "--scope", "dossiers:write"))
    live.sql("UPDATE access_tokens SET expires_at = :past WHERE client_id = :id",
             {"past": int(time.time()) - 60, "id": stale})
    person = frozenset(PERSON_SCOPES)
    made = [
        Credential("anonymous", None, None),
        Credential("citizen", _bearer(_person_token(live, site, site_secret, AN, None)),
                   "person", person),
        Credential("representative", _bearer(_person_token(
            live, site, site_secret, JAN, hint("VER", FC_GROENBEEK))), "person", person,
            {"vCode": FC_GROENBEEK}),
        # (a municipality's back office: it also prefills its e-loket from the register)
        Credential("back-office", _bearer(back_office), "client",
                   frozenset({"dossiers:write", "associations:exchange"}),
                   {"source": BACK_OFFICE, "vCode": FC_GROENBEEK}),
        Credential("publisher", _bearer(publisher), "client",
                   frozenset({"catalog:write", "associations:recognitions",
                              "messages:publish"}),
                   {"product_id": "GB-SUB-SPORT"}),
        Credential("exchange", _bearer(service["exchange"]), "client",
                   frozenset({"associations:exchange"}), {"vCode": FC_GROENBEEK}),
        Credential("manage", _bearer(service["manage"]), "client",
                   frozenset({"associations:manage"}), {"vCode": "V0001002"}),
        Credential("wrong-token", _bearer("not-a-token-" + tag), None),
        Credential("expired-token", _bearer(expired), None),
    ]
    # the expired token really is refused now, before any fuzzing relies on it
    answer = requests.get(f"{live.url}/api/v1/dossiers/{BACK_OFFICE}/GB-2025-0142",
                          headers={"Authorization": made[-1].authorization or ""}, timeout=15)
    assert answer.status_code == 401, answer.text
    return {c.kind: c for c in made}


def _bearer(token: str) -> str:
    return f"Bearer {token}"


@pytest.fixture(scope="module")
def api(live: Provider) -> Any:
    return schemathesis.openapi.from_url(f"{live.url}/api/v1/openapi.json")


# ---- figures -------------------------------------------------------------------------------

@dataclass
class Tally:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    server_errors: int = 0
    failures: list[str] = field(default_factory=list)  # one line per failing case
    statuses: Counter[str] = field(default_factory=Counter)  # "GET /path 200" → cases
    started: float = field(default_factory=time.monotonic)


FIGURES: dict[str, Tally] = {}


def _backend(live: Provider) -> str:
    return "postgresql" if live.database_url.startswith("postgresql") else "sqlite"


def _write_report(backend: str, tally: Tally) -> None:
    """The figures so far, in ``$LOKET_FUZZ_REPORT/<backend>.json`` (when it names a folder)."""
    folder = os.environ.get("LOKET_FUZZ_REPORT")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / f"{backend}.json").write_text(json.dumps({
        "backend": backend, "examples_per_operation": EXAMPLES, "kinds": len(KINDS),
        "operations": len(tally.operations), "cases": tally.cases,
        "server_errors": tally.server_errors,
        "conformance_failures": len(tally.failures) - tally.server_errors,
        "seconds": round(time.monotonic() - tally.started),
        "failures": tally.failures[:50],
        "statuses": dict(sorted(tally.statuses.items()))}, indent=2))


# ---- the test ------------------------------------------------------------------------------

def _strategies(operation: Any, credential: Credential) -> Any:
    """Valid and invalid requests, with path parameters generated and, where the caller has
    data of its own, pointed at it too (so the fuzzer gets past the 404s)."""
    kinds = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    options = [operation.as_strategy(generation_mode=mode) for mode in kinds]
    names = {p.name for p in operation.path_parameters}
    anchors = {k: v for k, v in credential.aimed().items() if k in names}
    if anchors:
        options.append(operation.as_strategy(path_parameters=anchors))
    return st.one_of(options)


def _run(operation: Any, credential: Credential, base_url: str, tally: Tally) -> None:
    http = requests.Session()
    headers = {"Authorization": credential.authorization} if credential.authorization else {}
    security = operation.definition.raw.get("security",
                                            operation.schema.raw_schema.get("security", [{}]))
    admitted = credential.admitted(security)
    label = f"{credential.kind} {operation.label}"

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=_strategies(operation, credential))
    def run(case: Any) -> None:
        case.headers = {k: v for k, v in (case.headers or {}).items()
                        if k.lower() != "authorization"}
        tally.cases += 1
        try:
            response = case.call(base_url=base_url, session=http, headers=headers, timeout=30)
        except requests.RequestException as exc:
            tally.failures.append(f"{label}: no answer ({exc})")
            return
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            if response.status_code >= 500:
                tally.server_errors += 1
            tally.failures.append(f"{label}: {response.status_code} "
                                  + "; ".join(sorted({f.title for f in group.exceptions}))
                                  + "".join(f"\n    {f.message[:400]}" for f in group.exceptions)
                                  + f"\n    {case.as_curl_command(headers=headers)}"
                                  + f"\n    {response.text[:300]}")
            return
        status = response.status_code
        tally.statuses[f"{operation.label} {status}"] += 1
        if LOG:
            with open(LOG, "a") as log:
                log.write(f"{label} {status} {response.text[:200]!r}\n")
        if not admitted and status < 400:
            tally.failures.append(f"{label}: {status} for a credential its security does not "
                                  f"admit\n    {case.as_curl_command(headers=headers)}")
        if admitted and credential.scheme is not None and status == 401:
            tally.failures.append(f"{label}: 401 for a credential its security admits\n"
                                  f"    {case.as_curl_command(headers=headers)}")

    try:
        run()
    finally:
        http.close()


@pytest.mark.parametrize("kind", KINDS)
def test_every_operation_answers_as_documented(kind: str, live: Provider, api: Any,
                                               credentials: dict[str, Credential]) -> None:
    credential = credentials[kind]
    backend = _backend(live)
    tally = FIGURES.setdefault(backend, Tally())
    before = len(tally.failures)
    base_url = f"{live.url}/api/v1"
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 30
    try:
        for operation in operations:
            tally.operations.add(operation.label)
            _run(operation, credential, base_url, tally)
    finally:
        _write_report(backend, tally)
    found = tally.failures[before:]
    assert not found, f"{len(found)} case(s) not as documented:\n" + "\n".join(found[:40])
