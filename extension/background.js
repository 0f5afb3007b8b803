// Save to Broadsheet: the background (Chromium's service worker, Firefox's event page; one file).
//
// Everything that talks to the reader's server is here. The popup asks for a save when the reader
// clicks the toolbar button (or presses the shortcut): that click grants `activeTab`, so this
// script may read the one tab the reader chose, and no other. It takes the page as the reader's
// browser has it (`document.documentElement.outerHTML`, after the site's own scripts and the
// reader's login), and posts it with the address to POST /api/v1/items, with the reader's token.
// The server extracts that HTML exactly as a page it fetched and fetches nothing. The page goes
// to the reader's own server and nowhere else.
//
// No remote code, no eval: this file, address.js, the popup's and the options page's are the whole
// program.

"use strict";

// Firefox has `browser` (promises); Chromium's `chrome` returns promises in Manifest V3 too.
const ext = globalThis.browser ?? globalThis.chrome;

// serverBase(): address.js, listed before this file in Firefox's background scripts; Chromium's
// service worker loads it here.
if (typeof serverBase !== "function" && typeof importScripts === "function") {
  importScripts("address.js");
}

// The contract's words (docs/index.md), as the web app shows them.
const SAVED = [
  "This item has been saved to read later from any device.",
  "Access saved items through your user name at the top of the page.",
];
const FAILED = "Failed to save";
const MANAGE = "Please visit following link to manage your saved items.";
const VIEW = "View Saved Items";

// Settings, in the browser's local storage (never synced: the token stays on this device).
async function settings() {
  const stored = await ext.storage.local.get(["server", "token", "tags"]);
  return {
    server: stored.server || "",
    token: stored.token || "",
    tags: Array.isArray(stored.tags) ? stored.tags : [],
  };
}


// The host permission the extension needs to reach the server (asked on the options page).
function originPattern(base) {
  const url = new URL(base);
  return `${url.protocol}//${url.hostname}/*`;
}

async function mayReach(base) {
  return ext.permissions.contains({ origins: [originPattern(base)] });
}

