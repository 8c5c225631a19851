// Signpost search for plain static hosting. It follows the server's rules exactly
// (src/search/text.rs and query.rs); tests/search.rs runs both on the same queries.
// Without this script the search page still offers the browse pages.
(function () {
  "use strict";
  var STOP = "a an and any are at be by can do for from i in is it me my near of on or some the there to want we what when where which who with you".split(" ");
  var DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
  var MAX_CHARS = 200, MAX_WORDS = 12, PAGE = 20;

  function words(t) {
    return t.split(/[^\p{L}\p{N}]+/u).filter(Boolean).map(function (w) { return w.toLowerCase(); });
  }
  function len(w) { return Array.from(w).length; }
  function typos(w) { var n = len(w); return n <= 3 ? 0 : n <= 6 ? 1 : 2; }
  // Edit distance; swapping two neighbouring letters counts as one.
  function dist(a, b) {
    a = Array.from(a); b = Array.from(b);
    var d = [], i, j;
    for (i = 0; i <= a.length; i++) { d[i] = [i]; }
    for (j = 0; j <= b.length; j++) { d[0][j] = j; }
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var c = a[i - 1] === b[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + c);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length][b.length];
  }
  function filterWord(w) {
    var s = w.slice(-1) === "s" ? w.slice(0, -1) : w;
    for (var i = 0; i < 7; i++) {
      if (DAYS[i] === w || DAYS[i] === s || DAYS[i].slice(0, 3) === w) { return "d" + i; }
    }
    return { morning: "morning", afternoon: "afternoon", evening: "evening", night: "evening",
      tonight: "evening", weekend: "weekend", free: "free" }[s] || null;
  }
  function parse(q) {
    var out = { words: [], filters: [], cp: false };
    var all = words(Array.from(q).slice(0, MAX_CHARS).join(""));
    for (var i = 0; i < all.length; i++) {
      var w = all[i];
      if (w === "changing" && (all[i + 1] === "places" || all[i + 1] === "place")) { out.cp = true; i++; continue; }
      var f = filterWord(w);
      if (f) { if (out.filters.indexOf(f) < 0) { out.filters.push(f); } }
      else if (STOP.indexOf(w) < 0 && out.words.indexOf(w) < 0 && out.words.length < MAX_WORDS) { out.words.push(w); }
    }
    return out;
  }
  // Document lists: gaps in base 32, or "*" and a bitmap (src/search/static_export.rs).
  var A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function list(s) {
    var o = [], n = -1, v = 0, i, c, b;
    for (i = s[0] === "*" ? 1 : 0; i < s.length; i++) {
      c = A.indexOf(s[i]);
      if (s[0] === "*") { for (b = 0; b < 6; b++) { if (c >> b & 1) { o.push(i * 6 + b - 6); } } }
      else { v = v * 32 + (c & 31); if (c < 32) { n += v + 1; o.push(n); v = 0; } }
    }
    return o;
  }
  function inter(a, b) { var s = new Set(b); return a.filter(function (x) { return s.has(x); }); }
  function union(lists) {
    var s = new Set();
    lists.forEach(function (l) { l.forEach(function (x) { s.add(x); }); });
    return Array.from(s);
  }
  // p: {q, day[], when[], facility[], for[], area[], support[], cost, pay[], page}; load(name) → Promise<text, or null when missing>
  async function search(p, load) {
    var cache = {};
    function get(name) { return cache[name] || (cache[name] = load(name)); }
    async function text(name) { return (await get(name)) || ""; }
    async function json(name) { return JSON.parse(await get(name)); }
    var meta = await json("meta.json");
    var parsed = parse(p.q || ""), on = {}, days = [];
    (p.day || []).forEach(function (d) { d = d.toLowerCase(); if (DAYS.indexOf(d) >= 0) { days.push(d); } });
    (p.when || []).forEach(function (w) { on[w] = 1; });
    parsed.filters.forEach(function (f) { if (f.length === 2) { days.push(DAYS[+f[1]]); } else { on[f] = 1; } });
    var free = p.cost === "free" || parsed.filters.indexOf("free") >= 0;
    days = DAYS.filter(function (d) { return days.indexOf(d) >= 0; });
    if (on.weekend) {
      days = days.length ? days.filter(function (d) { return d === "saturday" || d === "sunday"; }) : ["saturday", "sunday"];
      if (!days.length) { days = ["none"]; }
    }
    var parts = ["morning", "afternoon", "evening"].filter(function (x) { return on[x]; });
    var fac = (p.facility || []).slice();
    if (parsed.cp) { fac.push("changing-places"); }
    // Every word and filter narrows the results; once none are left, fetch nothing more.
    var found = null;
    function add(set) { found = found ? inter(found, set) : set; }
    function none() { return found && !found.length; }
    for (var i = 0; i < parsed.words.length && !none(); i++) {
      var q = parsed.words[i], k = typos(q), n = len(q), stems = new Map(), first = q.codePointAt(0).toString(16);
      for (var L = n - k; L <= n + k; L++) {
        var c = Math.min(L, 63);
        if ((meta.words[first] || "").indexOf(A[c]) < 0) { continue; }
        (await text("w-" + first + "-" + c + ".txt")).split("\n").forEach(function (line) {
          var sp = line.split(" ");
          if (line && (sp[0] === q || (k && dist(q, sp[0]) <= k))) { stems.set(sp[sp.length - 2], sp[sp.length - 1]); }
        });
      }
      var lists = [];
      for (var [s, sh] of stems) {
        (await text("s" + sh + ".txt")).split("\n").forEach(function (line) {
          var sp = line.split(" ");
          if (sp[0] === s) { lists.push(list(sp[1])); }
        });
      }
      add(union(lists));
    }
    // Filter values are checked by their file: the export writes one for each value the
    // vocabulary knows (slugs), so a missing one is an unknown value, which the server ignores.
    async function facet(name, values, optional) {
      var lists = [], known = 0;
      if (none()) { return []; }
      for (var x of values) {
        var t = /^[a-z0-9-]+$/.test(x) ? await get("f-" + name + "-" + x + ".txt") : null;
        if (t !== null) { known++; lists.push(list(t)); }
      }
      return known || !optional ? union(lists) : null;
    }
    if (days.join() === "saturday,sunday") { days = ["saturday-sunday"]; }
    if (days.length && parts.length) {
      add(await facet("slot", days.map(function (d) { return d + "-" + parts.join("-"); })));
    } else if (days.length) { add(await facet("day", days)); }
    else if (parts.length) { add(await facet("part", parts)); }
    var groups = fac.map(function (f) { return ["access", [f]]; }).concat([["for", p.for], ["area", p.area], ["support", p.support], ["pay", p.pay]]);
    for (var g of groups) { var hit = await facet(g[0], g[1] || [], 1); if (hit) { add(hit); } }
    // A cost band includes the cheaper ones.
    var bands = ["free", "upto5", "upto10"], band = free ? 1 : bands.indexOf(p.cost) + 1;
    if (band) { add(await facet("cost", bands.slice(0, band))); }
    if (!found) { return { total: 0, hits: [], empty: true }; }
    // Documents are numbered in result order, so sorting numbers sorts results.
    found.sort(function (x, y) { return x - y; });
    var pages = Math.max(1, Math.ceil(found.length / PAGE)), page = Math.min(Math.max(1, +p.page || 1), pages);
    var shown = p.all ? found : found.slice((page - 1) * PAGE, page * PAGE), docs = [];
    for (var d of shown) {
      var rows = await json("d" + Math.floor(d / meta.docShard) + ".json");
      var r = rows[d % meta.docShard];
      docs.push({ k: ["activity", "venue", "changing-place"][r[0]], i: r[1], n: r[2], l: r[3] || "", p: r[4] || "", w: r[5] || [],
        u: r[6] || ["activities/", "venues/", "changing-places/"][r[0]] + r[1] + "/" });
    }
    return { total: found.length, page: page, pages: pages, hits: docs };
  }

  function el(tag, text, cls) {
    var x = document.createElement(tag);
    if (text) { x.textContent = text; }
    if (cls) { x.className = cls; }
    return x;
  }
  async function run() {
    var box = document.getElementById("search-results");
    if (!box || !window.fetch || box.getAttribute("data-server")) { return; }
    var root = box.getAttribute("data-root") || "/", u = new URLSearchParams(location.search), p = {};
    ["day", "when", "facility", "for", "area", "support", "pay"].forEach(function (k) { p[k] = u.getAll(k); });
    p.q = u.get("q") || ""; p.cost = u.get("cost") || ""; p.page = u.get("page") || "1";
    if (!p.q && !u.toString()) { return; }
    var r;
    try {
      r = await search(p, function (name) {
        return fetch(root + "search/data/" + name).then(function (x) {
          if (x.ok) { return x.text(); } if (x.status < 500) { return null; } throw new Error(x.status);
        });
      });
    } catch (err) { box.appendChild(el("p", "Search is not working right now. Please use the lists below.")); return; }
    box.textContent = "";
    var count = r.total === 1 ? "1 result" : r.total + " results";
    box.appendChild(el("h2", count, "results__count"));
    if (!r.total) { box.appendChild(el("p", "Nothing matched. Try fewer words, check the spelling, or use the lists below.")); }
    var ol = el("ol", null, "results");
    r.hits.forEach(function (h) {
      var li = el("li", null, "result"), h3 = el("h3"), a = el("a", h.n);
      a.href = root + h.u; h3.appendChild(a); li.appendChild(h3);
      if (h.p) { li.appendChild(el("p", h.p, "result__provider")); }
      h.w.forEach(function (w) { li.appendChild(el("p", w, "result__when")); });
      if (h.l) { li.appendChild(el("p", h.l, "result__place")); }
      ol.appendChild(li);
    });
    box.appendChild(ol);
    var status = document.getElementById("search-status");
    if (status) { status.textContent = count + " found."; }
  }
  if (typeof module !== "undefined") { module.exports = { search: search, parse: parse, dist: dist, list: list }; }
  else { document.addEventListener("DOMContentLoaded", run); }
})();
