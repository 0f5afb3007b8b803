/* Broadsheet's unread list: keep it readable offline.
 *
 * Served from our own origin to the unread list only (its CSP says script-src 'self'). It
 * registers the service worker (/sw.js), asks it to keep the list and its stories when the
 * network is there, and to send the changes made offline when the network comes back; and it
 * shows, on the list, what waits to be sent (the stories archived or deleted offline leave the
 * list at once). It writes nothing into the page but text and one element of its own.
 */
(function () {
  "use strict";

  if (!("serviceWorker" in navigator)) {
    return;
  }
  var root = document.documentElement;
  var main = document.getElementById("main");
  var DB_NAME = "broadsheet-offline";
  var QUEUE = "queue";
  var news = ""; // what the worker last reported having sent
  var retries = 0;

  function say(text) {
    if (!main) {
      return;
    }
    var line = document.getElementById("offline-status");
    if (!text) {
      if (line) {
        line.remove();
      }
      return;
    }
    if (!line) {
      line = document.createElement("p");
      line.id = "offline-status";
      line.className = "notice";
      line.setAttribute("role", "status");
      main.insertBefore(line, main.firstChild);
    }
    line.textContent = text;
  }

  /* The changes waiting in the worker's queue (the same IndexedDB database, this origin). */
  function waiting() {
    return new Promise(function (resolve) {
      var open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore(QUEUE, { keyPath: "id", autoIncrement: true });
      };
      open.onerror = function () {
        resolve([]);
      };
      open.onsuccess = function () {
        var db = open.result;
        var read = db.transaction(QUEUE, "readonly").objectStore(QUEUE).getAll();
        read.onsuccess = function () {
          db.close();
          resolve(read.result || []);
        };
        read.onerror = function () {
          db.close();
          resolve([]);
        };
      };
    });
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function show() {
    return waiting().then(function (entries) {
      entries.forEach(function (entry) {
        if (entry.kind === "archive" || entry.kind === "delete") {
          var row = document.querySelector("li[data-item-id='" + Number(entry.item) + "']");
          if (row) {
            row.remove();
          }
        }
      });
      var parts = [];
      if (!navigator.onLine) {
        parts.push("You are offline: this is the copy of your list kept on this device.");
      }
      if (entries.length) {
        parts.push(
          plural(entries.length, "change", "changes") +
            " made offline will be sent when you are back online."
        );
      } else if (news) {
        parts.push(news);
      }
      say(parts.join(" "));
      root.setAttribute("data-offline-pending", String(entries.length));
      return entries.length;
    });
  }

  function ask(type) {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ type: type });
      }
    });
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "synced") {
      root.setAttribute("data-offline", "ready");
      root.setAttribute("data-offline-stories", String(data.stories));
      show();
    } else if (data.type === "replayed") {
      if (data.sent > 0) {
        news = plural(data.sent, "change", "changes") + " made offline went through.";
      }
      // The page may hear `online` before the worker's network is back: try again, a little
      // later each time, while changes wait.
      if (data.pending > 0 && navigator.onLine && retries < 8) {
        retries++;
        window.setTimeout(function () {
          ask("replay");
        }, 500 * retries);
      } else if (!data.pending) {
        retries = 0;
      }
      show();
    }
  });

  // Offline, the worker that serves this page is already there: nothing to fetch or check.
  navigator.serviceWorker
    .getRegistration("/")
    .then(function (existing) {
      if (existing && !navigator.onLine) {
        return existing;
      }
      return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (made) {
        if (navigator.onLine) {
          ask("sync");
        }
        return made;
      });
    })
    .catch(function () {
      if (!navigator.serviceWorker.controller) {
        root.setAttribute("data-offline", "unavailable");
      }
    });

  window.addEventListener("online", function () {
    ask("sync");
  });
  window.addEventListener("offline", function () {
    news = "";
    show();
  });
  show();
})();
