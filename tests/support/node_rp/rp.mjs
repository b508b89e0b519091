// A relying party on panva's openid-client (certified by the OpenID Foundation), one step per
// run: node rp.mjs STEP < JSON  →  JSON on stdout. The Python test plays the person's browser
// between the steps; everything protocol-related is the library's own checking.
//
//   start     discovery, PKCE, state, nonce → the authorization URL
//   callback  the redirect back → tokens (ID token signature, iss, aud, nonce, at_hash, PKCE and
//             state all checked by the library), the ID token's claims and userinfo
//   refresh   a refresh-token grant → new tokens and claims
//   logout    the end-session URL
//
// Client authentication (input.auth): "basic" (the default) or "post" with input.client_secret,
// or "private_key_jwt" with input.private_jwk (an RSA private JWK with its kid): the library signs
// a new assertion for every token request; the last one it sent comes back as
// "client_assertion", for the test to replay.
import * as oidc from "openid-client";

const sent = { assertion: null };

async function privateKeyJwt(jwk) {
  const key = await crypto.subtle.importKey("jwk", jwk,
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
  return oidc.PrivateKeyJwt({ key, kid: jwk.kid });
}

async function read() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

async function configure(input) {
  const auth = input.auth === "private_key_jwt" ? await privateKeyJwt(input.private_jwk)
    : input.auth === "post" ? oidc.ClientSecretPost(input.client_secret)
      : oidc.ClientSecretBasic(input.client_secret);
  const options = input.issuer.startsWith("http://") ? { execute: [oidc.allowInsecureRequests] } : {};
  const config = await oidc.discovery(new URL(input.issuer), input.client_id, undefined, auth, options);
  oidc.enableNonRepudiationChecks(config); // verify the ID token's signature with the JWKS too
  if (input.auth === "private_key_jwt") {
    // only looks at what the library sends: the request itself goes out unchanged
    config[oidc.customFetch] = (url, init) => {
      if (init.body instanceof URLSearchParams && init.body.has("client_assertion")) {
        sent.assertion = init.body.get("client_assertion");
      }
      return fetch(url, init);
    };
  }
  return config;
}

function tokensOut(tokens) {
  return {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token ?? null,
    id_token: tokens.id_token ?? null,
    scope: tokens.scope ?? null,
    expires_in: tokens.expiresIn() ?? null,
    claims: tokens.claims() ?? null,
  };
}

const steps = {
  async start(input, config) {
    const verifier = oidc.randomPKCECodeVerifier();
    const params = {
      redirect_uri: input.redirect_uri,
      scope: input.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
    };
    if (input.login_hint) params.login_hint = input.login_hint;
    if (input.prompt) params.prompt = input.prompt;
    const url = oidc.buildAuthorizationUrl(config, params);
    return { url: url.href, verifier, state: params.state, nonce: params.nonce };
  },

  async callback(input, config) {
    const tokens = await oidc.authorizationCodeGrant(config, new URL(input.callback_url), {
      pkceCodeVerifier: input.verifier,
      expectedState: input.state,
      expectedNonce: input.nonce,
      idTokenExpected: true,
    });
    const out = tokensOut(tokens);
    out.userinfo = await oidc.fetchUserInfo(config, tokens.access_token, out.claims.sub);
    return out;
  },

  async refresh(input, config) {
    return tokensOut(await oidc.refreshTokenGrant(config, input.refresh_token));
  },

  async logout(input, config) {
    const params = { id_token_hint: input.id_token, post_logout_redirect_uri: input.post_logout_redirect_uri };
    if (input.state) params.state = input.state;
    if (input.switch) params.switch = "true";
    return { url: oidc.buildEndSessionUrl(config, params).href };
  },
};

const step = process.argv[2];
try {
  const input = await read();
  const config = await configure(input);
  const out = await steps[step](input, config);
  if (input.auth === "private_key_jwt") out.client_assertion = sent.assertion;
  process.stdout.write(JSON.stringify(out));
} catch (error) {
  // the library's refusal, named, for the test to assert on
  process.stdout.write(JSON.stringify({ error: error.code ?? error.name, message: String(error.message),
    oauth_error: error.error ?? null, oauth_error_description: error.error_description ?? null }));
  process.exitCode = 3;
}
