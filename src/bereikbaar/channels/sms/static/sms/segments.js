/* bereikbaar inbox, SMS reply box: a live segment counter under the reply field.
 *
 * smsSegments(text) mirrors channels/sms/segments.py count() exactly (tests/browser/
 * test_sms_segments.py runs both over the same strings): GSM-7 with the extension table's
 * characters counting 2 septets, 160 per text or 153 per part; UCS-2 as soon as one character
 * is outside GSM-7, counted in UTF-16 units (an emoji is 2), 70 or 67 per part.
 *
 * The counter counts what reply() will store and the sender will send: the trimmed text with
 * the browser's form line breaks (CR LF, 2 characters).
 */
(function () {
  "use strict";

  var GSM7_BASIC = "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5" +
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9" +
    " !\"#\u00a4%&'()*+,-./0123456789:;<=>?\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ" +
    "\u00c4\u00d6\u00d1\u00dc\u00a7\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0";
  var GSM7_EXTENDED = "^{}\\[~]|\u20ac\f";

  function smsSegments(text) {
    var chars = Array.from(text);  // code points, as Python iterates a str
    var gsm = chars.every(function (c) {
      return GSM7_BASIC.indexOf(c) !== -1 || GSM7_EXTENDED.indexOf(c) !== -1;
    });
    var units, single, multi, encoding;
    if (gsm) {
      units = chars.reduce(function (n, c) { return n + (GSM7_EXTENDED.indexOf(c) !== -1 ? 2 : 1); }, 0);
      single = 160; multi = 153; encoding = "GSM-7";
    } else {
      units = text.length;  // UTF-16 code units
      single = 70; multi = 67; encoding = "UCS-2";
    }
    var per = units <= single ? single : multi;
    var segments = Math.max(1, Math.ceil(units / per));
    return { encoding: encoding, units: units, segments: segments, per_segment: per,
      left_in_segment: segments * per - units };
  }
  window.smsSegments = smsSegments;

  var counter = document.getElementById("sms-segments");
  var text = document.getElementById("reply-text");
  var select = document.getElementById("reply-channel");
  if (!counter || !text) return;
  var shown = counter.querySelector(".sms-figures");
  var spoken = counter.querySelector(".sms-announce");
  var quiet = null;

  function update() {
    counter.hidden = !!select && select.value !== "sms";
    if (counter.hidden) return;
    var r = smsSegments(text.value.replace(/\r?\n/g, "\r\n").trim());
    var form = r.segments === 1 ? counter.dataset.one : counter.dataset.many;
    var line = form.replace("{n}", r.segments).replace("{encoding}", r.encoding)
      .replace("{left}", r.left_in_segment);
    shown.textContent = line;
    counter.dataset.encoding = r.encoding;
    // screen readers hear the figures once the agent pauses, not on every key
    clearTimeout(quiet);
    quiet = setTimeout(function () { spoken.textContent = line; }, 1000);
  }

  text.addEventListener("input", update);
  if (select) select.addEventListener("change", update);
  update();
})();
