// The peer of bench/sso.py --peer: panva's certified oidc-provider, state in Redis (so its two
// cluster workers share codes, tokens and sessions, as Loket's workers share a database), on a
// 2-worker node:cluster. node peer.mjs CONFIG.json
//
// CONFIG: {issuer, host, port, redis, prefix, client: {client_id, client_secret, redirect_uri}}
// The adapter below implements oidc-provider's documented adapter interface on ioredis (one
// JSON value per artifact with its expiry; a set per grant, for revocation); the person signs
// in once through the one-field page, then codes are minted without interaction.
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import Redis from "ioredis";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));

if (cluster.isPrimary) {
  for (let i = 0; i < 2; i += 1) cluster.fork();
  cluster.on("exit", (worker, code) => { if (code) process.exit(code); });
} else {
  const redis = new Redis(config.redis, { keyPrefix: config.prefix, lazyConnect: false });
  const grantable = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode",
    "BackchannelAuthenticationRequest"]);

  class RedisAdapter {
    constructor(name) { this.name = name; }
    key(id) { return `${this.name}:${id}`; }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      const multi = redis.multi();
      multi.set(key, JSON.stringify(payload), ...(expiresIn ? ["EX", expiresIn] : []));
      if (grantable.has(this.name) && payload.grantId) {
        const grantKey = `grant:${payload.grantId}`;
        multi.rpush(grantKey, key);
        if (expiresIn) multi.expire(grantKey, expiresIn, "GT");
      }
      if (payload.userCode) multi.set(`userCode:${payload.userCode}`, id, ...(expiresIn ? ["EX", expiresIn] : []));
      if (payload.uid) multi.set(`uid:${payload.uid}`, id, ...(expiresIn ? ["EX", expiresIn] : []));
      await multi.exec();
    }

    async find(id) {
      const data = await redis.get(this.key(id));
      return data ? JSON.parse(data) : undefined;
    }

    async findByUid(uid) {
      const id = await redis.get(`uid:${uid}`);
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode) {
      const id = await redis.get(`userCode:${userCode}`);
      return id ? this.find(id) : undefined;
    }

    async consume(id) {
      // atomically, so that a code replayed on the other worker is seen as used
      const key = this.key(id);
      const data = await redis.get(key);
      if (!data) return;
      const payload = JSON.parse(data);
      payload.consumed = Math.floor(Date.now() / 1000);
      await redis.set(key, JSON.stringify(payload), "KEEPTTL");
    }

    async destroy(id) { await redis.del(this.key(id)); }

    async revokeByGrantId(grantId) {
      const grantKey = `grant:${grantId}`;
      const keys = await redis.lrange(grantKey, 0, -1);
      const multi = redis.multi();
      keys.forEach((key) => multi.del(key));
      multi.del(grantKey);
      await multi.exec();
    }
  }

  const provider = new Provider(config.issuer, {
    adapter: RedisAdapter,
    clients: [{
      client_id: config.client.client_id, client_secret: config.client.client_secret,
      redirect_uris: [config.client.redirect_uri], grant_types: ["authorization_code"],
      response_types: ["code"], token_endpoint_auth_method: "client_secret_basic",
    }],
    cookies: { keys: ["loket-bench-peer-cookie-key"] },
    pkce: { required: () => true },
    scopes: ["openid", "profile"],
    claims: { openid: ["sub"], profile: ["given_name", "family_name"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AuthorizationCode: 900, AccessToken: 3600, Session: 86400, Grant: 86400,
           Interaction: 600, IdToken: 600 },
    async findAccount(ctx, id) {
      return { accountId: id, async claims() { return { sub: id, given_name: "An", family_name: "Claes" }; } };
    },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const found = await ctx.oidc.provider.Grant.find(grantId);
        if (found) return found;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope("openid profile");
      await grant.save();
      return grant;
    },
  });

  // the trivial route, a Koa middleware of the provider's own app (Loket's is a Flask route)
  provider.use(async (ctx, next) => {
    if (ctx.path === "/healthz") {
      ctx.body = { status: "ok" };
      return;
    }
    await next();
  });
  const callback = provider.callback();
  createServer(async (req, res) => {
    const match = req.url.match(/^\/interaction\/([\w-]+)$/);
    if (!match) return callback(req, res);
    try {
      if (req.method === "GET") {
        res.setHeader("Content-Type", "text/html");
        res.end(`<form method="post" action="${req.url}"><input name="login"><button>Sign in</button></form>`);
        return;
      }
      let text = "";
      for await (const chunk of req) text += chunk;
      const login = new URLSearchParams(text).get("login");
      await provider.interactionFinished(req, res, { login: { accountId: login } },
        { mergeWithLastSubmission: false });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  }).listen(config.port, config.host);
}
