/* bereikbaar inbox, web chat conversations: "the customer is typing…" for the agent, and the
   agent's typing (with their name) for the customer, over /ws/webchat/agent/<id>/. */
(function () {
  "use strict";
  var line = document.getElementById("webchat-typing");
  var reply = document.getElementById("reply-text");
  if (!line) return;
  var conversation = line.dataset.conversation;
  var sock = null, ready = false, attempt = 0, hideTimer = null, sentAt = 0, stopTimer = null;
  var pending = false;  // typing began before the socket was open: say so once it is

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    sock = new WebSocket(scheme + location.host + "/ws/webchat/agent/" + conversation + "/");
    sock.onopen = function () {
      ready = true;
      attempt = 0;
      if (pending) { pending = false; typing(true); }
    };
    sock.onmessage = function (e) {
      var d; try { d = JSON.parse(e.data); } catch (err) { return; }
      if (d.type !== "typing") return;
      clearTimeout(hideTimer);
      line.textContent = d.active ? line.dataset.typingText : "";
      if (d.active) hideTimer = setTimeout(function () { line.textContent = ""; }, 6000);
    };
    sock.onclose = function (e) {
      ready = false;
      if (e.code === 4401 || e.code === 4403) return;
      attempt += 1;
      setTimeout(connect, Math.min(15000, 500 * Math.pow(2, attempt)));
    };
  }
  function typing(active) {
    if (!ready) { pending = active; return; }
    if (active && Date.now() - sentAt < 2000) return;
    sentAt = active ? Date.now() : 0;
    sock.send(JSON.stringify({ type: "typing", active: active }));
  }
  if (reply) {
    reply.addEventListener("input", function () {
      typing(true);
      clearTimeout(stopTimer);
      stopTimer = setTimeout(function () { typing(false); }, 3000);
    });
    reply.form.addEventListener("submit", function () { typing(false); });
  }
  // A new message from the customer ends their typing.
  document.body.addEventListener("inbox:event", function (e) {
    var m = e.detail || {};
    if (m.event === "message.created" && String((m.payload || {}).conversation_id) === conversation) {
      line.textContent = "";
    }
  });
  connect();
})();
