// The toolbar button's popup: opening it is the reader's one click. It asks the background to
// save the tab, shows the answer in the words of the web app, and offers tags for the story.
"use strict";

const ext = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);

function show(result) {
  const box = $("result");
  box.className = `result ${result.outcome}`;
  box.replaceChildren(
    ...result.lines.map((text, i) => {
      const p = document.createElement("p");
      p.className = i === 0 ? "line first" : "line";
      p.textContent = text;
      return p;
    }),
  );
  if (result.link) {
    const a = document.createElement("a");
    a.href = result.link.href;
    a.textContent = result.link.text;
    a.target = "_blank";
    a.rel = "noopener";
    $("links").replaceChildren(a);
    $("links").hidden = false;
  }
  if (result.itemId) {
    $("tags-form").hidden = false;
    $("tags-form").dataset.itemId = String(result.itemId);
  }
  $("options-link").hidden = !result.options;
}

$("open-options").addEventListener("click", () => {
  ext.runtime.openOptionsPage();
  window.close();
});

$("tags-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const names = $("tags").value.split(",").map((n) => n.trim()).filter(Boolean);
  $("tags-result").textContent = "Saving the tags…";
  const reply = await ext.runtime.sendMessage({
    type: "tags",
    itemId: Number($("tags-form").dataset.itemId),
    tags: names,
  });
  $("tags-result").textContent = reply.ok
    ? `Tags: ${reply.tags.join(", ") || "none"}.`
    : reply.message || "The tags were not saved.";
});

// The tab under the popup: the active tab of the popup's own window.
ext.tabs
  .query({ active: true, currentWindow: true })
  .then(([tab]) => ext.runtime.sendMessage({ type: "save", tabId: tab ? tab.id : undefined }))
  .then(show, (error) =>
    show({ outcome: "problem", lines: ["Failed to save", String(error)], options: false }),
  );
