// castbook default theme: the Snowball "english" stemmer, as rust-stemmers applies it,
// for search.js (loaded before it on the search page only). search.js uses it to find
// a word the index does not hold by another form of it; tests/suite/search.rs checks
// it against rust-stemmers on every word of a 1000-episode index.
(function () {
  "use strict";

  // ---- English stemmer (Snowball "english", as rust-stemmers applies it), used to
  // find a word the index does not hold by another form of it. Plain a–z words only.
  var EXCEPTIONS = {
    skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl",
    gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl",
    sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes",
  };
  var EXCEPTIONS2 = ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"];
  function isV(c) {
    return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y";
  }
  function stem(word) {
    if (!/^[a-z]+$/.test(word)) return word;
    if (Object.prototype.hasOwnProperty.call(EXCEPTIONS, word)) return EXCEPTIONS[word];
    if (word.length < 3) return word;
    var s = word.split("");
    var yFound = false;
    if (s[0] === "y") { s[0] = "Y"; yFound = true; }
    for (var i = 1; i < s.length; i++) if (s[i] === "y" && isV(s[i - 1])) { s[i] = "Y"; yFound = true; }
    // Regions: R1 after the first non-vowel following a vowel (or a listed prefix), R2 likewise after R1.
    function past(from) {
      var j = from;
      while (j < s.length && !isV(s[j])) j++;
      if (j >= s.length) return s.length;
      j++;
      while (j < s.length && isV(s[j])) j++;
      return j >= s.length ? s.length : j + 1;
    }
    var pre = /^(gener|commun|arsen)/.exec(word);
    var p1 = pre ? pre[0].length : past(0);
    var p2 = p1 >= s.length ? s.length : past(p1);
    function ends(x) {
      if (x.length > s.length) return false;
      for (var k = 0; k < x.length; k++) if (s[s.length - x.length + k] !== x[k]) return false;
      return true;
    }
    function among(xs) { // the longest listed suffix the word ends with
      var best = null;
      xs.forEach(function (x) { if (ends(x) && (best === null || x.length > best.length)) best = x; });
      return best;
    }
    function set(n, x) { s.length -= n; for (var k = 0; k < x.length; k++) s.push(x[k]); }
    function nonV(c) { return c !== undefined && !isV(c); }
    function shortV(end) {
      var a = s[end - 1], b = s[end - 2], c = s[end - 3];
      if (a !== undefined && !isV(a) && a !== "w" && a !== "x" && a !== "Y" && isV(b) && nonV(c)) return true;
      return nonV(a) && isV(b) && end === 2;
    }
    function hasV(to) { for (var k = 0; k < to; k++) if (isV(s[k])) return true; return false; }
    // Step 1a
    var m = among(["sses", "ied", "ies", "s", "us", "ss"]);
    if (m === "sses") set(4, "ss");
    else if (m === "ied" || m === "ies") set(3, s.length - 3 >= 2 ? "i" : "ie");
    else if (m === "s" && hasV(s.length - 2)) s.pop();
    if (EXCEPTIONS2.indexOf(s.join("")) < 0) {
      // Step 1b
      m = among(["eed", "eedly", "ed", "edly", "ing", "ingly"]);
      if (m === "eed" || m === "eedly") {
        if (s.length - m.length >= p1) set(m.length, "ee");
      } else if (m && hasV(s.length - m.length)) {
        s.length -= m.length;
        var d = among(["at", "bl", "iz", "bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"]);
        if (d === "at" || d === "bl" || d === "iz") s.push("e");
        else if (d) s.pop();
        else if (s.length === p1 && shortV(s.length)) s.push("e");
      }
      // Step 1c
      var last = s[s.length - 1];
      if ((last === "y" || last === "Y") && s.length > 2 && nonV(s[s.length - 2])) s[s.length - 1] = "i";
      // Step 2
      var STEP2 = {
        tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize", ization: "ize",
        ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al", alli: "al", fulness: "ful",
        ousli: "ous", ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble", ogi: "og",
        fulli: "ful", lessli: "less", li: "",
      };
      m = among(Object.keys(STEP2));
      if (m && s.length - m.length >= p1) {
        var before = s[s.length - m.length - 1];
        if (m === "ogi") { if (before === "l") set(3, "og"); }
        else if (m === "li") { if (before !== undefined && "cdeghkmnrt".indexOf(before) >= 0) s.length -= 2; }
        else set(m.length, STEP2[m]);
      }
      // Step 3
      var STEP3 = { tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "", ness: "", ative: "" };
      m = among(Object.keys(STEP3));
      if (m && s.length - m.length >= p1) {
        if (m !== "ative") set(m.length, STEP3[m]);
        else if (s.length - m.length >= p2) s.length -= m.length;
      }
      // Step 4
      m = among(["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
        "ism", "ate", "iti", "ous", "ive", "ize", "ion"]);
      if (m && s.length - m.length >= p2) {
        if (m !== "ion") s.length -= m.length;
        else if (s[s.length - 4] === "s" || s[s.length - 4] === "t") s.length -= 3;
      }
      // Step 5
      last = s[s.length - 1];
      var at = s.length - 1;
      if (last === "e" && (at >= p2 || (at >= p1 && !shortV(at)))) s.pop();
      else if (last === "l" && at >= p2 && s[at - 1] === "l") s.pop();
    }
    var out = s.join("");
    return yFound ? out.replace(/Y/g, "y") : out;
  }
  window.castbookStem = stem;
})();
