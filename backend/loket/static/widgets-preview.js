/* The theme preview: each example fixture rendered with its own Store, side by side. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("preview-data").textContent);
  var L = window.LoketWidgets;
  L.configure(data.config, {});

  function example(slot) {
    return data.examples[slot.getAttribute("data-kind")].filter(function (ex) {
      return ex.name === slot.getAttribute("data-example");
    })[0];
  }

  function place(slot) {
    var kind = slot.getAttribute("data-kind");
    var store = new L.Store(data.config);
    var el = document.createElement("loket-" + kind);
    el.store = store;
    slot.append(el);
    if (kind === "header" || kind === "footer") store.set(example(slot).state || {});
    else window.LoketExamples.show(el, example(slot));
  }

  document.querySelectorAll(".slot[data-example]").forEach(function (slot) {
    var tag = "loket-" + slot.getAttribute("data-kind");
    // Panels come as their own chunk: place them once their code is there.
    if (customElements.get(tag) || tag === "loket-header" || tag === "loket-footer") place(slot);
    else L.load(tag).then(function () { place(slot); });
  });
})();
