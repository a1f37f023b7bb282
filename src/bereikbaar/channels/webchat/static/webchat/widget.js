/* bereikbaar chat widget: one <script src=".../widget.js" data-lang="nl"> on any site.
   Vanilla JS, no framework. Talks to /ws/chat/ on the server the script came from.
   Messages are queued (localStorage) until the server acknowledges them by client id, so a
   dropped connection loses nothing and a resend never doubles. Everything a person or the
   server wrote is shown with textContent only: HTML in a message stays text. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.bereikbaarChat) return;
  var base = new URL(script.src, location.href);
  var origin = base.origin;
  var lang = (script.dataset.lang || document.documentElement.lang || "nl").slice(0, 2);
  if (lang !== "en") lang = "nl";
  var fullPage = script.dataset.mode === "page";
  var identity = null;
  try { identity = script.dataset.identity ? JSON.parse(script.dataset.identity) : null; } catch (e) { identity = null; }

  var T = {
    nl: {
      title: "Chat met een mens", open: "Chat met een mens", close: "Sluit de chat",
      wait: "Verwachte wachttijd: ", connecting: "Verbinden…", offline: "Geen verbinding. Je berichten worden verstuurd zodra die er weer is.",
      nobody: "Er is nu niemand online. Laat je bericht achter en kies hoe we je antwoorden.",
      via: "Antwoord mij via", viaEmail: "e-mail", viaPhone: "telefoon (we bellen terug)", viaWhatsapp: "WhatsApp",
      viaTo: "Je e-mailadres of telefoonnummer", message: "Je bericht", send: "Verstuur",
      attach: "Bijlage toevoegen", log: "Gesprek", suggest: "Misschien helpt dit (je kunt ook gewoon versturen)",
      typing: " typt…", agent: "Medewerker", you: "Jij", queued: "wacht op verbinding", sent: "verstuurd",
      failed: "niet verstuurd", about: "Over jou (niet verplicht)", name: "Naam", email: "E-mail", phone: "Telefoon",
      renewed: "Je vorige chatsessie was verlopen; we zijn opnieuw begonnen.", uploadFail: "Bijlage niet verstuurd: ", uploadLater: "probeer het later opnieuw.",
      notListed: " staat niet in de lijst van websites van deze chat: voeg de site toe in het beheer (Chatwidget) of in BEREIKBAAR_WEBCHAT_ORIGINS."
    },
    en: {
      title: "Chat with a person", open: "Chat with a person", close: "Close the chat",
      wait: "Expected wait: ", connecting: "Connecting…", offline: "No connection. Your messages will be sent as soon as it is back.",
      nobody: "Nobody is online right now. Leave your message and choose how we answer you.",
      via: "Answer me by", viaEmail: "email", viaPhone: "phone (we call you back)", viaWhatsapp: "WhatsApp",
      viaTo: "Your email address or phone number", message: "Your message", send: "Send",
      attach: "Add an attachment", log: "Conversation", suggest: "This might help (you can also just send)",
      typing: " is typing…", agent: "Agent", you: "You", queued: "waiting for connection", sent: "sent",
      failed: "not sent", about: "About you (optional)", name: "Name", email: "Email", phone: "Phone",
      renewed: "Your previous chat session had expired; we started again.", uploadFail: "Attachment not sent: ", uploadLater: "please try again later.",
      notListed: " is not on this chat's list of sites: add it in the admin (Chatwidget) or in BEREIKBAAR_WEBCHAT_ORIGINS."
    }
  }[lang];

  var KEY = "bereikbaar.chat." + origin + ".";
  function load(name, fallback) {
    try { var v = localStorage.getItem(KEY + name); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }
  function save(name, value) { try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* private mode */ } }

  var n = 0;
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }
  function id(name) { n += 1; return "bkb-" + name + "-" + n; }

  var css = ".bkb-launch{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;font:16px/1.4 system-ui,sans-serif;padding:.7rem 1.1rem;border-radius:2rem;border:0;background:#0b5cad;color:#fff;cursor:pointer}" +
    ".bkb-launch:focus-visible,.bkb-panel :focus-visible{outline:3px solid #f5a623;outline-offset:2px}" +
    ".bkb-panel{position:fixed;right:1rem;bottom:1rem;z-index:2147483001;width:min(26rem,calc(100vw - 2rem));height:min(36rem,calc(100vh - 2rem));display:flex;flex-direction:column;background:#fff;color:#1a1a1a;border:1px solid #999;border-radius:.6rem;box-shadow:0 4px 24px rgba(0,0,0,.25);font:15px/1.4 system-ui,sans-serif}" +
    ".bkb-page{position:static;width:100%;height:100vh;border:0;border-radius:0;box-shadow:none}" +
    ".bkb-panel[hidden],.bkb-launch[hidden],.bkb-panel [hidden]{display:none}.bkb-head{display:flex;justify-content:space-between;align-items:center;padding:.6rem .8rem;background:#0b5cad;color:#fff}" +
    ".bkb-head h2{font-size:1.05rem;margin:0}.bkb-head button{background:none;border:0;color:#fff;font-size:1.3rem;cursor:pointer}" +
    ".bkb-wait,.bkb-note{margin:0;padding:.3rem .8rem;font-size:.9rem;background:#eef4fb}.bkb-note:empty{display:none}" +
    ".bkb-log{flex:1;overflow:auto;padding:.6rem .8rem;margin:0;list-style:none}.bkb-msg{margin:.3rem 0;padding:.4rem .6rem;border-radius:.5rem;max-width:85%;white-space:pre-wrap;overflow-wrap:anywhere}" +
    ".bkb-in{margin-left:auto;background:#dcebfb}.bkb-out{background:#f0f0f0}.bkb-meta{display:block;font-size:.75rem;color:#555}" +
    ".bkb-typing{min-height:1.2em;margin:0 .8rem;font-size:.85rem;color:#555}.bkb-sugg{margin:0 .8rem;font-size:.85rem}.bkb-sugg ul{margin:.2rem 0;padding-left:1.1rem}" +
    ".bkb-form{display:flex;flex-direction:column;gap:.3rem;padding:.5rem .8rem;border-top:1px solid #ddd}.bkb-form textarea{font:inherit;resize:vertical;min-height:2.6rem}" +
    ".bkb-row{display:flex;gap:.4rem;align-items:center;flex-wrap:wrap}.bkb-row input,.bkb-row select{font:inherit;flex:1;min-width:6rem}.bkb-send{background:#0b5cad;color:#fff;border:0;padding:.4rem .9rem;border-radius:.3rem;cursor:pointer}" +
    ".bkb-vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}.bkb-form details{font-size:.85rem}";
  document.head.appendChild(el("style", {}, css));

  // --- the interface -------------------------------------------------------------------
  var titleId = id("title");
  var launch = el("button", { type: "button", "class": "bkb-launch", "aria-haspopup": "dialog" }, T.open);
  var panel = el("section", { "class": "bkb-panel" + (fullPage ? " bkb-page" : ""), role: fullPage ? "region" : "dialog", "aria-labelledby": titleId, lang: lang });
  var head = el("div", { "class": "bkb-head" });
  head.appendChild(el("h2", { id: titleId }, T.title));
  var closeBtn = el("button", { type: "button", "aria-label": T.close, title: T.close }, "×");
  if (!fullPage) head.appendChild(closeBtn);
  var waitLine = el("p", { "class": "bkb-wait", role: "status" }, T.connecting);
  var note = el("p", { "class": "bkb-note", role: "status" });
  var log = el("ol", { "class": "bkb-log", role: "log", "aria-live": "polite", "aria-label": T.log, tabindex: "0" });
  var typingLine = el("p", { "class": "bkb-typing", "aria-live": "polite" });
  var sugg = el("aside", { "class": "bkb-sugg", "aria-label": T.suggest, hidden: "" });
  sugg.appendChild(el("span", {}, T.suggest));
  var suggList = el("ul");
  sugg.appendChild(suggList);

  var form = el("form", { "class": "bkb-form" });
  var offlineBox = el("div", { "class": "bkb-row", hidden: "" });
  var viaId = id("via"), toId = id("to");
  offlineBox.appendChild(el("label", { "for": viaId }, T.via));
  var via = el("select", { id: viaId, name: "answer_via" });
  [["email", T.viaEmail], ["phone", T.viaPhone], ["whatsapp", T.viaWhatsapp]].forEach(function (o) { via.appendChild(el("option", { value: o[0] }, o[1])); });
  offlineBox.appendChild(via);
  offlineBox.appendChild(el("label", { "for": toId, "class": "bkb-vh" }, T.viaTo));
  var viaTo = el("input", { id: toId, name: "answer_to", placeholder: T.viaTo, autocomplete: "email" });
  offlineBox.appendChild(viaTo);

  var about = el("details");
  about.appendChild(el("summary", {}, T.about));
  var aboutRow = el("div", { "class": "bkb-row" });
  var pre = {};
  [["name", T.name, "name"], ["email", T.email, "email"], ["phone", T.phone, "tel"]].forEach(function (f) {
    var fid = id(f[0]);
    aboutRow.appendChild(el("label", { "for": fid }, f[1]));
    pre[f[0]] = el("input", { id: fid, name: f[0], autocomplete: f[2], type: f[0] === "email" ? "email" : "text" });
    aboutRow.appendChild(pre[f[0]]);
  });
  about.appendChild(aboutRow);

  var textId = id("text"), fileId = id("file");
  var textLabel = el("label", { "for": textId, "class": "bkb-vh" }, T.message);
  var text = el("textarea", { id: textId, name: "text", rows: "2", placeholder: T.message, maxlength: "10000" });
  var row = el("div", { "class": "bkb-row" });
  row.appendChild(el("label", { "for": fileId }, T.attach));
  var file = el("input", { id: fileId, type: "file", accept: "image/jpeg,image/png,image/gif,image/webp,application/pdf" });
  row.appendChild(file);
  var sendBtn = el("button", { type: "submit", "class": "bkb-send" }, T.send);
  row.appendChild(sendBtn);
  [offlineBox, about, textLabel, text, row].forEach(function (x) { form.appendChild(x); });
  [head, waitLine, note, log, typingLine, sugg, form].forEach(function (x) { panel.appendChild(x); });

  var mount = fullPage && script.parentNode && script.parentNode !== document.head ? script.parentNode : document.body;
  if (!fullPage) { panel.hidden = true; document.body.appendChild(launch); }
  mount.appendChild(panel);

  function isOpen() { return !panel.hidden; }
  function openPanel() { panel.hidden = false; launch.hidden = true; text.focus(); markRead(); }
  function closePanel() { panel.hidden = true; launch.hidden = false; launch.focus(); }
  launch.addEventListener("click", openPanel);
  closeBtn.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape" && !fullPage) closePanel(); });

  // --- messages --------------------------------------------------------------------------
  var shown = {};  // message id -> element, so history and resends never show a message twice
  var unread = [];
  function show(m) {
    var item = shown[m.id];
    if (!item) {
      item = el("li", { "class": "bkb-msg " + (m.direction === "inbound" ? "bkb-in" : "bkb-out") });
      item.appendChild(el("span", { "class": "bkb-meta" }));
      item.appendChild(el("span", { "class": "bkb-body" }));
      shown[m.id] = item;
      log.appendChild(item);
    }
    item.lastChild.textContent = m.text || "";
    item.firstChild.textContent = m.direction === "inbound" ? T.you + (m.state ? " · " + m.state : "") : (m.author || T.agent);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  var queue = load("queue", []);
  var sending = null;
  function newId() { return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10); }

  function submit(e) {
    e.preventDefault();
    var body = text.value.replace(/^\s+|\s+$/g, "");
    if (file.files && file.files[0]) upload(file.files[0]);
    if (!body) return;
    var m = { client_id: newId(), type: "message", text: body };
    if (!offlineBox.hidden) { m.answer_via = via.value; m.answer_to = viaTo.value; }
    var p = {}; var any = false;
    for (var k in pre) if (pre[k].value) { p[k] = pre[k].value; any = true; }
    if (any) m.prechat = p;
    queue.push(m); save("queue", queue);
    show({ id: m.client_id, direction: "inbound", text: body, state: T.queued });
    text.value = ""; suggList.textContent = ""; sugg.hidden = true;
    typing(false);
    flush();
  }
  form.addEventListener("submit", submit);
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : submit(e); }
  });

  // One message in flight at a time: the next goes once the previous is acknowledged, so order
  // survives rate limits and reconnects.
  function flush() {
    if (sending || !ready || !queue.length) return;
    sending = queue[0];
    // client_id first, so the server can name an over-long message without parsing it
    sock.send(JSON.stringify({ client_id: sending.client_id, type: "message", text: sending.text, answer_via: sending.answer_via, answer_to: sending.answer_to, prechat: sending.prechat }));
  }
  function settle(cid, state) {
    queue = queue.filter(function (q) { return q.client_id !== cid; }); save("queue", queue);
    var item = shown[cid];
    if (item) item.firstChild.textContent = T.you + (state ? " · " + state : "");
    if (sending && sending.client_id === cid) sending = null;
    flush();
  }

  function upload(f) {
    var data = new FormData();
    data.append("file", f); data.append("client_id", newId()); data.append("lang", lang);
    fetch(origin + "/chat/upload?lang=" + lang, { method: "POST", body: data, headers: { "X-Visitor-Token": load("token", "") } })
      // our refusals carry a message to show; anything else (a proxy's page, no network) is
      // a "later" for the visitor, never a parser's error text
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (j) { if (!r.ok) throw new Error(j.message || T.uploadLater); }); })
      .then(function () { show({ id: newId(), direction: "inbound", text: "📎 " + f.name, state: T.sent }); file.value = ""; })
      .catch(function (err) { note.textContent = T.uploadFail + (err instanceof TypeError ? T.uploadLater : err.message); });
  }

  // --- typing, receipts, suggestions ----------------------------------------------------------
  var typingSent = 0, typingStop = null, searchTimer = null, agentTypingTimer = null;
  function typing(active) {
    if (!ready) return;
    if (active && Date.now() - typingSent < 2000) return;
    typingSent = active ? Date.now() : 0;
    sock.send(JSON.stringify({ type: "typing", active: active }));
  }
  text.addEventListener("input", function () {
    typing(true);
    clearTimeout(typingStop);
    typingStop = setTimeout(function () { typing(false); }, 3000);
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { if (ready) sock.send(JSON.stringify({ type: "search", q: text.value })); }, 300);
  });
  function suggestions(results) {
    suggList.textContent = "";
    results.forEach(function (r) {
      if (typeof r.url !== "string" || r.url.charAt(0) !== "/") return;
      var li = el("li"), a = el("a", { href: origin + r.url, target: "_blank", rel: "noopener" }, r.title);
      li.appendChild(a); suggList.appendChild(li);
    });
    sugg.hidden = !suggList.childNodes.length || !text.value;
  }
  function receipt(mid, status) { if (ready) sock.send(JSON.stringify({ type: "receipt", id: mid, status: status })); }
  function markRead() {
    if (!isOpen() || document.visibilityState === "hidden") return;
    unread.splice(0).forEach(function (mid) { receipt(mid, "read"); });
  }
  document.addEventListener("visibilitychange", markRead);

  // --- the connection -------------------------------------------------------------------------
  var sock = null, ready = false, attempt = 0, paused = false, refusedHere = false;
  function connect() {
    if (paused || refusedHere) return;
    var opened = false;
    sock = new WebSocket(origin.replace(/^http/, "ws") + "/ws/chat/");
    sock.onopen = function () {
      opened = true;
      sock.send(JSON.stringify({ type: "hello", token: load("token", ""), lang: lang, identity: identity }));
    };
    sock.onmessage = function (e) {
      var d; try { d = JSON.parse(e.data); } catch (err) { return; }
      if (d.type === "welcome") welcome(d);
      else if (d.type === "ack") settle(d.client_id, T.sent);
      else if (d.type === "message") incoming(d.message);
      else if (d.type === "typing") agentTyping(d);
      else if (d.type === "suggestions") { if (d.q === text.value.replace(/^\s+|\s+$/g, "")) suggestions(d.results || []); }
      else if (d.type === "error") refused(d);
    };
    sock.onclose = function () {
      ready = false; sending = null;
      waitLine.textContent = T.offline;
      if (paused) return;
      if (opened) retry(); else checkSite();
    };
  }
  function retry() {
    var delay = Math.min(10000, 300 * Math.pow(2, attempt)); attempt += 1;
    setTimeout(connect, delay);
  }
  // A browser hides why a handshake failed: a site missing from the allow-list (close 4403
  // before accept) looks like a network drop. So after a handshake that never opened, ask the
  // server; a 403 means this site is refused: stop knocking, leave the page alone and tell its
  // owner in the console. Anything else (no answer, 200) is a network problem: retry.
  function checkSite() {
    fetch(origin + "/chat/site?lang=" + lang, { cache: "no-store", credentials: "omit" })
      .then(function (r) { return r.status === 403 ? r.json().catch(function () { return {}; }) : null; },
        function () { return null; })
      .then(function (no) { if (no) siteRefused(no); else retry(); });
  }
  function siteRefused(d) {
    refusedHere = true; paused = true;
    launch.remove(); panel.remove();
    if (window.console) console.warn("bereikbaar chat: " + (d.message || "") + " " + location.origin + T.notListed);
  }
  function welcome(d) {
    save("token", d.token);
    ready = true; attempt = 0;
    if (d.renewed) { note.textContent = T.renewed; log.textContent = ""; shown = {}; }
    waitLine.textContent = d.wait && d.wait.text ? (d.open ? T.wait + d.wait.text : d.wait.text) : "";
    offlineBox.hidden = !!d.open;
    if (!d.open) note.textContent = T.nobody;
    (d.history || []).forEach(function (m) {
      m.state = m.direction === "inbound" ? T.sent : "";
      show(m);
      if (m.direction === "outbound" && m.status !== "read") { receipt(m.id, "delivered"); unread.push(m.id); }
    });
    queue.forEach(function (q) { if (!shown[q.client_id]) show({ id: q.client_id, direction: "inbound", text: q.text, state: T.queued }); });
    markRead();
    flush();
  }
  function incoming(m) {
    typingLine.textContent = "";
    show(m);
    if (m.direction === "outbound") { receipt(m.id, "delivered"); unread.push(m.id); markRead(); }
  }
  function agentTyping(d) {
    clearTimeout(agentTypingTimer);
    typingLine.textContent = d.active ? (d.name || T.agent) + T.typing : "";
    if (d.active) agentTypingTimer = setTimeout(function () { typingLine.textContent = ""; }, 6000);
  }
  function refused(d) {
    note.textContent = d.message || "";
    if (!d.client_id) return;
    if (d.code === "rate_limited") {
      sending = null;
      setTimeout(flush, Math.max(500, (d.retry_after || 1) * 1000));
      return;
    }
    settle(d.client_id, T.failed);
  }
  window.addEventListener("online", function () { if (!ready && !paused) { attempt = 0; } });

  // For the site (and tests): open the panel, or drop and restore the connection on purpose.
  window.bereikbaarChat = {
    open: openPanel,
    disconnect: function () { paused = true; if (sock) sock.close(); },
    reconnect: function () { if (refusedHere) return; paused = false; attempt = 0; connect(); }
  };
  if (fullPage) openPanel();
  connect();
})();
