// Browser test: open a built castbook site and follow links by clicking, as a
// reader would: home → an episode → a chapter in its table of contents → a guest
// → the topics index → a topic → the chapter the topic page links to; then the
// site navigation and the 404 page. Every page's <h1> must be what the link
// promised, no page may log a console error or have a failed request, and the
// keyboard path (first Tab = "Skip to content", which moves focus to <main>) works.
//
// usage: node navigate.mjs <base-url>     (e.g. http://127.0.0.1:8000/archive/)
// exit status: 0 all checks passed, 1 some failed, 2 usage.

import { launch, Checks, watch, clean, norm, baseFromArgs } from './lib.mjs';

const base = baseFromArgs('node navigate.mjs <base-url>');
const basePath = new URL(base).pathname;
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const under = (rest) => `^${esc(basePath)}${rest}`;
const checks = new Checks('navigate');

/**
 * Finds the first visible link in `scope` (a CSS selector) whose path+hash matches
 * `path` (a regex source) and, if given, whose text is `text`; marks it for
 * clicking and returns its URL and visible text, or null.
 */
async function pickLink(page, { scope = 'main a[href]', path, text = null, index = 0 }) {
  return page.evaluate(
    ({ scope, path, text, index }) => {
      document.querySelectorAll('[data-e2e-pick]').forEach((e) => e.removeAttribute('data-e2e-pick'));
      const re = new RegExp(path);
      const found = [];
      for (const a of document.querySelectorAll(scope)) {
        const u = new URL(a.href, location.href);
        if (!re.test(u.pathname + u.hash)) continue;
        const t = a.innerText.replace(/\s+/g, ' ').trim();
        if (text !== null && t !== text) continue;
        if (!a.checkVisibility()) continue;
        found.push([a, { href: u.href, text: t }]);
      }
      if (!found.length) return null;
      const [a, info] = found[index < 0 ? found.length + index : Math.min(index, found.length - 1)];
      a.setAttribute('data-e2e-pick', '1');
      return info;
    },
    { scope, path, text, index },
  );
}

/** Clicks the picked link and waits for the page it leads to. */
async function follow(page, link) {
  await page.locator('[data-e2e-pick]').first().click();
  await page.waitForURL((u) => u.href === link.href, { waitUntil: 'load' });
}

/** The page has exactly one <h1>, in <main>, reading `expected` (or containing it, if `loose`). */
async function checkHeading(page, label, expected, loose = false) {
  const all = await page.locator('h1').allInnerTexts();
  const inMain = await page.locator('main h1').count();
  checks.ok(all.length === 1 && inMain === 1, `${label}: exactly one <h1>, inside <main>`, `found ${all.length}, ${inMain} in main`);
  const h1 = norm(all[0]);
  if (loose) {
    checks.ok(h1.toLowerCase().includes(expected.toLowerCase()), `${label}: <h1> "${h1}" matches the link "${expected}"`);
  } else {
    checks.eq(h1, expected, `${label}: <h1> is what the link promised`);
  }
  const title = norm(await page.title());
  checks.ok(title.length > 0, `${label}: has a <title>`);
}

/**
 * Keyboard access on a freshly loaded page: the first Tab stop is a visible
 * "Skip to content" link; Enter on it moves focus to <main>; the next Tab stop is
 * inside <main> and shows a focus indicator.
 */
async function checkSkipLink(page, label) {
  const focused = () =>
    page.evaluate(() => {
      const a = document.activeElement;
      const main = document.querySelector('main');
      const r = a.getBoundingClientRect();
      const cs = getComputedStyle(a);
      return {
        tag: a.tagName.toLowerCase(),
        href: a.getAttribute('href'),
        desc: a.outerHTML.slice(0, 120),
        text: (a.innerText || a.textContent || '').replace(/\s+/g, ' ').trim(),
        isMain: a === main,
        inMain: !!main && main.contains(a),
        inView: r.width > 1 && r.height > 1 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
        ring: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none',
      };
    });
  await page.keyboard.press('Tab');
  const skip = await focused();
  checks.ok(
    skip.tag === 'a' && /^skip to (the )?(main )?content$/i.test(skip.text),
    `${label}: the first Tab stop is a "Skip to content" link`,
    `focused ${skip.desc}`,
  );
  checks.ok(skip.inView, `${label}: the skip link is visible on screen when focused`);
  checks.ok(skip.ring, `${label}: the focused skip link shows a focus indicator`);
  await page.keyboard.press('Enter');
  if (skip.href && skip.href.startsWith('#')) {
    await page.waitForFunction((h) => location.hash === h, skip.href, { timeout: 3000 }).catch(() => {});
  }
  const target = await focused();
  checks.ok(target.isMain || target.inMain, `${label}: activating the skip link moves focus to <main>`, `focus is on ${target.desc}`);
  await page.keyboard.press('Tab');
  const next = await focused();
  checks.ok(next.inMain && !next.isMain, `${label}: the next Tab stop is inside <main>`, `focus is on ${next.desc}`);
  checks.ok(next.ring, `${label}: keyboard focus inside <main> is visible (outline or box-shadow)`, `focus is on ${next.desc}`);
}

