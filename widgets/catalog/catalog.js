/* <loket-catalog>: the products and services of the municipality, the province and Flanders
   (GET /api/v1/catalog/products): a search box, filter chips with counts (doelgroep, thema,
   type, level) and "alle gebieden", results with the authority, why they are recommended and an
   "aanvragen" link, "meer laden". Anonymous, or ranked for the person's capacity with a token.
   Its own chunk, on the shared LoketPanel (shared/panel.js, shared/format.js). The API is in
   widgets/catalog/README.md. */

var GROUPS = ["doelgroep", "thema", "type", "level"];
var TOKEN_WAIT = 2000; // ms a signed-in page has to hand over its token before results go anonymous
var SHORT = 220; // characters of the description shown

/** A value by language in `lang` (else nl, else any), with the language it is in. */
function inLang(value, lang) {
  if (value == null) return { text: "", lang: lang };
  if (typeof value !== "object") return { text: String(value), lang: lang };
  var use = value[lang] ? lang : value.nl ? "nl" : Object.keys(value)[0];
  return { text: String((use && value[use]) || ""), lang: use || lang };
}

/** Text in a span that says its language when it is not the page's (screen readers switch). */
function langText(found, lang, props) {
  return h("span", Object.assign({ lang: found.lang !== lang ? found.lang : null, text: found.text }, props || {}));
}

/** A product's formatted description (the catalog keeps only sanitised HTML; rebuilt here
    from an inert document all the same): paragraphs, lists, emphasis, links; its sub-headings
    as bold paragraphs, so the page's heading outline stays the panel's. */
