// Mijn Verenigingsloket: mounts Loket's header with the signed-in person's profile (the Flemish
// v5 API), and hands the panels on the page a first-party access token for the capacity acted
// in — through JavaScript only, from this origin's own endpoint, never in an attribute.
(function () {
  "use strict";
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