/**
 * After following a link to `#id`: the URL has the hash, the element exists and
 * its heading is on screen, not hidden under anything (a sticky header, say).
 * Returns the heading text.
 */
async function checkAnchor(page, label, id) {
  checks.eq(new URL(page.url()).hash, `#${id}`, `${label}: URL ends with the chapter's #anchor`);
  const exists = await page.evaluate((id) => !!document.getElementById(id), id);
  if (!checks.ok(exists, `${label}: an element has id="${id}"`)) return '';
  const inView = await checks.step(`${label}: the target section's heading is in view`, async () => {
    await page.waitForFunction(
      (id) => {
        const t = document.getElementById(id);
        const h = t.matches('h1,h2,h3,h4,h5,h6') ? t : t.querySelector('h1,h2,h3,h4,h5,h6') || t;
        const r = h.getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight - 20 && r.height > 0;
      },
      id,
      { timeout: 5000 },
    );
    return true;
  });
  if (inView) checks.ok(true, `${label}: the target section's heading is in view`);
  const seen = await page.evaluate((id) => {
    const t = document.getElementById(id);
    const h = t.matches('h1,h2,h3,h4,h5,h6') ? t : t.querySelector('h1,h2,h3,h4,h5,h6') || t;
    const r = h.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 30), r.top + r.height / 2);
    return {
      heading: h.innerText.replace(/\s+/g, ' ').trim(),
      visible: !!hit && h.contains(hit),
      covering: hit ? hit.outerHTML.slice(0, 100) : 'nothing',
      targeted: t.matches(':target'),
    };
  }, id);
  checks.ok(seen.targeted, `${label}: the section matches :target`);
  checks.ok(seen.visible, `${label}: the heading is not covered by another element`, `covered by ${seen.covering}`);
  return seen.heading;
}

