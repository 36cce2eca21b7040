// Browser test (and measurement) of castbook's search page on a built site:
// - `/search/?q=<query>` runs on load and its first result is the turn that the
//   Rust evaluator of the same index ranks first (src/search/query.rs);
// - snippets hold only text and <mark>; clicking the result lands on the turn's
//   anchor, where the searched word is highlighted;
// - typing updates the results and the URL; ↓/↑ move between the box and the
//   results, Enter follows one; a podcast filter narrows the results;
// - it counts the bytes of index data (search/ files) the first query fetched and
//   measures result latency after typing (printed; the caller decides on limits);
// - with a stems file, search.js's English stemmer must agree with rust-stemmers.
//
// usage: node search.mjs <base-url> <query> <expected-url> [--stems FILE] [--latency Q1,Q2,…]
//   <expected-url>: the result's site-relative URL, e.g. episodes/x/#t-00-41-12
// prints `index-bytes: N`, `page-bytes: N` and `latency-ms: <query> N` lines.
// exit status: 0 all checks passed, 1 some failed, 2 usage.

import { readFileSync } from 'node:fs';
import { launch, Checks, watch, clean, baseFromArgs } from './lib.mjs';

const base = baseFromArgs('node search.mjs <base-url> <query> <expected-url> [--stems FILE] [--latency Q1,Q2]');
const [query, expected] = [process.argv[3], process.argv[4]];
if (!query || !expected) {
  console.error('usage: node search.mjs <base-url> <query> <expected-url> [--stems FILE] [--latency Q1,Q2]');
  process.exit(2);
}
const opt = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : null;
};
const stemsFile = opt('--stems');
const latencyQueries = (opt('--latency') || 'manager,promotion quota,low perf').split(',');
const checks = new Checks('search');
const indexPrefix = new URL('search/', base).href;

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const watcher = await watch(context, base);
  const page = await context.newPage();

  // Bytes of every response, split into index data (search/ files but the page) and the rest.
  let indexBytes = 0;
  let pageBytes = 0;
  page.on('response', async (r) => {
    try {
      const n = (await r.body()).length;
      if (r.url().startsWith(indexPrefix) && !/\/search\/(\?|$)/.test(r.url())) indexBytes += n;
      else pageBytes += n;
    } catch {
      // Redirects have no body.
    }
  });
  const done = () => page.waitForSelector('#search-app[data-state="done"]', { timeout: 30_000 });
  const resultLinks = () =>
    page.$$eval('#search_results a.ep-title', (as) => as.map((a) => ({ href: a.href, text: a.textContent })));

  // 1. ?q= runs on load; the expected turn is the first result.
  await checks.step('search page loads with ?q=', async () => {
    await page.goto(`${base}search/?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
    await done();
  });
  const links = (await resultLinks()) || [];
  checks.ok(links.length > 0, `?q=${query}: results are listed`, `status: ${await page.textContent('#search_status')}`);
  const want = new URL(expected, base);
  const first = links.length ? new URL(links[0].href) : null;
  checks.ok(
    first && first.pathname === want.pathname && first.hash === want.hash,
    `?q=${query}: the first result is ${expected} (as the Rust evaluator ranks it)`,
    first ? first.pathname + first.hash : 'none',
  );
  checks.ok(first && first.searchParams.get('highlight'), 'the result link asks the page to highlight the words', first?.href);
  console.log(`index-bytes: ${indexBytes}`);
  console.log(`page-bytes: ${pageBytes}`);
  checks.ok(indexBytes > 0 && indexBytes < 500_000, `one query fetched ${indexBytes} bytes of index data (< 500 KB)`);

  // 2. Results are text: only <mark> elements inside snippets, and the word is marked.
  const shape = await page.evaluate(() => {
    const snips = [...document.querySelectorAll('#search_results .search-snippet')];
    const others = snips.flatMap((s) => [...s.querySelectorAll('*')].filter((e) => e.tagName !== 'MARK'));
    const marks = snips.map((s) => [...s.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()));
    return { others: others.length, marks, titles: [...document.querySelectorAll('#search_results a.ep-title')].map((a) => a.children.length) };
  });
  checks.eq(shape.others, 0, 'snippets contain no elements but <mark>');
  checks.ok(shape.titles.every((n) => n === 0), 'result titles are plain text');
  checks.ok(shape.marks[0] && shape.marks[0].some((m) => m.startsWith(query.toLowerCase().slice(0, 4))), 'the first snippet marks the word', JSON.stringify(shape.marks[0]));
  clean(checks, watcher, 'search page');

  // 3. Clicking the result lands on the turn, with the word highlighted there.
  if (first) {
    await checks.step('clicking the first result', async () => {
      await Promise.all([page.waitForURL((u) => u.pathname === want.pathname, { waitUntil: 'load' }), page.click('#search_results a.ep-title >> nth=0')]);
    });
    const landed = await page.evaluate(() => {
      const id = decodeURIComponent(location.hash.slice(1));
      const el = document.getElementById(id);
      const r = el ? el.getBoundingClientRect() : null;
      return {
        hash: location.hash,
        exists: !!el,
        target: !!el && el.matches(':target'),
        inView: !!r && r.top < innerHeight && r.bottom > 0,
        marks: el ? [...el.querySelectorAll('mark.search-hit')].map((m) => m.textContent.toLowerCase()) : [],
      };
    });
    checks.eq(landed.hash, want.hash, 'the episode page opened at the turn anchor');
    checks.ok(landed.exists && landed.target, 'the turn is the :target element');
    checks.ok(landed.inView, 'the turn is scrolled into view');
    checks.ok(landed.marks.length > 0, 'the searched word is highlighted in the turn', JSON.stringify(landed.marks));
    clean(checks, watcher, 'episode page');
  }

  // 4. Keyboard: type, ↓ into the results, ↑ back, Enter follows a result; the URL follows the query.
  await checks.step('keyboard search', async () => {
    await page.goto(`${base}search/`, { waitUntil: 'load' });
    await done();
    await page.focus('#search_q');
    await page.keyboard.type('promotion quot', { delay: 20 });
    await page.waitForFunction(() => document.querySelectorAll('#search_results a.ep-title').length > 1);
    await done();
    checks.ok(new URL(page.url()).searchParams.get('q') === 'promotion quot', 'the URL carries the query', page.url());
    await page.keyboard.press('ArrowDown');
    const a1 = await page.evaluate(() => document.activeElement.matches('#search_results li:nth-child(1) a.ep-title'));
    await page.keyboard.press('ArrowDown');
    const a2 = await page.evaluate(() => document.activeElement.matches('#search_results li:nth-child(2) a.ep-title'));
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    const back = await page.evaluate(() => document.activeElement.id);
    checks.ok(a1 && a2, '↓ moves from the box through the results');
    checks.eq(back, 'search_q', '↑ from the first result returns to the box');
    await page.keyboard.press('ArrowDown');
    const href = await page.evaluate(() => document.activeElement.href);
    await Promise.all([page.waitForURL((u) => u.href === href, { waitUntil: 'load' }), page.keyboard.press('Enter')]);
    checks.ok(true, 'Enter on a result follows it');
  });
  clean(checks, watcher, 'keyboard search');

  // 5. A podcast filter narrows the results and goes into the URL.
  await checks.step('podcast filter', async () => {
    await page.goto(`${base}search/?q=${encodeURIComponent('manager')}`, { waitUntil: 'load' });
    await done();
    const before = await page.textContent('#search_status');
    await page.click('#search_filters summary');
    await page.waitForFunction(() => document.querySelectorAll('#search_podcast option').length > 2);
    const [value, name] = await page.$eval('#search_podcast option:nth-child(2)', (o) => [o.value, o.textContent]);
    await page.selectOption('#search_podcast', value);
    await page.waitForFunction((v) => new URL(location.href).searchParams.get('podcast') === v, value);
    await done();
    const metas = await page.$$eval('#search_results .ep-meta', (ps) => ps.map((p) => p.textContent));
    const after = await page.textContent('#search_status');
    checks.ok(metas.length > 0 && metas.every((m) => m.includes(` · ${name} · `)), `every result is from ${name}`, metas[0]);
    checks.ok(parseInt(after, 10) < parseInt(before, 10), `the filter narrows the results (${before.trim()} → ${after.trim()})`);
  });
  clean(checks, watcher, 'filters');

  // 6. Latency: from the last keystroke to the results on screen (debounce included).
  for (const q of latencyQueries) {
    await checks.step(`latency of "${q}"`, async () => {
      const p = await context.newPage();
      await p.goto(`${base}search/`, { waitUntil: 'load' });
      await p.waitForSelector('#search-app[data-state="done"]');
      await p.focus('#search_q');
      await p.keyboard.type(q, { delay: 40 });
      await p.waitForFunction(() => document.querySelector('#search-app').getAttribute('data-latency-ms') && document.querySelector('#search-app').getAttribute('data-state') === 'done');
      const ms = await p.getAttribute('#search-app', 'data-latency-ms');
      console.log(`latency-ms: ${q} ${ms}`);
      await p.close();
    });
  }

  // 7. The client's stemmer agrees with the index's.
  if (stemsFile) {
    const pairs = JSON.parse(readFileSync(stemsFile, 'utf8'));
    const bad = await page.evaluate((pairs) => {
      const out = [];
      for (const [w, s] of pairs) {
        const got = window.castbookSearch.stem(w);
        if (got !== s) out.push(`${w}: ${got} ≠ ${s}`);
      }
      return out;
    }, pairs);
    checks.ok(bad.length === 0, `search.js stems ${pairs.length} words as rust-stemmers does`, bad.slice(0, 20).join(', '));
  }
  clean(checks, watcher, 'end');
} finally {
  await browser.close();
}
checks.finish();
