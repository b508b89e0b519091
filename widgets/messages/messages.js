/* <loket-messages>: the messages governments sent to the capacity the person acts in
   (GET /api/v1/me/messages), new ones first: category, sender, date, the text (plain, as sent),
   the sender's link, the catalog product or dossier it is about; mark read or unread, archive
   and bring back, each for this person only (POST/DELETE /me/messages/{id}/read|archive); an
   inbox/archive filter and "meer laden". It keeps the header's badge in step (the Store's
   profile), so the count a person sees is the same in both. Its own chunk on the shared
   LoketPanel (shared/panel.js); the API is in widgets/messages/README.md. */

var BOXES = ["inbox", "archive"];

class LoketMessages extends LoketListPanel {
  static get cssName() { return "messages"; }
  static get observedAttributes() { return ["lang", "box", "page-size", "heading-level", "product-url"]; }

  constructor() {
    super();
    this._view = { state: "idle", items: [], total: 0, unread: 0, capacity: null,
      more: false, moreError: false, error: null, said: "", busy: null, failed: null };
  }

  /** Which box is shown: "inbox" (default) or "archive"; mirrors the `box` attribute. */
  get box() { return this.getAttribute("box") === "archive" ? "archive" : "inbox"; }
  set box(value) { this.setAttribute("box", value); }

  _handedOver() {
    this._view.capacity = null;
    return super._handedOver();
  }

  /** Load the first page again. */
  reload() {
    var self = this;
    var seq = ++this._seq;
    this._askedLang = this.lang;
    if (!this._source()) { this.update(); return Promise.resolve(false); }
    this._set({ state: "loading", items: [], more: false, moreError: false, error: null, said: "",
      failed: null });
    return this._page(0).then(function (page) {
      if (seq !== self._seq) return false;
      self._set({ state: "loaded", items: page.berichten || [], total: page.totaal || 0,
        unread: page.ongelezen || 0, capacity: page.hoedanigheid || null });
      self._badge(page.ongelezen || 0);
      self._loaded();
      return true;
    }, function (error) {
      if (seq === self._seq) self._failed(error);
      return false;
    });
  }

  /** Append the next page; focus moves to the first message it added. */
  loadMore() {
    var self = this;
    var seq = this._seq;
    var view = this._view;
    if (view.items.length >= view.total || view.more || view.state !== "loaded") return Promise.resolve(false);
    this._set({ more: true, moreError: false });
    return this._page(view.items.length).then(function (page) {
      if (seq !== self._seq) return false;
      var known = {};
      self._view.items.forEach(function (m) { known[m.id] = true; });
      self._focus = "item-" + self._view.items.length;
      self._set({ more: false, total: page.totaal || 0, unread: page.ongelezen || 0,
        items: self._view.items.concat((page.berichten || []).filter(function (m) { return !known[m.id]; })) });
      self._loaded();
      return true;
    }, function (error) {
      if (seq !== self._seq) return false;
      if (error.kind === "signed-out") self._failed(error);
      else self._set({ more: false, moreError: true });
      return false;
    });
  }

  /**
   * Mark one message read (`read` true) or unread, or archive it (`archived` true) or bring it
   * back; resolves true when the API agreed. An archived message leaves the inbox (and a
   * restored one the archive); focus moves to the next message, else the heading.
   */
  mark(id, change) {
    var self = this;
    var view = this._view;
    var at = -1;
    view.items.forEach(function (m, i) { if (m.id === id) at = i; });
    if (at < 0 || view.busy != null) return Promise.resolve(false);
    var item = view.items[at];
    var kind = "read" in change ? "read" : "archive";
    var on = kind === "read" ? Boolean(change.read) : Boolean(change.archived);
    this._set({ busy: id, failed: null });
    return this._request("/me/messages/" + encodeURIComponent(id) + "/" + kind, "",
      { action: kind, id: id, on: on }, true, on ? "POST" : "DELETE").then(function (answer) {
      var items = self._view.items.slice();
      var now = Object.assign({}, item, { gelezen: answer.gelezen, gearchiveerd: answer.gearchiveerd });
      var leaves = kind === "archive";
      var total = self._view.total;
      if (leaves) {
        items.splice(at, 1);
        total = Math.max(0, total - 1);
        self._focus = items.length ? "item-" + Math.min(at, items.length - 1) : "title";
      } else {
        items[at] = now;
        // the button became its opposite ("Markeer als ongelezen"): focus stays on it
        if (self.shadowRoot.activeElement) self._focus = (on ? "unread-" : "read-") + at;
      }
      var said = self.t(kind === "read" ? (on ? "markedRead" : "markedUnread") : (on ? "archived" : "unarchived"),
        { title: String(item.titel || "") });
      self._set({ busy: null, items: items, total: total, unread: answer.ongelezen != null ? answer.ongelezen : self._view.unread, said: said });
      if (answer.ongelezen != null) self._badge(answer.ongelezen);
      self.emit("loket:messages-changed", { id: id, read: Boolean(now.gelezen), archived: Boolean(now.gearchiveerd),
        unread: self._view.unread });
      return true;
    }, function (error) {
      if (error.kind === "signed-out") { self._set({ busy: null }); self._failed(error); return false; }
      self._set({ busy: null, failed: id, said: self.t("actionFailed") });
      return false;
    });
  }

