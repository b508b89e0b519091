/* The theme preview: each example fixture rendered with its own Store, side by side. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("preview-data").textContent);
  var L = window.LoketWidgets;
  L.configure(data.config, {});
  document.querySelectorAll(".slot[data-example]").forEach(function (slot) {
    var kind = slot.getAttribute("data-kind");
    var example = data.examples[kind].filter(function (ex) {
      return ex.name === slot.getAttribute("data-example");
    })[0];
    var store = new L.Store(data.config);
    store.set(example.state || {});
    var el = document.createElement("loket-" + kind);
    el.store = store;
    slot.append(el);
  });
})();
