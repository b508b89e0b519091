/* The panels' example fixtures (widgets/<panel>/examples/*.json) brought to life: a loader that
   answers like the panel's API from the fixture's data. Used by the theme preview and the
   browser tests, never by sites. */
(function () {
  "use strict";

  /** <loket-dossiers>: the fixture's pages, filtered by status like GET /me/dossiers. */
  function dossierPages(example) {
    var pages = example.pages || [];
    return function (params) {
      var page = pages[Number(params.cursor || 0)] || pages[0];
      if (params.status === "all") return page;
      var open = params.status === "open";
      var all = [].concat.apply([], pages.map(function (p) { return p.dossiers; }));
      var items = all.filter(function (d) { return d.open === open; });
      return Object.assign({}, page, { status: params.status, dossiers: items, total: items.length, next: null });
    };
  }

  // Werkingsgebied codes nest by prefix in the fixtures (BE2 ⊃ BE23 ⊃ BE23999001).
  function overlaps(scope, area) {
    if (!scope || !scope.length || !area.length) return true;
    return scope.some(function (s) {
      return area.some(function (a) { return a.indexOf(s) === 0 || s.indexOf(a) === 0; });
    });
  }

  function anyOf(wanted, has) {
    return !wanted.length || wanted.some(function (code) { return has.indexOf(code) >= 0; });
  }

  /** <loket-catalog>: the fixture's items searched, filtered, counted and paged like
      GET /catalog/products (text as substrings; the order is the fixture's). */
  function catalogSearch(example) {
    var all = example.items || [];
    return function (p) {
      var words = String(p.q || "").toLowerCase().split(/\s+/).filter(Boolean);
      var found = all.filter(function (item) {
        var text = JSON.stringify([item.title, item.description, item.keywords || {}]).toLowerCase();
        var outside = ((item.relevance || {}).reasons || []).some(function (r) { return r.code === "outside_area"; });
        return words.every(function (w) { return text.indexOf(w) >= 0; }) &&
          anyOf(p.doelgroep, item.doelgroepen || []) && anyOf(p.thema, item.themas || []) &&
          anyOf(p.type, [item.type]) && anyOf(p.level, [(item.competentAuthority || {}).level]) &&
          overlaps(item.spatialScope, p.municipality) && (p.scope === "all" || !outside);
      });
      var labels = (example.labels || {})[p.lang] || (example.labels || {}).nl || {};
      var facets = {};
      [["doelgroep", "doelgroepen"], ["thema", "themas"], ["type", null], ["level", null]].forEach(function (g) {
        var counts = {};
        found.forEach(function (item) {
          var has = g[1] ? item[g[1]] || [] : [g[0] === "type" ? item.type : (item.competentAuthority || {}).level];
          has.forEach(function (code) { counts[code] = (counts[code] || 0) + 1; });
        });
        facets[g[0]] = Object.keys(counts).map(function (code) {
          return { code: code, label: (labels[g[0]] || {})[code] || code, count: counts[code] };
        });
      });
      var answer = { total: found.length, offset: p.offset, limit: p.limit, lang: p.lang,
        personalised: Boolean(example.personalised), items: found.slice(p.offset, p.offset + p.limit) };
      if (example.personalised) { answer.capacity = example.capacity; answer.scope = p.scope; }
      if (p.facets) answer.facets = facets;
      return answer;
    };
  }

  function words(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) || [];
  }

  /** <loket-associations>: the fixture's associations searched like GET /associations (every
      word a prefix, name order; places from the fixture's `places`, a province code covering what starts
      with it; the activity facet leaves the activity filter out) and its `details` by vCode. */
  function associationSearch(example) {
    var all = example.associations || [];
    return function (p) {
      if (p.vCode) {
        var detail = (example.details || {})[p.vCode];
        return detail ? JSON.parse(JSON.stringify(detail)) : Promise.reject({ status: 404, error: "not_found" });
      }
      var given = String(p.werkingsgebied || "").split(",").map(function (v) { return v.trim(); }).filter(Boolean);
      var resolved = [];
      for (var i = 0; i < given.length; i++) {
        var found = (example.places || {})[given[i].toLowerCase()];
        if (!found) {
          return Promise.reject({ status: 400, field: "werkingsgebied",
            error: /^[0-9]{4}$/.test(given[i]) ? "unknown_postcode" : "unknown_area" });
        }
        resolved.push({ gegeven: given[i], gevonden: found });
      }
      var places = [].concat.apply([], resolved.map(function (r) { return r.gevonden; }));
      var wanted = words(p.q);
      var base = all.filter(function (a) {
        var text = words([a.naam, a.korteNaam, a.roepnaam, a.korteBeschrijving].join(" "));
        return wanted.every(function (w) { return text.some(function (t) { return t.indexOf(w) === 0; }); }) &&
          (!places.length || (a.werkingsgebieden || []).some(function (area) {
            return places.some(function (place) { return area.code.indexOf(place.code) === 0; });
          }));
      });
      function has(a, code) { return (a.hoofdactiviteiten || []).some(function (x) { return x.code === code; }); }
      var chosen = p.hoofdactiviteit || [];
      var hits = base.filter(function (a) { return !chosen.length || chosen.some(function (c) { return has(a, c); }); })
        .sort(function (a, b) { return a.naam.localeCompare(b.naam, "nl"); });
      var facet = (example.activities || []).map(function (act) {
        return { code: act.code, naam: act.naam, count: base.filter(function (a) { return has(a, act.code); }).length };
      }).filter(function (f) { return f.count; });
      return { query: { q: p.q || null, werkingsgebied: resolved, hoofdactiviteit: chosen },
        total: hits.length, offset: p.offset, limit: p.limit, links: {},
        results: hits.slice(p.offset, p.offset + p.limit),
        facets: { hoofdactiviteiten: facet, werkingsgebieden: [] } };
    };
  }

  /** <loket-messages>: the fixture's messages like GET /me/messages (unread first, the
      archive apart, offset paging) and the read/archive actions on a copy of them. */
  function messageBox(example) {
    var all = JSON.parse(JSON.stringify(example.messages || []));
    var now = "2025-03-10T09:00:00Z";
    function unread() { return all.filter(function (m) { return !m.gelezen && !m.gearchiveerd; }).length; }
    return function (p) {
      if (p.action) {
        var m = all.filter(function (x) { return x.id === p.id; })[0];
        if (!m) return Promise.reject({ status: 404, error: "not_found" });
        if (p.action === "read") { m.gelezen = p.on ? m.gelezen || now : null; if (!p.on) m.gearchiveerd = null; }
        else { m.gearchiveerd = p.on ? now : null; if (p.on) m.gelezen = m.gelezen || now; }
        return { id: m.id, gelezen: m.gelezen, gearchiveerd: m.gearchiveerd, ongelezen: unread() };
      }
      var box = all.filter(function (m) { return Boolean(m.gearchiveerd) === Boolean(p.archived); })
        .sort(function (a, b) { return (a.gelezen ? 1 : 0) - (b.gelezen ? 1 : 0); });
      return { hoedanigheid: example.capacity || null, ongelezen: unread(), totaal: box.length,
        limit: p.limit, offset: p.offset, berichten: box.slice(p.offset, p.offset + p.limit) };
    };
  }

  /** A loader for el.setLoader() from the fixture (`loader`: pending, error, or its data). */
  function loader(example, tag) {
    if (example.loader === "pending") return function () { return new Promise(function () {}); };
    if (example.loader === "error") return function () { return Promise.reject({ status: 503 }); };
    if (tag === "loket-catalog") return catalogSearch(example);
    if (tag === "loket-messages") return messageBox(example);
    return tag === "loket-associations" ? associationSearch(example) : dossierPages(example);
  }

  /** Show `example` in the panel element `el`: its attributes, its state, then its data. */
  function show(el, example) {
    var attributes = example.attributes || {};
    Object.keys(attributes).forEach(function (name) { el.setAttribute(name, attributes[name]); });
    if (example.state) el.store.set(example.state);
    if (example.loader && example.loader !== "none") el.setLoader(loader(example, el.localName));
  }

  window.LoketExamples = { loader: loader, show: show };
})();
