/* <loket-dossiers>: the dossiers of the capacity the person acts in (GET /api/v1/me/dossiers),
   open first and "actie nodig" on top: status, phase progress, organisation, last change, the
   action to take and a link to the dossier at its source; an open/closed filter and "meer laden"
   with the API's cursor; loading, empty, error and signed-out states. Its own chunk, loaded only
   by pages that use it (assets.py), on the shared LoketPanel (shared/panel.js: token or loader,
   API calls, labels, the frame; shared/format.js: dates and links). The API is in
   widgets/dossiers/README.md. */

var PHASES = ["Samenstelling", "Behandeling", "Beslissing", "Beroep", "Uitvoering", "Afgerond"];
var FILTERS = ["all", "open", "closed"];

class LoketDossiers extends LoketListPanel {
  static get cssName() { return "dossiers"; }
  static get observedAttributes() { return ["lang", "status", "page-size", "heading-level"]; }

  constructor() {
    super();
    this._view = { state: "idle", items: [], next: null, counts: null, total: 0, capacity: null,
      more: false, moreError: false, error: null };
  }

  /** The filter: "all" (default), "open" or "closed"; mirrors the `status` attribute. */
  get status() {
    var value = this.getAttribute("status");
    return FILTERS.indexOf(value) >= 0 ? value : "all";
  }
  set status(value) { this.setAttribute("status", value); }

  _handedOver() {
    this._view.capacity = null;
    return super._handedOver();
  }

  /** Load the first page again (after a filter change, or to refresh). */
  reload() {
    var self = this;
    var seq = ++this._seq;
    if (!this._source()) { this.update(); return Promise.resolve(false); }
    this._set({ state: "loading", items: [], next: null, more: false, moreError: false, error: null });
    return this._page(null).then(function (page) {
      if (seq !== self._seq) return false;
      self._set({ state: "loaded", items: page.dossiers || [], next: page.next || null,
        counts: page.counts || null, total: page.total || 0, capacity: page.capacity || null });
      self._loaded();
      return true;
    }, function (error) {
      if (seq === self._seq) self._failed(error);
      return false;
    });
  }

  /** Append the next page ("meer laden"); focus moves to the first dossier it added. */
  loadMore() {
    var self = this;
    var seq = this._seq; // a reload in between makes this page moot
    var view = this._view;
    if (!view.next || view.more || view.state !== "loaded") return Promise.resolve(false);
    this._set({ more: true, moreError: false });
    return this._page(view.next).then(function (page) {
      if (seq !== self._seq) return false;
      self._focus = "item-" + self._view.items.length;
      self._set({ more: false, items: self._view.items.concat(page.dossiers || []),
        next: page.next || null, counts: page.counts || self._view.counts, total: page.total || 0 });
      self._loaded();
      return true;
    }, function (error) {
      if (seq !== self._seq) return false;
      if (error.kind === "signed-out") self._failed(error);
      else self._set({ more: false, moreError: true });
      return false;
    });
  }

  attributeChangedCallback(name, before, after) {
    if ((name === "status" || name === "page-size") && before !== after && this._source()) this.reload();
    else if (this.isConnected) this.update();
  }

  _loaded() {
    var view = this._view;
    this.emit("loket:dossiers-loaded", { status: this.status, shown: view.items.length,
      total: view.total, counts: view.counts, capacity: view.capacity });
  }

  _failed(error) {
    var out = error && error.kind === "signed-out" ? "signed-out" : "error";
    this._set({ state: out, more: false, error: error && error.status === 403 ? "forbidden" : "failed" });
    if (out === "signed-out") this.emit("loket:dossiers-signed-out", {});
    else this.emit("loket:dossiers-error", { status: (error && error.status) || 0, code: (error && error.code) || "" });
  }

