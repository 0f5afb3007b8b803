/* Broadsheet's reader view: highlight a passage, and come back to where you were.
 *
 * The one script of the app, served from our own origin to the reader view only (its CSP says
 * script-src 'self'; every other page says 'none'). It reads nothing from the story's HTML but
 * its text, writes nothing into the page but form values and the `hidden` attribute, and posts
 * only to the reader view's own forms (Django's CSRF token from the form, same origin). Marks
 * are drawn by the server: after a highlight is saved the page loads again with it.
 *
 * Offsets are code points of the story's canonical text: the concatenation of the story body's
 * text nodes (its textContent), as core.anchoring computes it on the server.
 */
(function () {
  "use strict";

  var CONTEXT = 64; // core.models.HIGHLIGHT_CONTEXT_CHARS
  var SAVE_AFTER_MS = 1200;

  var article = document.getElementById("reader");
  var body = document.getElementById("story-body");
  if (!article || !body) {
    return;
  }

  /* --- highlights -------------------------------------------------------------------------- */

  var bar = document.getElementById("highlight-bar");
  var fields = bar ? bar.elements : null;
  var pressing = false;

  function codePoints(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          i++;
        }
      }
      n++;
    }
    return n;
  }

  function lastPoints(s, n) {
    return Array.from(s.slice(-2 * n - 2)).slice(-n).join("");
  }

  function firstPoints(s, n) {
    return Array.from(s.slice(0, 2 * n + 2)).slice(0, n).join("");
  }

  /* The selection as a selector of the story's text, or null when it is not a passage of it. */
  function selector() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount !== 1 || sel.isCollapsed) {
      return null;
    }
    var range = sel.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) {
      return null;
    }
    var before = document.createRange();
    before.selectNodeContents(body);
    before.setEnd(range.startContainer, range.startOffset);
    var text = body.textContent || "";
    var from = before.toString().length; // UTF-16 units, for slicing
    var to = from + range.toString().length;
    while (from < to && /\s/.test(text.charAt(from))) {
      from++;
    }
    while (to > from && /\s/.test(text.charAt(to - 1))) {
      to--;
    }
    if (from >= to) {
      return null;
    }
    var head = text.slice(0, from);
    var quote = text.slice(from, to);
    var start = codePoints(head);
    return {
      quote: quote,
      prefix: lastPoints(head, CONTEXT),
      suffix: firstPoints(text.slice(to), CONTEXT),
      start: start,
      end: start + codePoints(quote),
    };
  }

  function onSelection() {
    if (!bar) {
      return;
    }
    var found = selector();
    if (found) {
      fields.namedItem("quote").value = found.quote;
      fields.namedItem("prefix").value = found.prefix;
      fields.namedItem("suffix").value = found.suffix;
      fields.namedItem("start").value = String(found.start);
      fields.namedItem("end").value = String(found.end);
      bar.hidden = false;
    } else if (!pressing && !bar.contains(document.activeElement)) {
      bar.hidden = true;
    }
  }

  if (bar) {
    document.addEventListener("selectionchange", onSelection);
    bar.addEventListener("pointerdown", function () {
      pressing = true;
    });
    bar.addEventListener("focusout", function () {
      pressing = false;
      window.setTimeout(onSelection, 0);
    });
    bar.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        bar.hidden = true;
        pressing = false;
      }
    });
    var cancel = document.getElementById("highlight-cancel");
    if (cancel) {
      cancel.addEventListener("click", function () {
        bar.hidden = true;
        pressing = false;
        var sel = window.getSelection();
        if (sel) {
          sel.removeAllRanges();
        }
      });
    }
  }

  /* --- reading progress -------------------------------------------------------------------- */

  var progressForm = document.getElementById("progress-form");
  var stored = parseFloat(article.getAttribute("data-progress") || "0");
  if (!(stored >= 0 && stored <= 1)) {
    stored = 0;
  }
  var saved = stored;
  var timer = 0;

  function range() {
    var top = body.getBoundingClientRect().top + window.scrollY;
    var span = Math.max(body.offsetHeight - window.innerHeight, 1);
    return { top: top, span: span };
  }

  function position() {
    var r = range();
    var p = (window.scrollY - r.top) / r.span;
    return Math.round(Math.min(Math.max(p, 0), 1) * 1000) / 1000;
  }

  function send(useBeacon) {
    if (!progressForm) {
      return;
    }
    var p = position();
    if (Math.abs(p - saved) < 0.005) {
      return;
    }
    var data = new FormData(progressForm);
    data.set("progress", String(p));
    saved = p;
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(progressForm.action, data);
      return;
    }
    window
      .fetch(progressForm.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
      .catch(function () {
        saved = -1; // try again at the next scroll
      });
  }

  function restore() {
    if (window.location.hash || stored <= 0 || stored >= 0.99) {
      return;
    }
    var r = range();
    window.scrollTo(0, Math.round(r.top + stored * r.span));
  }

  if (document.readyState === "complete") {
    restore();
  } else {
    window.addEventListener("load", restore);
  }
  /* The bar's progress meter follows the scroll (its first value is the server's). */
  var meter = document.getElementById("read-progress");
  var drawing = false;

  function draw() {
    drawing = false;
    if (meter) {
      meter.value = Math.round(position() * 100);
    }
  }

  window.addEventListener(
    "scroll",
    function () {
      if (!drawing) {
        drawing = true;
        window.requestAnimationFrame(draw);
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        send(false);
      }, SAVE_AFTER_MS);
    },
    { passive: true }
  );
  window.addEventListener("pagehide", function () {
    window.clearTimeout(timer);
    send(true);
  });
  article.setAttribute("data-script", "ready");
})();
