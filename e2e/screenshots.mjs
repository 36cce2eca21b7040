// Screenshots for docs/themes.md: home and an episode page, light and dark, desktop
// (1280×900) and phone (390×844), of every site given. Home pages are shot whole,
// episode pages to the viewport so the PNGs stay small; bench/screenshots.sh builds
// and serves the sites and compresses the results. A `<name>@<kind>=<url>` argument
// shoots that one page instead (whole, once the list filters have run),
// e.g. the guests list with filters chosen in its URL for docs/taxonomies.md.
//
// usage: node screenshots.mjs <out-dir> <name>=<base-url>|<name>@<kind>=<url> [...]
// Writes <out-dir>/<name>-<home|episode|kind>-<light|dark>-<desktop|phone>.png.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './lib.mjs';

const [out, ...sites] = process.argv.slice(2);
if (!out || sites.length === 0 || sites.some((s) => !s.includes('='))) {
  console.error('usage: node screenshots.mjs <out-dir> <name>=<base-url> [<name>=<base-url>...]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];
const SCHEMES = ['light', 'dark'];

const browser = await launch();
let failed = false;
try {
  for (const site of sites) {
    const [name, base] = site.split(/=(.*)/s);
    for (const vp of VIEWPORTS) {
      for (const scheme of SCHEMES) {
        const context = await browser.newContext({
          viewport: { width: vp.width, height: vp.height },
          colorScheme: scheme,
          deviceScaleFactor: 1,
        });
        const page = await context.newPage();
        page.on('pageerror', (e) => { failed = true; console.error(`${name}: ${e}`); });
        if (name.includes('@')) {
          const [site, kind] = name.split('@');
          await page.goto(base, { waitUntil: 'load' });
          await page.waitForFunction(() => document.documentElement.hasAttribute('data-filter-ms'));
          const file = join(out, `${site}-${kind}-${scheme}-${vp.name}.png`);
          // Whole: the filtered rows are below the filters.
          await page.screenshot({ path: file, fullPage: true });
          console.log(file);
          await context.close();
          continue;
        }
        await page.goto(base, { waitUntil: 'load' });
        const episode = await page.evaluate(() => {
          const a = [...document.querySelectorAll('a[href]')].find((l) => /\/episodes\/[^/]+\/$/.test(new URL(l.href).pathname));
          return a ? a.href : null;
        });
        const shots = [['home', base], ['episode', episode]];
        for (const [kind, url] of shots) {
          if (!url) { failed = true; console.error(`${name}: no episode link on the home page`); continue; }
          await page.goto(url, { waitUntil: 'load' });
          const file = join(out, `${name}-${kind}-${scheme}-${vp.name}.png`);
          // Home pages whole (the magazine's guest grid is below the fold); episode
          // pages to the viewport, as their transcripts run to many screens.
          await page.screenshot({ path: file, fullPage: kind === 'home' });
          console.log(file);
        }
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
