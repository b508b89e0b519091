// Hands the signed-in state to the Loket header, exactly as with the Flemish header (v5 API).
(function () {
  "use strict";
  var data = document.getElementById("loket-profile");
  if (!data || !window.globalHeaderClient) { return; }
  var profile = JSON.parse(data.textContent);
  var client = window.globalHeaderClient;
  client.accessMenu.setProfile(profile);
  client.mount();
})();
