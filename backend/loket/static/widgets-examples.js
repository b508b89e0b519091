/* The panels' example fixtures (widgets/<panel>/examples/*.json) brought to life: a loader that
   answers like the API from the fixture's pages. Used by the theme preview and the browser
   tests, never by sites. */
(function () {
  "use strict";

  /** A loader for el.setLoader(): the fixture's pages, filtered like the API would. */
  function loader(example) {
    if (example.loader === "pending") return function () { return new Promise(function () {}); };
    if (example.loader === "error") return function () { return Promise.reject({ status: 503 }); };
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

  /** Show `example` in the panel element `el` (its state first, then its data). */
  function show(el, example) {
    if (example.state) el.store.set(example.state);
    if (example.loader && example.loader !== "none") el.setLoader(loader(example));
  }

  window.LoketExamples = { loader: loader, show: show };
})();
