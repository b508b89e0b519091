/* <loket-header>: the site's banner with skip link, branding, quick links, "hulp nodig?" menu,
   and the access menu (Aanmelden, or the person, the capacity they act in, the capacities they
   may switch to, application links and Afmelden). State comes from the Store (see
   globalHeaderClient); the API is in widgets/header/README.md. */

var CODE_ORDER = { BUR: 0, VER: 1, EA: 2 };

function formatKbo(id) {
  var digits = String(id || "").replace(/\D/g, "");
  return digits.length === 10 ? digits.slice(0, 4) + "." + digits.slice(4, 7) + "." + digits.slice(7) : String(id || "");
}

class LoketHeader extends LoketElement {
  static get cssName() { return "header"; }

  constructor() {
    super();
    this._open = null; // "account" | "contact" | null
    this._onDocPointer = this._onDocPointer.bind(this);
  }

  connectedCallback() {
    document.addEventListener("pointerdown", this._onDocPointer);
    super.connectedCallback();
    this.emit("loket:header-connected", {});
  }

  disconnectedCallback() {
    document.removeEventListener("pointerdown", this._onDocPointer);
    super.disconnectedCallback();
  }

  _onDocPointer(event) {
    if (this._open && event.composedPath().indexOf(this) < 0) this.toggleMenu(this._open, false);
  }

  /** Open or close a menu ("account" or "contact"); `focusFirst` moves focus into it. */
  toggleMenu(name, open, focusFirst) {
    var root = this.shadowRoot;
    var button = root.querySelector('[data-key="' + name + '-button"]');
    var panel = root.getElementById(name + "-panel");
    if (!button || !panel) return false;
    if (open === undefined) open = panel.hidden;
    if (open && this._open && this._open !== name) this.toggleMenu(this._open, false);
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    this._open = open ? name : (this._open === name ? null : this._open);
    if (open && focusFirst) {
      var first = panel.querySelector("a[href], button");
      if (first) first.focus();
    }
    this.emit(open ? "loket:menu-open" : "loket:menu-close", { menu: name });
    return open;
  }

  isMenuOpen(name) { return this._open === name; }

  _menu(name, buttonContent, panelContent, extraClass) {
    var self = this;
    var open = this._open === name;
    var button = h("button", {
      type: "button", class: "menu-button", "data-key": name + "-button", part: name + "-button",
      "aria-expanded": String(open), "aria-controls": name + "-panel",
      on: {
        click: function (event) {
          // detail 0: activated by keyboard (Enter/Space), so focus goes into the menu.
          self.toggleMenu(name, undefined, event.detail === 0);
        }
      }
    }, buttonContent);
    var panel = h("div", { id: name + "-panel", class: "panel", part: name + "-panel", hidden: !open },
      panelContent);
    return h("div", {
      class: "menu " + (extraClass || ""),
      on: {
        keydown: function (event) {
          if (event.key === "Escape" && self._open === name) {
            event.preventDefault();
            self.toggleMenu(name, false);
            button.focus();
          }
        },
        focusout: function (event) {
          var next = event.relatedTarget;
          if (self._open === name && next && !event.currentTarget.contains(next)) self.toggleMenu(name, false);
        }
      }
    }, [button, panel]);
  }

  _link(link, cls) {
    var blank = link.target === "_blank" || link.isExternal;
    return h("a", {
      href: link.href, class: cls, target: blank ? "_blank" : null, rel: blank ? "noopener" : null
    }, [this.tr(link.label), blank ? h("span", { class: "vh", text: " (" + this.t("newWindow") + ")" }) : null]);
  }

  _who(idp) {
    var user = (idp && idp.user) || {};
    return [user.firstName, user.name].filter(Boolean).join(" ");
  }

  _capacityText(identity) {
    var who = identity && identity.onBehalfOf;
    if (!who || who.code === "BUR") return this.t("asCitizen");
    return this.t("onBehalfOf", { name: who.name || "" });
  }

  _identifier(entity) {
    if (!entity || entity.code === "BUR" || !entity.identifier) return "";
    return entity.code === "EA" ? formatKbo(entity.identifier) : String(entity.identifier);
  }

  _sameIdentity(a, b) {
    var x = (a && a.onBehalfOf) || { code: "BUR" };
    var y = (b && b.onBehalfOf) || { code: "BUR" };
    return x.code === y.code && (x.code === "BUR" || String(x.identifier || "") === String(y.identifier || ""));
  }

