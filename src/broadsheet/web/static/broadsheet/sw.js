/* Broadsheet's service worker: the unread list and every unread story, readable offline.
 *
 * Served from /sw.js (web.offline.service_worker) so that its scope is the whole site, under a
 * policy that lets it fetch from this origin only. It imports nothing and evaluates nothing. It
 * never touches another origin's requests: those go to the network as if it were not there.
 *
 * - Navigations to the list (/) and to a story (/items/ID/): the network first; the copy kept
 *   here when the network fails; the offline page (/offline/) when there is no copy.
 * - Stored images (/images/ID/DIGEST): named by their bytes, so the copy kept here first.
 * - Our static files: the network first, the copy kept here when offline.
 * - Archive, delete and reading progress (POST /items/ID/archive/, delete/, progress/) made
 *   offline are kept in IndexedDB (the form's body as it was, with its CSRF token, which stays
 *   valid for the session) and sent again, in order, when the network is back: when a page
 *   says so (its `online` event, see offline.js) and after any page loads from the network.
 * - "sync" (a message from the list, online): send what waits, then fetch /offline/manifest.json
 *   and keep its pages, stories and images; drop the copies it no longer lists.
 *
 * Copies are kept per reader (the manifest's opaque `reader` key names the caches); another
 * reader's sync drops them, and logging out clears everything (Clear-Site-Data).
 */
"use strict";

var VERSION = "1";
var SHELL = "broadsheet-shell-" + VERSION; // the offline page and our static files
var PAGES = "broadsheet-pages-"; // + reader key: the list's pages and the stories
var IMAGES = "broadsheet-images-"; // + reader key: the stories' stored images
var OFFLINE_PAGE = "/offline/";
var MANIFEST = "/offline/manifest.json";
var DB_NAME = "broadsheet-offline";
var QUEUE = "queue";
var QUEUED = /^\/items\/(\d+)\/(archive|delete|progress)\/$/;
var STORY = /^\/items\/\d+\/$/;
var LOGIN = "/accounts/login/";
var SHARE = "/share/";
var PARALLEL = 4;

/* --- IndexedDB: the queue of changes made offline -------------------------------------------- */

function openDb() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore(QUEUE, { keyPath: "id", autoIncrement: true });
    };
    request.onsuccess = function () {
      resolve(request.result);
    };
    request.onerror = function () {
      reject(request.error);
    };
  });
}

function withStore(mode, work) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(QUEUE, mode);
      var result = work(tx.objectStore(QUEUE));
      tx.oncomplete = function () {
        db.close();
        resolve(result && "result" in result ? result.result : undefined);
      };
      tx.onerror = tx.onabort = function () {
        db.close();
        reject(tx.error);
      };
    });
  });
}

function enqueue(entry) {
  return withStore("readwrite", function (store) {
    return store.add(entry);
  });
}

function queued() {
  return withStore("readonly", function (store) {
    return store.getAll();
  });
}

function unqueue(id) {
  return withStore("readwrite", function (store) {
    store.delete(id);
  });
}

/* --- helpers ---------------------------------------------------------------------------------- */

function sameOrigin(url) {
  return url.origin === self.location.origin;
}

function readerCache(prefix) {
  return caches.keys().then(function (names) {
    for (var i = 0; i < names.length; i++) {
      if (names[i].indexOf(prefix) === 0) {
        return caches.open(names[i]);
      }
    }
    return null;
  });
}

/* The list's first page is `/` whatever `?page=1` says. */
function pageKey(url) {
  if (url.pathname === "/" && (url.search === "" || url.search === "?page=1")) {
    return "/";
  }
  return url.pathname + url.search;
}

function keepable(response) {
  return response && response.ok && response.status === 200 && !response.redirected;
}

function tell(message) {
  return self.clients.matchAll({ type: "window" }).then(function (windows) {
    windows.forEach(function (client) {
      client.postMessage(message);
    });
  });
}

/* --- replaying the queue --------------------------------------------------------------------- */

var replaying = null;

