/* What Loket's data panels (<loket-dossiers>, <loket-catalog>) share: the access token or loader
   a page hands over (kept in this closure, never on the element), API calls with the bearer
   token and one retry with a fresh token after a 401, the panel's own labels (STRINGS, which a
   site may override), and a frame built once, so its status line (a polite live region) stays in
   the document and announces every change. Not in the header's bundle: assets.py puts a copy in
   each panel's chunk, in front of the panel's own code. */

// What a page handed over (token, token function or loader), per element. Kept here and not on
// the element, so no attribute, property or DOM dump ever shows the token.
var sources = new WeakMap();

/** A failure the panel shows: kind "signed-out" (no usable token) or "failed". */
function problem(kind, status, code) {
  var error = new Error(kind + (status ? " (" + status + ")" : ""));
  error.kind = kind;
  error.status = status || 0;
  error.code = code || "";
  return error;
}

/** Only a web address may become a link from data (no mailto:, tel: or page-relative path). */
function webUrl(url) {
  var safe = safeUrl(url);
  return safe && /^https?:\/\//i.test(safe) ? safe : null;
}

function tokenOf(source, fresh) {
  if (!fresh && source.cached) return Promise.resolve(source.cached);
  return Promise.resolve(typeof source.token === "function" ? source.token() : source.token)
    .then(function (value) {
      source.cached = value ? String(value) : null;
      return source.cached;
    });
}

class LoketPanel extends LoketElement {
  constructor() {
    super();
    this._seq = 0;
    this._abort = null;
    this._focus = null;
    this._frame = null;
  }

  get headingLevel() {
    var n = parseInt(this.getAttribute("heading-level"), 10);
    return n >= 2 && n <= 5 ? n : 2;
  }

  /** The person's access token, or a function returning it or a Promise of it; called again
      once when the API answers 401. Resolves true when the panel loaded. */
  setAccessToken(tokenOrFunction) {
    sources.set(this, { token: tokenOrFunction, cached: null });
    this._handedOver();
    return this.reload();
  }

  /** Instead of a token: a function(params) returning (a Promise of) one answer shaped as the
      API's (for a site that proxies the API through its server, and for the examples). */
  setLoader(loader) {
    sources.set(this, { loader: loader });
    this._handedOver();
    return this.reload();
  }

  /** Called when the page hands over a new token or loader. */
  _handedOver() {}

  _source() { return sources.get(this); }

  /** Labels: the site's (configuration) before the panel's own STRINGS. */
  t(key, vars) {
    var site = this.store.config.strings || {};
    var lang = this.lang;
    var own = site[lang] && site[lang][key] != null ? site : STRINGS;
    return label(own, lang, key, vars);
  }

  _set(patch) {
    Object.assign(this._view, patch);
    if (this.isConnected) this.update();
  }

  /**
   * One answer of the API at `path` (`query` already encoded), or from the loader with
   * `params`. Without a token (none handed over, or the function resolves to nothing) the
   * request goes out anonymously when `anonymous` is true; otherwise it fails as "signed-out".
   * The answer carries `anonymousAfter` (the HTTP status) when a token was refused and the
   * panel fell back to an anonymous request.
   */
  _request(path, query, params, anonymous) {
    var source = this._source() || {};
    if (source.loader) {
      return Promise.resolve().then(function () { return source.loader(params); }).then(function (page) {
        if (!page) throw problem("signed-out");
        return page;
      }, function (error) { throw problem(error && error.kind || "failed", error && error.status); });
    }
    if (this._abort) this._abort.abort();
    var abort = this._abort = new AbortController();
    var url = (this.store.config.issuer || "") + "/api/v1" + path + "?" + query;
    var hasToken = "token" in source;
    function get(token) {
      var headers = { Accept: "application/json" };
      if (token) headers.Authorization = "Bearer " + token;
      return fetch(url, { headers: headers, credentials: "omit", cache: "no-store",
        referrerPolicy: "no-referrer", signal: abort.signal });
    }
    function read(response, refused) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          throw problem("failed", response.status, body && body.error);
        });
      }
      return response.json().then(function (body) {
        if (refused) body.anonymousAfter = refused;
        return body;
      });
    }
    function attempt(fresh) {
      // A token the API refused is not sent again (the page may hand over a new one).
      if (anonymous && source.refused) {
        return get(null).then(function (response) { return read(response, source.refused); });
      }
      return (hasToken ? tokenOf(source, fresh) : Promise.resolve(null)).then(function (token) {
        if (!token) {
          if (!anonymous) throw problem("signed-out");
          if (fresh) source.refused = 401; // refused, and the page has no other token
          return get(null).then(function (response) { return read(response, source.refused || 0); });
        }
        return get(token).then(function (response) {
          if (response.status === 401 || (anonymous && response.status === 403)) {
            source.cached = null;
            // A function may hand a fresh token once; a fixed token has simply expired.
            if (response.status === 401 && !fresh && typeof source.token === "function") return attempt(true);
            if (!anonymous) throw problem("signed-out", 401);
            source.refused = response.status;
            return get(null).then(function (again) { return read(again, response.status); });
          }
          return read(response, 0);
        });
      });
    }
    return attempt(false).catch(function (error) {
      throw error && error.kind ? error : problem("failed");
    });
  }

  // The frame is built once (_build returns its nodes, with `root`); _fill brings it up to date.
  // Focus goes to the node named by this._focus (set before an update), else back to the node
  // with the same data-key as the one that had it.
  update() {
    var root = this.shadowRoot;
    var active = root.activeElement;
    var key = active && active.getAttribute("data-key");
    root.adoptedStyleSheets = [sheet(CSS.base || ""), sheet(this.store.themeCss()),
      sheet(CSS.panel || ""), sheet(CSS[this.constructor.cssName] || "")];
    if (!this._frame) {
      this._frame = this._build();
      root.replaceChildren(this._frame.root);
    }
    this._fill();
    var want = this._focus || key;
    var target = want && root.querySelector('[data-key="' + want + '"]');
    if (target) {
      if (target !== root.activeElement) target.focus();
      this._focus = null;
    }
  }
}
