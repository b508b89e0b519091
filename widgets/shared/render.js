/* Safe rendering: elements are built with DOM calls and textContent only (never innerHTML from
   data), URLs pass safeUrl, the alert's simple HTML and theme logos are rebuilt from an inert
   parse keeping only what is allowed. */

var SAFE_SCHEMES = ["http:", "https:", "mailto:", "tel:"];

/** `url` when it is http(s), mailto:, tel: or relative to the page; null otherwise. */
function safeUrl(url) {
  if (url == null) return null;
  var text = String(url).replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (!text) return null;
  try {
    var parsed = new URL(text, document.baseURI);
    return SAFE_SCHEMES.indexOf(parsed.protocol) >= 0 ? text : null;
  } catch (e) {
    return null;
  }
}

/** `url` with `key=value` added to its query (keeps the rest, fragment last). */
function addQuery(url, key, value) {
  var hashAt = url.indexOf("#");
  var hash = hashAt >= 0 ? url.slice(hashAt) : "";
  var base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  return base + (base.indexOf("?") >= 0 ? "&" : "?") + encodeURIComponent(key) + "=" +
    encodeURIComponent(value) + hash;
}

/**
 * h("a", {href, class, text, on: {click: fn}, ...attrs}, children): an element. `href`/`src`
 * go through safeUrl (an unsafe link becomes text without href); `text` sets textContent.
 */
function h(tag, props, children) {
  var el = document.createElement(tag);
  props = props || {};
  Object.keys(props).forEach(function (key) {
    var value = props[key];
    if (value == null || value === false) return;
    if (key === "text") el.textContent = String(value);
    else if (key === "on") Object.keys(value).forEach(function (ev) { el.addEventListener(ev, value[ev]); });
    else if (key === "href") { var safe = safeUrl(value); if (safe) el.setAttribute("href", safe); }
    else el.setAttribute(key, value === true ? "" : String(value));
  });
  append(el, children);
  return el;
}

function append(parent, children) {
  (Array.isArray(children) ? children : [children]).forEach(function (child) {
    if (child == null || child === false) return;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child.nodeType ? child : document.createTextNode(String(child)));
  });
  return parent;
}

var SIMPLE_TAGS = ["A", "EM", "STRONG", "B", "I", "BR", "P"];
var DROP_TAGS = ["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "EMBED", "SVG", "MATH",
  "NOSCRIPT", "TEXTAREA", "TITLE"];

/** Simple HTML (links, emphasis, paragraphs, line breaks, and the `more` tags asked for) as
    a fragment; the rest as text. */
function simpleHtml(markup, more) {
  var allowed = more ? SIMPLE_TAGS.concat(more) : SIMPLE_TAGS;
  // DOMParser documents are inert: nothing in them loads or runs.
  var doc = new DOMParser().parseFromString("<body>" + String(markup || ""), "text/html");
  var out = document.createDocumentFragment();
  (function copy(from, to) {
    from.childNodes.forEach(function (node) {
      if (node.nodeType === 3) { to.append(document.createTextNode(node.data)); return; }
      if (node.nodeType !== 1 || DROP_TAGS.indexOf(node.tagName) >= 0) return;
      if (allowed.indexOf(node.tagName) < 0) { copy(node, to); return; }
      var el = document.createElement(node.tagName.toLowerCase());
      if (node.tagName === "A") {
        var href = safeUrl(node.getAttribute("href"));
        if (href && !/^\/\//.test(href)) el.setAttribute("href", href);
      }
      to.append(el);
      copy(node, el);
    });
  })(doc.body, out);
  return out;
}

var SVG_NS = "http://www.w3.org/2000/svg";
var SVG_TAGS = ["svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
  "title", "desc", "defs", "linearGradient", "radialGradient", "stop"];
var SVG_ATTRS = ["viewBox", "width", "height", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r",
  "rx", "ry", "d", "points", "fill", "fill-rule", "clip-rule", "fill-opacity", "stroke",
  "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-opacity", "opacity", "transform",
  "id", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
  "preserveAspectRatio"];

/** An inline SVG logo rebuilt from `text`, with only shapes and presentation attributes. */
function svgNode(text) {
  if (!text) return null;
  var doc = new DOMParser().parseFromString(String(text), "image/svg+xml");
  var root = doc.documentElement;
  if (!root || root.localName !== "svg" || root.namespaceURI !== SVG_NS) return null;
  return (function copy(node) {
    var el = document.createElementNS(SVG_NS, node.localName);
    SVG_ATTRS.forEach(function (name) {
      var value = node.getAttribute(name);
      if (value != null && !/url\(\s*['"]?[^#'"\s]|javascript:/i.test(value)) el.setAttribute(name, value);
    });
    node.childNodes.forEach(function (child) {
      if (child.nodeType === 1 && child.namespaceURI === SVG_NS && SVG_TAGS.indexOf(child.localName) >= 0) {
        el.append(copy(child));
      } else if (child.nodeType === 3 && (node.localName === "title" || node.localName === "desc")) {
        el.append(document.createTextNode(child.data));
      }
    });
    return el;
  })(root);
}

var COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

/** WCAG contrast ratio of two #rgb/#rrggbb colours. */
function contrast(a, b) {
  function lum(c) {
    var x = c.slice(1);
    if (x.length === 3) x = x.replace(/./g, "$&$&");
    var ch = [0, 2, 4].map(function (i) {
      var v = parseInt(x.slice(i, i + 2), 16) / 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  }
  var la = lum(a), lb = lum(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}
