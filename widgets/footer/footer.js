/* <loket-footer>: the site's footer (contentinfo landmark) with its name, navigation links,
   text and the umbrella link. Links come from the site's configuration or
   globalFooterClient.setNavigationLinks; the API is in widgets/footer/README.md. */

class LoketFooter extends LoketElement {
  static get cssName() { return "footer"; }

  render() {
    var self = this;
    var state = this.store.state;
    var footer = state.footer || {};
    var host = state.branding.host || {};
    var umbrella = state.branding.umbrella || {};
    var links = footer.links || [];
    var nav = state.navigation !== false;
    var logo = svgNode(this.store.config.logoSvg);
    return h("div", { class: "root", part: "root" },
      h("footer", { class: "footer", part: "footer" }, h("div", { class: "inner" }, [
        h("p", { class: "host", part: "host" }, [logo ? h("span", { class: "logo", "aria-hidden": "true" }, logo) : null,
          h("span", { text: this.tr(host.label) })]),
        links.length && nav ? h("nav", { part: "nav", "aria-label": this.t("footerNav") },
          h("ul", { class: "links" }, links.map(function (link) {
            var blank = link.target === "_blank";
            return h("li", {}, h("a", { href: link.href, target: blank ? "_blank" : null, rel: blank ? "noopener" : null },
              [self.tr(link.label), blank ? h("span", { class: "vh", text: " (" + self.t("newWindow") + ")" }) : null]));
          }))) : null,
        footer.text ? h("p", { class: "text", part: "text", text: this.tr(footer.text) }) : null,
        umbrella.label && nav ? h("p", { class: "umbrella" }, h("a", { href: umbrella.href, text: this.tr(umbrella.label) })) : null
      ])));
  }
}