  attributeChangedCallback(name, before, after) {
    if ((name === "box" || name === "page-size") && before !== after && this._source()) this.reload();
    else if (this.isConnected) this.update();
  }

  /** The messages come in the language asked for: a new page language (or `lang`) asks again. */
  update() {
    var view = this._view;
    if (view.state === "loaded" && this._askedLang && this._askedLang !== this.lang && this._source()) {
      this.reload();
      return;
    }
    super.update();
  }

  _loaded() {
    var view = this._view;
    this.emit("loket:messages-loaded", { box: this.box, shown: view.items.length, total: view.total,
      unread: view.unread, capacity: view.capacity });
  }

  _failed(error) {
    var out = error && error.kind === "signed-out" ? "signed-out" : "error";
    this._set({ state: out, more: false, error: error && error.status === 403 ? "forbidden" : "failed" });
    if (out === "signed-out") this.emit("loket:messages-signed-out", {});
    else this.emit("loket:messages-error", { status: (error && error.status) || 0, code: (error && error.code) || "" });
  }

  /** The header's badge shows what this panel knows to be unread (the same capacity). */
  _badge(unread) {
    var profile = this.store.state.profile || {};
    var idp = profile.idpData;
    if (!idp || !idp.messages || idp.messages.unread === unread) return;
    var patched = Object.assign({}, profile, { idpData: Object.assign({}, idp, {
      messages: Object.assign({}, idp.messages, { unread: unread }) }) });
    this.store.set({ profile: patched });
  }

  _page(offset) {
    var archived = this.box === "archive";
    var params = { archived: archived, limit: this.pageSize, offset: offset, lang: this.lang };
    var query = "archived=" + archived + "&limit=" + params.limit + "&offset=" + offset +
      "&lang=" + encodeURIComponent(this.lang);
    return this._request("/me/messages", query, params);
  }

  /** The list frame, with a second polite status for what a click did (read, archived…). */
  _build() {
    var f = super._build();
    f.said = h("p", { class: "said vh", role: "status" });
    f.body.before(f.said);
    return f;
  }

  _fill() {
    super._fill();
    var said = this._frame.said;
    if (said.textContent !== this._view.said) said.textContent = this._view.said;
  }

  _statusText(state) {
    var view = this._view;
    if (state === "loading") return this.t("loading");
    if (state === "signed-out") return this.t("signedOut");
    if (state === "error") return this.t(view.error === "forbidden" ? "errorForbidden" : "error");
    if (!view.items.length) return this.t(this.box === "archive" ? "emptyArchive" : "empty");
    var text = (view.total === 1 ? this.t("one") : this.t("many", { count: view.total })) +
      (this.box === "inbox" && view.unread ? ", " + this.t("withUnread", { count: view.unread }) : "") + ".";
    if (view.items.length < view.total) text += " " + this.t("shown", { shown: view.items.length });
    if (view.more) text += " " + this.t("moreLoading");
    if (view.moreError) text += " " + this.t("moreError");
    return text;
  }

