/* window.globalHeaderClient and window.globalFooterClient: the Flanders Global Header v5 client
   API (every method returns a Promise), on top of the shared Store; plus setProfileToken, our
   addition for the profile-token mode (docs/embedding.md). LoketWidgets.configure() is called
   by the per-site entry/embed script with the site's configuration. */

var mounted = { header: null, footer: null };
// The profile token (or the function that fetches one) lives only in this closure: never in
// the DOM, never in the state getProfile returns.
var profileSource = null;

function done(value) { return Promise.resolve(value); }

function whenBody() {
  if (document.body) return done();
  return new Promise(function (resolve) {
    document.addEventListener("DOMContentLoaded", function () { resolve(); }, { once: true });
  });
}

function state() { return defaultStore.state; }
function patch(key, value) { var p = {}; p[key] = value; return defaultStore.set(p); }

function mountAs(kind, tag, target) {
  return whenBody().then(function () {
    var el = mounted[kind];
    if (!el || !el.isConnected) el = document.querySelector(tag);
    if (target && target.localName === tag) el = target;
    else if (target) { el = el || document.createElement(tag); target.append(el); }
    else if (!el) {
      el = document.createElement(tag);
      if (kind === "header") document.body.prepend(el); else document.body.append(el);
    }
    mounted[kind] = el;
    announceMounted(kind, el);
    return true;
  });
}

function unmountAs(kind) {
  var el = mounted[kind];
  if (!el) return done(false);
  el.remove();
  mounted[kind] = null;
  return done(true);
}

function list(value, what) {
  if (!Array.isArray(value)) return Promise.reject(new TypeError(what + " must be an array"));
  return null;
}

function goodColor(type, value, st) {
  if (!COLOR.test(String(value || ""))) return false;
  var c = defaultStore.config.colors || {};
  // A colour the page sets must still read well: AA against the text it carries or sits on.
  var against = type === "primary" ? c["accent-text"] : c.background;
  if (against && contrast(value, against) < 4.5) {
    console.warn("Loket: branding colour " + value + " (" + type + ") is below WCAG AA contrast; ignored.");
    return false;
  }
  return true;
}

function emitWindow(name, detail) {
  window.dispatchEvent(new CustomEvent(name, { detail: detail }));
}

// Ours on the element; the real header's on the window, for pages written for it.
function announceMounted(kind, el) {
  el.emit("loket:" + kind + "-mounted", { element: el });
  if (kind === "header") emitWindow("widget.global_header.mounted", { element: el });
}

function loadProfile(retried) {
  var source = profileSource;
  var url = defaultStore.config.profileUrl;
  return Promise.resolve(typeof source === "function" ? source() : source).then(function (token) {
    if (!token || !url) throw new Error("no profile token");
    return fetch(url, {
      headers: { Authorization: "Bearer " + token }, credentials: "omit", cache: "no-store",
      referrerPolicy: "no-referrer"
    });
  }).then(function (response) {
    if (response.status === 401 && typeof source === "function" && !retried) return loadProfile(true);
    if (!response.ok) throw new Error("the provider answered " + response.status);
    return response.json().then(function (body) {
      defaultStore.set({ profile: Object.assign({}, state().profile, { active: true, idpData: body.idpData }) });
      emitWindow("loket:profile-loaded", {});
      return true;
    });
  }).catch(function (error) {
    defaultStore.set({ profile: Object.assign({}, state().profile, { active: false, idpData: null }) });
    emitWindow("loket:profile-error", { message: String(error && error.message || error) });
    return false;
  });
}

