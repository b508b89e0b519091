/* The base of every Loket element: open Shadow DOM styled by constructable stylesheets (no
   inline <style>, so a strict CSP holds), theme tokens on :host only (never the page's :root),
   a shared Store of state, re-rendering on state and <html lang> changes, and events that
   cross the shadow boundary. See widgets/README.md for how a new panel builds on it. */

var CSS = {}; // component name -> minified CSS, filled by the bundle (webassets)
var sheetCache = new Map();

function sheet(css) {
  var cached = sheetCache.get(css);
  if (!cached) {
    cached = new CSSStyleSheet();
    cached.replaceSync(css);
    sheetCache.set(css, cached);
  }
  return cached;
}

function clone(value) { return value == null ? value : JSON.parse(JSON.stringify(value)); }

/** State shared by the elements of a page: the site's configuration plus what the page set. */
function Store(config) {
  this.config = config || {};
  this.listeners = new Set();
  this.reset();
}

Store.prototype.reset = function () {
  var c = this.config;
  this.state = {
    profile: Object.assign({ active: false, loginUrl: "", logoutUrl: "", switchCapacityUrl: "" },
      clone(c.profile) || {}),
    mainLinks: clone(c.mainLinks) || [],
    applicationLinks: clone(c.applicationLinks) || [],
    applicationName: clone(c.applicationName) || "",
    visible: true,
    navigation: true,
    branding: Object.assign({ level: 4, colors: {}, host: {}, umbrella: {} }, clone(c.branding) || {}),
    alert: clone(c.alert) || { enabled: false, message: "", modifier: "info" },
    servicePoints: clone(c.servicePoints) || { defaults: [] },
    footer: clone(c.footer) || { text: "", links: [] }
  };
};

Store.prototype.set = function (patch) {
  Object.assign(this.state, patch);
  this.listeners.forEach(function (fn) { fn(); });
  return true;
};

Store.prototype.subscribe = function (fn) {
  var listeners = this.listeners;
  listeners.add(fn);
  return function () { listeners.delete(fn); };
};

/** The theme's tokens, plus colours the page set with branding.setColors. */
Store.prototype.themeCss = function () {
  var colors = this.state.branding.colors || {};
  var extra = [];
  if (colors.primary) extra.push("--loket-color-accent:" + colors.primary);
  if (colors.functional) extra.push("--loket-color-link:" + colors.functional);
  return (this.config.themeCss || ":host{}") + (extra.length ? ":host{" + extra.join(";") + "}" : "");
};

var defaultStore = new Store({});

class LoketElement extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this._off = [];
  }

  /** The Store this element shows; the page's shared one unless set (the preview sets its own). */
  get store() { return this._store || defaultStore; }
  set store(value) {
    this._store = value;
    if (this.isConnected) { this.disconnectedCallback(); this.connectedCallback(); }
  }

  /** The language: a `lang` attribute on the element, else <html lang>. */
  get lang() {
    var own = (this.getAttribute("lang") || "").toLowerCase().split("-")[0];
    return LANGS.indexOf(own) >= 0 ? own : pageLang();
  }
  set lang(value) { this.setAttribute("lang", value); }

  t(key, vars) { return label(this.store.config.strings, this.lang, key, vars); }
  tr(value) { return tr(value, this.lang); }

  connectedCallback() {
    var self = this;
    this._off.push(this.store.subscribe(function () { self.update(); }));
    this._off.push(watchLang(function () { self.update(); }));
    this.update();
  }

  disconnectedCallback() {
    this._off.forEach(function (off) { off(); });
    this._off = [];
  }

  attributeChangedCallback() { if (this.isConnected) this.update(); }
  static get observedAttributes() { return ["lang"]; }

  /** Render again from the state, keeping focus on the same control when it still exists. */
  update() {
    var root = this.shadowRoot;
    var active = root.activeElement;
    var key = active && active.getAttribute("data-key");
    root.adoptedStyleSheets = [sheet(CSS.base || ""), sheet(this.store.themeCss()),
      sheet(CSS[this.constructor.cssName] || "")];
    root.replaceChildren(this.render());
    if (key) {
      var again = root.querySelector('[data-key="' + key + '"]');
      if (again) again.focus();
    }
  }

  /** A bubbling, composed CustomEvent (it reaches the page through the shadow boundary). */
  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail: detail, bubbles: true, composed: true }));
  }
}

/** Define `tag` unless the page already has an element by that name. */
function define(tag, cls) {
  if (!customElements.get(tag)) customElements.define(tag, cls);
}
