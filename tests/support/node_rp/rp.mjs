// A relying party on panva's openid-client (certified by the OpenID Foundation), one step per
// run: node rp.mjs STEP < JSON  →  JSON on stdout. The Python test plays the person's browser
// between the steps; everything protocol-related is the library's own checking.
//
//   start     discovery, PKCE, state, nonce → the authorization URL
//   callback  the redirect back → tokens (ID token signature, iss, aud, nonce, at_hash, PKCE and
//             state all checked by the library), the ID token's claims and userinfo
//   refresh   a refresh-token grant → new tokens and claims
//   logout    the end-session URL
import * as oidc from "openid-client";

async function read() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

async function configure(input) {
  const auth = input.auth === "post" ? oidc.ClientSecretPost(input.client_secret)
    : oidc.ClientSecretBasic(input.client_secret);
  const options = input.issuer.startsWith("http://") ? { execute: [oidc.allowInsecureRequests] } : {};
  const config = await oidc.discovery(new URL(input.issuer), input.client_id, undefined, auth, options);
  oidc.enableNonRepudiationChecks(config); // verify the ID token's signature with the JWKS too
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
  process.stdout.write(JSON.stringify(await steps[step](input, config)));
} catch (error) {
  // the library's refusal, named, for the test to assert on
  process.stdout.write(JSON.stringify({ error: error.code ?? error.name, message: String(error.message),
    oauth_error: error.error ?? null }));
  process.exitCode = 3;
}