var headerClient = {
  mount: function (element) { return mountAs("header", "loket-header", element); },
  unmount: function () { return unmountAs("header"); },
  getConfig: function () {
    var s = state();
    return done(clone({ branding: s.branding, alert: s.alert, extensions: [] }));
  },
  setNavigationEnabled: function (enabled) { return done(patch("navigation", Boolean(enabled))); },
  accessMenu: {
    setProfile: function (profile) {
      if (!profile || typeof profile !== "object") return Promise.reject(new TypeError("setProfile needs an object"));
      var given = clone(profile);
      var token = given.idpProfileToken;  // ACM's papi_token: the header reads the profile itself
      delete given.idpProfileToken;
      var result = patch("profile", Object.assign({}, state().profile, given));
      if (typeof token === "string" && token && given.active !== false) {
        profileSource = token;
        return loadProfile(false);
      }
      return done(result);
    },
    getProfile: function () { return done(clone(state().profile)); },
    /** Our addition: a profile token from the provider (or a function returning one). */
    setProfileToken: function (tokenOrFunction) {
      profileSource = tokenOrFunction;
      return loadProfile(false);
    },
    setMainLinks: function (links) { return list(links, "mainLinks") || done(patch("mainLinks", clone(links))); },
    setApplicationMenuLinks: function (links) {
      return list(links, "links") || done(patch("applicationLinks", clone(links)) && clone(state().applicationLinks));
    },
    addApplicationMenuLink: function (link) {
      return done(patch("applicationLinks", state().applicationLinks.concat([clone(link)])) && clone(state().applicationLinks));
    },
    addApplicationMenuLinks: function (links) {
      return list(links, "links") || done(patch("applicationLinks", state().applicationLinks.concat(clone(links))) && clone(state().applicationLinks));
    },
    setApplicationName: function (name) { return done(patch("applicationName", clone(name))); },
    getApplicationName: function () { return done(tr(state().applicationName, pageLang())); },
    setVisibility: function (visible) { return done(patch("visible", Boolean(visible))); }
  },
  branding: {
    getLevel: function () { return done(state().branding.level); },
    setLevel: function (level) {
      if ([1, 2, 3, 4].indexOf(level) < 0) return done(false);
      return done(patch("branding", Object.assign({}, state().branding, { level: level })));
    },
    getColors: function () { return done(clone(state().branding.colors)); },
    getColor: function (type) { return done((state().branding.colors || {})[type]); },
    setColors: function (colors) {
      var s = state();
      var next = Object.assign({}, s.branding.colors);
      var okAll = Object.keys(colors || {}).every(function (type) {
        return (type === "primary" || type === "functional") && goodColor(type, colors[type], s);
      });
      if (!okAll) return done(false);
      Object.assign(next, colors);
      return done(patch("branding", Object.assign({}, s.branding, { colors: next })));
    },
    setColor: function (args) {
      var c = {};
      c[args && args.type] = args && (args.value || args.color);
      return headerClient.branding.setColors(c);
    },
    getHost: function () { return done(clone(state().branding.host)); },
    setHost: function (host) {
      var b = state().branding;
      return done(patch("branding", Object.assign({}, b, { host: Object.assign({}, b.host, clone(host)) })));
    },
    getUmbrella: function () { return done(clone(state().branding.umbrella)); },
    setUmbrella: function (umbrella) {
      var b = state().branding;
      return done(patch("branding", Object.assign({}, b, { umbrella: Object.assign({}, b.umbrella, clone(umbrella)) })));
    },
    getVariables: function () {
      var out = {};
      (defaultStore.themeCss().match(/--loket-[a-z-]+:[^;}]+/g) || []).forEach(function (decl) {
        var at = decl.indexOf(":");
        out[decl.slice(0, at)] = decl.slice(at + 1);
      });
      return done(out);
    }
  },
  contact: {
    getServicePoints: function () { return done(clone(state().servicePoints)); },
    setServicePoints: function (points) { patch("servicePoints", clone(points)); return done(clone(points)); },
    resetServicePoints: function () {
      return done(patch("servicePoints", clone(defaultStore.config.servicePoints) || { defaults: [] }));
    },
    open: function () { return done(Boolean(mounted.header && mounted.header.toggleMenu("contact", true, true))); },
    close: function () { return done(Boolean(mounted.header) && !mounted.header.toggleMenu("contact", false)); },
    toggle: function () { return done(Boolean(mounted.header && mounted.header.toggleMenu("contact"))); },
    isOpen: function () { return done(Boolean(mounted.header && mounted.header.isMenuOpen("contact"))); }
  }
};

