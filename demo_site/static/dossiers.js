// "Mijn dossiers": hands the person's access token to Loket's <loket-dossiers> panel, through
// JavaScript only. The token comes from this site's own server (same origin, the site's session
// cookie) each time the panel asks, and stays in the panel's closure: never in the HTML, never
// in an attribute. Signed out, the panel itself asks the visitor to sign in.
(function () {
  "use strict";
  var panel = document.querySelector("loket-dossiers");
  var data = document.getElementById("loket-profile");
  if (!panel || !data || !JSON.parse(data.textContent).active) { return; }

  function accessToken() {
    return fetch("/auth/api-token", {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (body) {
      return body.access_token || null;
    });
  }

  customElements.whenDefined("loket-dossiers").then(function () {
    panel.setAccessToken(accessToken);
  });
})();