  /** One page of the API's answer, from the loader or with the token. */
  _page(cursor) {
    var params = { status: this.status, limit: this.pageSize, cursor: cursor };
    var query = "status=" + params.status + "&limit=" + params.limit +
      (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    return this._request("/me/dossiers", query, params);
  }

  _count(n) { return n === 1 ? this.t("one") : this.t("many", { count: n }); }

  _statusText(state) {
    var view = this._view;
    if (state === "loading") return this.t("loading");
    if (state === "signed-out") return this.t("signedOut");
    if (state === "error") return this.t(view.error === "forbidden" ? "errorForbidden" : "error");
    if (!view.items.length) {
      return this.t({ all: "empty", open: "emptyOpen", closed: "emptyClosed" }[this.status]);
    }
    var action = view.counts && this.status !== "closed" ? view.counts.actionRequired : 0;
    var text = this._count(view.total) + (action ? ", " + this.t("withAction", { count: action }) : "") + ".";
    if (view.items.length < view.total) text += " " + this.t("shown", { shown: view.items.length });
    if (view.more) text += " " + this.t("moreLoading");
    if (view.moreError) text += " " + this.t("moreError");
    return text;
  }

  _filter() {
    var self = this;
    var counts = this._view.counts;
    var current = this.status;
    var number = { all: "total", open: "open", closed: "closed" };
    return h("fieldset", { class: "filter", part: "filter" }, [
      h("legend", { class: "filter-label", text: this.t("filter") }),
      h("div", { class: "options" }, FILTERS.map(function (value) {
        var n = counts && counts[number[value]];
        return h("label", { class: "option" }, [
          h("input", { type: "radio", name: "status", value: value, "data-key": "filter-" + value,
            checked: value === current, on: { change: function () { self.status = value; } } }),
          h("span", { text: self.t(value) + (n != null ? " (" + n + ")" : "") })
        ]);
      }))
    ]);
  }

  _body(state) {
    var self = this;
    var view = this._view;
    if (state === "signed-out") {
      var login = safeUrl(this.store.state.profile && this.store.state.profile.loginUrl);
      return login ? h("a", { class: "button", part: "login-link", href: login, text: this.t("login") }) : "";
    }
    if (state === "error") {
      return h("button", { type: "button", class: "button", part: "retry-button", "data-key": "retry",
        text: this.t("retry"), on: { click: function () { self._focus = "title"; self.reload(); } } });
    }
    if (state !== "loaded" || !view.items.length) return "";
    var level = this.headingLevel + 1;
    return [
      h("ol", { class: "list", part: "list" }, view.items.map(function (dossier, i) {
        return self._item(dossier, i, level);
      })),
      view.next ? h("button", {
        type: "button", class: "button more", part: "more-button", "data-key": "more",
        "aria-disabled": view.more ? "true" : null, text: this.t("more"),
        on: { click: function () { self.loadMore(); } }
      }) : null
    ];
  }

  _item(dossier, i, level) {
    var status = dossier.status || {};
    var action = status.action || {};
    var source = dossier.source || {};
    var link = webUrl(dossier.link);
    var heading = h("h" + level, { class: "name", tabindex: "-1", "data-key": "item-" + i },
      link ? h("a", { href: link, part: "link", "data-key": "link-" + i, text: dossier.name }) : String(dossier.name || ""));
    var meta = [
      [this.t("organisation"), String(source.name || source.id || "")],
      [this.t("lastChange"), h("time", { datetime: dossier.lastChange, text: formatDate(dossier.lastChange, this.lang) })],
      [this.t("number"), String(dossier.number || "")],
      dossier.type ? [this.t("type"), String(dossier.type)] : null,
      this._contact(dossier.handler)
    ].filter(Boolean);
    return h("li", { class: "item" + (action.required ? " item--action" : ""), part: "item" }, [
      heading,
      action.required ? h("div", { class: "action", part: "action" }, h("p", {}, [
        h("strong", { class: "action-label", text: this.t("actionNeeded") + ": " }),
        String(action.text || "")
      ])) : null,
      h("p", { class: "state", part: "state" }, [
        h("span", { class: "vh", text: this.t("status") + ": " }),
        h("strong", { text: this._codeLabel("code.", status.code) }),
        status.detail ? h("span", { class: "detail", text: status.detail }) : null
      ]),
      this._phases(status.phase),
      h("dl", { class: "meta" }, meta.map(function (row) {
        return h("div", { class: "meta-row" }, [h("dt", { text: row[0] }), h("dd", {}, row[1])]);
      }))
    ]);
  }

  _contact(handler) {
    if (!handler) return null;
    var who = [handler.name, handler.department].filter(Boolean).join(", ");
    var phone = telUrl(handler.phone);
    var email = handler.email ? safeUrl("mailto:" + handler.email) : null;
    var parts = [who ? h("span", { text: who }) : null,
      phone ? h("a", { href: phone, text: handler.phone }) : handler.phone ? h("span", { text: handler.phone }) : null,
      email ? h("a", { href: email, text: handler.email }) : null].filter(Boolean);
    if (!parts.length) return null;
    return [this.t("contact"), h("span", { class: "contact" }, parts)];
  }

  /** The phases as an ordered list: the current one marked in words, not by colour alone (and
      not also by aria-current, which screen readers would announce a second time, in their own
      words). An appeal (Beroep) is a phase only of the dossiers that are in it: no other dossier
      is said to have passed through one. */
  _phases(phase) {
    var self = this;
    var phases = phase === "Beroep" ? PHASES : PHASES.filter(function (p) { return p !== "Beroep"; });
    var at = phases.indexOf(phase);
    if (at < 0) return phase ? h("p", { text: String(phase) }) : null;
    return h("div", { class: "progress" }, [
      h("ol", { class: "phases", part: "phases", "aria-label": this.t("progress") },
        phases.map(function (name, i) {
          var kind = i < at ? "passed" : i === at ? "current" : "todo";
          return h("li", { class: "step step--" + kind }, [
            h("span", { class: "step-label", text: self.t("phase." + name) }),
            kind !== "todo" ? h("span", { class: "vh",
              text: " (" + self.t(kind === "passed" ? "phase-done" : "phase-current") + ")" }) : null
          ]);
        })),
      // Narrow panels show only the dots and, here, the current phase (the list says it all).
      h("p", { class: "phase-now", "aria-hidden": "true", text: this.t("phase." + phase) })
    ]);
  }
}

define("loket-dossiers", LoketDossiers);
