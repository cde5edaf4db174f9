// orch operator console: the one script of every page. It is served from /console/assets
// (CSP script-src 'self'), reads what it needs from data-* attributes, and writes text only
// through textContent, never as HTML.
"use strict";

(function () {
  // Same classes as the server renders (console/events.rs `kind_class`).
  function kindClasses(kind) {
    var first = kind.split(".")[0].replace(/[^a-z0-9_-]/g, "");
    var classes = ["k-" + first];
    if (/\.(failed|dead|opened|refused|rejected|error)$/.test(kind)) {
      classes.push("bad");
    }
    return classes;
  }

  function span(cls, text) {
    var el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    return el;
  }

  // One row of the tail, built like the server's (console/events.rs `event_row`).
  function eventRow(ev) {
    var li = document.createElement("li");
    li.className = kindClasses(ev.kind || "").join(" ");
    li.dataset.id = String(ev.id);
    li.appendChild(span("ts", (ev.ts || "").replace("T", " ").replace(/\.\d+/, "").replace("Z", "")));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(span("kind", ev.kind || ""));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(span("tenant", ev.tenant || "-"));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(span("connector", ev.connector || "-"));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(span("msg", ev.message || ""));
    if (ev.trace_id && /^[0-9a-f]{32}$/.test(ev.trace_id)) {
      li.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.className = "trace";
      a.href = "/console/traces/" + ev.trace_id;
      a.textContent = "trace " + ev.trace_id.slice(0, 8);
      li.appendChild(a);
    }
    return li;
  }

  function startTail(tail) {
    var max = parseInt(tail.dataset.max, 10) || 2000;
    var streamBase = tail.dataset.stream;
    var lastId = parseInt(tail.dataset.afterId, 10) || 0;
    var pauseBtn = document.getElementById("tail-pause");
    var badge = document.getElementById("tail-badge");
    var status = document.getElementById("tail-status");
    var paused = false;
    var autoPaused = false;
    var pending = [];
    var source = null;
    var retryMs = 1000;
    var retryTimer = null;

    function setStatus(text, cls) {
      status.textContent = text;
      status.className = "status " + cls;
    }

    function atBottom() {
      return tail.scrollTop + tail.clientHeight >= tail.scrollHeight - 8;
    }

    function trim() {
      while (tail.children.length > max) {
        tail.removeChild(tail.firstElementChild);
      }
    }

    function showBadge() {
      if (pending.length > 0) {
        badge.textContent = pending.length + " new";
        badge.classList.remove("hidden");
      } else {
        badge.classList.add("hidden");
      }
    }

    function append(rows) {
      var empty = tail.querySelector("li.empty");
      if (empty) {
        tail.removeChild(empty);
      }
      rows.forEach(function (row) { tail.appendChild(row); });
      trim();
      tail.scrollTop = tail.scrollHeight;
    }

    function setPaused(on, auto) {
      paused = on;
      autoPaused = on && auto;
      pauseBtn.textContent = on ? "Resume" : "Pause";
      pauseBtn.setAttribute("aria-pressed", on ? "true" : "false");
      if (!on) {
        var rows = pending;
        pending = [];
        append(rows);
      }
      showBadge();
    }

    function onEvent(msg) {
      var ev;
      try {
        ev = JSON.parse(msg.data);
      } catch (e) {
        return;
      }
      if (typeof ev.id !== "number" || ev.id <= lastId) {
        return;
      }
      lastId = ev.id;
      var row = eventRow(ev);
      if (paused) {
        pending.push(row);
        // The ring buffer bounds what waits as well as what is shown.
        if (pending.length > max) {
          pending.splice(0, pending.length - max);
        }
        showBadge();
      } else {
        append([row]);
      }
    }

    function streamUrl() {
      var sep = streamBase.indexOf("?") >= 0 ? "&" : "?";
      return streamBase + sep + "after_id=" + lastId;
    }

    function open() {
      retryTimer = null;
      source = new EventSource(streamUrl());
      source.onopen = function () {
        retryMs = 1000;
        setStatus("live", "live");
      };
      // The console's stream sends every event unnamed, so they all arrive here.
      source.onmessage = onEvent;
      source.addEventListener("error", function () {
        if (source.readyState === EventSource.CLOSED) {
          // A fatal error (the session ended, the server went away): reopen from the last
          // id ourselves, backing off, since the browser will not.
          setStatus("disconnected; retrying", "down");
          source.close();
          if (retryTimer === null) {
            retryTimer = setTimeout(open, retryMs);
            retryMs = Math.min(retryMs * 2, 30000);
          }
        } else {
          setStatus("reconnecting", "down");
        }
      });
    }

    pauseBtn.addEventListener("click", function () {
      setPaused(!paused, false);
    });
    tail.addEventListener("scroll", function () {
      if (!paused && !atBottom()) {
        setPaused(true, true);
      } else if (paused && autoPaused && atBottom()) {
        setPaused(false, false);
      }
    });
    // One stream per tab (HTTP/1.1 allows few connections per origin): closed on leaving.
    window.addEventListener("pagehide", function () {
      if (source) {
        source.close();
      }
      if (retryTimer !== null) {
        clearTimeout(retryTimer);
      }
    });
    tail.scrollTop = tail.scrollHeight;
    open();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var tail = document.getElementById("tail");
    if (tail && tail.dataset.stream) {
      startTail(tail);
    }
  });
})();

