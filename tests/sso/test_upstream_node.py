"""Federation to a real, independently written OpenID provider: panva's certified
oidc-provider (Node, from npm with a pinned lock file in tests/support/node_op) as the upstream
people sign in at, one Loket per client authentication method the upstream offers. The upstream
says how the person authenticated (an ACM acr URN, amr) and Loket passes it on as it is; a
`max_age` its session meets signs nobody in again; its ID tokens are signed with PS256, RS256 or
ES256; Loket's secret holds `+`, `/` and `=`; signing out at the upstream ends Loket's session
and every site's through back-channel logout."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from loket.sso import jose
from support.agent import Agent, forms
from support.node import installed
from support.oidc import JAN, RelyingParty, auth_params, token, userinfo
from support.servers import Provider, free_port, make_provider

OP_HOST = "127.0.0.5"  # its own host: its cookies never meet Loket's
ACR = "urn:be:vlaanderen:authmech:eid"
SECRET = "se+cr/et=with:odd&chars"
# client authentication method at the upstream → the algorithm it signs our ID tokens with
METHODS = {"client_secret_basic": "PS256", "client_secret_post": "RS256",
           "client_secret_jwt": "ES256", "private_key_jwt": "RS256"}


def _b64(number: int) -> str:
    return jose.b64url(number.to_bytes((number.bit_length() + 7) // 8, "big"))


def _keys() -> dict[str, Any]:
    """The upstream's signing keys as private JWKs: RSA (RS256 and PS256) and P-256."""
    r = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    n, p = r.public_key().public_numbers(), r.private_numbers()
    e = ec.generate_private_key(ec.SECP256R1())
    en, ep = e.public_key().public_numbers(), e.private_numbers()
    return {"keys": [
        {"kty": "RSA", "kid": "up-rsa", "use": "sig", "n": _b64(n.n), "e": _b64(n.e),
         "d": _b64(p.d), "p": _b64(p.p), "q": _b64(p.q), "dp": _b64(p.dmp1),
         "dq": _b64(p.dmq1), "qi": _b64(p.iqmp)},
        {"kty": "EC", "kid": "up-ec", "use": "sig", "crv": "P-256", "x": _b64(en.x),
         "y": _b64(en.y), "d": _b64(ep.private_value)},
    ]}


class Upstream:
    def __init__(self, url: str, process: subprocess.Popen, ca: str | None = None) -> None:
        self.url, self.process, self.ca = url, process, ca

    def sign_ins(self) -> int:
        return int(requests.get(f"{self.url}/__sign-ins", timeout=10,
                                verify=self.ca or True).json()["count"])


@pytest.fixture(scope="module")
def ports() -> dict[str, int]:
    return {method: free_port() for method in METHODS}


def _op_client(method: str, loket: str) -> dict[str, Any]:
    client: dict[str, Any] = {
        "client_id": f"loket-{method}", "redirect_uris": [f"{loket}/aanmelden/terug"],
        "post_logout_redirect_uris": [f"{loket}/afgemeld"],
        "backchannel_logout_uri": f"{loket}/aanmelden/backchannel-logout",
        # the upstream's logout token names its session (sid): only that one ends here
        "backchannel_logout_session_required": True,
        "grant_types": ["authorization_code"], "response_types": ["code"],
        "token_endpoint_auth_method": method, "id_token_signed_response_alg": METHODS[method],
    }
    if method == "private_key_jwt":
        client["jwks_uri"] = f"{loket}/oidc/jwks.json"
        client["token_endpoint_auth_signing_alg"] = "RS256"
    else:
        client["client_secret"] = SECRET
    return client