function richText(markup) {
  // event handler attributes go first: inert as the parse is, Chromium would still report each
  // against the page's CSP
  var flat = String(markup || "").replace(/\s(on[a-z]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, " ")
    .replace(/<(\/?)h[1-6]\b[^>]*>/gi, function (_m, end) {
      return end ? "</strong></p>" : "<p><strong>";
    });
  return simpleHtml(flat, ["UL", "OL", "LI"]);
}

function shorten(text) {
  var first = String(text || "").split(/\n\s*\n/)[0].trim();
  if (first.length <= SHORT) return first;
  var cut = first.slice(0, SHORT);
  var space = cut.lastIndexOf(" ");
  return (space > SHORT / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, "") + "…";
}

class LoketCatalog extends LoketPanel {
  static get cssName() { return "catalog"; }
  static get signIn() { return "optional"; }
  static get renamed() { return { area: "municipality" }; }
  static get observedAttributes() {
    return ["lang", "q", "doelgroep", "thema", "type", "level", "area", "municipality", "all-areas",
      "page-size", "heading-level", "info-url"];
  }

  constructor() {
    super();
    this._view = { state: "idle", items: [], total: 0, facets: null, personalised: false,
      capacity: null, fallback: false, more: false, moreError: false, lang: null };
    this._wide = {}; // per group: the chips of the last answer not filtered by that group
    this._started = false;
    this._timer = null;
    this._pending = false;
    this._open = false; // the filters, where the panel is narrow
  }

  // ---- attributes (the search's state; the panel keeps them up to date) ----------------------
  get q() { return this.getAttribute("q") || ""; }
  set q(value) { this._attr("q", String(value || "").trim()); }
  /** The werkingsgebied codes the offer is narrowed to (`area`, formerly `municipality`). */
  get area() { return codes(this._attribute("area")); }
  get municipality() { return this.area; }
  get allAreas() { return this.hasAttribute("all-areas"); }
  set allAreas(on) { this.toggleAttribute("all-areas", Boolean(on)); }
  /** The selected codes of a filter group ("doelgroep", "thema", "type", "level"). */
  selected(group) { return codes(this.getAttribute(group)); }
  select(group, list) { this._attr(group, list.join(",")); }

  _attr(name, value) {
    if (value) this.setAttribute(name, value); else this.removeAttribute(name);
  }

  // ---- lifecycle ------------------------------------------------------------------------------
  connectedCallback() {
    super.connectedCallback();
    var self = this;
    if (this._started || this._source()) return;
    // A page that hands over a token does so right after the element is defined; a signed-in
    // page (the header's profile is active) gets a moment longer before results go anonymous.
    var active = this.store.state.profile && this.store.state.profile.active;
    this._timer = setTimeout(function () {
      self._timer = null;
      if (!self._started && !self._source()) self.reload();
    }, active ? TOKEN_WAIT : 0);
  }

  disconnectedCallback() {
    if (this._timer) { clearTimeout(this._timer); this._timer = null; }
    super.disconnectedCallback();
  }

  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    if (name !== "lang" && name !== "heading-level" && name !== "info-url" && this._started) this._schedule();
    else if (this.isConnected) this.update();
  }

  _handedOver() {
    if (this._timer) { clearTimeout(this._timer); this._timer = null; }
    // Another source gives other results: the previous ones do not stay while it loads.
    Object.assign(this._view, { items: [], total: 0, facets: null, capacity: null, personalised: false,
      fallback: false });
    return super._handedOver();
  }

  /** One reload for several changes made together (e.g. clearing every filter). */
  _schedule() {
    var self = this;
    if (this._pending) return;
    this._pending = true;
    Promise.resolve().then(function () { self._pending = false; self.reload(); });
  }

  // ---- loading ----------------------------------------------------------------------------------
  _params(offset) {
    var self = this;
    var params = { q: this.q, lang: this.lang, offset: offset, limit: this.pageSize, facets: offset === 0,
      municipality: this.allAreas ? [] : this.area, scope: this.allAreas ? "all" : "mine" };
    GROUPS.forEach(function (g) { params[g] = self.selected(g); });
    return params;
  }

  _query(p) {
    var parts = ["lang=" + p.lang, "limit=" + p.limit, "offset=" + p.offset];
    if (p.q) parts.push("q=" + encodeURIComponent(p.q));
    GROUPS.concat(["municipality"]).forEach(function (g) {
      if (p[g].length) parts.push(g + "=" + encodeURIComponent(p[g].join(",")));
    });
    if (p.scope === "all") parts.push("scope=all");
    if (!p.facets) parts.push("facets=false");
    return parts.join("&");
  }

  _fetch(offset) {
    var params = this._params(offset);
    return this._request("/catalog/products", this._query(params), params);
  }

  /** Search again from the first result (after any change of the query, filters or area). */
  reload() {
    var self = this;
    var seq = ++this._seq;
    this._started = true;
    var lang = this.lang;
    this._set({ state: "loading", more: false, moreError: false });
    return this._fetch(0).then(function (page) {
      if (seq !== self._seq) return false;
      self._took(page, lang, []);
      return true;
    }, function (error) {
      if (seq === self._seq) self._failed(error);
      return false;
    });
  }

  /** Append the next results ("meer laden"); focus moves to the first one it added. */
  loadMore() {
    var self = this;
    var seq = this._seq;
    var view = this._view;
    if (view.state !== "loaded" || view.more || view.items.length >= view.total) return Promise.resolve(false);
    this._set({ more: true, moreError: false });
    return this._fetch(view.items.length).then(function (page) {
      if (seq !== self._seq) return false;
      self._focus = "item-" + self._view.items.length;
      self._took(page, view.lang, self._view.items);
      return true;
    }, function () {
      if (seq === self._seq) self._set({ more: false, moreError: true });
      return false;
    });
  }

  _took(page, lang, before) {
    var self = this;
    var facets = before.length ? this._view.facets : (page.facets || {});
    GROUPS.forEach(function (g) { if (!self.selected(g).length) self._wide[g] = facets[g] || []; });
    var fallback = Boolean(page.anonymousAfter);
    if (fallback && !this._view.fallback) this.emit("loket:catalog-signed-out", { status: page.anonymousAfter });
    this._set({ state: "loaded", items: before.concat(page.items || []), total: page.total || 0,
      facets: facets, personalised: Boolean(page.personalised), capacity: page.capacity || null,
      fallback: fallback || (before.length > 0 && this._view.fallback), more: false, lang: lang });
    var view = this._view;
    this.emit("loket:catalog-loaded", { total: view.total, shown: view.items.length,
      personalised: view.personalised, capacity: view.capacity, query: this._params(0) });
  }

  _failed(error) {
    this._set({ state: "error", items: [], total: 0, more: false });
    this.emit("loket:catalog-error", { status: (error && error.status) || 0, code: (error && error.code) || "" });
  }

  // ---- rendering -------------------------------------------------------------------------------
  update() {
    var view = this._view;
    // Facet labels and reasons come in the page's language: ask again when it changes.
    if (view.state === "loaded" && view.lang && view.lang !== this.lang) this._schedule();
    super.update();
  }

  _build() {
    var self = this;
    var input = h("input", { id: "q", type: "search", name: "q", part: "search-input", "data-key": "q",
      autocomplete: "off", enterkeyhint: "search", maxlength: "200" });
    var f = {
      head: h("div", { class: "head" }),
      intro: h("div", { class: "intro", part: "intro" }),
      label: h("label", { for: "q", class: "search-label" }),
      input: input,
      button: h("button", { type: "submit", class: "button", part: "search-button", "data-key": "search" }),
      toggle: h("button", { type: "button", class: "filters-toggle", part: "filters-toggle",
        "data-key": "filters-toggle", "aria-controls": "filters", "aria-expanded": "false",
        on: { click: function () { self._open = !self._open; self.update(); } } }),
      filters: h("div", { id: "filters", class: "filters", part: "filters" }),
      status: h("p", { class: "status", part: "status", "aria-hidden": "true" }),
      body: h("div", { class: "body" })
    };
    f.form = h("form", { class: "search", part: "search", role: "search", on: { submit: function (event) {
      event.preventDefault();
      var value = input.value.trim();
      if (value === self.q) self._schedule(); else self.q = value;
    } } }, [f.label, h("div", { class: "search-row" }, [input, f.button])]);
    input.addEventListener("search", function () { if (!input.value && self.q) self.q = ""; });
    // Wide: the filters beside the results. Narrow: behind a "Filters" button (catalog.css).
    f.root = h("section", { class: "root", part: "root", "aria-labelledby": "title" }, [
      f.head, f.intro, f.form,
      h("div", { class: "layout" }, [h("div", { class: "side" }, [f.toggle, f.filters]),
        h("div", { class: "results" }, [f.status, f.body])])
    ]);
    return f;
  }

  _fill() {
    var f = this._frame;
    var view = this._view;
    f.head.replaceChildren(h("h" + this.headingLevel, {
      id: "title", class: "title", part: "title", tabindex: "-1", "data-key": "title", text: this._title()
    }));
    f.intro.replaceChildren.apply(f.intro, this._intro());
    f.label.textContent = this.t("search");
    f.button.textContent = this.t("searchButton");
    if (f.input !== this.shadowRoot.activeElement && f.input.value !== this.q) f.input.value = this.q;
    var groups = this._filters();
    var chosen = this._chosen();
    f.toggle.hidden = !groups.length;
    f.toggle.textContent = this.t("filters") + (chosen ? " (" + this.t("chosen", { count: chosen }) + ")" : "");
    f.toggle.setAttribute("aria-expanded", this._open ? "true" : "false");
    f.filters.className = "filters" + (this._open ? " filters--open" : "");
    f.filters.replaceChildren.apply(f.filters, groups);
    var text = this._statusText();
    if (f.status.textContent !== text) f.status.textContent = text;
    var shown = view.state === "idle" ? "loading" : view.state;
    f.status.className = "status status--" + (shown === "loaded" && !view.items.length ? "empty" : shown);
    f.body.replaceChildren.apply(f.body, [].concat(this._body()).filter(Boolean));
    // While a new search runs the previous results stay (no jump), marked as busy.
    f.body.setAttribute("aria-busy", view.state === "loading" ? "true" : "false");
  }

  _title() {
    var cap = this._view.capacity;
    if (!this._view.personalised || !cap) return this.t("title");
    return cap.code === "BUR" ? this.t("titleOwn") : this.t("titleFor", { name: cap.name || cap.identifier || "" });
  }

  _intro() {
    var view = this._view;
    var profile = this.store.state.profile || {};
    if (view.personalised && view.capacity) {
      return [h("p", { text: view.capacity.code === "BUR" ? this.t("forYou") : this.t("forName", { name: view.capacity.name || "" }) })];
    }
    if (view.fallback) return [h("p", { class: "notice", text: this.t("fallback") })];
    var login = !profile.active && safeUrl(profile.loginUrl);
    if (view.state === "idle") {
      // Before it knows whether it may personalise: the line it will most likely show, kept
      // invisible, so the line that comes does not push the search down (no layout shift).
      var cap = profile.active && this._expectedCapacity();
      var likely = cap ? (cap.code === "BUR" ? this.t("forYou") : this.t("forName", { name: cap.name || "" }))
        : (login ? this.t("loginHint") + " " + this.t("login") : "");
      return likely ? [h("p", { class: "pending", "aria-hidden": "true", text: likely })] : [];
    }
    if (!login) return [];
    return [h("p", {}, [this.t("loginHint") + " ",
      h("a", { href: login, part: "login-link", "data-key": "login", text: this.t("login") })])];
  }

  _statusText() {
    var view = this._view;
    if (view.state === "idle" || view.state === "loading") return this.t("loading");
    if (view.state === "error") return this.t("error");
    if (!view.items.length) return this.t("empty");
    var text = view.total === 1 ? this.t("one") : this.t("many", { count: view.total });
    if (view.items.length < view.total) text += " " + this.t("shown", { shown: view.items.length });
    if (view.more) text += " " + this.t("moreLoading");
    if (view.moreError) text += " " + this.t("moreError");
    return text;
  }

  /** The chips: every code the results carry (with how many), the selected ones, and in a group
      with a selection the codes it offered before, so a second one can be added. */
  _filters() {
    var self = this;
    var facets = this._view.facets;
    if (!facets) return [];
    var groups = GROUPS.map(function (g) {
      var chosen = self.selected(g);
      var now = facets[g] || [];
      var list = now.slice();
      var seen = {};
      now.forEach(function (c) { seen[c.code] = true; });
      (chosen.length ? self._wide[g] || [] : []).concat(chosen.map(function (code) {
        return { code: code, label: code };
      })).forEach(function (c) {
        if (!seen[c.code]) { seen[c.code] = true; list.push({ code: c.code, label: c.label }); }
      });
      if (!list.length) return null;
      return self._group(g, self.t("group." + g), list.map(function (c) {
        var on = chosen.indexOf(c.code) >= 0;
        return self._chip("chip-" + g + "-" + c.code, c.label + (c.count != null ? " (" + c.count + ")" : ""), on,
          function () {
            self.select(g, on ? chosen.filter(function (x) { return x !== c.code; }) : chosen.concat([c.code]));
          });
      }));
    });
    var view = this._view;
    var cap = view.capacity;
    if (this.area.length || (view.personalised && cap && cap.code === "VER")) {
      groups.unshift(this._group("area", this.t("area"), [
        this._chip("all-areas", this.t("allAreas"), this.allAreas, function () { self.allAreas = !self.allAreas; })
      ]));
    }
    return groups.filter(Boolean);
  }

  /** How many filters are in use (chips and the area), for the narrow "Filters" button. */
  _chosen() {
    var self = this;
    return GROUPS.reduce(function (n, g) { return n + self.selected(g).length; }, 0) + (this.allAreas ? 1 : 0);
  }

  _group(name, legend, chips) {
    return h("fieldset", { class: "filter group-" + name, part: "filter-group" }, [
      h("legend", { class: "filter-label", text: legend }),
      h("div", { class: "options" }, chips)
    ]);
  }

  _chip(key, text, on, toggle) {
    return h("label", { class: "option", part: "chip" }, [
      h("input", { type: "checkbox", "data-key": key, checked: on, on: { change: toggle } }),
      h("span", { text: text })
    ]);
  }

  _body() {
    var self = this;
    var view = this._view;
    if (view.state === "error") {
      return h("button", { type: "button", class: "button", part: "retry-button", "data-key": "retry",
        text: this.t("retry"), on: { click: function () { self._focus = "title"; self.reload(); } } });
    }
    if (view.state === "loaded" && !view.items.length) {
      var narrowed = this.q || GROUPS.some(function (g) { return self.selected(g).length; });
      return narrowed ? h("button", { type: "button", class: "button clear", part: "clear-button", "data-key": "clear",
        text: this.t("clear"), on: { click: function () { self._clear(); } } }) : null;
    }
    if (!view.items.length) return null;
    var level = Math.min(this.headingLevel + 1, 6);
    return [
      h("ol", { class: "list", part: "list", "aria-labelledby": "title" }, view.items.map(function (item, i) {
        return self._item(item, i, level);
      })),
      view.items.length < view.total ? h("button", {
        type: "button", class: "button more", part: "more-button", "data-key": "more",
        "aria-disabled": view.more ? "true" : null, text: this.t("more"),
        on: { click: function () { self.loadMore(); } }
      }) : null
    ];
  }

  _clear() {
    var self = this;
    this._focus = "q";
    this.q = "";
    GROUPS.forEach(function (g) { self.removeAttribute(g); });
  }

  _item(item, i, level) {
    var lang = this.lang;
    var title = inLang(item.title, lang);
    var description = inLang(item.description, lang);
    var rich = inLang(item.descriptionHtml, lang);
    var authority = (item.competentAuthority || {}).name;
    var reasons = item.relevance && item.relevance.text;
    var request = item.open !== false ? webUrl(item.onlineRequestUrl) : null;
    var info = this._infoUrl(item);
    var about = " " + this.t("about", { title: title.text });
    var when = this._when(item);
    return h("li", { class: "item" + (item.open === false ? " item--closed" : ""), part: "item" }, [
      h("h" + level, { class: "name", part: "item-title", tabindex: "-1", "data-key": "item-" + i }, langText(title, lang)),
      authority ? h("p", { class: "authority", part: "authority" }, [
        h("span", { class: "vh", text: this.t("authority") + ": " }), String(authority)]) : null,
      description.text ? h("p", { class: "description" }, langText({ text: shorten(description.text), lang: description.lang }, lang)) : null,
      rich.text ? h("details", { class: "details", part: "details" }, [
        h("summary", { part: "details-summary", "data-key": "details-" + i }, [
          this.t("readMore"), h("span", { class: "vh", text: about })]),
        h("div", { class: "rich", lang: rich.lang !== lang ? rich.lang : null }, richText(rich.text))
      ]) : null,
      reasons ? h("p", { class: "reasons", part: "reasons" }, [
        h("strong", { text: this.t("why") + ": " }), String(reasons)]) : null,
      when ? h("p", { class: "when", text: when }) : null,
      request || info ? h("p", { class: "links" }, [
        request ? h("a", { class: "button", href: request, part: "request-link", "data-key": "request-" + i }, [
          this.t("request"), h("span", { class: "vh", text: about })]) : null,
        info ? h("a", { class: "info", href: info, part: "info-link", "data-key": "info-" + i }, [
          this.t("moreInfo"), h("span", { class: "vh", text: about })]) : null
      ]) : null
    ]);
  }

  /** "Meer informatie": the site's own page (`info-url` with {id}), else the product's first
      website. */
  _infoUrl(item) {
    var own = this.getAttribute("info-url");
    if (own) return safeUrl(own.replace("{id}", encodeURIComponent(item.id || "")));
    var site = (item.websites || [])[0];
    return site ? webUrl(site.url) : null;
  }

  _when(item) {
    if (item.open !== false) return "";
    var today = new Date().toISOString().slice(0, 10);
    if (item.startDate && item.startDate > today) return this.t("opens", { date: formatDate(item.startDate, this.lang) });
    if (item.endDate) return this.t("closed", { date: formatDate(item.endDate, this.lang) });
    return "";
  }
}

define("loket-catalog", LoketCatalog);
