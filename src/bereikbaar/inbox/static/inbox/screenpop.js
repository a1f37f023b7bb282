/* bereikbaar screen-pop: on a call event, fetch the call's panel and show it at once.
 *
 * Events carry ids only (realtime/events.py): the panel comes from the permission-checked
 * /channels/voice/calls/<id>/pop view, which answers 204 when this agent should not (or no
 * longer) see it — answered by a colleague, or ended unanswered. Events arrive through
 * inbox.js's socket (an "inbox:event" on <body>). Notes and "new contact" post in place. */
(function () {
  "use strict";

  var body = document.body;
  if (!document.getElementById("live-status")) return;  // logged out pages
  var dock = document.createElement("aside");
  dock.id = "screen-pops";
  dock.setAttribute("aria-live", "assertive");
  dock.setAttribute("aria-label", "Telefoon");
  body.appendChild(dock);

  var style = document.createElement("style");
  style.textContent =
    "#screen-pops{position:fixed;right:16px;bottom:16px;width:min(380px,90vw);z-index:50;" +
    "display:flex;flex-direction:column;gap:8px;max-height:90vh;overflow:auto}" +
    ".screen-pop{background:#fff;border:2px solid #1f6feb;border-radius:8px;padding:10px 12px;" +
    "box-shadow:0 4px 16px rgba(0,0,0,.2)}.screen-pop h2{font-size:1rem;margin:0 24px 4px 0}" +
    ".screen-pop header{position:relative}.screen-pop-close{position:absolute;top:0;right:0}" +
    ".screen-pop.state-ringing{border-color:#c0392b}.screen-pop textarea{width:100%}" +
    ".screen-pop .latest,.screen-pop .unanswered{font-size:14px;margin:4px 0}";
  document.head.appendChild(style);

  var closed = {};

  function csrf() {
    try { return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function show(callId, html) {
    var existing = document.getElementById("call-" + callId);
    if (!html) { if (existing) existing.remove(); return; }
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var panel = holder.firstElementChild;
    if (!panel) return;
    if (existing) {
      var notes = existing.querySelector("textarea[name=notes]");
      var fresh = panel.querySelector("textarea[name=notes]");
      if (notes && fresh && document.activeElement === notes) return;  // do not disturb typing
      existing.replaceWith(panel);
    } else {
      dock.prepend(panel);
    }
  }

  function load(callId) {
    if (closed[callId]) return;
    fetch("/channels/voice/calls/" + callId + "/pop", { credentials: "same-origin" })
      .then(function (r) { return r.status === 200 ? r.text() : ""; })
      .then(function (html) { show(callId, html); })
      .catch(function () { /* the next event retries */ });
  }

  dock.addEventListener("click", function (e) {
    if (!e.target.classList.contains("screen-pop-close")) return;
    var panel = e.target.closest(".screen-pop");
    closed[panel.dataset.call] = true;
    panel.remove();
  });

  dock.addEventListener("submit", function (e) {
    var form = e.target;
    var panel = form.closest(".screen-pop");
    if (!panel) return;
    e.preventDefault();
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() }
    }).then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) { panel.remove(); show(panel.dataset.call, html); } });
  });

  // inbox.js owns the page's one socket and re-dispatches every event on <body>.
  body.addEventListener("inbox:live", function () { body.dataset.screenPop = "live"; });
  if (document.getElementById("live-status").dataset.state === "live") {
    body.dataset.screenPop = "live";
  }
  body.addEventListener("inbox:event", function (e) {
    var message = e.detail || {};
    if ((message.event || "").indexOf("call.") !== 0) return;
    var callId = String((message.payload || {}).call_id || "");
    if (/^\d+$/.test(callId)) load(callId);
  });
})();
