/* bereikbaar inbox, WhatsApp reply box (#wa-reply, rendered by channels/whatsapp/agent_box.py).
 *
 * - Counts the 24-hour window down from data-ends-at (corrected by the server's data-now, so a
 *   wrong browser clock does not matter) and switches to the closed state at zero: the
 *   approved templates instead of free text, no reload.
 * - Shows the box only while WhatsApp is the chosen reply channel; while the window is closed
 *   (or the customer opted out) the free-text field and its send button step aside.
 * - Re-fetches the box when a new inbound WhatsApp message (or a change to this conversation)
 *   may have reopened the window; it swaps only when the window or consent really changed, so
 *   an agent's half-filled template is not wiped by an unrelated event.
 * - Template picker: shows the chosen template's parameters and a live preview.
 */
(function () {
  "use strict";

  function boxEl() { return document.getElementById("wa-reply"); }
  function channelSelect() { return document.getElementById("reply-channel"); }

  function deadline(box) {
    if (box._deadline === undefined) {
      var ends = Date.parse(box.dataset.endsAt || "");
      var serverNow = Date.parse(box.dataset.now || "");
      // the time left as the server saw it, counted from when this box arrived
      box._deadline = isNaN(ends) ? NaN : Date.now() + (ends - (isNaN(serverNow) ? Date.now() : serverNow));
    }
    return box._deadline;
  }

  function fill(text, values) {
    return text.replace(/\{(\w)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }

  function timeLeft(box, ms) {
    var total = Math.floor(ms / 1000);
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    if (h) return fill(box.dataset.textHours, { h: h, m: m });
    if (m) return fill(box.dataset.textMinutes, { m: m });
    return fill(box.dataset.textSeconds, { s: s });
  }

  function announce(box, text) {
    var live = box.querySelector(".wa-announce");
    if (live) live.textContent = text;
  }

  function tick() {
    var box = boxEl();
    if (!box || box.dataset.state !== "open") return;
    var left = deadline(box) - Date.now();
    var line = box.querySelector(".wa-window");
    if (left > 0) {
      line.textContent = timeLeft(box, left);
      return;
    }
    box.dataset.state = "closed";
    line.textContent = box.dataset.textClosed;
    announce(box, box.dataset.textClosed);
    box.querySelector(".wa-closed-part").hidden = false;
    sync();
  }

  // Which part of the composer the agent sees, for the chosen channel and the window's state.
  function sync() {
    var box = boxEl();
    var select = channelSelect();
    var text = document.getElementById("reply-text");
    if (!box || !select || !text) return;
    var onWhatsApp = select.value === "whatsapp";
    box.hidden = !onWhatsApp;
    var blocked = onWhatsApp && box.dataset.state !== "open";
    var submit = text.form && text.form.querySelector("button[type=submit]");
    text.disabled = blocked;
    if (text.parentElement) text.parentElement.hidden = blocked;
    if (submit) submit.hidden = blocked;
    pickTemplate();
  }

  function pickTemplate() {
    var box = boxEl();
    var select = box && box.querySelector("#wa-template");
    if (!select) return;
    box.querySelectorAll(".wa-params").forEach(function (group) {
      var chosen = group.dataset.template === select.value;
      group.hidden = !chosen;
      var title = group.querySelector(".wa-params-title");  // for pages without script
      if (title) title.hidden = true;
      group.querySelectorAll("input").forEach(function (input) {
        input.disabled = !chosen;
        input.required = chosen;
      });
    });
  }

  function preview(group) {
    var values = {};
    group.querySelectorAll("input[data-number]").forEach(function (input) {
      values[input.dataset.number] = input.value;
    });
    var out = group.querySelector(".wa-preview");
    // like templates.render(): {{n}} becomes parameter n; an empty one keeps its placeholder
    out.textContent = group.dataset.body.replace(/\{\{\s*(\d+)\s*\}\}/g, function (m, n) {
      return values[n] ? values[n] : m;
    });
  }

  function refetch() {
    var box = boxEl();
    if (!box) return;
    var select = channelSelect();
    var url = box.dataset.url + "?channel=" + encodeURIComponent(select ? select.value : "whatsapp");
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#wa-reply");
        var current = boxEl();
        if (!fresh || !current || fresh.dataset.key === current.dataset.key) return;
        current.replaceWith(fresh);
        if (fresh.dataset.state !== current.dataset.state) {
          announce(fresh, fresh.querySelector(".wa-window").textContent);
        }
        if (window.htmx) window.htmx.process(fresh);
        sync();
      })
      .catch(function () { /* the next event or reconnect tries again */ });
  }

  var body = document.body;
  body.addEventListener("inbox:event", function (e) {
    var box = boxEl();
    if (!box) return;
    var m = e.detail || {}, p = m.payload || {};
    var inboundWhatsApp = m.event === "message.created" && p.channel === "whatsapp" &&
      p.direction === "inbound";  // the window is per customer: any of their conversations
    var thisOne = m.event === "conversation.updated" &&
      String(p.conversation_id) === box.dataset.conversation;
    if (inboundWhatsApp || thisOne) refetch();
  });
  body.addEventListener("inbox:live", refetch);  // after a reconnect: catch up

  body.addEventListener("change", function (e) {
    if (e.target.id === "reply-channel") sync();
    else if (e.target.id === "wa-template") {
      pickTemplate();
      var group = boxEl().querySelector('.wa-params[data-template="' + e.target.value + '"]');
      if (group) preview(group);
    }
  });
  body.addEventListener("input", function (e) {
    var group = e.target.closest && e.target.closest(".wa-params");
    if (group) preview(group);
  });
  body.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest(".wa-use-channel");
    var select = channelSelect();
    if (!button || !select) return;
    select.value = button.dataset.channel;
    sync();
    var text = document.getElementById("reply-text");
    if (text) text.focus();
  });
  // A refused template comes back as 422 with the reason: show it in place.
  body.addEventListener("htmx:beforeSwap", function (e) {
    var target = e.detail.target;
    if (target && target.id === "wa-reply" && e.detail.xhr.status === 422) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  body.addEventListener("htmx:afterSettle", sync);

  sync();
  tick();
  setInterval(tick, 1000);
})();
