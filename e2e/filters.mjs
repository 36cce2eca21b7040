// Browser test of the facet filters on the guests and episodes lists (filters.js):
// - keyboard only (Tab, Enter on a facet's summary, Space on a checkbox), two facets
//   are combined; the rows left are exactly those the page's data says have both
//   terms (AND across facets), and a second term in one facet widens them (OR);
// - the counts are what each box would show given the other facets;
// - the URL holds the choice: opened in a fresh browser context (a shared link)
//   and reloaded, the page shows the same rows with the same boxes checked;
// - clearing returns every row; without JavaScript the form stays hidden and the
//   "Browse by" links lead to the taxonomy pages;
// - prints `filter-ms: <page> <ms>` for each change (the script's own time).
//
// usage: node filters.mjs <base-url>
// exit status: 0 all checks passed, 1 some failed, 2 usage.

import { launch, Checks, watch, clean, baseFromArgs } from './lib.mjs';

const base = baseFromArgs('node filters.mjs <base-url>');
const checks = new Checks('filters');

/** The page's filter state: data rows, boxes by term number, visible row texts. */
async function state(page) {
  return page.evaluate(() => {
    const data = JSON.parse(document.getElementById('filter-data').textContent);
    const rows = [...document.querySelectorAll('[data-filter-rows] > li')];
    const boxes = [...document.querySelectorAll('form[data-filters] input[data-g]')].map((b) => ({
      g: Number(b.dataset.g),
      name: b.name,
      value: b.value,
      checked: b.checked,
      count: Number(b.parentNode.querySelector('[data-n]').textContent),
    }));
    return {
      rows: data.rows,
      visible: rows.map((li) => !li.hidden && li.offsetParent !== null),
      texts: rows.map((li) => li.querySelector('a').textContent.trim()),
      boxes,
      shown: document.querySelector('[data-filter-shown]').textContent,
      formHidden: document.querySelector('form[data-filters]').hidden,
      openFacets: [...document.querySelectorAll('[data-facet]')].filter((d) => d.open).map((d) => d.dataset.facet),
      ms: document.documentElement.getAttribute('data-filter-ms'),
    };
  });
}

/** Presses Tab until the focused element satisfies `pred` (a page function body). */
async function tabTo(page, pred, arg, limit = 600) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(pred, arg)) return true;
  }
  return false;
}

/** Checks term `g` with the keyboard only: opens its facet's <details> if needed. */
async function toggleByKeyboard(page, g) {
  const open = await page.evaluate((g) => document.querySelector(`input[data-g="${g}"]`).closest('details').open, g);
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.focus('body').catch(() => {});
  if (!open) {
    const facet = await page.evaluate((g) => document.querySelector(`input[data-g="${g}"]`).closest('details').dataset.facet, g);
    const found = await tabTo(page, (f) => {
      const a = document.activeElement;
      return a && a.tagName === 'SUMMARY' && a.parentNode.dataset.facet === f;
    }, facet);
    if (!found) return false;
    await page.keyboard.press('Enter');
  }
  const found = await tabTo(page, (g) => document.activeElement && document.activeElement.dataset.g === String(g), g);
  if (!found) return false;
  await page.keyboard.press('Space');
  return true;
}

/** Row indexes matching the selection: OR within a facet, AND across facets. */
function expectedRows(st, selected) {
  const facetOf = new Map(st.boxes.map((b) => [b.g, b.name]));
  const byFacet = new Map();
  for (const g of selected) {
    const f = facetOf.get(g);
    if (!byFacet.has(f)) byFacet.set(f, new Set());
    byFacet.get(f).add(g);
  }
  return st.rows
    .map((row, i) => [row, i])
    .filter(([row]) => [...byFacet.values()].every((set) => row.some((g) => set.has(g))))
    .map(([, i]) => i);
}

