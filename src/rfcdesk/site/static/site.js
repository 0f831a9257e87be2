// rfcdesk site: filters and sorting for the index, search, and live reload under `serve`.
// Every page works without this script; it only adds what a static page cannot do.
"use strict";

function filterIndex() {
  const table = document.getElementById("proposals");
  const form = document.getElementById("filters");
  if (!table || !form) return;
  const rows = Array.from(table.tBodies[0].rows);
  const shown = document.getElementById("shown");
  const keys = ["status", "author", "year", "release"];

  const facets = Array.from(document.querySelectorAll("[data-status-link]"));
  const plural = (n) => (n === 1 ? "proposal" : "proposals");

  function apply() {
    const params = new URLSearchParams(location.search);
    const matches = (row, key) => {
      const want = params.get(key);
      if (!want) return true;
      if (key === "author") return row.dataset.author.split("|").includes(want);
      return row.dataset[key] === want;
    };
    let count = 0;
    // Each status badge counts the rows the other filters leave, so it says what a click shows.
    const byStatus = new Map();
    for (const row of rows) {
      const others = keys.every((key) => key === "status" || matches(row, key));
      if (others) byStatus.set(row.dataset.status, (byStatus.get(row.dataset.status) || 0) + 1);
      const ok = others && matches(row, "status");
      row.hidden = !ok;
      if (ok) count += 1;
    }
    for (const key of keys) form.elements[key].value = params.get(key) || "";
    const active = params.get("status") || "";
    for (const link of facets) {
      const n = byStatus.get(link.dataset.statusLink) || 0;
      link.querySelector("[data-count]").textContent = String(n);
      link.classList.toggle("empty", n === 0);
      link.setAttribute("aria-pressed", String(link.dataset.statusLink === active));
    }
    shown.textContent = count === rows.length
      ? `${rows.length} ${plural(rows.length)}` : `${count} of ${rows.length} ${plural(rows.length)}`;
  }

  function update() {
    const params = new URLSearchParams();
    for (const key of keys) {
      const value = form.elements[key].value;
      if (value) params.set(key, value);
    }
    const query = params.toString();
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
    apply();
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", (event) => { event.preventDefault(); update(); });
  form.addEventListener("reset", () => setTimeout(update, 0));
  for (const link of document.querySelectorAll("[data-status-link]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      // A second click on the active badge drops the filter.
      const active = link.getAttribute("aria-pressed") === "true";
      form.elements.status.value = active ? "" : link.dataset.statusLink;
      update();
    });
  }
  window.addEventListener("popstate", apply);
  apply();

  for (const th of table.tHead.rows[0].cells) {
    th.querySelector("button").addEventListener("click", () => {
      const key = th.dataset.sort;
      const descending = th.getAttribute("aria-sort") === "ascending";
      for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const value = (row) => (key === "status" || key === "authors"
        ? row.cells[th.cellIndex].textContent.trim().toLowerCase() : row.dataset[key] || "");
      rows.sort((a, b) => value(a).localeCompare(value(b), undefined, { numeric: true }));
      if (descending) rows.reverse();
      for (const row of rows) table.tBodies[0].appendChild(row);
    });
  }
}

// Under `serve`: reload after a good rebuild; after a failed one, show what failed over the
// page (which still shows the last good build) until the next good one. The failure is the
// server's text about the reader's own files, so it goes in as text, never as markup.
function buildErrorOverlay() {
  const box = document.createElement("section");
  box.id = "rfcdesk-build-error";
  box.className = "build-error";
  box.setAttribute("role", "alert");
  const heading = document.createElement("h2");
  heading.textContent = "The site did not build";
  const file = document.createElement("p");
  file.className = "build-error-file";
  const message = document.createElement("pre");
  message.className = "build-error-message";
  const note = document.createElement("p");
  note.textContent = "This page shows the last good build; it reloads when the folder builds again.";
  const hide = document.createElement("button");
  hide.type = "button";
  hide.textContent = "Hide";
  hide.addEventListener("click", () => { box.hidden = true; });
  box.append(heading, file, message, note, hide);
  document.body.append(box);
  return box;
}

function liveReload() {
  if (!document.body.dataset.live) return;
  const events = new EventSource("/__rfcdesk/events");
  let overlay = null;
  events.addEventListener("reload", () => location.reload());
  // On (re)connecting to a server whose build is good: drop a failure shown before.
  events.addEventListener("ready", () => { if (overlay) location.reload(); });
  events.addEventListener("build-error", (event) => {
    const failure = JSON.parse(event.data);
    overlay = overlay || buildErrorOverlay();
    const file = overlay.querySelector(".build-error-file");
    file.textContent = failure.file || "";
    file.hidden = !failure.file;
    overlay.querySelector(".build-error-message").textContent = failure.message;
    overlay.hidden = false;
  });
}

// A proposal page: how long it has held its status, counted on the reader's day (the page
// itself says only since when, so that it stays true between builds).
function statusAge() {
  for (const since of document.querySelectorAll("[data-since]")) {
    const days = Math.floor((Date.now() - Date.parse(since.dataset.since)) / 86400000);
    if (!(days >= 0)) continue;
    since.textContent = `for ${days} ${days === 1 ? "day" : "days"} (since ${since.dataset.since.slice(0, 10)})`;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  filterIndex();
  statusAge();
  liveReload();
});