async function api(config, method, path, body) {
  const init = {
    method,
    headers: { Authorization: `Bearer ${config.token}`, Accept: "application/json" },
    credentials: "omit", // the token is the credential; no cookie of the server's goes along
    cache: "no-store",
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${config.server}/api/v1${path}`, init);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, data };
}

function errorOf(reply) {
  const error = reply.data && reply.data.error;
  return error && typeof error === "object" ? error : { code: "", message: "" };
}

// A problem before or around the request, in words, with what to do about it.
function problem(message, { options = false } = {}) {
  return { outcome: "problem", lines: [FAILED, message], options };
}

// The page as the reader has it. Runs in the page (injected with scripting.executeScript): it
// must use nothing from this file.
function readPage() {
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "";
  return {
    url: document.URL,
    html: (doctype ? doctype + "\n" : "") + document.documentElement.outerHTML,
  };
}

async function activeTab() {
  const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
  return tab;
}

async function takePage(tab) {
  const [result] = await ext.scripting.executeScript({
    target: { tabId: tab.id },
    func: readPage,
  });
  if (!result || !result.result || typeof result.result.html !== "string") {
    throw new Error("the page gave nothing back");
  }
  return result.result;
}

function outcomeOf(reply, config) {
  const list = `${config.server}/`;
  if (reply.status === 201) {
    const item = reply.data;
    return {
      outcome: "saved",
      lines: SAVED,
      link: { href: list, text: VIEW },
      itemId: item.id,
      tags: item.tags || [],
    };
  }
  const error = errorOf(reply);
  if (error.code === "already_saved") {
    return {
      outcome: "already",
      lines: [FAILED, error.message],
      link: { href: `${config.server}/items/${error.item_id}/`, text: "View the saved item" },
      itemId: error.item_id,
    };
  }
  if (error.code === "quota_exceeded") {
    return {
      outcome: "quota",
      lines: [FAILED, error.message, MANAGE],
      link: { href: list, text: VIEW },
    };
  }
  if (reply.status === 401 || reply.status === 429) {
    return problem(
      `${error.message || "The server refused the token."} Make a new token on your ` +
        "Broadsheet's Settings page and set it in the extension's options.",
      { options: true },
    );
  }
  if (error.message) return problem(error.message);
  return problem(`The server answered ${reply.status}. Is ${config.server} your Broadsheet?`, {
    options: true,
  });
}

// What the toolbar button shows after a save, on that tab only.
const BADGES = {
  saved: { text: "✓", color: "#2e7d32" },
  already: { text: "✓", color: "#5f6b7a" },
  quota: { text: "!", color: "#9c2b1e" },
  problem: { text: "!", color: "#9c2b1e" },
};

async function showOn(tabId, result) {
  const badge = BADGES[result.outcome] || BADGES.problem;
  try {
    await ext.action.setBadgeBackgroundColor({ tabId, color: badge.color });
    await ext.action.setBadgeText({ tabId, text: badge.text });
    await ext.action.setTitle({ tabId, title: result.lines.join(" ") });
  } catch {
    // The tab closed meanwhile: nothing to show.
  }
}

// The last outcome per tab (for the popup opened again, and for tests), while the background runs.
const lastResults = new Map();

async function saveTab(tab) {
  const config = await settings();
  config.server = serverBase(config.server);
  if (!config.server || !config.token) {
    return problem("Set your Broadsheet's address and your token in the extension's options.", {
      options: true,
    });
  }
  if (!(await mayReach(config.server))) {
    return problem(
      `The extension may not reach ${config.server} yet: press Save in its options and allow it.`,
      { options: true },
    );
  }
  if (!tab || !/^https?:/.test(tab.url || "https:")) {
    return problem("Only web pages (http and https addresses) can be saved.");
  }
  let body;
  try {
    const page = await takePage(tab);
    body = { url: page.url, html: page.html };
  } catch (error) {
    // A page no extension may read (the browser's store, a PDF viewer): the server fetches it.
    if (!tab.url || !/^https?:/.test(tab.url)) {
      return problem(`This page cannot be read (${error.message}).`);
    }
    body = { url: tab.url };
  }
  if (config.tags.length) body.tags = config.tags;
  let reply;
  try {
    reply = await api(config, "POST", "/items", body);
  } catch (error) {
    return problem(`Could not reach ${config.server}: ${error.message}.`, { options: true });
  }
  const result = outcomeOf(reply, config);
  result.server = config.server;
  result.whole = "html" in body;
  return result;
}

// `tabId`: the tab the popup was opened over (else the active tab of the last focused window).
async function saveActiveTab(tabId) {
  const tab = Number.isInteger(tabId) ? await ext.tabs.get(tabId) : await activeTab();
  lastResults.set(tab && tab.id, { outcome: "saving", lines: ["Saving…"] });
  if (tab) await ext.action.setBadgeText({ tabId: tab.id, text: "…" });
  let result;
  try {
    result = await saveTab(tab);
  } catch (error) {
    result = problem(String(error && error.message ? error.message : error));
  }
  if (tab) {
    lastResults.set(tab.id, result);
    await showOn(tab.id, result);
  }
  return result;
}

// Add tags to a saved story (the popup's field): the story keeps the tags it had.
async function addTags(itemId, names) {
  const config = await settings();
  config.server = serverBase(config.server);
  const wanted = names.map((n) => n.trim()).filter(Boolean);
  if (!wanted.length) return { ok: true, tags: [] };
  try {
    const current = await api(config, "GET", `/items/${Number(itemId)}`);
    if (current.status !== 200) return { ok: false, message: errorOf(current).message };
    const tags = [...(current.data.tags || []), ...wanted];
    const reply = await api(config, "PATCH", `/items/${Number(itemId)}`, { tags });
    if (reply.status !== 200) return { ok: false, message: errorOf(reply).message };
    return { ok: true, tags: reply.data.tags };
  } catch (error) {
    return { ok: false, message: `Could not reach ${config.server}: ${error.message}.` };
  }
}

// "Test connection" on the options page, with what is typed there (saved or not).
async function testConnection(server, token) {
  const base = serverBase(server);
  if (!base) return { ok: false, message: "The address must start with https:// (or http://)." };
  if (!token) return { ok: false, message: "Paste a token made on your Broadsheet's Settings page." };
  if (!(await mayReach(base))) {
    return { ok: false, message: `The extension was not allowed to reach ${base}.` };
  }
  try {
    const reply = await api({ server: base, token }, "GET", "/me");
    if (reply.status === 200 && reply.data && reply.data.username) {
      return {
        ok: true,
        message: `Connected to ${base} as ${reply.data.username}: ${reply.data.counter}.`,
      };
    }
    const error = errorOf(reply);
    if (reply.status === 401) {
      return { ok: false, message: `${base} refused the token: ${error.message}` };
    }
    return {
      ok: false,
      message: error.message || `${base} answered ${reply.status}: is it a Broadsheet server?`,
    };
  } catch (error) {
    return { ok: false, message: `Could not reach ${base}: ${error.message}.` };
  }
}

ext.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the extension's own pages talk to the background.
  if (sender.id !== ext.runtime.id || !String(sender.url || "").startsWith(ext.runtime.getURL(""))) {
    return false;
  }
  let work;
  if (message && message.type === "save") work = saveActiveTab(message.tabId);
  else if (message && message.type === "tags") work = addTags(message.itemId, message.tags || []);
  else if (message && message.type === "test") work = testConnection(message.server, message.token);
  else return false;
  work.then(sendResponse, (error) => sendResponse(problem(String(error))));
  return true; // the answer comes later
});

// For the Chromium test (tests/browser/test_extension.py): the outcome of the last save of a tab.
globalThis.broadsheetLastResult = (tabId) => lastResults.get(tabId) || null;