@contextmanager
def _running_op(folder: Path, tmp: Path, clients: list[dict[str, Any]],
                tls: dict[str, str] | None = None) -> Iterator[Upstream]:
    port = free_port(OP_HOST)
    url = f"{'https' if tls else 'http'}://{OP_HOST}:{port}"
    config = tmp / "config.json"
    config.write_text(json.dumps({"issuer": url, "host": OP_HOST, "port": port,
                                  "clients": clients, "jwks": _keys(), "acr": ACR,
                                  "amr": ["eid"], **({"tls": tls} if tls else {})}))
    log = tmp / "upstream.log"
    env = {**os.environ, **({"NODE_EXTRA_CA_CERTS": tls["ca"]} if tls else {})}
    with log.open("w") as output:
        process = subprocess.Popen(["node", str(folder / "op.mjs"), str(config)], cwd=folder,
                                   stdout=output, stderr=subprocess.STDOUT, text=True, env=env)
        try:
            for _ in range(100):
                try:
                    if requests.get(f"{url}/.well-known/openid-configuration", timeout=2,
                                    verify=tls["ca"] if tls else True).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            else:
                raise AssertionError(f"the upstream did not start: {log.read_text()}")
            yield Upstream(url, process, tls["ca"] if tls else None)
        finally:
            process.terminate()
            process.wait(timeout=10)
            print(f"upstream log ({log}):\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory, ports: dict[str, int]) -> Iterator[Upstream]:
    clients = [_op_client(method, f"http://127.0.0.1:{ports[method]}") for method in METHODS]
    with _running_op(installed("node_op"), tmp_path_factory.mktemp("node-op"), clients) as op:
        yield op


@pytest.fixture(scope="module")
def lokets(upstream: Upstream, ports: dict[str, int], backchannel_receiver: Any,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple]]:
    """A Loket per method, started when a test first needs it."""
    started: dict[str, tuple[Provider, RelyingParty]] = {}

    def get(method: str) -> tuple[Provider, RelyingParty]:
        if method not in started:
            loket = make_provider(tmp_path_factory.mktemp(f"fed-{method}"), port=ports[method],
                                  extra_env={
                                      "LOKET_UPSTREAM_ISSUER": upstream.url,
                                      "LOKET_UPSTREAM_CLIENT_ID": f"loket-{method}",
                                      "LOKET_UPSTREAM_CLIENT_SECRET": SECRET,
                                      "LOKET_UPSTREAM_AUTH_METHOD": method,
                                      "LOKET_TEST_LOGIN": "0"})
            redirect = f"{backchannel_receiver.base}/up-callback"
            secret = loket.add_client("up-rp", "--redirect-uri", redirect,
                                      "--backchannel-logout-uri", backchannel_receiver.url)
            started[method] = (loket, RelyingParty("up-rp", secret, redirect, ""))
        return started[method]

    try:
        yield get  # type: ignore[misc]
    finally:
        for loket, _rp in started.values():
            loket.stop()


def _through(agent: Agent, first: str, rp: RelyingParty, insz: str = JAN) -> dict[str, str]:
    """The person's browser from the site's authorization URL to its callback: across Loket
    and the upstream, typing the number at the upstream when it asks."""
    response = agent.http.get(first, allow_redirects=False, timeout=15)
    for _ in range(20):
        if response.status_code in (301, 302, 303, 307, 308):
            target = urljoin(response.url, response.headers["Location"])
            if target.startswith(rp.redirect_uri):
                query = parse_qs(urlsplit(target).query)
                return {k: v[0] for k, v in query.items()}
            response = agent.http.get(target, allow_redirects=False, timeout=15)
            continue
        assert response.status_code == 200, response.text[response.text.find("<main"):][:1500]
        form = forms(response.text)[0]
        response = agent.http.post(urljoin(response.url, form.action), allow_redirects=False,
                                   data={**form.fields, "insz": insz}, timeout=15)
    raise AssertionError("too many steps")


def _sign_in(loket: Provider, rp: RelyingParty, agent: Agent, **extra: Any) -> dict[str, Any]:
    params = auth_params(rp, scope="openid profile", **extra)
    query = {k: v for k, v in params.items() if not k.startswith("_")}
    url = f"{loket.url}/oidc/authorize?" + "&".join(
        f"{k}={requests.utils.quote(str(v), safe='')}" for k, v in query.items())
    callback = _through(agent, url, rp)
    assert "code" in callback, callback
    answer = token(loket, rp, callback["code"], params["_verifier"])
    assert answer.status_code == 200, answer.text
    return answer.json()


def _upstream_token(loket: Provider, sid: str) -> dict[str, Any]:
    [(raw,)] = loket.sql("SELECT upstream FROM sso_sessions WHERE id = :id", {"id": sid})
    stored = raw if isinstance(raw, dict) else json.loads(raw)
    return jose.unverified_claims(stored["id_token"])