// --- inbox: copy buttons ---
// A `button.copy` copies the text of the element its data-copy-target names (the payload
// <pre>s of /console/inbox/{id}) and says so on the button, as text.
(function () {
  function copyButton(button) {
    var label = button.textContent;
    var timer = null;
    function flash(text) {
      button.textContent = text;
      if (timer !== null) {
        clearTimeout(timer);
      }
      timer = setTimeout(function () {
        button.textContent = label;
        timer = null;
      }, 1500);
    }
    button.addEventListener("click", function () {
      var target = document.getElementById(button.dataset.copyTarget);
      if (!target || !navigator.clipboard) {
        flash("Copy failed");
        return;
      }
      navigator.clipboard.writeText(target.textContent).then(
        function () {
          flash("Copied");
        },
        function () {
          flash("Copy failed");
        }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("button.copy[data-copy-target]");
    Array.prototype.forEach.call(buttons, copyButton);
  });
})();

// --- dlq: selection ---
// The DLQ page's checkboxes: Shift-click ticks (or unticks) the whole range since the last
// box clicked, `#pick-all` ticks the page, `#pick-count` says how many are ticked.
(function () {
  "use strict";

  function setup(form) {
    var picks = Array.prototype.slice.call(form.querySelectorAll("input.pick[type=checkbox]"));
    var all = document.getElementById("pick-all");
    var count = document.getElementById("pick-count");
    var scope = document.getElementById("scope-all");
    var last = null;

    function update() {
      var n = picks.filter(function (p) {
        return p.checked;
      }).length;
      if (count) {
        // With "every job matching the filter" ticked, the server ignores the ticked rows.
        count.textContent = scope && scope.checked ? "every matching job" : n + " selected";
      }
      if (all) {
        all.checked = n > 0 && n === picks.length;
        all.indeterminate = n > 0 && n < picks.length;
      }
    }

    picks.forEach(function (pick) {
      pick.addEventListener("click", function (ev) {
        if (ev.shiftKey && last !== null && last !== pick) {
          var a = picks.indexOf(last);
          var b = picks.indexOf(pick);
          for (var i = Math.min(a, b); i <= Math.max(a, b); i++) {
            // The range takes the state this click gave the box.
            picks[i].checked = pick.checked;
          }
        }
        last = pick;
        update();
      });
    });
    if (all) {
      all.addEventListener("change", function () {
        picks.forEach(function (p) {
          p.checked = all.checked;
        });
        last = null;
        update();
      });
    }
    if (scope) {
      scope.addEventListener("change", update);
    }
    // The browser may restore ticks on back/forward: count what is there.
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("dlq-form");
    if (form) {
      setup(form);
    }
  });
})();
