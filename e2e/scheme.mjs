// Browser test: the light/dark toggle in the header.
//
// - Without JavaScript the toggle is hidden (the page follows default-theme).
// - With it, the toggle shows, says whether dark is on (aria-pressed, following the
//   system under "auto"), switches the page's colours when clicked, and the choice
//   is stored.
// - The stored choice is applied by the inline script in <head> alone: another page
//   loaded with castbook.js blocked still opens in it (so no flash waiting for the
//   deferred script).
//
// usage: node scheme.mjs <base-url>
// exit status: 0 all checks passed, 1 some failed, 2 usage.

import { launch, Checks, watch, clean, baseFromArgs } from './lib.mjs';

const base = baseFromArgs('node scheme.mjs <base-url>');
const checks = new Checks('scheme');
const browser = await launch();

const state = (page) =>
  page.evaluate(() => {
    const b = document.querySelector('.scheme-toggle');
    const bg = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
    return {
      theme: document.documentElement.getAttribute('data-theme'),
      hidden: !b || b.hidden || b.getBoundingClientRect().width === 0,
      pressed: b ? b.getAttribute('aria-pressed') : null,
      stored: (() => { try { return localStorage.getItem('castbook-scheme'); } catch (e) { return 'error'; } })(),
      dark: bg[0] + bg[1] + bg[2] < 3 * 128,
    };
  });

try {
  await checks.step('no JavaScript: the toggle is hidden', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(base);
    const s = await state(page).catch(() => null);
    // evaluate() still runs with page JS off; only the page's own scripts are off.
    checks.ok(s && s.hidden, 'toggle hidden without JavaScript', JSON.stringify(s));
    await context.close();
  });

  for (const system of ['light', 'dark']) {
    await checks.step(`system ${system}: toggle, store, reapply`, async () => {
      const context = await browser.newContext({ colorScheme: system });
      const watcher = await watch(context, base);
      const page = await context.newPage();
      await page.goto(base);
      let s = await state(page);
      checks.ok(!s.hidden, `${system}: toggle visible`);
      checks.eq(s.pressed, system === 'dark' ? 'true' : 'false', `${system}: aria-pressed follows the system under auto`);
      checks.eq(s.dark, system === 'dark', `${system}: page colours follow the system`);

      await page.click('.scheme-toggle');
      s = await state(page);
      const want = system === 'dark' ? 'light' : 'dark';
      checks.eq(s.theme, want, `${system}: click switches data-theme`);
      checks.eq(s.stored, want, `${system}: choice stored`);
      checks.eq(s.pressed, want === 'dark' ? 'true' : 'false', `${system}: aria-pressed updated`);
      checks.eq(s.dark, want === 'dark', `${system}: page colours switched`);

      // Another page, with castbook.js blocked: only the inline <head> script runs.
      await page.route('**/castbook.js*', (route) => route.abort());
      await page.goto(new URL('episodes/', base).href);
      s = await state(page);
      checks.eq(s.theme, want, `${system}: stored choice applied by the head script alone`);
      checks.eq(s.dark, want === 'dark', `${system}: and its colours shown`);
      await page.unroute('**/castbook.js*');
      watcher.take(); // the blocked script is intended
      await page.goto(base);
      clean(checks, watcher, `${system}: home`);
      await context.close();
    });
  }
} finally {
  await browser.close();
}
checks.finish();
