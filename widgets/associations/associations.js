/* <loket-associations>: "zoek een vereniging in je buurt" over the register's public search
   (GET /api/v1/associations): a postcode-or-municipality field, a text field and activity chips
   with the API's facet counts; result cards (name, short name, description, activities, area,
   age) that open the public detail (GET /api/v1/associations/{vCode}: website, contact, where);
   "meer laden"; loading, empty, error and unknown-place states. Public: it never sends a token.
   It reads only the fields it shows, so nothing personal can reach the page even if an answer
   held it. Its own chunk, loaded only by pages that use it (assets.py), on the shared LoketPanel
   (shared/panel.js: loader, API calls, labels, the frame; shared/format.js: dates and links).
   API: widgets/associations/README.md. */

var SEARCH_ATTRIBUTES = ["area", "q", "query", "activities", "page-size"];
var WEB_TYPES = ["Website", "SocialMedia"];

function activityCodes(value) {
  return codes(value).map(function (code) { return code.toUpperCase(); });
}

function shortUrl(url) { return url.replace(/^https?:\/\/(www\.)?/i, "").replace(/\/$/, ""); }

class LoketAssociations extends LoketPanel {
  static get cssName() { return "associations"; }
  static get signIn() { return "none"; }
  static get renamed() { return { q: "query" }; }
  static get observedAttributes() {
    return ["lang", "heading-level"].concat(SEARCH_ATTRIBUTES);
  }

  constructor() {
    super();
    this._view = { state: "idle", items: [], total: 0, facets: [], places: [], more: false,
      moreError: false, error: null, fieldError: null, searched: null };
    this._activities = [];
    this._open = new Set();      // vCodes whose detail is open
    this._details = new Map();   // vCode -> {state: "loading" | "loaded" | "error", data}
  }

  /** The activity codes chosen now (the `activities` attribute, then the visitor's chips). */
  get activities() { return this._activities.slice(); }

