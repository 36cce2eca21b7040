// Measures how long the list filters take to show results (filters.js): for each
// page given, it clicks R checkboxes one after the other (a mix of facets, each
// click adding or removing a term), and times each from the click to the second
// animation frame after it, so the hidden rows, the counts and the layout are
// done and painted. Prints one line per page: median, min and max in ms, and the
// script's own share (data-filter-ms). Not a test: nothing asserts.
//
// usage: node filters-bench.mjs <base-url> [--runs R] [page ...]   (pages default:
//        guests/ episodes/)

import { launch, baseFromArgs } from './lib.mjs';

const base = baseFromArgs('node filters-bench.mjs <base-url> [--runs R] [page ...]');
const args = process.argv.slice(3);
let runs = 30;
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else pages.push(args[i]);
}
if (pages.length === 0) pages.push('guests/', 'episodes/');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const browser = await launch();
try {
  for (const path of pages) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(base + path, { waitUntil: 'load' });
    await page.waitForFunction(() => document.documentElement.hasAttribute('data-filter-ms'));
    const info = await page.evaluate(() => ({
      rows: document.querySelectorAll('[data-filter-rows] > li').length,
      boxes: document.querySelectorAll('form[data-filters] input[data-g]').length,
    }));
    const result = await page.evaluate(async (runs) => {
      // Open every facet so any box can be clicked; take boxes spread over facets.
      document.querySelectorAll('[data-facet]').forEach((d) => { d.open = true; });
      const facets = [...document.querySelectorAll('[data-facet]')];
      const picks = [];
      for (let i = 0; picks.length < runs; i++) {
        const boxes = facets[i % facets.length].querySelectorAll('input[data-g]');
        picks.push(boxes[Math.floor(i / facets.length) % boxes.length]);
      }
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const total = [];
      const script = [];
      for (const box of picks) {
        await frame();
        const t0 = performance.now();
        box.click();
        await frame();
        await frame();
        total.push(performance.now() - t0);
        script.push(Number(document.documentElement.getAttribute('data-filter-ms')));
      }
      return { total, script };
    }, runs);
    const fmt = (xs) => `median ${median(xs).toFixed(1)} [${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}]`;
    console.log(`${path}: ${info.rows} rows, ${info.boxes} boxes, ${runs} changes: shown in ${fmt(result.total)} ms; script ${fmt(result.script)} ms`);
    await context.close();
  }
} finally {
  await browser.close();
}
