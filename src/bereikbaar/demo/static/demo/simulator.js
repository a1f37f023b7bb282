// Refreshes the simulator's live parts (the conversation, the call) every few seconds, and
// shows the call's fields only when the phone channel is chosen. No framework, no CDN.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-refresh]"));

  function refresh(box) {
    // never swap a part the person is using (keyboard focus, an open select)
    if (box.busy || document.hidden || box.contains(document.activeElement)) return;
    box.busy = true;
    fetch(box.getAttribute("data-refresh"), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null && html !== box.innerHTML) box.innerHTML = html; })
      .catch(function () { /* try again next time */ })
      .finally(function () { box.busy = false; });
  }

  function refreshAll() { boxes.forEach(refresh); }
  setInterval(refreshAll, 2000);
  document.addEventListener("visibilitychange", refreshAll);

  var channel = document.getElementById("id_channel");
  var callFields = document.getElementById("call-fields");
  if (channel && callFields) {
    var toggle = function () { callFields.hidden = channel.value !== "phone"; };
    channel.addEventListener("change", toggle);
    toggle();
  }
})();
