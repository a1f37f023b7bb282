// Refreshes the simulator's conversation every few seconds (no framework, no CDN).
(function () {
  "use strict";
  var box = document.getElementById("thread");
  if (!box) return;
  var url = box.getAttribute("data-url");
  var busy = false;

  function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null && html !== box.innerHTML) box.innerHTML = html; })
      .catch(function () { /* try again next time */ })
      .finally(function () { busy = false; });
  }

  setInterval(refresh, 3000);
  document.addEventListener("visibilitychange", refresh);
})();
