// panva's oidc-provider (certified by the OpenID Foundation) as the upstream identity provider,
// configured for the tests: node op.mjs CONFIG.json. Everything protocol-related is the
// library's; only the configuration and a one-field sign-in page (the rijksregisternummer, as
// eID would prove it) are ours, through the library's interaction API.
//
// CONFIG: {issuer, host, port, clients: [...], jwks: {keys: [...]}, acr, amr, tls?: {cert, key}}
// (with tls, an https issuer; the test's CA reaches Node through NODE_EXTRA_CA_CERTS)
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const PEOPLE = {
  "85073003328": { given_name: "Jan", family_name: "Peeters" },
  "92021411256": { given_name: "An", family_name: "Claes" },
};

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: ["loket-test-upstream-cookie-key"] },
  pkce: { required: () => true },
  scopes: ["openid", "profile", "rrn"],
  claims: { openid: ["sub"], profile: ["given_name", "family_name"], rrn: ["rrn"],
            acr: null, amr: null, auth_time: null },
  acrValues: [config.acr, "urn:be:vlaanderen:authmech:itsme"],
  enabledJWA: {
    idTokenSigningAlgValues: ["RS256", "PS256", "ES256"],
    clientAuthSigningAlgValues: ["HS256", "RS256", "PS256", "ES256"],
  },
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: true },
    claimsParameter: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // Loket's jwks_uri (private_key_jwt) is on loopback in the tests, which the library's SSRF
  // guard refuses by design: the tests' configuration lets it through
  fetch: (url, options) => {
    const { dispatcher, ...rest } = options;
    return globalThis.fetch(url, rest);
  },
  async findAccount(ctx, id) {
    const person = PEOPLE[id];
    if (!person) return undefined;
    return { accountId: id, async claims() { return { sub: id, rrn: id, ...person }; } };
  },
  // consent is not the subject here: every client gets what it asks
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const found = await ctx.oidc.provider.Grant.find(grantId);
      if (found) return found;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid profile rrn");
    grant.addOIDCClaims(["given_name", "family_name", "rrn", "auth_time", "acr", "amr"]);
    await grant.save();
    return grant;
  },
});
provider.on("server_error", (ctx, error) => console.error("server_error", error));
provider.on("grant.error", (ctx, error) => console.error("grant.error", error.message, error.error_description ?? "", error.error_detail ?? "", String(error.cause ?? "")));

const signIns = { count: 0 };

function page(uid, note) {
  return `<!doctype html><html lang="en"><title>Upstream sign-in</title><body>
<h1>Upstream sign-in</h1><p>${note}</p>
<form method="post" action="/interaction/${uid}"><label for="insz">INSZ</label>
<input id="insz" name="insz"><button type="submit">Sign in</button></form></body></html>`;
}

async function body(req) {
  let text = "";
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

const callback = provider.callback();
const serve = config.tls
  ? (handler) => createTlsServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }, handler)
  : (handler) => createServer(handler);
serve(async (req, res) => {
  try {
    const match = req.url.match(/^\/interaction\/([\w-]+)$/);
    if (req.url === "/__sign-ins") {  // how many times someone typed their number here
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(signIns));
      return;
    }
    if (!match) return callback(req, res);
    const details = await provider.interactionDetails(req, res);
    if (req.method === "GET") {
      res.setHeader("Content-Type", "text/html");
      res.end(page(details.uid, details.prompt.name));
      return;
    }
    const insz = (await body(req)).get("insz");
    signIns.count += 1;
    await provider.interactionFinished(req, res, {
      login: { accountId: insz, acr: config.acr, amr: config.amr },
    }, { mergeWithLastSubmission: false });
  } catch (error) {
    console.error(error);
    res.statusCode = 500;
    res.end(String(error));
  }
}).listen(config.port, config.host, () => console.log(`listening ${config.issuer}`));