const visibleRows = (st) => st.visible.map((v, i) => (v ? i : -1)).filter((i) => i >= 0);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Combines two facets by keyboard, widens one with OR, shares, reloads, clears. */
async function exercise(browser, watcher, context, path, label) {
  const page = await context.newPage();
  await page.goto(base + path, { waitUntil: 'load' });
  let st = await state(page);
  checks.ok(!st.formHidden, `${label}: the filter form is shown with JavaScript`);
  checks.eq(visibleRows(st).length, st.rows.length, `${label}: every row shows before filtering`);
  // Two facets that a row has together: its smallest facet (unfolded, with other
  // terms to OR with) and its smallest folded one (the keyboard opens it with Enter).
  const facetOf = new Map(st.boxes.map((b) => [b.g, b.name]));
  const size = (g) => st.boxes.filter((x) => x.name === facetOf.get(g)).length;
  const folded = (g) => !st.openFacets.includes(facetOf.get(g));
  const row = st.rows.find((r) => r.some(folded) && r.some((g) => !folded(g)));
  const bySize = [...row].sort((x, y) => size(x) - size(y));
  const a = bySize.find((g) => !folded(g));
  const b = bySize.find(folded);
  checks.ok(await toggleByKeyboard(page, a), `${label}: keyboard reaches and checks a term of ${facetOf.get(a)}`);
  checks.ok(await toggleByKeyboard(page, b), `${label}: keyboard reaches and checks a term of ${facetOf.get(b)}`);
  st = await state(page);
  console.log(`filter-ms: ${label} ${st.ms}`);
  let want = expectedRows(st, [a, b]);
  checks.ok(want.length >= 1, `${label}: the combination matches a row`);
  checks.ok(same(visibleRows(st), want), `${label}: AND across facets shows exactly the matching rows`, `${visibleRows(st)} vs ${want}`);
  checks.eq(st.shown, String(want.length), `${label}: the status counts the rows shown`);
  // Each box counts rows matching every other facet's choice plus itself.
  const countsOk = st.boxes.every((box) => {
    const others = [a, b].filter((g) => facetOf.get(g) !== box.name);
    return box.count === expectedRows(st, others).filter((i) => st.rows[i].includes(box.g)).length;
  });
  checks.ok(countsOk, `${label}: counts update as the filters combine`);
  // OR within a facet: a second term of a's facet with a nonzero count widens the rows.
  const c = st.boxes.find((x) => x.name === facetOf.get(a) && x.g !== a && x.count > 0);
  if (c) {
    checks.ok(await toggleByKeyboard(page, c.g), `${label}: keyboard checks a second term of ${c.name}`);
    st = await state(page);
    want = expectedRows(st, [a, b, c.g]);
    checks.ok(same(visibleRows(st), want) && want.length > expectedRows(st, [a, b]).length,
      `${label}: OR within a facet shows rows with either term`, `${visibleRows(st)} vs ${want}`);
  }
  const url = page.url();
  const params = new URL(url).searchParams;
  checks.ok(params.getAll(facetOf.get(a)).length >= 1 && params.getAll(facetOf.get(b)).length === 1,
    `${label}: the URL holds the choice`, url);
  const shownTexts = (s) => s.texts.filter((_, i) => s.visible[i]);
  const before = shownTexts(st);
  const checked = st.boxes.filter((x) => x.checked).map((x) => x.g);
  // A shared link: a fresh context opens the URL.
  const other = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const shared = await other.newPage();
  await shared.goto(url, { waitUntil: 'load' });
  let st2 = await state(shared);
  checks.ok(same(shownTexts(st2), before) && same(st2.boxes.filter((x) => x.checked).map((x) => x.g), checked),
    `${label}: the shared URL shows the same rows and checked boxes`);
  await shared.reload({ waitUntil: 'load' });
  st2 = await state(shared);
  checks.ok(same(shownTexts(st2), before), `${label}: after a reload, the same rows`);
  await other.close();
  // Clearing by keyboard: Tab to the button, Enter.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const onClear = await tabTo(page, () => document.activeElement && document.activeElement.hasAttribute('data-filter-clear'));
  checks.ok(onClear, `${label}: keyboard reaches "Clear filters"`);
  await page.keyboard.press('Enter');
  st = await state(page);
  checks.eq(visibleRows(st).length, st.rows.length, `${label}: clearing shows every row again`);
  checks.eq(new URL(page.url()).search, '', `${label}: clearing empties the URL's query`);
  clean(checks, watcher, label);
  await page.close();
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const watcher = await watch(context, base);
  await checks.step('guests', () => exercise(browser, watcher, context, 'guests/', 'guests'));
  await checks.step('episodes', () => exercise(browser, watcher, context, 'episodes/', 'episodes'));

  // Without JavaScript: no form, and the browse links lead to the taxonomy pages.
  await checks.step('no JavaScript', async () => {
    const nojs = await browser.newContext({ javaScriptEnabled: false });
    const page = await nojs.newPage();
    await page.goto(base + 'guests/', { waitUntil: 'load' });
    checks.ok(!(await page.isVisible('form[data-filters]')), 'without JavaScript the filter form stays hidden');
    const link = page.locator('nav.browse a').first();
    const href = await link.getAttribute('href');
    await link.click();
    await page.waitForLoadState('load');
    checks.ok(new URL(page.url()).pathname === href && (await page.locator('.term-cloud a').count()) > 0,
      'without JavaScript "Browse by" leads to a taxonomy page listing its terms');
    await nojs.close();
  });
} finally {
  await browser.close();
}
checks.finish();
