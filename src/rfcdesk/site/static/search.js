// rfcdesk site: the search page.
"use strict";

async function search() {
  const form = document.getElementById("search");
  if (!form) return;
  const query = new URLSearchParams(location.search).get("q") || "";
  form.elements.q.value = query;
  const status = document.getElementById("search-status");
  const list = document.getElementById("results");
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) { status.textContent = "Type words to find in every proposal."; return; }
  const response = await fetch(document.body.dataset.root + "search-index.json");
  const index = await response.json();
  // A word matches a proposal when it begins one of the proposal's words ("tag" finds
  // "tags"); proposals with the words in their title come first.
  const hits = [];
  for (const doc of index) {
    const title = (doc.label + " " + doc.title).toLowerCase();
    const haystack = " " + title + " " + doc.words;
    if (!words.every((w) => haystack.includes(" " + w))) continue;
    const score = words.filter((w) => title.includes(w)).length;
    hits.push({ doc, score });
  }
  hits.sort((a, b) => b.score - a.score);
  const matches = hits.length === 1 ? "1 proposal matches" : `${hits.length} proposals match`;
  status.textContent = `${matches} “${query}”.`;
  list.replaceChildren();
  for (const { doc } of hits) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = doc.url;
    link.textContent = `${doc.label}: ${doc.title}`;
    const snippet = document.createElement("p");
    snippet.textContent = `${doc.status} · ${doc.excerpt}…`;
    item.append(link, snippet);
    list.append(item);
  }
}

document.addEventListener("DOMContentLoaded", search);
