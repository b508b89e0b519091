// Mijn Verenigingsloket: mounts Loket's header with the signed-in person's profile (the Flemish
// v5 API), and hands the panels on the page a first-party access token for the capacity acted
// in — through JavaScript only, from this origin's own endpoint, never in an attribute.
(function () {
  "use strict";
  // An address form: the postcode suggests its municipality (the register checks it again).
  function suggestMunicipality() {
    var postcode = document.getElementById("postcode");
    var gemeente = document.getElementById("gemeente");
    var said = document.getElementById("gemeente-suggestion");  // in the page: no layout shift
    if (!postcode || !gemeente || !said) { return; }
    var asked = "";
    function lookUp() {
      var value = postcode.value.trim();
      if (!/^[1-9][0-9]{3}$/.test(value) || value === asked) { return; }
      asked = value;
      fetch("/api/v1/postcodes/" + value, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body || asked !== value) { said.textContent = ""; return; }
          var names = body.gemeenten.map(function (g) { return g.naam; });
          var typed = gemeente.value.trim();
          if (!typed && names.length === 1) { gemeente.value = names[0]; }
          var known = names.concat.apply(names, body.gemeenten.map(function (g) {
            return g.plaatsen; })).map(function (n) { return n.toLowerCase(); });
          said.textContent = "Postcode " + value + " ligt in " + names.join(" of ") +
            (typed && known.indexOf(typed.toLowerCase()) < 0 ? ", niet in " + typed : "") + ".";
        })
        .catch(function () { said.textContent = ""; });
    }
    postcode.addEventListener("change", lookUp);
    postcode.addEventListener("input", function () {
      if (/^[1-9][0-9]{3}$/.test(postcode.value.trim())) { lookUp(); }
    });
  }

  document.addEventListener("DOMContentLoaded", suggestMunicipality);

  var data = document.getElementById("loket-profile");
  var client = window.globalHeaderClient;
  if (!data || !client) { return; }
  var profile = JSON.parse(data.textContent);
  client.accessMenu.setProfile(profile);
  client.mount();

  var active = (profile.idpData.activeIdentity || {}).onBehalfOf || {};
  var query = active.code === "VER" ? "?vcode=" + encodeURIComponent(active.identifier) : "";
  function accessToken() {
    return fetch("/mijn-verenigingsloket/api-token" + query, {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }).then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (body) { return body.access_token || null; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    ["loket-dossiers", "loket-catalog"].forEach(function (tag) {
      var panel = document.querySelector(tag);
      if (panel) {
        customElements.whenDefined(tag).then(function () { panel.setAccessToken(accessToken); });
      }
    });
  });
})();
