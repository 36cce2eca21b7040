// Measures castbook's search page in headless Chromium (used by bench/search.sh):
// for each query, in a fresh browser context (empty cache), the bytes fetched by
// loading `/search/?q=<query>` until the results are on screen, split into index
// data (files under search/, the page itself excepted) and everything else; then
// the result latency after typing the query into the box (last keystroke to
// results rendered, debounce included): the first try (index files not yet
// fetched) and the median of the next ones.
//
// usage: node bench/search-queries.mjs <base-url> <query>...   (needs e2e/node_modules)
// prints one tab-separated line per query: query, index bytes, index files, other
// bytes, first-try latency ms, median latency of the next tries ms, results.

import { launch } from '../e2e/lib.mjs';

const [base, ...queries] = process.argv.slice(2);
if (!base || !queries.length) {
  console.error('usage: node bench/search-queries.mjs <base-url> <query>...');
  process.exit(2);
}
const TRIES = 5;
const indexPrefix = new URL('search/', base).href;
const browser = await launch();
try {
  console.log(['query', 'index_bytes', 'index_files', 'other_bytes', 'first_ms', 'then_ms', 'results'].join('\t'));
  for (const q of queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let index = 0;
    let files = 0;
    let other = 0;
    const pending = [];
    page.on('response', (r) => {
      pending.push(
        r.body().then(
          (b) => {
            if (r.url().startsWith(indexPrefix) && !/\/search\/(\?|$)/.test(r.url())) {
              index += b.length;
              files += 1;
            } else {
              other += b.length;
            }
          },
          () => {},
        ),
      );
    });
    await page.goto(`${base}search/?q=${encodeURIComponent(q)}`, { waitUntil: 'load' });
    await page.waitForSelector('#search-app[data-state="done"]', { timeout: 60_000 });
    await Promise.all(pending);
    const results = (await page.textContent('#search_status')).trim();
    await context.close();

    const times = [];
    const typing = await browser.newContext();
    const p = await typing.newPage();
    await p.goto(`${base}search/`, { waitUntil: 'load' });
    await p.waitForSelector('#search-app[data-state="done"]');
    for (let i = 0; i < TRIES; i++) {
      // Empty the box and let that (empty) search finish before typing.
      await p.fill('#search_q', '');
      await p.waitForTimeout(300);
      await p.waitForSelector('#search-app[data-state="done"]');
      await p.focus('#search_q');
      await p.evaluate(() => document.querySelector('#search-app').removeAttribute('data-latency-ms'));
      await p.keyboard.type(q, { delay: 30 });
      await p.waitForFunction(() => {
        const app = document.querySelector('#search-app');
        return app.getAttribute('data-latency-ms') && app.getAttribute('data-state') === 'done';
      });
      times.push(Number(await p.getAttribute('#search-app', 'data-latency-ms')));
    }
    await typing.close();
    const then = times.slice(1).sort((a, b) => a - b);
    console.log([q, index, files, other, times[0], then[Math.floor(then.length / 2)], results].join('\t'));
  }
} finally {
  await browser.close();
}
