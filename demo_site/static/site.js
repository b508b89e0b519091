// Hands the signed-in state to the Loket header exactly as with the Flemish header (v5 API),
// then mounts it at the top of the page. Loaded synchronously right after <body>.
(function () {
  "use strict";
  var data = document.getElementById("loket-profile");
  var client = window.globalHeaderClient;
  if (!data || !client) { return; }
  client.accessMenu.setProfile(JSON.parse(data.textContent));
  client.mount();
})();
