// The server's address as the extension keeps it, for the background and the options page (one
// copy: the background loads it with importScripts in Chromium, and first in Firefox's list).
"use strict";

// "https://news.example.org/broadsheet/" -> "https://news.example.org/broadsheet"; "" if it is
// not an http(s) address.
function serverBase(raw) {
  let url;
  try {
    url = new URL(String(raw).trim());
  } catch {
    return "";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "";
  return (url.origin + url.pathname).replace(/\/+$/, "");
}