  _account(state) {
    var self = this;
    var profile = state.profile;
    var idp = profile.idpData || {};
    var active = idp.activeIdentity;
    var name = this._who(idp);
    var capacity = this._capacityText(active);
    var activeId = this._identifier(active && active.onBehalfOf);
    var identities = (idp.identities || []).slice().sort(function (a, b) {
      var ca = CODE_ORDER[(a.onBehalfOf || { code: "BUR" }).code];
      var cb = CODE_ORDER[(b.onBehalfOf || { code: "BUR" }).code];
      return (ca == null ? 9 : ca) - (cb == null ? 9 : cb);
    });
    var switchUrl = safeUrl(profile.switchCapacityUrl);
    var unread = Math.max(0, (idp.messages && idp.messages.unread) | 0);
    var unreadText = unread ? this.t(unread === 1 ? "unreadOne" : "unreadMany", { count: String(unread) }) : "";
    var appName = this.tr(state.applicationName);
    var items = identities.map(function (identity) {
      var text = self._capacityText(identity);
      var id = self._identifier(identity.onBehalfOf);
      var content = [h("span", { class: "cap-name", text: text }), id ? h("span", { class: "cap-id", text: id }) : null];
      if (self._sameIdentity(identity, active)) {
        return h("li", {}, h("span", { class: "identity current", "aria-current": "true" },
          content.concat(h("span", { class: "vh", text: " (" + self.t("current") + ")" }))));
      }
      var href = switchUrl && identity.loginHint ? addQuery(switchUrl, "login_hint", identity.loginHint) : null;
      return h("li", {}, href ? h("a", { class: "identity", href: href }, content)
        : h("span", { class: "identity" }, content));
    });
    var panel = [
      appName ? h("p", { class: "app-name", text: appName }) : null,
      h("p", { class: "who" }, [h("strong", { text: name }), h("span", { text: capacity + (activeId ? " · " + activeId : "") })]),
      idp.messages && safeUrl(idp.messages.url) ? h("p", { class: "messages" }, h("a", { class: "messages-link",
        part: "messages-link", href: safeUrl(idp.messages.url), text: unreadText || this.t("messages") })) : null,
      state.applicationLinks.length ? h("ul", { class: "links", "aria-label": this.t("applications") },
        state.applicationLinks.map(function (link) { return h("li", {}, self._link(link, "app-link")); })) : null,
      items.length > 1 ? h("p", { class: "heading", id: "switch-heading", text: this.t("switchHeading") }) : null,
      items.length > 1 ? h("ul", { class: "identities", "aria-labelledby": "switch-heading" }, items) : null,
      h("a", { class: "logout", part: "logout", href: profile.logoutUrl, text: this.t("logout") })
    ];
    var button = [h("span", { class: "avatar", "aria-hidden": "true" }, [(name.charAt(0) || "?").toUpperCase(),
      unread ? h("span", { class: "badge", part: "badge", text: unread > 99 ? "99+" : String(unread) }) : null]),
      h("span", { class: "id-text" }, [h("span", { class: "name", text: name }),
        h("span", { class: "capacity", text: capacity }),
        unread ? h("span", { class: "vh", text: ", " + unreadText }) : null])];
    // the count, said once by screen readers when it comes (politely: it waits its turn)
    var status = h("span", { class: "vh", role: "status", text: unreadText });
    return [this._menu("account", button, panel, "account"), status];
  }

  _contact(state) {
    var self = this;
    var sp = state.servicePoints || {};
    var points = [].concat(sp.contextual || [], sp.defaults || []);
    if (!points.length) return null;
    var items = points.map(function (point) {
      var parts = [];
      var title = self.tr(point.label || point.name);
      if (point.type === "link" || (point.href && !point.phone && !point.email)) {
        parts.push(self._link({ label: title, href: point.href, target: point.target }, "contact-link"));
      } else {
        parts.push(h("strong", { text: title }));
      }
      if (point.description) parts.push(h("span", { class: "desc", text: self.tr(point.description) }));
      if (point.phone) parts.push(h("a", { href: "tel:" + String(point.phone).replace(/[^+0-9]/g, "") },
        [h("span", { class: "vh", text: self.t("phone") + ": " }), point.phone]));
      if (point.email) parts.push(h("a", { href: "mailto:" + point.email },
        [h("span", { class: "vh", text: self.t("email") + ": " }), point.email]));
      return h("li", {}, parts);
    });
    var heading = sp.groupLabel ? h("p", { class: "heading", text: this.tr(sp.groupLabel) }) : null;
    return this._menu("contact", h("span", { text: this.t("help") }), [heading, h("ul", { class: "points" }, items)], "contact");
  }

  render() {
    var state = this.store.state;
    var branding = state.branding;
    var host = branding.host || {};
    var umbrella = branding.umbrella || {};
    var nav = state.navigation !== false;
    var self = this;
    var alert = state.alert || {};
    var logo = host.logo && host.logo.src ? h("img", { src: safeUrl(host.logo.src), alt: this.tr(host.logo.alt) || "" })
      : svgNode(this.store.config.logoSvg);
    var hostLabel = this.tr(host.label);
    var target = this.getAttribute("skip-target") || this.store.config.skipTarget || "main";
    return h("div", { class: "root", part: "root", "data-level": branding.level }, [
      h("a", { class: "skip", part: "skip-link", href: "#" + target, text: this.t("skip") }),
      h("header", { class: "header", part: "header" }, [
        alert.enabled && alert.message ? h("div", {
          class: "alert alert--" + (alert.modifier || "info"), part: "alert", role: "note", "aria-label": this.t("alert")
        }, h("div", { class: "alert-body" }, simpleHtml(this.tr(alert.message)))) : null,
        umbrella.label && nav ? h("div", { class: "topbar", part: "topbar" },
          this._link({ label: umbrella.label, href: umbrella.href, target: umbrella.target }, "umbrella")) : null,
        h("div", { class: "bar", part: "bar" }, [
          h(nav && safeUrl(host.href) ? "a" : "span", { class: "host", part: "host", href: nav ? host.href : null },
            [logo ? h("span", { class: "logo", "aria-hidden": "true" }, logo) : null, h("span", { class: "host-label", text: hostLabel })]),
          nav && state.mainLinks.length ? h("nav", { class: "main-links", part: "main-links", "aria-label": this.t("mainNav") },
            h("ul", {}, state.mainLinks.map(function (link) { return h("li", {}, self._link(link, "main-link")); }))) : null,
          nav && state.visible !== false ? h("div", { class: "actions", part: "actions" }, [
            this._contact(state),
            state.profile.active ? this._account(state)
              : h("a", { class: "login", part: "login", href: state.profile.loginUrl, text: this.t("login") })
          ]) : null
        ])
      ])
    ]);
  }
}