@pytest.mark.parametrize("method", list(METHODS))
def test_each_client_authentication_method_and_truthful_assurance(lokets, method) -> None:
    loket, rp = lokets(method)
    agent = Agent(loket.url)
    tokens = _sign_in(loket, rp, agent)
    claims = jose.unverified_claims(tokens["id_token"])
    from_upstream = _upstream_token(loket, claims["sid"])
    assert jose.unverified_header(_stored_id_token(loket, claims["sid"]))["alg"] == METHODS[method]
    # what the upstream said, passed on as it is: no stand-ins
    assert claims["acr"] == ACR == from_upstream["acr"]
    assert claims["amr"] == ["eid"] == from_upstream["amr"]
    assert claims["auth_time"] == from_upstream["auth_time"]
    assert claims["given_name"] == "Jan"
    discovery = requests.get(f"{loket.url}/.well-known/openid-configuration", timeout=10).json()
    assert ACR in discovery["acr_values_supported"]


def _stored_id_token(loket: Provider, sid: str) -> str:
    [(raw,)] = loket.sql("SELECT upstream FROM sso_sessions WHERE id = :id", {"id": sid})
    return str((raw if isinstance(raw, dict) else json.loads(raw))["id_token"])


def test_max_age_is_forwarded_and_a_fresh_upstream_session_asks_nothing(lokets,
                                                                         upstream) -> None:
    loket, rp = lokets("client_secret_basic")
    agent = Agent(loket.url)
    first = jose.unverified_claims(_sign_in(loket, rp, agent)["id_token"])
    typed = upstream.sign_ins()
    # the site asks for a sign-in at most ten minutes old: Loket asks the upstream the same,
    # whose session is that fresh; nobody types anything, the time stays the true one
    again = jose.unverified_claims(_sign_in(loket, rp, agent, max_age="600")["id_token"])
    assert upstream.sign_ins() == typed
    assert again["auth_time"] == first["auth_time"]
    # max_age=0: a new authentication, upstream too, with its new time
    time.sleep(1.1)
    fresh = jose.unverified_claims(_sign_in(loket, rp, agent, max_age="0")["id_token"])
    assert upstream.sign_ins() == typed + 1
    assert fresh["auth_time"] > first["auth_time"]


def test_signing_out_at_the_upstream_ends_loket_and_every_site(lokets, upstream,
                                                               backchannel_receiver) -> None:
    loket, rp = lokets("client_secret_post")
    agent = Agent(loket.url)
    tokens = _sign_in(loket, rp, agent)
    sid = jose.unverified_claims(tokens["id_token"])["sid"]
    assert userinfo(loket, tokens["access_token"]).status_code == 200
    backchannel_receiver.clear()
    # the person signs out at the upstream itself (another application's logout there)
    page = agent.http.get(f"{upstream.url}/session/end", timeout=15)
    form = next(f for f in forms(page.text) if "xsrf" in f.fields)
    done = agent.http.post(urljoin(page.url, form.action), timeout=15, allow_redirects=False,
                           data={**form.fields, "logout": "yes"})
    assert done.status_code in (200, 302, 303), done.text[:300]
    deadline = time.time() + 10
    while time.time() < deadline and not loket.sql(
            "SELECT ended_at FROM sso_sessions WHERE id = :id AND ended_at IS NOT NULL",
            {"id": sid}):
        time.sleep(0.1)
    assert loket.sql("SELECT ended_at FROM sso_sessions WHERE id = :id", {"id": sid})[0][0]
    assert userinfo(loket, tokens["access_token"]).status_code == 401
    told = [jose.unverified_claims(t) for t in backchannel_receiver.tokens]
    assert [(t["aud"], t["sid"]) for t in told] == [(rp.client_id, sid)]


