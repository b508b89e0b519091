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

  /** A loader for el.setLoader() from the fixture (`loader`: pending, error, or its data). */
  function loader(example, tag) {
    if (example.loader === "pending") return function () { return new Promise(function () {}); };
    if (example.loader === "error") return function () { return Promise.reject({ status: 503 }); };
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