var footerClient = {
  mount: function (element) { return mountAs("footer", "loket-footer", element); },
  unmount: function () { return unmountAs("footer"); },
  setNavigationLinks: function (links) {
    return list(links, "links") || done(patch("footer", Object.assign({}, state().footer, { links: clone(links) })));
  }
};

// ---- panels: their code (a chunk, assets.py) is fetched only by pages that use them ----------

var panelLoads = {};

/** Load the code of panel `tag` once (URL and SRI hash come with the site's configuration);
    resolves true when the element is defined. */
function loadPanel(tag) {
  if (customElements.get(tag)) return done(true);
  var chunk = (defaultStore.config.chunks || {})[tag];
  if (!chunk) return Promise.reject(new Error("Loket: no panel <" + tag + "> at this site"));
  if (!panelLoads[tag]) {
    panelLoads[tag] = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = chunk.url;
      script.integrity = chunk.integrity;
      script.crossOrigin = "anonymous";
      script.onload = resolve;
      script.onerror = function () {
        delete panelLoads[tag]; // a later call tries again
        // no code, no panel: give back the room kept for it
        document.querySelectorAll(tag).forEach(function (el) { el.style.minHeight = "0"; });
        reject(new Error("Loket: the code of <" + tag + "> did not load from " + chunk.url));
      };
      (document.head || document.documentElement).append(script);
    }).then(function () { return customElements.whenDefined(tag); });
  }
  return panelLoads[tag].then(function () { return true; });
}

/** Room for the site's panels before their code and first answer come (see LoketPanel's
    _reserve): a panel that has yet to be defined holds the viewport's height, so nothing after
    it on the page is in view and then pushed down (no layout shift). A page turns it off per
    panel with `--loket-panel-reserve: 0` (or sets a height of its own). One stylesheet on the
    document, adopted (no inline style: the widgets' CSP holds). */
function reservePanels(tags) {
  if (!tags.length || !document.adoptedStyleSheets || reservePanels.done) return;
  reservePanels.done = true;
  var list = tags.join(", ");
  document.adoptedStyleSheets = document.adoptedStyleSheets.concat(sheet(
    list + " { display: block; } :is(" + list + "):not(:defined) { min-height: var(--loket-panel-reserve, 100vh); }"));
}

function loadUsedPanels() {
  Object.keys(defaultStore.config.chunks || {}).forEach(function (tag) {
    if (document.querySelector(tag)) loadPanel(tag).catch(function (e) { console.error(e.message); });
  });
}

/** Called by the per-site script: the site's configuration, and where to render (embed.js). */
function configure(config, options) {
  if (defaultStore.config.widgetId !== config.widgetId) {
    defaultStore.config = config;
    defaultStore.reset();
    defaultStore.set({});
  }
  define("loket-header", LoketHeader);
  define("loket-footer", LoketFooter);
  var at = options && options.embedAt;
  if (at && at.parentNode) {
    var el = document.createElement("loket-header");
    at.parentNode.insertBefore(el, at);
    mounted.header = el;
    announceMounted("header", el);
  }
  // Panels already in the page now, and those the parser has yet to reach.
  reservePanels(Object.keys(config.chunks || {}));
  loadUsedPanels();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", loadUsedPanels, { once: true });
  }
}

window.globalHeaderClient = window.globalHeaderClient || headerClient;
window.globalFooterClient = window.globalFooterClient || footerClient;
window.LoketWidgets = {
  version: "1",
  configure: configure,
  load: loadPanel,
  // For the panels that build on the same base (widgets/README.md).
  LoketElement: LoketElement, Store: Store, define: define, h: h, safeUrl: safeUrl,
  simpleHtml: simpleHtml, addQuery: addQuery, label: label, tr: tr, pageLang: pageLang,
  sheet: sheet, css: CSS, store: function () { return defaultStore; }
};
