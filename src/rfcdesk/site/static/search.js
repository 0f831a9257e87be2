// rfcdesk site: the search page. Results as you type, each with the text around its first
// match marked; ArrowDown/ArrowUp pick a result, Enter opens it; the query lives in the URL.
// The index comes from search-index.js (window.RFCDESK_SEARCH), a script, not a fetch, so
// that the page works opened from disk. Proposal text is untrusted: it only ever goes into
// the page as text nodes, never as markup.
"use strict";

const SNIPPET_CONTEXT = 60;
const DEBOUNCE_MS = 150;

// A query word matches where it begins a word of the text ("tag" finds "tags").
function wordPattern(word) {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}_])(${escaped}[\\p{L}\\p{N}_'-]*)`, "iu");
}

// Each proposal's title and everything searchable in it, joined once, not per keystroke.
const haystacks = new Map();

function findHits(index, words) {
  const patterns = words.map(wordPattern);
  const hits = [];
  for (const doc of index) {
    const title = `${doc.label} ${doc.title}`;
    if (!haystacks.has(doc)) haystacks.set(doc, `${title} ${doc.text} ${doc.rest_words}`);
    const all = haystacks.get(doc);
    if (!patterns.every((p) => p.test(all))) continue;
    const score = patterns.filter((p) => p.test(title)).length;
    hits.push({ doc, score, patterns });
  }
  // Stable sort: proposals with the words in their title first, then in index order.
  hits.sort((a, b) => b.score - a.score);
  return hits;
}

// The earliest match of any query word in the text: [start, end] of the matched word.
function firstMatch(text, patterns) {
  let best = null;
  for (const pattern of patterns) {
    const found = pattern.exec(text);
    if (!found) continue;
    const start = found.index + found[1].length;
    if (!best || start < best[0]) best = [start, start + found[2].length];
  }
  return best;
}

function snippet(doc, patterns) {
  const box = document.createElement("p");
  box.className = "snippet";
  const text = doc.text;
  const match = firstMatch(text, patterns);
  if (!match) {
    box.textContent = `${doc.status} · ${text.slice(0, 2 * SNIPPET_CONTEXT)}…`;
    return box;
  }
  let start = Math.max(0, match[0] - SNIPPET_CONTEXT);
  let end = Math.min(text.length, match[1] + SNIPPET_CONTEXT);
  // Whole words at both ends, when there is a space to cut at.
  if (start > 0) {
    const space = text.indexOf(" ", start);
    if (space !== -1 && space < match[0]) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    if (space > match[1]) end = space;
  }
  const mark = document.createElement("mark");
  mark.textContent = text.slice(match[0], match[1]);
  box.append(
    `${doc.status} · ${start > 0 ? "…" : ""}${text.slice(start, match[0])}`,
    mark,
    `${text.slice(match[1], end)}${end < text.length ? "…" : ""}`,
  );
  return box;
}

function search() {
  const form = document.getElementById("search");
  if (!form) return;
  const input = form.elements.q;
  const status = document.getElementById("search-status");
  const list = document.getElementById("results");
  const index = window.RFCDESK_SEARCH;
  let active = -1;
  let timer = 0;

  function choose(position) {
    const items = list.children;
    if (!items.length) return;
    if (active >= 0 && items[active]) items[active].classList.remove("active");
    active = Math.max(0, Math.min(items.length - 1, position));
    items[active].classList.add("active");
    items[active].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  function show(query) {
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.replaceChildren();
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!Array.isArray(index)) {
      status.textContent = "The search index did not load: build the site again.";
      return;
    }
    if (!words.length) {
      status.textContent = "Type words to find in every proposal.";
      return;
    }
    const hits = findHits(index, words);
    if (!hits.length) {
      status.textContent = `No proposal matches “${query}”.`;
      return;
    }
    const matches = hits.length === 1 ? "1 proposal matches" : `${hits.length} proposals match`;
    status.textContent = `${matches} “${query}”.`;
    hits.forEach(({ doc, patterns }, position) => {
      const item = document.createElement("li");
      item.id = `result-${position}`;
      const link = document.createElement("a");
      link.href = doc.url;
      link.textContent = `${doc.label}: ${doc.title}`;
      item.append(link, snippet(doc, patterns));
      list.append(item);
    });
  }

  function update() {
    clearTimeout(timer);
    timer = 0;
    const query = input.value.trim();
    const params = new URLSearchParams(location.search);
    if (query) params.set("q", query);
    else params.delete("q");
    const encoded = params.toString();
    history.replaceState(null, "", encoded ? `?${encoded}` : location.pathname);
    show(query);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (timer) update();
      choose(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      location.href = list.children[active].querySelector("a").href;
    }
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); update(); });

  const query = new URLSearchParams(location.search).get("q") || "";
  input.value = query;
  show(query.trim());
}

document.addEventListener("DOMContentLoaded", search);
