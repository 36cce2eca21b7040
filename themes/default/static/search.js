// castbook default theme: the search page's client. It reads the sharded index that
// `castbook build` writes under search/ (src/search/), fetching only the shards its
// words need and the record chunks of the results on screen; .bin files are raw
// DEFLATE, decoded by the browser's DecompressionStream. Query semantics mirror
// src/search/query.rs exactly. Everything from the index is inserted as text (never
// innerHTML), highlighted words as <mark> elements built from text.
(function () {
  "use strict";

  var app = document.getElementById("search-app");
  var T = window.castbookText;
  if (!app || !T || !window.castbookStem || !window.fetch) return;
  var FORMAT = 2;

  var MAX_EXPANSIONS = 24;
  var MAX_PREFIX_SHARDS = 2;
  var MIN_PREFIX_CHARS = 2;
  var OTHER_FORM = 0.5;
  var K1 = 1.2;
  var PAGE = 10;
  var SNIPPET_WORDS = 32;
  var DEBOUNCE_MS = 80;

  var indexUrl = app.getAttribute("data-index");
  var siteBase = app.getAttribute("data-base");
  var form = app.querySelector("form");
  var input = document.getElementById("search_q");
  var status = document.getElementById("search_status");
  var list = document.getElementById("search_results");
  var more = document.getElementById("search_more");
  var filters = document.getElementById("search_filters");
  var selects = {
    podcast: document.getElementById("search_podcast"),
    guest: document.getElementById("search_guest"),
    topic: document.getElementById("search_topic"),
  };
  var KEYS = { podcast: "!", guest: "@", topic: "#" };

  // The English stemmer (stem.js), to find a word the index lacks by another form.
  var stem = window.castbookStem;
  window.castbookSearch = { stem: stem };

  // ---- Index files.
  var manifest = null;
  var chunkStarts = [];
  var stemming = false;
  var shardCache = new Map();
  var chunkCache = new Map();
  var filterData = null;

  function get(name, kind) {
    var url = indexUrl + name + (manifest ? "?v=" + manifest.v : "");
    return fetch(url, manifest ? {} : { cache: "no-cache" }).then(function (r) {
      if (!r.ok) throw new Error(name + ": HTTP " + r.status);
      return kind === "bin" ? r.arrayBuffer() : r.json();
    });
  }

  /** The raw-DEFLATE stream made of `parts` (ArrayBuffers or typed arrays), decoded. */
  function inflate(parts) {
    if (!window.DecompressionStream) return Promise.reject(new Error("this browser cannot decompress the index"));
    var s = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(s).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  // ---- Record text: the model (search/t.bin) is the word table and the prefix every
  // chunk stream continues (src/search/text.rs, src/search/docs.rs).
  var END = new Uint8Array([1, 0, 0, 255, 255]); // an empty final block
  var END_OF_TEXT = 0xc0;
  var modelPromise = null;
  function textModel() {
    if (!modelPromise) {
      modelPromise = get("t.bin", "bin").then(function (prefix) {
        return inflate([prefix, END]).then(function (b) {
          if (String.fromCharCode(b[0], b[1], b[2], b[3]) !== "CBT1") throw new Error("not a text model");
          var at = [4], words = [];
          for (var n = varint(b, at); n > 0; n--) {
            var len = b[at[0]];
            words.push(b.subarray(at[0] + 1, at[0] + 1 + len));
            at[0] += 1 + len;
          }
          return { prefix: prefix, skip: b.length, words: words };
        });
      });
    }
    return modelPromise;
  }

  /** The texts of a chunk's records: codes expanded to words, each text ended by END_OF_TEXT. */
  function decodeTexts(b, from, words) {
    var dec = new TextDecoder(), texts = [];
    var out = new Uint8Array((b.length - from) * 16 + 16), n = 0, i = from;
    function word(code) {
      var w = words[code];
      if (!w) throw new Error("word code " + code + " is not in the table");
      out.set(w, n);
      n += w.length;
    }
    while (i < b.length) {
      var c = b[i];
      if (c < 0x80) { out[n++] = c; i++; }
      else if (c < 0xc0) { word(c - 0x80); i++; }
      else if (c === END_OF_TEXT) { texts.push(dec.decode(out.subarray(0, n))); n = 0; i++; }
      else if (c >= 0xc2 && c <= 0xf4) {
        for (var k = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4; k > 0; k--) out[n++] = b[i++];
      } else { // a two-byte code: lead 0xC1 or 0xF5–0xFF, then any byte
        word(64 + (c === 0xc1 ? 0 : c - 0xf4) * 256 + b[i + 1]);
        i += 2;
      }
    }
    return texts;
  }

  /** A chunk's records: [{episode, url, podcast, date, chapter, speaker, seconds, anchor, md}]. */
  function parseChunk(b, words) {
    var z = b.indexOf(0);
    var h = JSON.parse(new TextDecoder().decode(b.subarray(0, z)));
    var texts = decodeTexts(b, z + 1, words);
    var anchors = new Map((h.a || []).map(function (x) { return [x[0], x[1]]; }));
    var rows = [], seconds = 0, c = 0, left = h.c.length ? h.c[0][2] : 0;
    for (var i = 0; i < texts.length; i++) {
      while (left === 0 && c + 1 < h.c.length) left = h.c[++c][2];
      left--;
      seconds += h.d[2 * i + 1];
      rows.push({
        episode: h.e[0], url: h.e[1], podcast: h.e[2], date: h.e[3], chapter: h.c[c][0],
        speaker: h.s[h.d[2 * i]], seconds: seconds, anchor: anchors.get(i) || "t-" + hms(seconds).replace(/:/g, "-"), md: texts[i],
      });
    }
    return rows;
  }

  function cmp(a, b) { // code point order, as the index sorts terms (by UTF-8 bytes)
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    return i < a.length ? 1 : j < b.length ? -1 : 0;
  }

  function shardOf(term) {
    var lo = 0, hi = manifest.shards.length; // first shard whose first term is > term
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (cmp(manifest.shards[mid], term) <= 0) lo = mid + 1; else hi = mid;
    }
    return Math.max(0, lo - 1);
  }

  function varint(b, at) { // returns [value, next position]
    var v = 0, mul = 1, c;
    do {
      if (at[0] >= b.length) throw new Error("truncated index shard");
      c = b[at[0]++];
      v += (c & 0x7f) * mul;
      mul *= 128;
    } while (c & 0x80);
    return v;
  }

  /** A shard: parallel arrays over its terms (text, stem group, postings location). */
  function parseShard(b) {
    if (String.fromCharCode(b[0], b[1], b[2], b[3]) !== "CBI3") throw new Error("not an index shard");
    var at = [4];
    var count = varint(b, at);
    var sh = { b: b, terms: new Array(count), group: [], df: [], form: [], start: [], end: [] };
    var dec = new TextDecoder();
    var prev = new Uint8Array(0);
    for (var i = 0; i < count; i++) {
      var shared = varint(b, at), slen = varint(b, at);
      var t = new Uint8Array(shared + slen);
      t.set(prev.subarray(0, shared));
      t.set(b.subarray(at[0], at[0] + slen), shared);
      at[0] += slen;
      sh.terms[i] = dec.decode(t);
      sh.group.push(varint(b, at));
      sh.df.push(varint(b, at));
      sh.form.push(b[at[0]++]);
      var len = varint(b, at);
      sh.start.push(at[0]);
      sh.end.push(at[0] + len);
      at[0] += len;
      prev = t;
    }
    return sh;
  }

  function shard(n) {
    if (!shardCache.has(n)) {
      shardCache.set(n, get("i/" + n + ".bin", "bin").then(function (buf) { return inflate([buf]); }).then(parseShard));
    }
    return shardCache.get(n);
  }

  /** Adds `weight` × tf of every posting of term `i` of shard `sh` into `tf`, pushing new docs to `docs`. */
  function decodeInto(sh, i, weight, tf, docs) {
    var b = sh.b, at = [sh.start[i]], df = sh.df[i], form = sh.form[i];
    var mine = [];
    if (form === 0) {
      for (var next = 0, d = 0; d < df; d++) {
        var doc = next + varint(b, at);
        mine.push(doc);
        next = doc + 1;
      }
    } else if (form === 1) {
      var runEnd = 0;
      for (var r = varint(b, at); r > 0; r--) {
        var start = runEnd + varint(b, at), len = varint(b, at) + 1;
        for (var k = 0; k < len; k++) mine.push(start + k);
        runEnd = start + len;
      }
    } else if (form === 2) {
      var first = varint(b, at), n = varint(b, at), base = at[0];
      for (var j = 0; j < n; j++) {
        var byte = b[base + j];
        for (var bit = 0; byte && bit < 8; bit++) if (byte & (1 << bit)) mine.push((first + j) * 8 + bit);
      }
      at[0] = base + n;
    } else {
      throw new Error("unknown postings form " + form);
    }
    if (mine.length !== df) throw new Error("bad postings list");
    // The tf section: how many tfs are above 1, their flags, their values.
    var tfs = new Uint8Array(df).fill(1);
    if (varint(b, at) > 0) {
      var flags = at[0];
      at[0] += (df + 7) >> 3;
      for (var m = 0; m < df; m++) if (b[flags + (m >> 3)] & (1 << (m & 7))) tfs[m] = varint(b, at) + 2;
    }
    for (var p = 0; p < df; p++) {
      if (!tf[mine[p]]) docs.push(mine[p]);
      tf[mine[p]] += weight * tfs[p];
    }
  }

  /**
   * A word's (or filter key's) records, as src/search/query.rs `lookup`: the word
   * itself at full weight, its other forms (same stem group in its shard) and, when
   * `prefix`, its most frequent completions at OTHER_FORM; a word the index lacks by
   * its stem. Resolves to {tf: Float64Array(docs), docs: [...], terms: [forms]}.
   */
  function lookup(term, prefix) {
    var first = shardOf(term);
    var ns = [first];
    if (prefix) {
      for (var n = first + 1; n < Math.min(first + MAX_PREFIX_SHARDS, manifest.shards.length); n++) {
        if (manifest.shards[n].indexOf(term) !== 0) break;
        ns.push(n);
      }
    }
    return Promise.all(ns.map(shard)).then(function (shs) {
      var found = []; // {sh, n, i, w}
      var s0 = shs[0], e = s0.terms.indexOf(term);
      if (e >= 0) {
        found.push({ sh: s0, n: first, i: e, w: 1 });
        for (var i = 0; i < s0.terms.length; i++) {
          if (i !== e && s0.group[i] === s0.group[e]) found.push({ sh: s0, n: first, i: i, w: OTHER_FORM });
        }
      }
      var viaStem = found.length || !stemming ? Promise.resolve(null) : byStem(term);
      return viaStem.then(function (hit) {
        if (hit) {
          for (var i = 0; i < hit.sh.terms.length; i++) {
            if (hit.sh.group[i] === hit.sh.group[hit.i]) found.push({ sh: hit.sh, n: hit.n, i: i, w: OTHER_FORM });
          }
        }
        if (prefix) {
          var exp = [];
          shs.forEach(function (sh, k) {
            for (var i = 0; i < sh.terms.length; i++) {
              var t = sh.terms[i];
              if (t !== term && t.indexOf(term) === 0) exp.push({ sh: sh, n: ns[k], i: i, w: OTHER_FORM });
            }
          });
          exp.sort(function (a, b) { return b.sh.df[b.i] - a.sh.df[a.i]; });
          var added = 0;
          exp.forEach(function (x) {
            if (added === MAX_EXPANSIONS) return;
            if (found.some(function (f) { return f.n === x.n && f.i === x.i; })) return;
            found.push(x);
            added++;
          });
        }
        var tf = new Float64Array(manifest.docs), docs = [], terms = [];
        found.forEach(function (f) {
          decodeInto(f.sh, f.i, f.w, tf, docs);
          terms.push(f.sh.terms[f.i]);
        });
        return { tf: tf, docs: docs, terms: terms };
      });
    });
  }

  /** A word the index lacks, by its stem: the first indexed word starting with the stem that has the same stem. */
  function byStem(term) {
    var st = stem(term), first = shardOf(st);
    function at(n) {
      if (n >= Math.min(first + MAX_PREFIX_SHARDS, manifest.shards.length)) return Promise.resolve(null);
      if (n > first && manifest.shards[n].indexOf(st) !== 0) return Promise.resolve(null);
      return shard(n).then(function (sh) {
        for (var i = 0; i < sh.terms.length; i++) {
          var t = sh.terms[i];
          if (t.indexOf(st) === 0 && stem(t) === st) return { sh: sh, n: n, i: i };
        }
        return at(n + 1);
      });
    }
    return at(first);
  }

  function chunkOf(doc) {
    var lo = 0, hi = chunkStarts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (chunkStarts[mid] <= doc) lo = mid + 1; else hi = mid;
    }
    var start = chunkStarts[Math.max(0, lo - 1)];
    if (!chunkCache.has(start)) {
      chunkCache.set(start, Promise.all([textModel(), get("d/" + start + ".bin", "bin")]).then(function (r) {
        var model = r[0];
        return inflate([model.prefix, r[1]]).then(function (b) { return parseChunk(b.subarray(model.skip), model.words); });
      }));
    }
    return chunkCache.get(start).then(function (rows) {
      var d = rows[doc - start];
      if (!d) throw new Error("record " + doc + " is not in its chunk");
      return { episode: d.episode, url: d.url, podcast: d.podcast, date: d.date, chapter: d.chapter, speaker: d.speaker, seconds: d.seconds, anchor: d.anchor, text: plain(d.md) };
    });
  }

  /** Runs a query: {total, partial, docs (ranked), terms (forms to highlight)}. */
  function run(q, f) {
    var words = [];
    T.tokens(q).forEach(function (w) { if (words.indexOf(w) < 0) words.push(w); });
    if (!words.length) return Promise.resolve(null);
    var open = !/\s$/.test(q);
    var clauses = words.map(function (w, i) {
      var prefix = open && i === words.length - 1 && Array.from(w).length >= MIN_PREFIX_CHARS;
      return lookup(w, prefix);
    });
    var required = [];
    Object.keys(KEYS).forEach(function (k) { if (f[k]) required.push(lookup(KEYS[k] + f[k], false)); });
    return Promise.all([Promise.all(clauses), Promise.all(required)]).then(function (r) {
      var cs = r[0], req = r[1], N = manifest.docs;
      var score = new Float64Array(N), count = new Uint8Array(N), touched = [], terms = new Set();
      cs.forEach(function (c) {
        var df = c.docs.length, idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
        c.terms.forEach(function (t) { terms.add(t); });
        c.docs.forEach(function (d) {
          var tf = c.tf[d];
          if (!count[d]) touched.push(d);
          score[d] += idf * tf * (K1 + 1) / (tf + K1);
          count[d]++;
        });
      });
      function allowed(d) { return req.every(function (x) { return x.tf[d] > 0; }); }
      var docs = touched.filter(function (d) { return count[d] === cs.length && allowed(d); });
      var partial = !docs.length && cs.length > 1;
      if (partial) docs = touched.filter(allowed);
      // Equal scores: the newer episode (the larger doc id) first.
      docs.sort(function (a, b) { return score[b] - score[a] || b - a; });
      return { total: docs.length, partial: partial, docs: docs, terms: terms };
    });
  }

  // ---- Results.
  /** Markdown source → plain text for a snippet (links to their text, markers dropped). */
  function plain(md) {
    var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'" };
    return md
      .replace(/\[([^\]\n]*)\]\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)/g, "$1")
      .replace(/\\([!-\/:-@\[-`{-~])|[*`\[\]]+/g, function (m, esc) { return esc || ""; })
      .replace(/(?<![A-Za-z0-9])_+|_+(?![A-Za-z0-9])/g, "")
      .replace(/&(?:amp|lt|gt|quot|#39);/g, function (e) { return ENTITIES[e]; })
      .replace(/\s+/g, " ")
      .trim();
  }

  function hms(s) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(Math.floor(s / 3600)) + ":" + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
  }

  /** The best window of `text` (most distinct matched words), as [start, end, tokens]. */
  function window_(text, terms) {
    var sp = T.spans(text);
    var best = 0, bestAt = 0;
    sp.forEach(function (s, i) {
      if (!terms.has(s.term)) return;
      var from = Math.max(0, i - 6), seen = new Set();
      for (var k = from; k < Math.min(sp.length, from + SNIPPET_WORDS); k++) if (terms.has(sp[k].term)) seen.add(sp[k].term);
      if (seen.size > best) { best = seen.size; bestAt = from; }
    });
    var end = Math.min(sp.length, bestAt + SNIPPET_WORDS);
    return { from: sp.length ? sp[bestAt].start : 0, to: end < sp.length ? sp[end - 1].end : text.length, spans: sp };
  }

  function resultItem(r, terms) {
    var li = document.createElement("li");
    li.className = "ep search-result";
    var hits = [];
    var w = window_(r.text, terms);
    w.spans.forEach(function (s) { if (terms.has(s.term) && hits.indexOf(s.term) < 0 && hits.length < 8) hits.push(s.term); });
    var a = document.createElement("a");
    a.className = "ep-title";
    a.href = siteBase + r.url + (hits.length ? "?" + new URLSearchParams({ highlight: hits.join(" ") }) : "") + "#" + r.anchor;
    a.textContent = r.speaker + " · " + hms(r.seconds) + " · " + r.chapter;
    var meta = document.createElement("p");
    meta.className = "ep-meta";
    meta.textContent = r.episode + " · " + r.podcast + " · " + r.date;
    var snip = document.createElement("p");
    snip.className = "search-snippet";
    var text = (w.from > 0 ? "… " : "") + r.text.slice(w.from, w.to) + (w.to < r.text.length ? " …" : "");
    T.appendMarked(snip, text, terms, "");
    li.appendChild(a);
    li.appendChild(meta);
    li.appendChild(snip);
    return li;
  }

  // ---- The page.
  var current = null; // {result, shown}
  var seq = 0;
  var typedAt = 0;

  function say(text) { status.textContent = text; }

  function readForm() {
    var f = {};
    Object.keys(selects).forEach(function (k) { f[k] = selects[k] ? selects[k].value : ""; });
    return f;
  }

  function syncUrl(q, f) {
    var p = new URLSearchParams();
    if (q) p.set("q", q);
    Object.keys(f).forEach(function (k) { if (f[k]) p.set(k, f[k]); });
    var s = p.toString();
    history.replaceState(null, "", location.pathname + (s ? "?" + s : ""));
  }

  function search() {
    var q = input.value, f = readForm(), mine = ++seq;
    syncUrl(q, f);
    app.setAttribute("data-state", "busy");
    return ready.then(function () { return run(q, f); }).then(function (res) {
      if (mine !== seq) return;
      current = { result: res, shown: 0, q: q };
      list.textContent = "";
      if (!res) { say(""); more.hidden = true; return done(); }
      if (!res.total) { say("No results for “" + q.trim() + "”."); more.hidden = true; return done(); }
      return showMore().then(function () {
        if (mine !== seq) return;
        var n = res.total + (res.total === 1 ? " result" : " results");
        say(res.partial ? "No turn has all of these words; " + n + " with some of them." : n + " for “" + q.trim() + "”.");
      });
    }).catch(function (e) {
      if (mine !== seq) return;
      say("Search is unavailable: " + e.message);
      done();
    });
  }

  function showMore() {
    var c = current, docs = c.result.docs.slice(c.shown, c.shown + PAGE);
    c.shown += docs.length;
    return Promise.all(docs.map(chunkOf)).then(function (rows) {
      if (c !== current) return;
      rows.forEach(function (r) { list.appendChild(resultItem(r, c.result.terms)); });
      more.hidden = c.shown >= c.result.total;
      done();
    });
  }

  function done() {
    app.setAttribute("data-state", "done");
    if (typedAt) app.setAttribute("data-latency-ms", String(Math.round(performance.now() - typedAt)));
  }

  var timer = 0;
  input.addEventListener("input", function () {
    typedAt = performance.now();
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    search();
  });
  Object.keys(selects).forEach(function (k) {
    if (selects[k]) selects[k].addEventListener("change", function () { typedAt = performance.now(); search(); });
  });
  more.addEventListener("click", function () {
    var first = current ? current.shown : 0;
    showMore().then(function () {
      var link = list.querySelectorAll("a.ep-title")[first];
      if (link) link.focus();
    });
  });

  // Arrow keys: from the box into the results and between them; Escape goes back.
  input.addEventListener("keydown", function (ev) {
    var first = list.querySelector("a.ep-title");
    if (ev.key === "ArrowDown" && first) { ev.preventDefault(); first.focus(); }
  });
  list.addEventListener("keydown", function (ev) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a.ep-title"));
    var i = links.indexOf(document.activeElement);
    if (i < 0) return;
    if (ev.key === "ArrowDown" && i + 1 < links.length) { ev.preventDefault(); links[i + 1].focus(); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); (i > 0 ? links[i - 1] : input).focus(); }
    else if (ev.key === "Escape") { ev.preventDefault(); input.focus(); }
  });

  // Filter choices load when the filters open, or at once when the URL sets one.
  function loadFilters() {
    if (filterData) return filterData;
    filterData = ready.then(function () { return get("filters.json", "json"); }).then(function (data) {
      Object.keys(selects).forEach(function (k) {
        var sel = selects[k], want = sel.value;
        (data[k + "s"] || []).forEach(function (row) {
          if (row[0] === want) {
            // The option made from the URL: now it can show the name.
            sel.options[sel.selectedIndex].textContent = row[1];
            return;
          }
          var o = document.createElement("option");
          o.value = row[0];
          o.textContent = row[1];
          sel.appendChild(o);
        });
      });
      if ((data.podcasts || []).length < 2) selects.podcast.parentNode.hidden = !selects.podcast.value;
    });
    return filterData;
  }
  if (filters) filters.addEventListener("toggle", function () { if (filters.open) loadFilters(); });

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  var anyFilter = false;
  Object.keys(selects).forEach(function (k) {
    var v = params.get(k);
    if (v && selects[k]) {
      // Keep the value selectable before the list loads; it is shown by its slug.
      var o = document.createElement("option");
      o.value = v;
      o.textContent = v;
      selects[k].appendChild(o);
      selects[k].value = v;
      anyFilter = true;
    }
  });

  var ready = get("manifest.json", "json").then(function (m) {
    if (m.format !== FORMAT) throw new Error("unknown index format " + m.format);
    manifest = m;
    var at = 0;
    chunkStarts = m.chunks.map(function (d) { return (at += d); });
    stemming = /^(en\b|en[-_]|$)/i.test(m.lang || "");
    // Every result needs the text model: fetch it while the shards come in.
    textModel().catch(function () {});
  });
  if (anyFilter) { if (filters) filters.open = true; loadFilters(); }
  if (input.value.trim()) search();
  else ready.then(function () { app.setAttribute("data-state", "done"); }, function (e) { say("Search is unavailable: " + e.message); });
})();
