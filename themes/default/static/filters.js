// Facet filters of the guests and episodes lists (see render/filters.rs).
//
// The page holds a hidden form of checkboxes (one group per facet, each box with
// its term number in data-g) and, in #filter-data, the term numbers of every row
// of the list in page order. Checked terms combine with OR inside a facet and AND
// across facets; rows that do not match are hidden, each count shows how many rows
// the box would match given the other facets, and the choice is kept in the URL
// (?company=meta&year=2024) so a filtered list can be shared and reloaded. Without
// this script the form stays hidden and the taxonomy and year pages do the job.
(function () {
  "use strict";
  var form = document.querySelector("form[data-filters]");
  var dataEl = document.getElementById("filter-data");
  if (!form || !dataEl) return;
  var data;
  try {
    data = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  var rowEls = Array.prototype.slice.call(
    document.querySelectorAll("[data-filter-rows] > li")
  );
  // A template that lists rows differently from the data cannot be filtered.
  if (!data || !data.rows || data.rows.length !== rowEls.length) return;

  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][data-g]"));
  var facetEls = Array.prototype.slice.call(form.querySelectorAll("[data-facet]"));
  var facetIndex = {};
  facetEls.forEach(function (el, i) { facetIndex[el.getAttribute("data-facet")] = i; });
  var terms = 0;
  boxes.forEach(function (b) { terms = Math.max(terms, Number(b.getAttribute("data-g")) + 1); });
  var facetOf = new Int32Array(terms).fill(-1);
  var boxOf = new Array(terms);
  var countEls = new Array(terms);
  boxes.forEach(function (b) {
    var g = Number(b.getAttribute("data-g"));
    facetOf[g] = facetIndex[b.name];
    boxOf[g] = b;
    countEls[g] = b.parentNode.querySelector("[data-n]");
  });
  var rows = data.rows.map(function (r) { return Int32Array.from(r); });
  var nFacets = facetEls.length;
  var selected = new Uint8Array(terms);
  var hit = new Uint8Array(nFacets);
  var counts = new Int32Array(terms);

  // Sections (year or letter groups) and their jump links hide with their last row.
  var groups = [];
  rowEls.forEach(function (li, i) {
    var section = li.closest("section");
    var g = groups.length && groups[groups.length - 1];
    if (!g || g.el !== section) {
      var link = section && section.getAttribute("aria-labelledby");
      var jump = link ? document.querySelector('.jump a[href="#' + link + '"]') : null;
      g = { el: section, jump: jump && jump.parentNode, from: i, to: i };
      groups.push(g);
    }
    g.to = i;
  });

  var shownEl = form.querySelector("[data-filter-shown]");
  var noneEl = form.querySelector("[data-filter-none]");
  var clearEl = form.querySelector("[data-filter-clear]");

  function apply() {
    var start = performance.now();
    var active = [];
    var picked = new Int32Array(nFacets);
    for (var g = 0; g < terms; g++) {
      selected[g] = boxOf[g] && boxOf[g].checked ? 1 : 0;
      if (selected[g]) picked[facetOf[g]]++;
    }
    for (var f = 0; f < nFacets; f++) if (picked[f]) active.push(f);
    counts.fill(0);
    var shown = 0;
    var visible = new Uint8Array(rows.length);
    for (var r = 0; r < rows.length; r++) {
      var row = rows[r];
      hit.fill(0);
      for (var k = 0; k < row.length; k++) if (selected[row[k]]) hit[facetOf[row[k]]] = 1;
      var misses = 0;
      var missed = -1;
      for (var a = 0; a < active.length; a++) {
        if (!hit[active[a]]) {
          misses++;
          missed = active[a];
        }
      }
      if (misses === 0) {
        visible[r] = 1;
        shown++;
      }
      // A box's count: rows it would match, given every other facet's choice.
      if (misses <= 1) {
        for (k = 0; k < row.length; k++) {
          if (misses === 0 || facetOf[row[k]] === missed) counts[row[k]]++;
        }
      }
    }
    for (r = 0; r < rows.length; r++) {
      var hide = !visible[r];
      if (rowEls[r].hidden !== hide) rowEls[r].hidden = hide;
    }
    groups.forEach(function (grp) {
      var any = false;
      for (var i = grp.from; i <= grp.to && !any; i++) any = visible[i] === 1;
      if (grp.el && grp.el.hidden === any) grp.el.hidden = !any;
      if (grp.jump && grp.jump.hidden === any) grp.jump.hidden = !any;
    });
    for (g = 0; g < terms; g++) {
      var el = countEls[g];
      if (!el) continue;
      var text = String(counts[g]);
      if (el.textContent !== text) el.textContent = text;
      var label = el.parentNode;
      var zero = counts[g] === 0 && !selected[g];
      if (label.classList.contains("zero") !== zero) label.classList.toggle("zero", zero);
    }
    facetEls.forEach(function (el, i) {
      var out = el.querySelector("[data-facet-picked]");
      if (out) out.textContent = picked[i] ? "(" + picked[i] + ")" : "";
    });
    shownEl.textContent = String(shown);
    noneEl.hidden = shown !== 0;
    clearEl.disabled = active.length === 0;
    document.documentElement.setAttribute(
      "data-filter-ms",
      (performance.now() - start).toFixed(1)
    );
  }

  function saveToUrl() {
    var params = new URLSearchParams(location.search);
    facetEls.forEach(function (el) { params.delete(el.getAttribute("data-facet")); });
    boxes.forEach(function (b) { if (b.checked) params.append(b.name, b.value); });
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function loadFromUrl() {
    var params = new URLSearchParams(location.search);
    boxes.forEach(function (b) {
      b.checked = params.getAll(b.name).indexOf(b.value) !== -1;
      if (b.checked) b.closest("details").open = true;
    });
  }

  form.addEventListener("change", function () {
    apply();
    saveToUrl();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  clearEl.addEventListener("click", function () {
    boxes.forEach(function (b) { b.checked = false; });
    apply();
    saveToUrl();
  });
  window.addEventListener("popstate", function () {
    loadFromUrl();
    apply();
  });
  loadFromUrl();
  form.hidden = false;
  apply();
})();