def test_a_forged_upstream_logout_token_ends_nothing(lokets) -> None:
    loket, rp = lokets("client_secret_post")
    agent = Agent(loket.url)
    tokens = _sign_in(loket, rp, agent)
    sid = jose.unverified_claims(tokens["id_token"])["sid"]
    key = jose.generate_private_key("RS256")
    forged = jose.sign({"iss": "x", "aud": "loket-client_secret_post", "iat": int(time.time()),
                        "exp": int(time.time()) + 60, "jti": "j", "sid": "any",
                        "events": {"http://schemas.openid.net/event/backchannel-logout": {}}},
                       key, "up-rsa", "RS256", typ="logout+jwt")
    refused = requests.post(f"{loket.url}/aanmelden/backchannel-logout",
                            data={"logout_token": forged}, timeout=10)
    assert refused.status_code == 400
    assert not loket.sql("SELECT ended_at FROM sso_sessions WHERE id = :id", {"id": sid})[0][0]
    assert userinfo(loket, tokens["access_token"]).status_code == 200


# ---- production: HTTPS on both sides ------------------------------------------------------------

def _certificates(folder: Path) -> dict[str, str]:
    """A throwaway CA and a certificate for both loopback hosts, as PEM files."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Loket test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(hours=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=2))
            .add_extension(x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.IPAddress(ipaddress.ip_address(OP_HOST))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return {name: str(path) for name, path in paths.items()}


def test_production_over_https_with_truthful_assurance_and_upstream_logout(
        tmp_path: Path, backchannel_receiver: Any) -> None:
    """LOKET_ENV=production (no test login, an https issuer and upstream, secure cookies),
    Loket and the upstream both on HTTPS with a CA of the test's own."""
    tls = _certificates(tmp_path)
    port = free_port()
    loket_url = f"https://127.0.0.1:{port}"
    method = "private_key_jwt"  # the upstream fetches Loket's jwks_uri over HTTPS
    with pytest.MonkeyPatch.context() as patch, _running_op(
            installed("node_op"), tmp_path, [_op_client(method, loket_url)], tls) as op:
        patch.setenv("REQUESTS_CA_BUNDLE", tls["ca"])  # this process, and Loket's, trust it
        loket = make_provider(tmp_path / "loket", port=port, tls=(tls["cert"], tls["key"]),
                              extra_env={"LOKET_ENV": "production",
                                         "LOKET_UPSTREAM_ISSUER": op.url,
                                         "LOKET_UPSTREAM_CLIENT_ID": f"loket-{method}",
                                         "LOKET_UPSTREAM_AUTH_METHOD": method,
                                         "LOKET_UPSTREAM_KIND": "acm"})
        try:
            redirect = f"{backchannel_receiver.base}/prod-callback"
            secret = loket.add_client("prod-rp", "--redirect-uri", redirect,
                                      "--backchannel-logout-uri", backchannel_receiver.url)
            rp = RelyingParty("prod-rp", secret, redirect, "")
            agent = Agent(loket.url)
            tokens = _sign_in(loket, rp, agent)
            claims = jose.unverified_claims(tokens["id_token"])
            assert claims["iss"] == loket_url
            assert claims["acr"] == ACR and claims["amr"] == ["eid"]
            assert claims["auth_time"] == _upstream_token(loket, claims["sid"])["auth_time"]
            cookie = next(c for c in agent.http.cookies if c.name.startswith("__Host-"))
            assert cookie.secure
            hsts = requests.get(f"{loket.url}/", timeout=10).headers["Strict-Transport-Security"]
            assert hsts == "max-age=31536000; includeSubDomains"
            typed = op.sign_ins()
            _sign_in(loket, rp, agent, max_age="600")
            assert op.sign_ins() == typed
            backchannel_receiver.clear()
            page = agent.http.get(f"{op.url}/session/end", timeout=15)
            form = next(f for f in forms(page.text) if "xsrf" in f.fields)
            agent.http.post(urljoin(page.url, form.action), timeout=15, allow_redirects=False,
                            data={**form.fields, "logout": "yes"})
            deadline = time.time() + 10
            while time.time() < deadline and userinfo(
                    loket, tokens["access_token"]).status_code == 200:
                time.sleep(0.2)
            assert userinfo(loket, tokens["access_token"]).status_code == 401
            assert [jose.unverified_claims(t)["aud"] for t in backchannel_receiver.tokens] \
                == [rp.client_id]
        finally:
            loket.stop()
