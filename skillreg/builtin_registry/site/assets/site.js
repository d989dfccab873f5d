// skillreg catalog: search as you type over sharded JSON, facets, and the copy button.
// Everything from the registry is put on the page with textContent, never as markup.
"use strict";

(function () {
  const root = document.body.dataset.root || "";
  const SEARCH = root + "site/search/";
  const FACETS = ["tier", "council", "category"];
  const CHUNK = 128;
  const PAGE = 25;
  const STOP = new Set(("a an and are as at be by for from in into is it its of on or that the " +
    "this to with you your use when").split(" "));
  const cache = new Map();

  function getJSON(path) {
    if (!cache.has(path)) {
      cache.set(path, fetch(path).then((r) => (r.ok ? r.json() : null)).catch(() => null));
    }
    return cache.get(path);
  }

  // Mirrors skillreg.registry.site.search.tokens and shard_key.
  function tokens(text) {
    const words = text.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
    return words.filter((w) => w.length > 1 && w.length <= 32 && !STOP.has(w));
  }
  function shardKey(token) {
    let key = "";
    for (const c of Array.from(token).slice(0, 2)) {
      key += /^[a-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16);
    }
    return key;
  }
  function prefix(name) {
    if (name.length <= 2) return String(name.length);
    if (name.length === 3) return "3/" + name[0];
    return name.slice(0, 2) + "/" + name.slice(2, 4);
  }
  function pageOf(name) { return root + "site/skills/" + prefix(name) + "/" + name + ".html"; }

  // Optimal string alignment distance, giving up above `limit`.
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let prev2 = null, prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const cur = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d = Math.min(d, prev2[j - 2] + 1);
        }
        cur.push(d);
        best = Math.min(best, d);
      }
      if (best > limit) return limit + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }

  // A typo in the first two letters moves a word to another shard: also look where a swapped,
  // dropped or extra first letter would put it.
  function candidateShards(word) {
    const keys = new Set([shardKey(word)]);
    if (word.length >= 4) {
      keys.add(shardKey(word[1] + word[0])).add(shardKey(word[0] + word[2]));
      keys.add(shardKey(word.slice(1)));
    }
    return Array.from(keys);
  }

  const FIELD_WEIGHT = [3, 2, 1];
  async function matchWord(word, last) {
    const limit = word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0;
    const scores = new Map();
    const known = new Set(((await getJSON(SEARCH + "facets.json")) || {}).shards || []);
    const keys = candidateShards(word).filter((k) => known.has(k));
    const shards = await Promise.all(keys.map((k) => getJSON(SEARCH + "t/" + k + ".json")));
    for (const shard of shards) {
      if (!shard) continue;
      for (const token in shard) {
        let quality = 0;
        if (token === word) quality = 1;
        else if (last && token.startsWith(word)) quality = 0.75;
        else if (limit) {
          const d = distance(word, token, limit);
          if (d <= limit) quality = d === 1 ? 0.5 : 0.3;
        }
        if (!quality) continue;
        let posting = 0;
        for (const gap of shard[token]) {  // sorted postings, stored as gaps
          posting += gap;
          const id = Math.floor(posting / 4);
          const score = quality * FIELD_WEIGHT[posting % 4];
          if (score > (scores.get(id) || 0)) scores.set(id, score);
        }
      }
    }
    return scores;
  }

  async function search(query) {
    const words = tokens(query);
    if (!words.length) return null;
    const maps = await Promise.all(words.map((w, i) => matchWord(w, i === words.length - 1)));
    const total = new Map();
    for (const [id, score] of maps[0]) total.set(id, score);
    for (const m of maps.slice(1)) {
      for (const id of Array.from(total.keys())) {
        if (m.has(id)) total.set(id, total.get(id) + m.get(id));
        else total.delete(id);
      }
    }
    return Array.from(total.entries()).sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((e) => e[0]);
  }

  async function records(ids) {
    const chunks = await Promise.all(
      Array.from(new Set(ids.map((id) => Math.floor(id / CHUNK)))).map((n) =>
        getJSON(SEARCH + "r/" + n + ".json").then((c) => [n, c || {}])));
    const byChunk = new Map(chunks);
    return ids.map((id) => byChunk.get(Math.floor(id / CHUNK))[String(id)]).filter(Boolean);
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function home() {
    const input = document.getElementById("q");
    const list = document.getElementById("results");
    const status = document.getElementById("status");
    const more = document.getElementById("more");
    const facetBox = document.getElementById("facets");
    const chosen = new Map(FACETS.map((f) => [f, new Set()]));
    let columns = null, shown = [], offset = 0, generation = 0;

    function loadColumns() {
      return getJSON(SEARCH + "columns.json").then((c) => (columns = c));
    }

    function drawFacets(counts) {
      facetBox.replaceChildren();
      for (const facet of FACETS) {
        const values = counts[facet] || [];
        if (!values.length) continue;
        const set = el("fieldset");
        set.append(el("legend", {}, facet.charAt(0).toUpperCase() + facet.slice(1)));
        let target = set;
        values.forEach(([value, count], i) => {
          if (i === 8) { target = el("details"); target.append(el("summary", {}, "More")); set.append(target); }
          const label = el("label");
          const box = el("input", { type: "checkbox", "data-facet": facet });
          box.value = value;
          box.checked = chosen.get(facet).has(value);
          box.addEventListener("change", () => {
            box.checked ? chosen.get(facet).add(value) : chosen.get(facet).delete(value);
            run();
          });
          label.append(box, el("span", {}, value), el("span", { class: "count" }, String(count)));
          target.append(label);
        });
        facetBox.append(set);
      }
    }

    function countsOf(ids) {
      const counts = {};
      for (const facet of FACETS) {
        const column = columns.columns[facet], names = columns.values[facet], tally = new Map();
        for (const id of ids) {
          const v = column[id];
          if (v >= 0) tally.set(v, (tally.get(v) || 0) + 1);
        }
        counts[facet] = Array.from(tally.entries()).map(([v, n]) => [names[v], n])
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        for (const value of chosen.get(facet)) {
          if (!counts[facet].some((c) => c[0] === value)) counts[facet].push([value, 0]);
        }
      }
      return counts;
    }

    function passes(id, skip) {
      for (const facet of FACETS) {
        const want = chosen.get(facet);
        if (facet === skip || !want.size) continue;
        const v = columns.columns[facet][id];
        if (v < 0 || !want.has(columns.values[facet][v])) return false;
      }
      return true;
    }

    async function drawPage() {
      const mine = generation;
      const rows = await records(shown.slice(offset, offset + PAGE));
      if (mine !== generation) return;
      for (const r of rows) {
        const [name, desc, latest, deprecated, tier, council, category] = r;
        const item = el("li", deprecated ? { class: "deprecated" } : {});
        item.append(el("a", { href: pageOf(name) }, name));
        if (desc) item.append(el("p", { class: "desc" }, desc));
        const tags = el("ul", { class: "tags", "aria-label": "Details" });
        if (latest) tags.append(el("li", {}, latest));
        for (const t of [tier, council, category]) if (t) tags.append(el("li", {}, t));
        if (deprecated) tags.append(el("li", { class: "tag dep" }, "deprecated"));
        item.append(tags);
        list.append(item);
      }
      offset += PAGE;
      more.hidden = offset >= shown.length;
    }

    async function run() {
      const mine = ++generation;
      const query = input.value;
      const filtering = FACETS.some((f) => chosen.get(f).size);
      let ids = await search(query);
      if (ids !== null || filtering) await loadColumns();
      if (mine !== generation) return;
      if (ids === null) ids = filtering ? columns.columns.tier.map((_, i) => i) : null;
      if (ids === null) {  // nothing asked yet: the lowest ids (by name after a full build)
        const facets = await getJSON(SEARCH + "facets.json");
        if (mine !== generation) return;
        drawFacets(facets ? facets.facets : {});
        shown = Array.from({ length: Math.min(PAGE, facets ? facets.total : 0) }, (_, i) => i);
        status.textContent = "";
      } else {
        ids = ids.filter((id) => columns.columns.tier[id] !== undefined);
        const counts = countsOf(ids.filter((id) => passes(id, null)));
        drawFacets(counts);
        shown = ids.filter((id) => passes(id, null));
        status.textContent = shown.length === 1 ? "1 skill found" : shown.length + " skills found";
      }
      list.replaceChildren();
      offset = 0;
      await drawPage();
      if (mine === generation) list.dataset.query = query;  // drawn: tests and styles can tell
    }

    let timer = null;
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 120); });
    document.getElementById("search-form").addEventListener("submit", (e) => { e.preventDefault(); run(); });
    more.addEventListener("click", drawPage);
    const initial = new URLSearchParams(location.search).get("q");
    if (initial) input.value = initial;
    run();
  }

  function skillPage() {
    const code = document.getElementById("install-cmd");
    const registry = new URL(root || "./", location.href).href;
    code.textContent = "skill install " + code.dataset.skill + " --registry " + registry;
    const status = document.querySelector(".copied");
    for (const button of document.querySelectorAll("button.copy")) {
      button.addEventListener("click", async () => {
        const text = document.getElementById(button.dataset.copy).textContent;
        try {
          await navigator.clipboard.writeText(text);
          status.textContent = "Copied to the clipboard.";
        } catch (e) {
          status.textContent = "Copy failed: select the command and copy it.";
        }
      });
    }
  }

  if (document.getElementById("q")) home();
  if (document.getElementById("install-cmd")) skillPage();
})();
