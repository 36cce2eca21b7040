// castbook default theme: the words of a search, folded exactly as the index folds
// them (src/search/tokenize.rs), and highlighting of searched words on the page a
// result leads to (`…/episodes/x/?highlight=quota+managers#t-00-41-12`).
// search.js uses `window.castbookText` from this file.
(function () {
  "use strict";

  // A word is a run of Alphabetic, Numeric and combining-mark characters; an
  // apostrophe between two of them joins them (don't → dont).
  var W = "\\p{Alphabetic}\\p{N}\\p{M}";
  var RUN = new RegExp("[" + W + "]+(?:['\u2019\u02BC][" + W + "]+)*", "gu");
  var APOSTROPHES = /['\u2019\u02BC]/g;
  var MARKS = /\p{M}/gu;
  // Scripts written without spaces: one character, one token.
  var UNSPACED = /[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u{20000}-\u{3FFFF}]/u;
  var SPECIAL = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i", "ς": "σ" };
  var SPECIALS = /[ßæœøđðþłıς]/g;
  var MAX_TOKEN_BYTES = 40;
  var encoder = new TextEncoder();

  /** Lowercase, NFKD, lowercase, no combining marks, a few letters spelled out. */
  function fold(s) {
    return s
      .toLowerCase()
      .normalize("NFKD")
      .toLowerCase()
      .replace(MARKS, "")
      .replace(SPECIALS, function (c) {
        return SPECIAL[c];
      });
  }

  /**
   * The tokens of `text` with where they are: [{term, start, end}], `start`/`end`
   * being UTF-16 offsets of the token's source characters in `text`.
   */
  function spans(text) {
    var out = [];
    var m;
    RUN.lastIndex = 0;
    while ((m = RUN.exec(text))) {
      var run = m[0];
      var base = m.index;
      var from = 0;
      var i = 0;
      while (i < run.length) {
        var cp = run.codePointAt(i);
        var len = cp > 0xffff ? 2 : 1;
        if (UNSPACED.test(String.fromCodePoint(cp))) {
          push(out, run.slice(from, i), base + from);
          push(out, run.slice(i, i + len), base + i);
          from = i + len;
        }
        i += len;
      }
      push(out, run.slice(from), base + from);
    }
    return out;
  }

  function push(out, raw, start) {
    if (!raw) return;
    var term = fold(raw.replace(APOSTROPHES, ""));
    if (term && encoder.encode(term).length <= MAX_TOKEN_BYTES) {
      out.push({ term: term, start: start, end: start + raw.length });
    }
  }

  /** Just the folded tokens of `text`. */
  function tokens(text) {
    return spans(text).map(function (s) {
      return s.term;
    });
  }

  /**
   * Appends `text` to `parent` as text nodes, with every token whose term is in
   * `terms` (a Set) wrapped in <mark>. Never parses HTML: content stays text.
   */
  function appendMarked(parent, text, terms, className) {
    var at = 0;
    spans(text).forEach(function (s) {
      if (!terms.has(s.term)) return;
      if (s.start > at) parent.appendChild(document.createTextNode(text.slice(at, s.start)));
      var mark = document.createElement("mark");
      if (className) mark.className = className;
      mark.textContent = text.slice(s.start, s.end);
      parent.appendChild(mark);
      at = s.end;
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  window.castbookText = { fold: fold, spans: spans, tokens: tokens, appendMarked: appendMarked };

  // On a page opened from a search result: mark the searched words in the turn the
  // link points at (or in the whole main content when it points at none).
  var wanted;
  try {
    wanted = new URLSearchParams(location.search).get("highlight");
  } catch (e) {
    return;
  }
  if (!wanted) return;
  var terms = new Set(tokens(wanted));
  if (!terms.size) return;
  var id = decodeURIComponent(location.hash.slice(1));
  var scope = (id && document.getElementById(id)) || document.querySelector("main");
  if (!scope) return;
  var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, {
    acceptNode: function (node) {
      var p = node.parentNode;
      if (!p || /^(SCRIPT|STYLE|MARK|TEXTAREA)$/.test(p.nodeName)) return NodeFilter.FILTER_REJECT;
      return node.nodeValue.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
    },
  });
  var nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  var first = null;
  nodes.forEach(function (node) {
    var text = node.nodeValue;
    if (!spans(text).some(function (s) { return terms.has(s.term); })) return;
    var frag = document.createDocumentFragment();
    appendMarked(frag, text, terms, "search-hit");
    if (!first) first = frag.querySelector("mark");
    node.parentNode.replaceChild(frag, node);
  });
  // The turn is already scrolled to by its #anchor; without one, show the first hit.
  if (first && !(id && document.getElementById(id))) first.scrollIntoView({ block: "center" });
})();
