/* What Loket's data panels (<loket-dossiers>, <loket-catalog>, <loket-associations>,
   <loket-messages>) share: the access token or loader a page hands over (kept in this closure,
   never on the element), API calls (with the bearer token and one retry with a fresh token after
   a 401, or anonymous), the attributes they have in common (and the names they had before), the
   panel's own labels (STRINGS, which a site may override), a frame built once with a polite live
   region that stays in the document and announces every change, the room the panel keeps (no
   layout shift), and LoketListPanel: the frame of the capacity's own lists (dossiers, messages).
   Not in the header's bundle: assets.py puts a copy in each panel's chunk, after
   shared/format.js and before the panel's own code. */

var DEFAULT_PAGE_SIZE = 10;

// What a page handed over (token, token function or loader), per element. Kept here and not on
// the element, so no attribute, property or DOM dump ever shows the token.
var sources = new WeakMap();

/** A failure the panel shows: kind "signed-out" (no usable token) or "failed", with the HTTP
    status (0 when unreachable) and the API's error code, field and detail from `body`. */
function problem(kind, status, body) {
  var error = new Error(kind + (status ? " (" + status + ")" : ""));
  error.kind = kind;
  error.status = status || 0;
  error.code = (body && body.error) || "";
  error.field = (body && body.field) || "";
  error.detail = String((body && body.detail) || "");
  return error;
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
  /** What the panel does with a person's token: "required" (without one it is signed out),
      "optional" (without one, or when the API refuses it, it asks anonymously) or "none" (a
      public panel: it never sends one, whatever the page hands over). */
  static get signIn() { return "required"; }

  /** Attributes renamed to the panels' common names, as {new: old}: the old name keeps
      working where the new one is absent. */
  static get renamed() { return {}; }

  constructor() {
    super();
    this._seq = 0;
    this._abort = null;
    this._focus = null;
    this._frame = null;
  }

  /** Attribute `name`, else what the page set under its old name (see `renamed`). */
  _attribute(name) {
    var old = this.constructor.renamed[name];
    return this.hasAttribute(name) || !old ? this.getAttribute(name) : this.getAttribute(old);
  }

  get headingLevel() {
    var n = parseInt(this.getAttribute("heading-level"), 10);
    return n >= 2 && n <= 5 ? n : 2;
  }

  get pageSize() {
    var n = parseInt(this.getAttribute("page-size"), 10);
    return n >= 1 && n <= 100 ? n : DEFAULT_PAGE_SIZE;
  }

  /** The person's access token, or a function returning it or a Promise of it; called again
      once when the API answers 401. Resolves true when the panel loaded. */
  setAccessToken(tokenOrFunction) {
    sources.set(this, { token: tokenOrFunction, cached: null });
    return this._handedOver();
  }

  /** Instead of a token: a function(params) returning (a Promise of) one answer shaped as the
      API's (for a site that proxies the API through its server, and for the examples). */
  setLoader(loader) {
    sources.set(this, { loader: loader });
    return this._handedOver();
  }

  /** The page handed over a new token or loader: load with it (a panel may first forget what
      the previous one gave). Resolves like reload(). */
  _handedOver() { return this.reload(); }

  _source() { return sources.get(this); }

  /** Labels: the site's (configuration) before the panel's own STRINGS. */
  t(key, vars) {
    var site = this.store.config.strings || {};
    var lang = this.lang;
    var own = site[lang] && site[lang][key] != null ? site : STRINGS;
    return label(own, lang, key, vars);
  }

  /** The label of a code from a code list (`prefix` + code, e.g. "act.SPRT"), else `name` (the
      API's own name for it), else the code as sent. */
  _codeLabel(prefix, code, name) {
    var text = this.t(prefix + code);
    return text === prefix + code ? String(name || code || "") : text;
  }

  _set(patch) {
    Object.assign(this._view, patch);
    if (this.isConnected) this.update();
  }

  /**
   * One answer of the API at `path` (`query` already encoded, may be empty), or from the
   * loader with `params`. What happens without a token (none handed over, or the function
   * resolves to nothing) depends on `signIn`. The answer carries `anonymousAfter` (the HTTP
   * status) when a token was refused and the panel fell back to an anonymous request. A new
   * request aborts the one before unless either is made `beside` it (a detail next to a list,
   * an action on an item). `method` is GET unless given (an action: POST or DELETE, no body).
   */
  _request(path, query, params, beside, method) {
    var source = this._source() || {};
    var mode = this.constructor.signIn;
    var anonymous = mode !== "required";
    if (source.loader) {
      return Promise.resolve().then(function () { return source.loader(params); }).then(function (page) {
        if (!page) throw problem(anonymous ? "failed" : "signed-out");
        return page;
      }, function (error) { throw problem(error && error.kind || "failed", error && error.status, error); });
    }
    var abort = null;
    if (!beside) {
      if (this._abort) this._abort.abort();
      abort = this._abort = new AbortController();
    }
    var url = (this.store.config.issuer || "") + "/api/v1" + path + (query ? "?" + query : "");
    var hasToken = mode !== "none" && "token" in source;
    function get(token) {
      var headers = { Accept: "application/json" };
      if (token) headers.Authorization = "Bearer " + token;
      var init = { method: method || "GET", headers: headers, credentials: "omit",
        referrerPolicy: "no-referrer", signal: abort ? abort.signal : undefined };
      // What a token may have fetched stays out of the browser's cache; a public panel's
      // answers follow the API's Cache-Control.
      if (mode !== "none") init.cache = "no-store";
      return fetch(url, init);
    }
    function read(response, refused) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok || !body) throw problem("failed", response.status, body);
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

  /** The room the panel keeps from its first render on: the rest of the viewport below its
      top and a quarter more (so what follows it on the page stays out of view, and its answer —
      long or short — pushes nothing that was in view: no layout shift), none when it starts
      well below the fold.
      `--loket-panel-reserve` on the element: 0 for none, or a height of the page's own. */
  _reserve() {
    if (this._reserved || !this.getClientRects().length) return;  // not laid out (hidden): later
    this._reserved = true;
    var own = getComputedStyle(this).getPropertyValue("--loket-panel-reserve").trim();
    if (own) {
      this.style.minHeight = parseFloat(own) === 0 ? "0" : own;
      return;
    }
    // a quarter of the viewport more: what is above may still get shorter (a web font that
    // arrives, a header that learns who is signed in) and pull the panel up
    var below = window.innerHeight * 1.25;
    var room = Math.ceil(Math.min(below, below - this.getBoundingClientRect().top));
    this.style.minHeight = room > 0 ? room + "px" : "0";
  }

  /** The capacity the header shows the person acting in ({code, identifier, name}), or null:
      what a panel may say before its own answer names the capacity, so its heading does not
      change (and move what follows it) when the answer comes. */
  _expectedCapacity() {
    var idp = (this.store.state.profile || {}).idpData;
    var entity = idp && idp.activeIdentity && idp.activeIdentity.onBehalfOf;
    return entity && entity.code ? entity : null;
  }

  /** The status line as two nodes: what is seen (`_frame.status`, hidden from assistive
      technology) is a new node at every update, so a line added above it (the answer's, or the
      capacity's name once the header knows it) does not move it (a new node is no layout
      shift); what is heard is one polite live region right after it, kept for the panel's life
      and out of the flow (visually hidden), so every change is announced. */
  _statusLine() {
    var seen = this._frame.status;
    if (!seen || !seen.parentNode) return;
    if (!this._live) {  // in the document before its first text, so that text is announced
      this._live = h("p", { class: "vh", role: "status" });
      seen.after(this._live);
    }
    if (this._live.textContent !== seen.textContent) this._live.textContent = seen.textContent;
    var fresh = seen.cloneNode(true);
    seen.replaceWith(fresh);
    this._frame.status = fresh;
    if (fresh.nextSibling !== this._live) fresh.after(this._live);
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
    this._reserve();
    if (!this._frame) {
      this._frame = this._build();
      root.replaceChildren(this._frame.root);
    }
    this._fill();
    this._statusLine();
    var want = this._focus || key;
    var target = want && root.querySelector('[data-key="' + want + '"]');
    if (target) {
      if (target !== root.activeElement) target.focus();
      this._focus = null;
    }
  }
}

