// Pages with a Loket panel ("Mijn dossiers", "Mijn berichten", "Producten en diensten"): hands the person's access
// token to the panel through JavaScript only. The token comes from this site's own server (same
// origin, the site's session cookie) each time the panel asks, and stays in the panel's closure:
// never in the HTML, never in an attribute. Signed out, nothing is handed over: the dossier panel
// asks the visitor to sign in, the catalog panel shows the offer for everyone.
(function () {
  "use strict";
  var data = document.getElementById("loket-profile");
  if (!data || !JSON.parse(data.textContent).active) { return; }

  function accessToken() {
    return fetch("/auth/api-token", {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (body) {
      return body.access_token || null;
    });
  }

  ["loket-dossiers", "loket-catalog", "loket-messages"].forEach(function (tag) {
    var panel = document.querySelector(tag);
    if (!panel) { return; }
    customElements.whenDefined(tag).then(function () {
      panel.setAccessToken(accessToken);
    });
  });
})();