  connectedCallback() {
    super.connectedCallback();
    var self = this;
    // The first search waits a moment, so a page that hands over a loader right after the
    // element is defined does not start a request to the API first.
    setTimeout(function () { if (!self._seq && self.isConnected) self.search(); }, 0);
  }

  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    var f = this._frame;
    if (name === "area" && f) f.area.value = after || "";
    if ((name === "q" || name === "query") && f) f.q.value = this._attribute("q") || "";
    if (name === "activities") this._activities = activityCodes(after);
    if (SEARCH_ATTRIBUTES.indexOf(name) >= 0 && this._seq) this.search();
    else if (this.isConnected) this.update();
  }

  // setLoader(fn) (LoketPanel): instead of the API, `fn(params)` returns (a Promise of) an
  // answer shaped as the API's — `{q, werkingsgebied, hoofdactiviteit, offset, limit}` for a
  // search, `{vCode}` for a detail; a rejection `{status, error, field}` is an API error.
  // A new loader forgets the details the previous source gave and searches (like search()).
  _handedOver() {
    this._details.clear();
    return this.search();
  }

  /** Search with what the fields and chips hold now; resolves true when results came. */
  search() {
    var f = this._frame;
    var params = {
      q: (f ? f.q.value : this._attribute("q") || "").trim(),
      area: (f ? f.area.value : this.getAttribute("area") || "").trim(),
      activities: this._activities.slice()
    };
    return this._run(params);
  }

  /** Search again with what was searched last (after an error). */
  reload() {
    return this._view.searched ? this._run(this._view.searched) : this.search();
  }

  _run(params) {
    var self = this;
    var seq = ++this._seq;
    this._set({ state: "loading", items: [], total: 0, more: false, moreError: false, error: null,
      fieldError: null, searched: params });
    return this._page(params, 0).then(function (page) {
      if (seq !== self._seq) return false;
      var places = [].concat.apply([], ((page.query || {}).werkingsgebied || []).map(function (a) {
        return (a.gevonden || []).map(function (p) { return String(p.naam || p.code || ""); });
      }));
      var f = self._frame;
      // A code (the site's default, BE23999001) reads better as the place's name.
      if (f && places.length === 1 && /^[a-z]{2}[0-9]+$/i.test(params.area) &&
          f.area.value.trim() === params.area && self.shadowRoot.activeElement !== f.area) {
        f.area.value = places[0];
      }
      self._set({ state: "loaded", items: page.results || [], total: page.total || 0,
        facets: (page.facets || {}).hoofdactiviteiten || [], places: places });
      self._loaded();
      return true;
    }, function (error) {
      if (seq === self._seq) self._failed(error, params);
      return false;
    });
  }

  /** Append the next page ("meer laden"); focus moves to the first association it added. */
  loadMore() {
    var self = this;
    var seq = this._seq;
    var view = this._view;
    if (view.state !== "loaded" || view.more || view.items.length >= view.total) return Promise.resolve(false);
    this._set({ more: true, moreError: false });
    return this._page(view.searched, view.items.length).then(function (page) {
      if (seq !== self._seq) return false;
      self._focus = "item-" + self._view.items.length;
      self._set({ more: false, items: self._view.items.concat(page.results || []),
        total: page.total || 0 });
      self._loaded();
      return true;
    }, function () {
      if (seq === self._seq) self._set({ more: false, moreError: true });
      return false;
    });
  }

  /** Open or close the detail of the association with `vCode` (loaded once, then kept). */
  toggleDetails(vCode, open) {
    var self = this;
    var wanted = open == null ? !this._open.has(vCode) : Boolean(open);
    if (wanted) this._open.add(vCode); else this._open.delete(vCode);
    var known = this._details.get(vCode);
    this.emit("loket:associations-details", { vCode: vCode, open: wanted });
    if (!wanted || (known && known.state !== "error")) { this.update(); return Promise.resolve(wanted); }
    this._details.set(vCode, { state: "loading" });
    this.update();
    return this._request("/associations/" + encodeURIComponent(vCode), "", { vCode: vCode }, true).then(function (data) {
      self._details.set(vCode, { state: "loaded", data: data });
      return true;
    }, function () {
      self._details.set(vCode, { state: "error" });
      return false;
    }).then(function (ok) { if (self.isConnected) self.update(); return ok; });
  }

  _loaded() {
    var view = this._view;
    var s = view.searched;
    this.emit("loket:associations-loaded", { query: { q: s.q, area: s.area, activities: s.activities.slice() },
      places: view.places.slice(), total: view.total, shown: view.items.length,
      facets: view.facets.map(function (f) { return { code: f.code, count: f.count }; }) });
  }

  _failed(error, params) {
    if (error.status === 400 && error.field === "werkingsgebied") {
      // Back to the field for someone who searched here; a page that merely loads with a bad
      // area keeps its scroll position and focus.
      if (this.shadowRoot.activeElement) this._focus = "area";
      // Of several places, the one the API names ("Postcode 1234 is niet gekend …").
      var postcode = error.code === "unknown_postcode" && /\b[0-9]{4}\b/.exec(error.detail);
      this._set({ state: "invalid", fieldError: { code: error.code, value: postcode ? postcode[0] : params.area } });
    } else {
      this._set({ state: "error", error: error.status === 429 ? "busy" : "failed" });
    }
    this.emit("loket:associations-error", { status: error.status, code: error.code, field: error.field });
  }

  /** One page of the search: from the loader, or from the public API (no token, no cookies). */
  _page(params, offset) {
    var query = new URLSearchParams();
    if (params.q) query.append("q", params.q);
    if (params.area) query.append("werkingsgebied", params.area);
    params.activities.forEach(function (code) { query.append("hoofdactiviteit", code); });
    query.append("offset", offset);
    query.append("limit", this.pageSize);
    return this._request("/associations", query.toString(), { q: params.q, werkingsgebied: params.area,
      hoofdactiviteit: params.activities, offset: offset, limit: this.pageSize });
  }

  // The frame (heading, form, status line, body) is built once (LoketPanel.update): the fields
  // keep what the visitor typed, and the status line is a live region, which announces changes
  // only when it stays in the document.
  _build() {
    var self = this;
    var f = {
      head: h("div", { class: "head" }),
      areaLabel: h("label", { for: "area", class: "label" }),
      areaHint: h("p", { id: "area-hint", class: "hint" }),
      areaError: h("p", { id: "area-error", class: "field-error", part: "field-error", hidden: true }),
      area: h("input", { id: "area", name: "werkingsgebied", type: "text", class: "input", part: "input",
        "data-key": "area", autocomplete: "off", spellcheck: "false", maxlength: "100",
        "aria-describedby": "area-hint", value: this.getAttribute("area") || "" }),
      qLabel: h("label", { for: "q", class: "label" }),
      q: h("input", { id: "q", name: "q", type: "search", class: "input", part: "input", "data-key": "q",
        maxlength: "200", value: this._attribute("q") || "" }),
      submit: h("button", { type: "submit", class: "button", part: "search-button", "data-key": "submit" }),
      legend: h("legend", { class: "chips-label" }),
      chips: h("div", { class: "chips" }),
      status: h("p", { class: "status", part: "status", "aria-hidden": "true" }),
      body: h("div", { class: "body" })
    };
    f.activities = h("fieldset", { class: "activities", part: "activities" }, [f.legend, f.chips]);
    f.form = h("form", { class: "form", part: "form", role: "search", "aria-labelledby": "title", novalidate: true,
      on: { submit: function (event) { event.preventDefault(); self.search(); } } }, [
      h("div", { class: "fields" }, [
        h("div", { class: "field field--area" }, [f.areaLabel, f.areaHint, f.areaError, f.area]),
        h("div", { class: "field field--q" }, [f.qLabel, f.q]),
        h("div", { class: "field field--submit" }, f.submit)
      ]),
      f.activities
    ]);
    f.root = h("section", { class: "root", part: "root", "aria-labelledby": "title" },
      [f.head, f.form, f.status, f.body]);
    return f;
  }

  _fill() {
    var f = this._frame;
    var view = this._view;
    f.head.replaceChildren(h("h" + this.headingLevel, {
      id: "title", class: "title", part: "title", tabindex: "-1", "data-key": "title", text: this.t("title")
    }));
    f.areaLabel.textContent = this.t("area");
    f.areaHint.textContent = this.t("areaHint");
    f.qLabel.textContent = this.t("text");
    f.submit.textContent = this.t("search");
    f.legend.textContent = this.t("activities");
    var invalid = view.state === "invalid";
    f.areaError.hidden = !invalid;
    f.areaError.textContent = invalid ? this._fieldError(view.fieldError) : "";
    f.area.setAttribute("aria-describedby", invalid ? "area-hint area-error" : "area-hint");
    if (invalid) f.area.setAttribute("aria-invalid", "true"); else f.area.removeAttribute("aria-invalid");
    var chips = this._chips();
    f.activities.hidden = !chips.length;
    f.chips.replaceChildren.apply(f.chips, chips);
    var text = this._statusText();
    if (f.status.textContent !== text) f.status.textContent = text;
    var state = view.state === "loaded" && !view.items.length ? "empty" : view.state;
    f.status.className = "status status--" + state;
    f.body.replaceChildren.apply(f.body, [].concat(this._body()).filter(Boolean));
  }

  _fieldError(problem) {
    var value = problem && problem.value || "";
    if (problem && problem.code === "unknown_postcode") return this.t("unknownPostcode", { value: value });
    if (problem && problem.code === "unknown_area") return this.t("unknownArea", { value: value });
    return this.t("badArea");
  }

  _count(n) { return n === 0 ? this.t("none") : n === 1 ? this.t("one") : this.t("many", { count: n }); }

  _statusText() {
    var view = this._view;
    var s = view.searched || {};
    if (view.state === "idle" || view.state === "loading") return this.t("loading");
    if (view.state === "invalid") return this.t("checkArea");
    if (view.state === "error") return this.t(view.error === "busy" ? "errorBusy" : "error");
    var text = this._count(view.total) + (s.q ? " " + this.t("forText", { q: s.q }) : "") +
      (view.places.length ? " " + this.t("inPlace", { place: view.places.join(", ") }) : "") + ".";
    if (view.items.length && view.items.length < view.total) text += " " + this.t("shown", { shown: view.items.length });
    if (view.more) text += " " + this.t("moreLoading");
    if (view.moreError) text += " " + this.t("moreError");
    return text;
  }

  _activity(item) { return this._codeLabel("act.", item.code, item.naam); }

  /** The API's activity facet (counts leave the activity filter out: what each chip would
      find), plus a chosen activity that found nothing. */
  _chips() {
    var self = this;
    var chosen = this._activities;
    var facets = this._view.facets.slice();
    chosen.forEach(function (code) {
      if (!facets.some(function (f) { return f.code === code; })) facets.push({ code: code, count: 0 });
    });
    return facets.map(function (facet) {
      var code = String(facet.code || "");
      var on = chosen.indexOf(code) >= 0;
      return h("label", { class: "chip", part: "chip" }, [
        h("input", { type: "checkbox", name: "hoofdactiviteit", value: code, checked: on,
          "data-key": "act-" + code, on: { change: function (event) { self._toggle(code, event.target.checked); } } }),
        h("span", { text: self._activity(facet) + " (" + (facet.count || 0) + ")" })
      ]);
    });
  }

  _toggle(code, on) {
    this._activities = this._activities.filter(function (c) { return c !== code; });
    if (on) this._activities.push(code);
    this.search();
  }

  _body() {
    var self = this;
    var view = this._view;
    if (view.state === "error") {
      return h("button", { type: "button", class: "button", part: "retry-button", "data-key": "retry",
        text: this.t("retry"), on: { click: function () { self._focus = "title"; self.reload(); } } });
    }
    if (view.state !== "loaded") return "";
    if (!view.items.length) return h("p", { class: "hint empty-hint", text: this.t("emptyHint") });
    var level = this.headingLevel + 1;
    return [
      h("ul", { class: "list", part: "list" }, view.items.map(function (item, i) {
        return self._card(item, i, level);
      })),
      view.items.length < view.total ? h("button", {
        type: "button", class: "button more", part: "more-button", "data-key": "more",
        "aria-disabled": view.more ? "true" : null, text: this.t("more"),
        on: { click: function () { self.loadMore(); } }
      }) : null
    ];
  }

  _card(item, i, level) {
    var self = this;
    var vCode = String(item.vCode || "");
    var open = this._open.has(vCode);
    var name = String(item.naam || vCode);
    var meta = [
      (item.hoofdactiviteiten || []).length ? [this.t("activities"), h("ul", { class: "tags" },
        item.hoofdactiviteiten.map(function (a) { return h("li", { class: "tag", text: self._activity(a) }); }))] : null,
      (item.werkingsgebieden || []).length ? [this.t("areaShort"), item.werkingsgebieden.map(function (a) {
        return String(a.naam || a.code || "");
      }).join(", ")] : null,
      this._age(item.doelgroep)
    ].filter(Boolean);
    return h("li", { class: "card", part: "card" }, [
      h("h" + level, { class: "name", tabindex: "-1", "data-key": "item-" + i }, [
        name,
        // A short name that the name already holds ("De Schakel") would only repeat it.
        item.korteNaam && name.toLowerCase().indexOf(String(item.korteNaam).toLowerCase()) < 0
          ? h("span", { class: "short", text: " (" + item.korteNaam + ")" }) : null
      ]),
      item.roepnaam ? h("p", { class: "nickname", text: this.t("nickname", { name: item.roepnaam }) }) : null,
      item.korteBeschrijving ? h("p", { class: "description", text: item.korteBeschrijving }) : null,
      this._meta(meta),
      h("button", { type: "button", class: "toggle", part: "details-button", "data-key": "open-" + i,
        "aria-expanded": open ? "true" : "false", "aria-controls": "detail-" + i,
        text: this.t("details", { name: name }),
        on: { click: function () { self.toggleDetails(vCode); } } }),
      h("div", { id: "detail-" + i, class: "detail", part: "details", hidden: !open,
        "aria-busy": open && (this._details.get(vCode) || {}).state === "loading" ? "true" : null },
        open ? this._detail(vCode, i) : null)
    ]);
  }

  _meta(rows) {
    if (!rows.length) return null;
    return h("dl", { class: "meta" }, rows.map(function (row) {
      return h("div", { class: "meta-row" }, [h("dt", { text: row[0] }), h("dd", {}, row[1])]);
    }));
  }

  _age(target) {
    var min = target && target.minimumleeftijd;
    var max = target && target.maximumleeftijd;
    var from = typeof min === "number" && min > 0;
    var to = typeof max === "number" && max < 150;
    if (!from && !to) return null;
    var text = from && to ? this.t("ageRange", { min: min, max: max })
      : from ? this.t("ageFrom", { min: min }) : this.t("ageTo", { max: max });
    return [this.t("age"), text];
  }

  /** The public detail: kind, start, websites, e-mail, phone, where its activities are. */
  _detail(vCode, i) {
    var self = this;
    var known = this._details.get(vCode) || { state: "loading" };
    if (known.state === "loading") return h("p", { class: "detail-status", text: this.t("detailLoading") });
    if (known.state === "error") {
      return [h("p", { class: "detail-status", text: this.t("detailError") }),
        h("button", { type: "button", class: "button button--small", "data-key": "retry-" + i, text: this.t("retry"),
          on: { click: function () { self._focus = "open-" + i; self.toggleDetails(vCode, true); } } })];
    }
    var d = known.data || {};
    var contacts = Array.isArray(d.contactgegevens) ? d.contactgegevens.slice() : [];
    contacts.sort(function (a, b) { return (b.isPrimair ? 1 : 0) - (a.isPrimair ? 1 : 0); });
    var links = contacts.map(function (c) {
      var url = WEB_TYPES.indexOf(c.type) >= 0 && webUrl(c.waarde);
      return url ? h("li", {}, h("a", { href: url, part: "website-link", text: c.beschrijving || shortUrl(url) })) : null;
    }).filter(Boolean);
    var mails = contacts.map(function (c) {
      var address = c.type === "E-mail" && /^[^\s@:/?#]+@[^\s@:/?#]+$/.test(String(c.waarde || "")) && c.waarde;
      return address ? h("li", {}, h("a", { href: safeUrl("mailto:" + address), text: address })) : null;
    }).filter(Boolean);
    var phones = contacts.map(function (c) {
      var tel = c.type === "Telefoon" && telUrl(c.waarde);
      return tel ? h("li", {}, h("a", { href: tel, text: String(c.waarde) })) : null;
    }).filter(Boolean);
    // Where its activities are; a correspondence address may be someone's home, so not that.
    var places = (Array.isArray(d.locaties) ? d.locaties : []).filter(function (l) {
      return l.type === "Activiteiten";
    }).map(function (l) {
      return h("li", { text: [l.naam, l.adresvoorstelling].filter(Boolean).join(", ") });
    });
    var type = d.verenigingstype || {};
    var rows = [
      type.code ? [this.t("kind"), this._codeLabel("type.", type.code, type.naam)] : null,
      d.startdatum ? [this.t("since"), h("time", { datetime: d.startdatum, text: formatDate(d.startdatum, this.lang) })] : null,
      links.length ? [this.t("website"), h("ul", { class: "plain" }, links)] : null,
      mails.length ? [this.t("email"), h("ul", { class: "plain" }, mails)] : null,
      phones.length ? [this.t("phone"), h("ul", { class: "plain" }, phones)] : null,
      places.length ? [this.t("where"), h("ul", { class: "plain" }, places)] : null
    ].filter(Boolean);
    return this._meta(rows) || h("p", { class: "detail-status", text: this.t("detailNone") });
  }
}

define("loket-associations", LoketAssociations);
