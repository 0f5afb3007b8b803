// The options page: the server's address, the token, tags for every save, a connection test.
// The host permission for the server is asked here, in the click's own handler (Firefox grants
// it only there), before anything else is awaited.
"use strict";

const ext = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);

function say(text, ok) {
  $("status").textContent = text;
  $("status").className = `status ${ok ? "ok" : "problem"}`;
}

function tagNames() {
  return $("tags").value.split(",").map((n) => n.trim()).filter(Boolean);
}

// Ask for the server's origin; resolves to the base address, or "" (the reason is shown).
function allow() {
  const base = serverBase($("server").value);
  if (!base) {
    say("The address must start with https:// (or http://).", false);
    return Promise.resolve("");
  }
  const origin = `${new URL(base).protocol}//${new URL(base).hostname}/*`;
  return ext.permissions.request({ origins: [origin] }).then(
    (granted) => {
      if (!granted) say(`Without that permission the extension cannot reach ${base}.`, false);
      return granted ? base : "";
    },
    (error) => {
      say(String(error), false);
      return "";
    },
  );
}

$("options-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("token").value.trim();
  allow().then(async (base) => {
    if (!base) return;
    await ext.storage.local.set({ server: base, token, tags: tagNames() });
    $("server").value = base;
    const reply = await ext.runtime.sendMessage({ type: "test", server: base, token });
    say(reply.ok ? `Saved. ${reply.message}` : `Saved, but: ${reply.message}`, reply.ok);
  });
});

$("test").addEventListener("click", () => {
  const token = $("token").value.trim();
  allow().then(async (base) => {
    if (!base) return;
    say("Testing…", true);
    const reply = await ext.runtime.sendMessage({ type: "test", server: base, token });
    say(reply.message, reply.ok);
  });
});

ext.storage.local.get(["server", "token", "tags"]).then((stored) => {
  $("server").value = stored.server || "";
  $("token").value = stored.token || "";
  $("tags").value = Array.isArray(stored.tags) ? stored.tags.join(", ") : "";
});
