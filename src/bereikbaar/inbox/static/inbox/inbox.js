/* bereikbaar inbox: live updates over /ws/inbox/, keyboard shortcuts, canned responses.
 *
 * Events carry ids only; on an event we ask htmx to re-fetch a fragment through the normal,
 * permission-checked views (the regions listen for "inbox:refresh-list" and
 * "inbox:refresh-timeline" on <body>). After a reconnect both are re-fetched, so whatever
 * happened while the socket was down is caught up. */
(function () {
  "use strict";

  var body = document.body;
  var openConversation = body.dataset.conversation || "";
  var statusEl = document.getElementById("live-status");

  function trigger(name) {
    body.dispatchEvent(new CustomEvent(name, { bubbles: true }));
  }

  // Several events often arrive together (conversation.updated + message.created): coalesce.
  // The list is fetched at most once per LIST_GAP ms: a busy team's stream of events made
  // every open inbox re-fetch it several times a second, and 300 agents' lists were then the
  // server's main work (bench/inbox_load.py). An event still shows within LIST_GAP + 50 ms.
  var LIST_GAP = 750;
  var pending = {};
  var last = {};
  function refresh(name, gap) {
    if (pending[name]) return;
    var wait = Math.max(50, (last[name] || 0) + (gap || 0) - Date.now());
    pending[name] = setTimeout(function () {
      pending[name] = null;
      last[name] = Date.now();
      trigger(name);
    }, wait);
  }

  function setStatus(text, state) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.dataset.state = state;
  }

  function handle(message) {
    var event = message.event || "";
    var payload = message.payload || {};
    // One socket per page: other scripts (the screen-pop) listen for events here.
    body.dispatchEvent(new CustomEvent("inbox:event", { detail: message }));
    if (event.indexOf("message.") === 0 &&
        String(payload.conversation_id) === openConversation) {
      refresh("inbox:refresh-timeline");
    }
    if (event.indexOf("conversation.") === 0 || event === "message.created") {
      refresh("inbox:refresh-list", LIST_GAP);
    }
  }

  var attempt = 0;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/inbox/");
    socket.onopen = function () {
      attempt = 0;
      setStatus(body.dataset.liveText, "live");
      body.dispatchEvent(new CustomEvent("inbox:live"));
      // Events between the page's render and this moment (or while the socket was down)
      // reached no one: resync both regions, also on the first open. A reply posted with a
      // full page load is otherwise shown "queued" forever when its read receipt came first.
      trigger("inbox:refresh-list");
      if (openConversation) trigger("inbox:refresh-timeline");
    };
    socket.onmessage = function (e) {
      try { handle(JSON.parse(e.data)); } catch (err) { /* ignore malformed */ }
    };
    socket.onclose = function (e) {
      if (e.code === 4401) {  // logged out: retrying will not help
        setStatus(body.dataset.loginText, "login");
        trigger("inbox:refresh-list");  // the fragment view answers with a redirect to login
        return;
      }
      setStatus(body.dataset.offlineText, "offline");
      var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
      attempt += 1;
      setTimeout(connect, delay);
    };
  }
  if (statusEl) connect();

  // SLA timers: count down every 30 s between refreshes, and turn to "bijna te laat" / "te
  // laat" the moment the deadline comes near or passes, without waiting for an event.
  var english = document.documentElement.lang === "en";
  function tickSla() {
    var now = Date.now();
    document.querySelectorAll(".sla time[datetime]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) return;
      var minutes = Math.round((due - now) / 60000);
      var warn = parseInt(el.dataset.warnMinutes || "15", 10);
      var state = minutes < 0 ? "breached" : (minutes <= warn ? "warning" : "ok");
      var badge = el.closest(".sla");
      badge.classList.remove("sla-ok", "sla-warning", "sla-breached");
      badge.classList.add("sla-" + state);
      var out = badge.querySelector(".sla-countdown");
      if (!out) return;
      var span = Math.abs(minutes) >= 120 ? Math.round(Math.abs(minutes) / 60) + " u" :
        Math.abs(minutes) + " min";
      if (english) span = span.replace(" u", " h");
      out.textContent = minutes < 0 ? (english ? "— " + span + " late" : "— " + span + " te laat")
        : (english ? "— " + span + " left" : "— nog " + span);
    });
  }
  tickSla();
  setInterval(tickSla, 30000);
  document.body.addEventListener("htmx:afterSwap", tickSla);

  // A live refresh must not take the keyboard away: whatever had focus inside a swapped
  // region (a list link reached with j/k, a field) has it again afterwards.
  var refocus = null;
  body.addEventListener("htmx:beforeSwap", function (e) {
    var active = document.activeElement;
    refocus = null;
    if (!active || active === body || !e.detail.target.contains(active)) return;
    if (active.id) refocus = "#" + CSS.escape(active.id);
    else if (active.getAttribute("href")) {
      refocus = 'a[href="' + CSS.escape(active.getAttribute("href")) + '"]';
    }
  });
  body.addEventListener("htmx:afterSwap", function (e) {
    if (!refocus) return;
    var again = e.detail.target.querySelector(refocus);
    refocus = null;
    if (again) again.focus({ preventScroll: true });
  });

  // Keep the newest message in view after a timeline refresh, unless the agent scrolled up.
  var timeline = document.getElementById("timeline");
  var stick = true;
  if (timeline) {
    timeline.scrollTop = timeline.scrollHeight;
    timeline.addEventListener("scroll", function () {
      stick = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 40;
    });
    body.addEventListener("htmx:afterSwap", function (e) {
      if (e.target === timeline && stick) timeline.scrollTop = timeline.scrollHeight;
    });
  }

  // Canned responses: insert the chosen text at the cursor in the reply box.
  var cannedButton = document.getElementById("canned-insert");
  if (cannedButton) {
    cannedButton.addEventListener("click", function () {
      var select = document.getElementById("canned");
      var option = select.options[select.selectedIndex];
      var box = document.getElementById(cannedButton.dataset.target);
      if (!option || !option.dataset.text || !box) return;
      var start = box.selectionStart || 0, end = box.selectionEnd || 0;
      box.value = box.value.slice(0, start) + option.dataset.text + box.value.slice(end);
      box.focus();
      box.selectionStart = box.selectionEnd = start + option.dataset.text.length;
    });
  }

  // Forms that destroy something ask first (data-confirm): a listener, since the
  // Content-Security-Policy allows no inline event handlers.
  document.addEventListener("submit", function (e) {
    var question = e.target.dataset && e.target.dataset.confirm;
    if (question && !window.confirm(question)) e.preventDefault();
  });

  // The language switch submits on change; its button stays for keyboard and no-JS users.
  var language = document.getElementById("language");
  if (language) language.addEventListener("change", function () { language.form.submit(); });

  function conversationLinks() {
    return Array.prototype.slice.call(document.querySelectorAll(".conversations a"));
  }

  function moveInList(step) {
    var links = conversationLinks();
    if (!links.length) return;
    var index = links.indexOf(document.activeElement);
    if (index === -1) index = links.findIndex(function (a) { return a.hasAttribute("aria-current"); });
    var next = links[Math.max(0, Math.min(links.length - 1, index + step))] || links[0];
    next.focus();
  }

  // Single-key shortcuts, ignored while typing in a field.
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || e.target.isContentEditable) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    var target = null;
    if (e.key === "r") target = document.getElementById("reply-text");
    else if (e.key === "n") target = document.getElementById("note-text");
    else if (e.key === "/") target = document.getElementById("inbox-search");
    else if (e.key === "l") { moveInList(0); e.preventDefault(); return; }
    else if (e.key === "j") { moveInList(1); e.preventDefault(); return; }
    else if (e.key === "k") { moveInList(-1); e.preventDefault(); return; }
    else if (e.key === "?") {
      var help = document.getElementById("shortcuts");
      if (help && help.showModal) help.showModal();
      e.preventDefault();
      return;
    }
    if (target) { target.focus(); e.preventDefault(); }
  });
})();