function sendOne(entry) {
  return fetch(entry.url, {
    method: "POST",
    body: entry.body,
    headers: { "Content-Type": entry.type },
    credentials: "same-origin",
    redirect: "follow",
  }).then(function (response) {
    var landed = new URL(response.url || entry.url, self.location.href);
    if (landed.pathname === LOGIN || response.status >= 500) {
      return false; // logged out, or the server is unwell: keep it for later
    }
    return true; // done, or refused for good (404: the story is gone; 403: another session)
  });
}

function replay() {
  if (replaying) {
    return replaying;
  }
  var sent = 0;
  replaying = queued()
    .then(function (entries) {
      var chain = Promise.resolve(true);
      entries.forEach(function (entry) {
        chain = chain.then(function (goOn) {
          if (!goOn) {
            return false;
          }
          return sendOne(entry).then(function (done) {
            if (!done) {
              return false;
            }
            sent++;
            return unqueue(entry.id).then(function () {
              return true;
            });
          });
        });
      });
      return chain;
    })
    .catch(function () {
      return false; // still offline: the entries stay
    })
    .then(function () {
      return queued();
    })
    .then(
      function (left) {
        replaying = null;
        return tell({ type: "replayed", sent: sent, pending: left.length }).then(function () {
          return sent;
        });
      },
      function () {
        replaying = null; // the queue could not be read: the next replay tries again
        return sent;
      }
    );
  return replaying;
}

/* --- keeping the reader's pages -------------------------------------------------------------- */

function keep(cache, url) {
  var asked = {
    credentials: "same-origin",
    cache: "no-cache",
    // A copy: rendered without the reader's pending messages, left for the page they will see.
    headers: { "X-Broadsheet-Copy": "offline" },
  };
  return fetch(url, asked).then(function (response) {
    if (keepable(response)) {
      return cache.put(url, response);
    }
    return undefined;
  });
}

function keepAll(cache, urls, skip) {
  var todo = urls.slice();
  function next() {
    var url = todo.shift();
    if (url === undefined) {
      return Promise.resolve();
    }
    var done = skip
      ? cache.match(url).then(function (hit) {
          return hit ? undefined : keep(cache, url);
        })
      : keep(cache, url);
    return done.catch(function () {}).then(next);
  }
  var runners = [];
  for (var i = 0; i < PARALLEL; i++) {
    runners.push(next());
  }
  return Promise.all(runners);
}

function prune(cache, wanted) {
  return cache.keys().then(function (requests) {
    return Promise.all(
      requests.map(function (request) {
        var url = new URL(request.url);
        return wanted.has(url.pathname + url.search) ? null : cache.delete(request);
      })
    );
  });
}

function dropOtherReaders(reader) {
  return caches.keys().then(function (names) {
    return Promise.all(
      names.map(function (name) {
        var mine = name === PAGES + reader || name === IMAGES + reader;
        var perReader = name.indexOf(PAGES) === 0 || name.indexOf(IMAGES) === 0;
        var oldShell = name.indexOf("broadsheet-shell-") === 0 && name !== SHELL;
        return (perReader && !mine) || oldShell ? caches.delete(name) : null;
      })
    );
  });
}

function sync() {
  return replay()
    .then(function () {
      return fetch(MANIFEST, { credentials: "same-origin", cache: "no-store" });
    })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("no offline manifest: " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      var pageUrls = data.pages.concat(
        data.stories.map(function (story) {
          return story.url;
        })
      );
      var imageUrls = [];
      data.stories.forEach(function (story) {
        imageUrls = imageUrls.concat(story.images);
      });
      return dropOtherReaders(data.reader)
        .then(function () {
          return caches.open(SHELL);
        })
        .then(function (shell) {
          return keepAll(shell, data.assets.concat([data.offline_page]), false);
        })
        .then(function () {
          return Promise.all([caches.open(PAGES + data.reader), caches.open(IMAGES + data.reader)]);
        })
        .then(function (opened) {
          return keepAll(opened[0], pageUrls, false)
            .then(function () {
              return keepAll(opened[1], imageUrls, true);
            })
            .then(function () {
              return Promise.all([
                prune(opened[0], new Set(pageUrls)),
                prune(opened[1], new Set(imageUrls)),
              ]);
            });
        })
        .then(function () {
          return queued();
        })
        .then(function (left) {
          return tell({ type: "synced", stories: data.stories.length, pending: left.length });
        });
    })
    .catch(function (error) {
      return tell({ type: "sync-failed", reason: String(error) });
    });
}

