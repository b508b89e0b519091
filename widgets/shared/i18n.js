/* i18n: labels per language, following <html lang> (nl, fr, de, en; variants like nl-BE count
   as their language). Labels come from the configuration (strings.json merged with the theme's
   [strings] and the site's settings), so no widget hard-codes a text. */

var LANGS = ["nl", "fr", "de", "en"];

/** The page's language as one of LANGS (default nl). */
function pageLang() {
  var raw = (document.documentElement.getAttribute("lang") || "").toLowerCase().split("-")[0];
  return LANGS.indexOf(raw) >= 0 ? raw : "nl";
}

/** A translatable value (a string, or {nl, fr, de, en}) in `lang`, falling back to nl. */
function tr(value, lang) {
  if (value == null) return "";
  if (typeof value === "object") {
    var keys = Object.keys(value);
    return String(value[lang] || value.nl || (keys.length ? value[keys[0]] : "") || "");
  }
  return String(value);
}

/** Label `key` in `lang`, with {placeholders} filled from `vars`. */
function label(strings, lang, key, vars) {
  var table = (strings && strings[lang]) || {};
  var text = table[key] || (strings && strings.nl && strings.nl[key]) || key;
  return text.replace(/\{(\w+)\}/g, function (_, name) {
    return vars && vars[name] != null ? String(vars[name]) : "";
  });
}

var langListeners = new Set();
var langObserver = null;

/** Call `fn` whenever <html lang> changes; returns a function that stops it. */
function watchLang(fn) {
  langListeners.add(fn);
  if (!langObserver) {
    langObserver = new MutationObserver(function () {
      langListeners.forEach(function (listener) { listener(); });
    });
    langObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  }
  return function () {
    langListeners.delete(fn);
    if (!langListeners.size && langObserver) { langObserver.disconnect(); langObserver = null; }
  };
}