async function run(page, watcher) {
  // 1. Home.
  const home = await page.goto(base);
  checks.eq(home && home.status(), 200, 'home: loads with status 200');
  const homeH1 = norm(await page.locator('h1').first().innerText());
  checks.ok(homeH1.length > 0, 'home: has an <h1>', homeH1);
  await checkSkipLink(page, 'home');
  clean(checks, watcher, 'home');

  // 2. An episode, by clicking its title.
  const epLink = await pickLink(page, { path: under('episodes/[^/]+/$') });
  if (!checks.ok(epLink, 'home: links to an episode page', `no visible link to ${basePath}episodes/<slug>/ in <main>`)) return;
  await follow(page, epLink);
  const episodeUrl = page.url();
  await checkHeading(page, 'episode', epLink.text);
  await checkSkipLink(page, 'episode');
  clean(checks, watcher, 'episode');

  // 3. A chapter in the episode's table of contents (one from the middle, so the
  //    page has to scroll).
  const toc = await page.evaluate(
    () => [...document.querySelectorAll('main nav a[href^="#"]')].filter((a) => a.getAttribute('href').length > 1 && a.checkVisibility()).length,
  );
  checks.ok(toc >= 2, 'episode: has a table of contents with chapter links', `${toc} links`);
  let chapterTitle = '';
  const chapter = await pickLink(page, { scope: 'main nav a[href^="#"]', path: '#.', index: Math.floor(toc / 2) });
  if (chapter) {
    await page.locator('[data-e2e-pick]').first().click();
    const id = decodeURIComponent(new URL(chapter.href).hash.slice(1));
    await page.waitForFunction((h) => location.hash === h, `#${id}`).catch(() => {});
    const heading = await checkAnchor(page, 'chapter', id);
    chapterTitle = heading;
    checks.ok(heading && chapter.text.includes(heading), `chapter: the section's heading is what the contents link promised`, `link "${chapter.text}", heading "${heading}"`);
    clean(checks, watcher, 'chapter');
  }

  // 4. A guest, from the episode's metadata (the <dd> after a "Guest(s)" <dt>).
  await page.evaluate(() => {
    document.querySelectorAll('[data-e2e-pick]').forEach((e) => e.removeAttribute('data-e2e-pick'));
    const dt = [...document.querySelectorAll('main dt')].find((d) => /^guests?$/i.test(d.textContent.trim()));
    const a = dt && dt.nextElementSibling && dt.nextElementSibling.querySelector('a[href]');
    if (a) a.setAttribute('data-e2e-pick', '1');
  });
  let guest = null;
  if (await page.locator('[data-e2e-pick]').count()) {
    guest = await page.locator('[data-e2e-pick]').first().evaluate((a) => ({ href: a.href, text: a.innerText.replace(/\s+/g, ' ').trim() }));
  }
  checks.ok(guest && new RegExp(under('people/[^/]+/$')).test(new URL(guest.href).pathname), 'episode: metadata links its guest to a person page', guest ? guest.href : 'no "Guest" entry with a link');
  if (guest) {
    await follow(page, guest);
    await checkHeading(page, 'guest', guest.text);
    const back = await page.evaluate((ep) => [...document.querySelectorAll('main a[href]')].some((a) => a.href === ep), episodeUrl);
    checks.ok(back, 'guest: the person page links back to the episode');
    clean(checks, watcher, 'guest');
  }

  // 5. The topics index from the site navigation, then a topic: the one named
  //    like the chapter visited above when there is one.
  const topicsLink = await pickLink(page, { scope: 'header a[href], nav a[href]', path: under('topics/$') });
  if (!checks.ok(topicsLink, 'site navigation links to the topics index', `no link to ${basePath}topics/ in the header`)) return;
  await follow(page, topicsLink);
  await checkHeading(page, 'topics index', topicsLink.text, true);
  clean(checks, watcher, 'topics index');
  const topicLink =
    (chapterTitle && (await pickLink(page, { path: under('topics/[^/]+/$'), text: chapterTitle }))) ||
    (await pickLink(page, { path: under('topics/[^/]+/$') }));
  if (!checks.ok(topicLink, 'topics index: links to a topic page', `no link to ${basePath}topics/<slug>/ in <main>`)) return;
  checks.ok(!chapterTitle || topicLink.text === chapterTitle, `topics index: lists the chapter "${chapterTitle}" as a topic`);
  await follow(page, topicLink);
  await checkHeading(page, 'topic', topicLink.text);
  clean(checks, watcher, 'topic');

  // 6. From the topic page to the chapter it gathers.
  const hit = await pickLink(page, { path: under('episodes/[^/]+/#.+') });
  if (checks.ok(hit, 'topic: links to a chapter anchor in an episode', `no link to ${basePath}episodes/<slug>/#<chapter> in <main>`)) {
    await follow(page, hit);
    const id = decodeURIComponent(new URL(hit.href).hash.slice(1));
    await checkHeading(page, 'topic → chapter', hit.text);
    const heading = await checkAnchor(page, 'topic → chapter', id);
    // Titles that normalise alike share a topic: compare them that way.
    const key = (s) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    checks.eq(key(heading), key(topicLink.text), 'topic → chapter: lands on a chapter on that topic');
    clean(checks, watcher, 'topic → chapter');
  }

  // 7. The rest of the site navigation.
  for (const [name, rest] of [
    ['episodes index', 'episodes/$'],
    ['guests index', 'guests/$'],
    ['hosts index', 'hosts/$'],
  ]) {
    const link = await pickLink(page, { scope: 'header a[href]', path: under(rest) });
    if (!checks.ok(link, `site navigation links to the ${name}`, `no link matching ${under(rest)} in the header`)) continue;
    await follow(page, link);
    await checkHeading(page, name, link.text, true);
    clean(checks, watcher, name);
  }
  const homeLink = await pickLink(page, { scope: 'header a[href]', path: under('$') });
  if (checks.ok(homeLink, 'site header links to the home page', `no link to ${basePath} in the header`)) {
    await follow(page, homeLink);
    checks.eq(norm(await page.locator('h1').first().innerText()), homeH1, 'home (via the header): same <h1>');
    clean(checks, watcher, 'home (via the header)');
  }

  // 8. A missing page deep under the site gets the 404 page, styled, with
  //    working links (GitHub Pages serves 404.html at any depth).
  const missing = new URL('no/such/page/', base).href;
  watcher.expect404(missing);
  const nf = await page.goto(missing);
  checks.eq(nf && nf.status(), 404, '404: a missing page answers 404');
  const styled = await page.evaluate(() => [...document.styleSheets].some((s) => { try { return s.cssRules.length > 0; } catch { return false; } }));
  checks.ok(styled, '404: the stylesheet loads at any depth');
  checks.ok(norm(await page.locator('main h1').first().innerText({ timeout: 2000 }).catch(() => '')).length > 0, '404: has an <h1> in <main>');
  clean(checks, watcher, '404');
  const back = await pickLink(page, { path: under('$') });
  if (checks.ok(back, '404: links to the home page', `no link to ${basePath} in <main>`)) {
    await follow(page, back);
    clean(checks, watcher, 'home (from 404)');
  }
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const watcher = await watch(context, base);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.setDefaultNavigationTimeout(20_000);
  await checks.step('navigation', () => run(page, watcher));
} finally {
  await browser.close();
}
checks.finish();
