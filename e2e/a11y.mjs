// Browser test: axe-core (e2e/node_modules/axe-core, pinned in package-lock.json) on
// every kind of page of a built site, in the light and the dark scheme: home, the
// lists (episodes, guests, hosts, topics, a show when there are several), an
// episode, the same episode with a turn highlighted by a `#t=` deep link, a person,
// a topic, the search page showing results, and the 404 page. Every rule axe runs by
// default is checked (WCAG 2.x A and AA, colour contrast included); any violation
// fails. Each page must also link an icon that loads, so browsers never ask the
// server root for /favicon.ico (checked by the request watcher: no 4xx anywhere).
//
// usage: node a11y.mjs <base-url> [<label>]
//   <label> names the site in the output (e.g. "magazine theme").
// exit status: 0 all checks passed, 1 some failed, 2 usage.

import { fileURLToPath } from 'node:url';
import { launch, Checks, watch, clean, baseFromArgs } from './lib.mjs';

const base = baseFromArgs('node a11y.mjs <base-url> [<label>]');
const label = process.argv[3] || 'site';
const checks = new Checks(`a11y (${label})`);
const AXE = fileURLToPath(new URL('./node_modules/axe-core/axe.min.js', import.meta.url));

/** The first visible link under `scope` whose path matches `re`, as an absolute URL. */
async function firstLink(page, scope, re) {
  return page.evaluate(
    ({ scope, re }) => {
      const r = new RegExp(re);
      for (const a of document.querySelectorAll(`${scope} a[href]`)) {
        const u = new URL(a.href, location.href);
        if (r.test(u.pathname) && a.checkVisibility()) return u.href;
      }
      return null;
    },
    { scope, re },
  );
}

/** Waits until no CSS transition or animation is running (a highlight fading in). */
async function settled(page) {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, {
    timeout: 10_000,
  });
}

/** Runs axe on the page as it is now; one check per page, listing every violation. */
async function audit(page, what) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return {
      version: r.testEngine.version,
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\s+/g, ' ')}`),
      })),
    };
  });
  const detail = result.violations
    .map((v) => `${v.id} (${v.impact}) on ${v.nodes.length}: ${v.nodes.slice(0, 3).join(' | ')}`)
    .join('\n        ');
  checks.ok(result.violations.length === 0, `${what}: no axe ${result.version} violations`, detail);
}

/** The page links an icon, and it loads as an image. */
async function iconLoads(page, what) {
  const href = await page.evaluate(() => {
    const l = document.querySelector('link[rel~="icon"]');
    return l ? l.href : null;
  });
  if (!checks.ok(href, `${what}: links an icon`)) return;
  const r = await page.request.get(href);
  checks.ok(r.ok() && /^image\//.test(r.headers()['content-type'] || ''), `${what}: the icon ${href} loads as an image`, `${r.status()} ${r.headers()['content-type']}`);
}

const browser = await launch();
try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1200, height: 900 } });
    const watcher = await watch(context, base);
    const page = await context.newPage();
    const visit = async (what, url, ready = async () => {}) => {
      await checks.step(`${scheme}: ${what}`, async () => {
        await page.goto(url, { waitUntil: 'load' });
        await ready();
        await settled(page);
        const dark = await page.evaluate(() => {
          const bg = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number);
          return bg[0] + bg[1] + bg[2] < 3 * 128;
        });
        checks.eq(dark, scheme === 'dark', `${scheme}: ${what}: shown in the ${scheme} scheme`);
        await audit(page, `${scheme}: ${what}`);
        clean(checks, watcher, `${scheme}: ${what}`);
      });
    };

    await visit('home', base, () => iconLoads(page, `${scheme}: home`));
    for (const list of ['episodes/', 'guests/', 'hosts/', 'topics/']) {
      await visit(`list ${list}`, new URL(list, base).href);
    }
    await page.goto(new URL('episodes/', base).href, { waitUntil: 'networkidle' });
    // Not a year archive (`episodes/2024/`): a real episode.
    const episode = await firstLink(page, 'main', '/episodes/(?!\\d+/$)[^/]+/$');
    if (checks.ok(episode, `${scheme}: an episode is listed`)) {
      await visit('episode', episode);
      // A show's page exists when the archive has several; its episodes link it.
      const show = await firstLink(page, 'main', '/podcasts/[^/]+/$');
      if (show) {
        await visit('a show', show);
        await page.goto(episode, { waitUntil: 'networkidle' });
      }
      // A turn past the first, so the highlight is not at the top of the page.
      const stamp = await page.evaluate(() => {
        const turns = document.querySelectorAll('.turn .ts');
        const t = turns[Math.min(2, turns.length - 1)];
        return t ? t.textContent.trim() : null;
      });
      if (checks.ok(stamp, `${scheme}: the episode has turns`)) {
        await visit(`episode highlighting #t=${stamp}`, `${episode}#t=${stamp}`, () =>
          page.waitForSelector('.turn.is-current', { timeout: 10_000 }),
        );
        // The copy-link button shows when its turn is hovered or focused: audit it so.
        await checks.step(`${scheme}: highlighted turn, copy-link button in focus`, async () => {
          await page.focus('.turn.is-current .copy-link');
          await settled(page);
          await audit(page, `${scheme}: highlighted turn with its copy-link button focused`);
        });
      }
      const word = await page.evaluate(() => {
        // What a turn says follows its `.who` line.
        const said = document.querySelector('.turn > .who + *');
        const w = (said ? said.textContent : '').match(/[A-Za-z]{6,}/);
        return w ? w[0].toLowerCase() : null;
      });
      if (checks.ok(word, `${scheme}: a word to search for`)) {
        await visit(`search ?q=${word}`, `${new URL('search/', base).href}?q=${word}`, async () => {
          await page.waitForSelector('#search-app[data-state="done"]', { timeout: 30_000 });
          const n = await page.locator('#search_results a.ep-title').count();
          checks.ok(n > 0, `${scheme}: search for "${word}" shows results`);
        });
      }
    }

    await page.goto(new URL('guests/', base).href, { waitUntil: 'networkidle' });
    const person = await firstLink(page, 'main', '/people/[^/]+/$');
    if (checks.ok(person, `${scheme}: a guest is listed`)) await visit('person', person);
    await page.goto(new URL('topics/', base).href, { waitUntil: 'networkidle' });
    const topic = await firstLink(page, 'main', '/topics/[^/]+/$');
    if (checks.ok(topic, `${scheme}: a topic is listed`)) await visit('topic', topic);
    await page.goto(new URL('episodes/', base).href, { waitUntil: 'networkidle' });
    const year = await firstLink(page, 'main', '/episodes/\\d+/$');
    if (checks.ok(year, `${scheme}: a year archive is linked`)) await visit('year archive', year);
    // The sample's book.toml declares taxonomies: the footer links their indexes.
    const taxonomy = await firstLink(page, 'nav.footer-nav', '/$');
    if (checks.ok(taxonomy, `${scheme}: a taxonomy is linked`)) {
      await visit('taxonomy index', taxonomy);
      const prefix = new URL(taxonomy).pathname;
      const term = await firstLink(page, 'main', `^${prefix}[^/]+/$`);
      if (checks.ok(term, `${scheme}: a term is listed`)) await visit('term', term);
    }

    const missing = new URL('no-such-page/', base).href;
    watcher.expect404(missing);
    await visit('404 page', missing);
    await context.close();
  }
} finally {
  await browser.close();
}
checks.finish();
