// rfcdesk site: the search page. Results as you type, each with the text around its first
// match marked; ArrowDown/ArrowUp pick a result, Enter opens it; the query lives in the URL.
// The index is in pieces under search/ (site/search.py says what each holds), loaded as
// scripts that hand their data to window.rfcdeskSearch, not fetched, so that the page works
// opened from disk; a search loads the manifest, the term shard of each query word, and the
// names and texts of the results it shows. Proposal text is untrusted: it only ever goes
// into the page as text nodes, never as markup.
"use strict";

const SNIPPET_CONTEXT = 60;
const DEBOUNCE_MS = 150;
const PAGE_SIZE = 20; // results shown at once; "Show more" adds as many
const MAX_TERM_CHARS = 40; // as site/search.py cuts terms

// The pieces of the index, as their scripts hand them over.
const pieces = { manifest: null, terms: new Map(), docs: new Map(), text: new Map() };
window.rfcdeskSearch = {
  manifest(data) { pieces.manifest = data; },
  terms(key, rows) { pieces.terms.set(key, rows); },
  docs(chunk, rows) { pieces.docs.set(chunk, rows); },
  text(chunk, first, texts) { pieces.text.set(chunk, { first, texts }); },
};

// Each piece is asked for once; the promise settles when its script has run.
const requested = new Map();
function load(file) {
  if (!requested.has(file)) {
    requested.set(file, new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = `${document.body.dataset.root || ""}search/${file}`;
      script.onload = resolve;
      script.onerror = () => {
        requested.delete(file);
        script.remove();
        reject(new Error(`search/${file} did not load`));
      };
      document.head.append(script);
    }));
  }
  return requested.get(file);
}

// A query's words, cut as site/search.py cuts the text's terms: a run of letters, digits and
// underscores with the hyphens and apostrophes inside it, lowercased.
function queryWords(query) {
  const runs = query.toLowerCase().match(/[\p{L}\p{N}_][\p{L}\p{N}_'-]*/gu) || [];
  const cut = (run) => Array.from(run.replace(/['-]+$/, "")).slice(0, MAX_TERM_CHARS).join("");
  return [...new Set(runs.map(cut))];
}

// The shard that holds every term a word can begin: its first two characters (code points).
function shardKey(word) {
  return Array.from(word).slice(0, 2).join("");
}

function shardName(key) {
  const plain = (c) => /^[a-z0-9]$/.test(c);
  return Array.from(key).map((c) => (plain(c) ? c : `_${c.codePointAt(0).toString(16)}_`)).join("");
}

// Set the marks of the proposals a posting list names: base-36 gaps, or "=" and a bitmap.
function mark(code, marks) {
  if (code.startsWith("=")) {
    const bytes = atob(code.slice(1));
    for (let id = 0; id < marks.length; id += 1) {
      if ((bytes.charCodeAt(id >> 3) >> (id & 7)) & 1) marks[id] = 1;
    }
    return;
  }
  let id = -1;
  for (const gap of code.split(",")) {
    id += parseInt(gap, 36);
    marks[id] = 1;
  }
}

// Which proposals have a term the word begins, anywhere and in the label or title.
async function matches(word, count) {
  const body = new Uint8Array(count);
  const title = new Uint8Array(count);
  const key = shardKey(word);
  if (!Object.hasOwn(pieces.manifest.terms, key)) return { body, title };
  await load(`terms-${shardName(key)}.js`);
  for (const [term, anywhere, titled] of pieces.terms.get(key)) {
    if (!term.startsWith(word)) continue;
    mark(anywhere, body);
    if (titled) mark(titled, title);
  }
  return { body, title };
}

// The proposals that have every word: those with the words in their title first, then in
// index order.
async function findHits(words) {
  const count = pieces.manifest.docs;
  const found = await Promise.all(words.map((word) => matches(word, count)));
  const hits = [];
  for (let id = 0; id < count; id += 1) {
    if (!found.every((f) => f.body[id])) continue;
    hits.push({ id, score: found.reduce((n, f) => n + f.title[id], 0) });
  }
  hits.sort((a, b) => b.score - a.score); // stable: index order within a score
  return hits;
}

// Label, title, status, page and snippet text of the proposals to show.
async function describe(ids) {
  const per = pieces.manifest.docsPerChunk;
  const chunks = new Set(ids.map((id) => Math.floor(id / per)));
  await Promise.all([...chunks].map((n) => load(`docs-${n}.js`)));
  const docs = ids.map((id) => {
    const [label, title, status, url, text] = pieces.docs.get(Math.floor(id / per))[id % per];
    return { id, label, title, status, url, textChunk: text };
  });
  await Promise.all([...new Set(docs.map((d) => d.textChunk))].map((n) => load(`text-${n}.js`)));
  for (const doc of docs) {
    const chunk = pieces.text.get(doc.textChunk);
    doc.text = chunk.texts[doc.id - chunk.first];
  }
  return docs;
}

// A query word matches where it begins a word of the text ("tag" finds "tags").
function wordPattern(word) {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}_])(${escaped}[\\p{L}\\p{N}_'-]*)`, "iu");
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
  const more = document.getElementById("more");
  let active = -1;
  let timer = 0;
  let asked = 0; // the latest query's number: an older one's answer is dropped
  let pending = Promise.resolve();
  let hits = [];
  let patterns = [];
  let adding = false;

  function choose(position) {
    const items = list.children;
    if (!items.length) return;
    if (active >= 0 && items[active]) items[active].classList.remove("active");
    active = Math.max(0, Math.min(items.length - 1, position));
    items[active].classList.add("active");
    items[active].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  async function showMore(ticket) {
    if (adding) return;
    adding = true;
    try {
      const from = list.children.length;
      const docs = await describe(hits.slice(from, from + PAGE_SIZE).map((h) => h.id));
      if (ticket !== asked) return;
      docs.forEach((doc, offset) => {
        const item = document.createElement("li");
        item.id = `result-${from + offset}`;
        const link = document.createElement("a");
        link.href = doc.url;
        link.textContent = `${doc.label}: ${doc.title}`;
        item.append(link, snippet(doc, patterns));
        list.append(item);
      });
      const left = hits.length - list.children.length;
      more.hidden = left <= 0;
      more.textContent = `Show ${Math.min(left, PAGE_SIZE)} more (${left} not shown)`;
    } finally {
      adding = false;
    }
  }

  async function show(query) {
    const ticket = ++asked;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.replaceChildren();
    more.hidden = true;
    hits = [];
    const words = queryWords(query);
    patterns = words.map(wordPattern);
    if (!query) {
      status.textContent = "Type words to find in every proposal.";
      return;
    }
    try {
      if (words.length) {
        status.textContent = "Searching…";
        await load("manifest.js");
        const found = await findHits(words);
        if (ticket !== asked) return;
        hits = found;
      }
      if (!hits.length) {
        status.textContent = `No proposal matches “${query}”.`;
        return;
      }
      const matching = hits.length === 1 ? "1 proposal matches" : `${hits.length} proposals match`;
      status.textContent = `${matching} “${query}”.`;
      await showMore(ticket);
    } catch {
      if (ticket === asked) status.textContent = "The search index did not load: build the site again.";
    }
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
    pending = show(query);
    return pending;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      (timer ? update() : pending).then(() => choose(active + step));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      location.href = list.children[active].querySelector("a").href;
    }
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); update(); });
  more.addEventListener("click", () => { pending = showMore(asked); });

  const query = new URLSearchParams(location.search).get("q") || "";
  input.value = query;
  pending = show(query.trim());
}

document.addEventListener("DOMContentLoaded", search);