/** A panel of the active capacity's own items (<loket-dossiers>, <loket-messages>): signed in
    only, a heading that names the capacity ("titleFor", "titleOwn", else "title"), a filter row,
    the status line and the list. The panel gives `_filter()`, `_statusText(state)` and
    `_body(state)`; `_view` holds `state`, `items` and the answer's `capacity`. */
class LoketListPanel extends LoketPanel {
  /** The state shown: before a token arrives, the header's profile says whether one will. */
  _state() {
    var state = this._view.state;
    if (state !== "idle") return state;
    return this.store.state.profile && this.store.state.profile.active ? "loading" : "signed-out";
  }

  _build() {
    var f = {
      head: h("div", { class: "head" }),
      controls: h("div", { class: "controls" }),
      status: h("p", { class: "status", part: "status", "aria-hidden": "true" }),
      body: h("div", { class: "body" })
    };
    f.root = h("section", { class: "root", part: "root", "aria-labelledby": "title" },
      [f.head, f.controls, f.status, f.body]);
    return f;
  }

  _fill() {
    var f = this._frame;
    var view = this._view;
    var state = this._state();
    f.head.replaceChildren(h("h" + this.headingLevel, {
      id: "title", class: "title", part: "title", tabindex: "-1", "data-key": "title", text: this._title()
    }));
    // a new node each time (its chips are new anyway): a heading that the answer makes longer
    // does not move it (no layout shift)
    var controls = h("div", { class: "controls" }, state === "signed-out" ? [] : [this._filter()]);
    f.controls.replaceWith(controls);
    f.controls = controls;
    var text = this._statusText(state);
    if (f.status.textContent !== text) f.status.textContent = text;
    f.status.className = "status status--" + (state === "loaded" && !view.items.length ? "empty" : state);
    f.body.replaceChildren.apply(f.body, [].concat(this._body(state)).filter(Boolean));
  }

  /** The capacity the answer names; while loading, the one the header shows. */
  _title() {
    var state = this._state();
    var cap = this._view.capacity || (state === "loading" ? this._expectedCapacity() : null);
    if (!cap || state === "signed-out") return this.t("title");
    return cap.code === "BUR" ? this.t("titleOwn") : this.t("titleFor", { name: cap.name || cap.identifier || "" });
  }
}