/* --- answering requests ---------------------------------------------------------------------- */

function fallback(url) {
  return readerCache(PAGES)
    .then(function (cache) {
      return cache ? cache.match(pageKey(url), { ignoreVary: true }) : undefined;
    })
    .then(function (hit) {
      return hit || caches.match(OFFLINE_PAGE, { ignoreVary: true, cacheName: SHELL });
    })
    .then(function (hit) {
      return hit || Response.error();
    });
}

function navigate(event, url) {
  var kept = url.pathname === "/" || STORY.test(url.pathname);
  return fetch(event.request).then(
    function (response) {
      // The network answers: whatever waits can go now, and the copy is refreshed.
      event.waitUntil(replay());
      if (kept && keepable(response)) {
        var copy = response.clone();
        event.waitUntil(
          readerCache(PAGES).then(function (cache) {
            return cache ? cache.put(pageKey(url), copy) : undefined;
          })
        );
      }
      return response;
    },
    function () {
      return fallback(url);
    }
  );
}

function image(event) {
  return readerCache(IMAGES).then(function (cache) {
    var hit = cache ? cache.match(event.request, { ignoreVary: true }) : Promise.resolve();
    return hit.then(function (found) {
      if (found) {
        return found;
      }
      return fetch(event.request).then(function (response) {
        if (cache && keepable(response)) {
          event.waitUntil(cache.put(event.request.url, response.clone()));
        }
        return response;
      });
    });
  });
}

function staticFile(event) {
  return fetch(event.request).catch(function () {
    return caches.match(event.request, { ignoreVary: true, cacheName: SHELL }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

/* Where the browser goes after a change kept for later: the list it came from (which shows what
 * waits), else the unread list. A story's page would still show the story as it was. */
function afterChange(body, type) {
  var back = "/";
  if (type.indexOf("application/x-www-form-urlencoded") === 0) {
    var next = new URLSearchParams(body).get("next") || "";
    if (next.charAt(0) === "/" && next.charAt(1) !== "/" && next.indexOf("\\") < 0) {
      back = next.indexOf("/items/") === 0 ? "/" : next;
    }
  }
  return new URL(back, self.location.href).href;
}

function change(event, url, match) {
  var request = event.request;
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.text().then(function (body) {
      var type = request.headers.get("Content-Type") || "application/x-www-form-urlencoded";
      var target = url.pathname;
      if (match[2] === "progress") {
        // When the reader was there: an older report must not move them back (core.services).
        target += "?at=" + Date.now();
      }
      return enqueue({
        url: target,
        body: body,
        type: type,
        kind: match[2],
        item: Number(match[1]),
        at: Date.now(),
      }).then(function () {
        if (request.mode === "navigate") {
          return Response.redirect(afterChange(body, type), 303);
        }
        return new Response(null, { status: 202 });
      });
    });
  });
}

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(
    caches
      .open(SHELL)
      .then(function (shell) {
        return keep(shell, OFFLINE_PAGE);
      })
      .catch(function () {
        // Kept at the next sync instead: installing does not depend on it.
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (!sameOrigin(url)) {
    return;
  }
  if (request.method === "POST") {
    var match = QUEUED.exec(url.pathname);
    if (match) {
      event.respondWith(change(event, url, match));
    }
    return;
  }
  if (request.method !== "GET" || url.pathname === MANIFEST || url.pathname === "/sw.js") {
    return;
  }
  if (url.pathname === SHARE) {
    // Left to the browser: the share view trusts `Sec-Fetch-Site: none` (the share sheet), and
    // a request the worker makes again would say `same-origin`.
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (url.pathname.indexOf("/images/") === 0) {
    event.respondWith(image(event));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(event));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "sync") {
    event.waitUntil(sync());
  } else if (data.type === "replay") {
    event.waitUntil(replay());
  }
});