  _filter() {
    var self = this;
    var current = this.box;
    return h("fieldset", { class: "filter", part: "filter" }, [
      h("legend", { class: "filter-label", text: this.t("filter") }),
      h("div", { class: "options" }, BOXES.map(function (value) {
        return h("label", { class: "option" }, [
          h("input", { type: "radio", name: "box", value: value, "data-key": "box-" + value,
            checked: value === current, on: { change: function () { self.box = value; } } }),
          h("span", { text: self.t(value) })
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
      h("ol", { class: "list", part: "list" }, view.items.map(function (message, i) {
        return self._item(message, i, level);
      })),
      view.items.length < view.total ? h("button", {
        type: "button", class: "button more", part: "more-button", "data-key": "more",
        "aria-disabled": view.more ? "true" : null, text: this.t("more"),
        on: { click: function () { self.loadMore(); } }
      }) : null
    ];
  }

  /** Where a message's product leads: the site's page for it (`product-url`, with {id} and
      {title}), else its online request form. */
  _productUrl(product) {
    var pattern = this.getAttribute("product-url");
    if (pattern) {
      var url = pattern.replace(/\{id\}/g, encodeURIComponent(product.productnummer || ""))
        .replace(/\{title\}/g, encodeURIComponent(product.titel || ""));
      try { return safeUrl(new URL(url, document.baseURI).href); } catch (e) { return null; }
    }
    return webUrl(product.aanvragen);
  }

  _item(message, i, level) {
    var self = this;
    var id = message.id;
    var unread = !message.gelezen;
    var archived = Boolean(message.gearchiveerd);
    var busy = this._view.busy === id;
    // Following a link of a new message marks it read, and waits for that (at most a second)
    // before it leaves: the next page then counts it read. A new tab or window is not waited for.
    var read = function (event) {
      if (!unread) return;
      var marked = self.mark(id, { read: true });
      var link = event.currentTarget;
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
          event.shiftKey || event.altKey || (link.target && link.target !== "_self")) return;
      event.preventDefault();
      var go = function () { window.location.assign(link.href); };
      Promise.race([marked, new Promise(function (done) { setTimeout(done, 1000); })]).then(go, go);
    };
    var links = [];
    var link = webUrl(message.link);
    if (link) links.push(h("a", { href: link, part: "link", "data-key": "link-" + i, text: this.t("readMore"),
      on: { click: read } }));
    var product = message.product;
    var productLink = product && this._productUrl(product);
    if (productLink) links.push(h("a", { href: productLink, part: "product-link", "data-key": "product-" + i,
      text: this.t("product", { title: String(product.titel || "") }), on: { click: read } }));
    var dossier = message.dossier;
    var dossierLink = dossier && webUrl(dossier.link);
    if (dossierLink) links.push(h("a", { href: dossierLink, part: "dossier-link", "data-key": "dossier-" + i,
      text: this.t("dossier", { number: String(dossier.nummer || "") }), on: { click: read } }));
    var category = String(message.categorie || "");
    var meta = [
      [this.t("from"), String(message.afzender || "")],
      message.geldigVan ? [this.t("sent"), h("time", { datetime: message.geldigVan, text: formatDate(message.geldigVan, this.lang) })] : null,
      message.geldigTot ? [this.t("until"), h("time", { datetime: message.geldigTot, text: formatDate(message.geldigTot, this.lang) })] : null
    ].filter(Boolean);
    function button(key, text, change) {
      return h("button", { type: "button", class: "action-button", part: "action-button",
        "data-key": key + "-" + i, "aria-disabled": busy ? "true" : null,
        // the message's title, for screen readers: "Markeer als gelezen: Vraag nu …"
        "aria-label": text + ": " + String(message.titel || ""), text: text,
        on: { click: function () { self.mark(id, change); } } });
    }
    var actions = archived ? [button("unarchive", this.t("unarchive"), { archived: false })] : [
      unread ? button("read", this.t("markRead"), { read: true }) : button("unread", this.t("markUnread"), { read: false }),
      button("archive", this.t("archiveIt"), { archived: true })
    ];
    return h("li", { class: "item" + (unread ? " item--unread" : ""), part: "item" }, [
      h("p", { class: "labels" }, [
        h("span", { class: "category category--" + category, part: "category" }, [
          h("span", { class: "vh", text: this.t("category") + ": " }),
          this._codeLabel("cat.", category)
        ]),
        unread ? h("span", { class: "new", part: "new", text: this.t("new") }) : null
      ]),
      h("h" + level, { class: "name", tabindex: "-1", "data-key": "item-" + i, lang: message.taal || null,
        text: String(message.titel || "") }),
      message.tekst ? h("p", { class: "text", part: "text", lang: message.taal || null, text: String(message.tekst) }) : null,
      links.length ? h("p", { class: "links" }, links) : null,
      h("dl", { class: "meta" }, meta.map(function (row) {
        return h("div", { class: "meta-row" }, [h("dt", { text: row[0] }), h("dd", {}, row[1])]);
      })),
      this._view.failed === id ? h("p", { class: "failed", part: "failed", text: this.t("actionFailed") }) : null,
      h("div", { class: "actions" }, actions)
    ]);
  }
}

define("loket-messages", LoketMessages);
