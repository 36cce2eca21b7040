// Browser test: the layout at phone (390×844) and desktop (1280×900) widths, in
// light and dark colour schemes, and the episode page without JavaScript.
//
// - No horizontal scrolling on the home and episode pages
//   (document.documentElement.scrollWidth <= innerWidth); on failure, the
//   elements that stick out are named.
// - Body text has readable contrast (WCAG AA, 4.5:1) against its background.
// - With JavaScript disabled, the episode page shows its transcript text (the
//   phrases given on the command line) and its chapter links, each leading to a
//   section on the page.
// - As a side effect, screenshots go to <screenshot-dir> (not compared).
//
// usage: node layout.mjs <base-url> <screenshot-dir> [phrase...]
// exit status: 0 all checks passed, 1 some failed, 2 usage.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, Checks, watch, clean, baseFromArgs } from './lib.mjs';

const base = baseFromArgs('node layout.mjs <base-url> <screenshot-dir> [phrase...]');
const shots = process.argv[3];
if (!shots) {
  console.error('usage: node layout.mjs <base-url> <screenshot-dir> [phrase...]');
  process.exit(2);
}
const phrases = process.argv.slice(4);
mkdirSync(shots, { recursive: true });
const basePath = new URL(base).pathname;
const checks = new Checks('layout');

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
];

/** The first episode page linked from the home page. */
async function findEpisode(page) {
  await page.goto(base);
  return page.evaluate((basePath) => {
    const re = new RegExp(`^${basePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}episodes/[^/]+/$`);
    const a = [...document.querySelectorAll('main a[href]')].find((a) => re.test(new URL(a.href).pathname));
    return a ? a.href : null;
  }, basePath);
}

/** Fails unless the page has no horizontal scrolling; names what sticks out. */
async function checkNoSideScroll(page, label) {
  const r = await page.evaluate(() => {
    const doc = document.documentElement;
    const vw = window.innerWidth;
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const b = el.getBoundingClientRect();
      if (b.width > 0 && b.right > vw + 0.5) {
        // Report the outermost offenders only.
        if (!wide.some((w) => w.el.contains(el))) {
          const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '';
          wide.push({ el, what: `<${el.tagName.toLowerCase()}${el.id ? ' id=' + el.id : ''}>${cls} right edge ${Math.round(b.right)}px, width ${Math.round(b.width)}px` });
        }
      }
    }
    return { scrollWidth: doc.scrollWidth, innerWidth: vw, wide: wide.slice(0, 8).map((w) => w.what) };
  });
  checks.ok(
    r.scrollWidth <= r.innerWidth,
    `${label}: no horizontal scrolling (scrollWidth ${r.scrollWidth} <= innerWidth ${r.innerWidth})`,
    r.wide.length ? `too wide: ${r.wide.join('; ')}` : '',
  );
}

/** WCAG contrast of the first element matching `selector` against its backdrop. */
async function checkContrast(page, label, selector, scheme) {
  const r = await page.evaluate(
    ({ selector, scheme }) => {
      const el = document.querySelector(selector);
      if (!el) return null;
      // Any CSS colour (rgb(), color(srgb …), oklch(), …) to 8-bit RGBA, through a canvas.
      const cx = Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d', { willReadFrequently: true });
      const parse = (c) => {
        cx.clearRect(0, 0, 1, 1);
        cx.fillStyle = 'rgba(0, 0, 0, 0)';
        cx.fillStyle = c;
        cx.fillRect(0, 0, 1, 1);
        const [r, g, b, a] = cx.getImageData(0, 0, 1, 1).data;
        return { r, g, b, a: a / 255 };
      };
      let bg = null;
      for (let n = el; n; n = n.parentElement) {
        const c = parse(getComputedStyle(n).backgroundColor);
        if (c && c.a > 0) {
          bg = c;
          break;
        }
      }
      // The canvas behind a transparent page follows the used colour scheme.
      bg = bg || (scheme === 'dark' ? { r: 18, g: 18, b: 18, a: 1 } : { r: 255, g: 255, b: 255, a: 1 });
      const f0 = parse(getComputedStyle(el).color);
      const mix = (k) => f0[k] * f0.a + bg[k] * (1 - f0.a);
      const fg = { r: mix('r'), g: mix('g'), b: mix('b') };
      const lum = ({ r, g, b }) => {
        const f = (v) => {
          v /= 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      return {
        ratio: (l1 + 0.05) / (l2 + 0.05),
        fg: getComputedStyle(el).color,
        bg: `rgb(${bg.r}, ${bg.g}, ${bg.b})`,
        bgLum: lum(bg),
      };
    },
    { selector, scheme },
  );
  if (!r) return null;
  checks.ok(r.ratio >= 4.5, `${label}: text contrast ${r.ratio.toFixed(1)}:1 >= 4.5:1 (${selector})`, `${r.fg} on ${r.bg}`);
  return r;
}

async function layout(browser, vp, scheme, episodeUrl) {
  const context = await browser.newContext({
    viewport: { width: vp.width, height: vp.height },
    colorScheme: scheme,
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  });
  const watcher = await watch(context, base);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const tag = `${vp.name} ${vp.width}×${vp.height} ${scheme}`;
  const file = (name) => join(shots, `${name}-${vp.name}-${scheme}.png`);

  await page.goto(base);
  await checkNoSideScroll(page, `home, ${tag}`);
  await checkContrast(page, `home, ${tag}`, 'main p', scheme);
  await page.screenshot({ path: file('home'), fullPage: true });
  clean(checks, watcher, `home, ${tag}`);

  await page.goto(episodeUrl);
  await checkNoSideScroll(page, `episode, ${tag}`);
  const body = await checkContrast(page, `episode, ${tag}`, 'main section p', scheme);
  if (body) {
    // The colour scheme is followed: a dark page in dark mode, a light one in light mode.
    checks.ok(
      scheme === 'dark' ? body.bgLum < 0.2 : body.bgLum > 0.5,
      `episode, ${tag}: the page background follows prefers-color-scheme`,
      `background ${body.bg}`,
    );
  }
  await page.screenshot({ path: file('episode') });
  // Further down: the transcript itself, from a chapter in the middle.
  const moved = await page.evaluate(() => {
    const links = [...document.querySelectorAll('main nav a[href^="#"]')];
    const a = links[Math.floor(links.length / 2)];
    const t = a && document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
    if (!t) return false;
    t.scrollIntoView({ block: 'start' });
    return true;
  });
  if (moved) await page.screenshot({ path: file('episode-transcript') });
  clean(checks, watcher, `episode, ${tag}`);
  await context.close();
}

async function withoutJs(browser, vp, episodeUrl) {
  const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, javaScriptEnabled: false });
  const watcher = await watch(context, base);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const label = `episode without JavaScript, ${vp.name}`;
  await page.goto(episodeUrl);
  const r = await page.evaluate(() => {
    const main = document.querySelector('main');
    const text = main ? main.innerText.replace(/\s+/g, ' ') : '';
    const links = [...document.querySelectorAll('main nav a[href^="#"]')].filter((a) => a.getAttribute('href').length > 1);
    return {
      text,
      h1: (document.querySelector('h1') || {}).innerText || '',
      links: links.length,
      visibleLinks: links.filter((a) => a.checkVisibility()).length,
      targets: links.filter((a) => {
        const t = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
        return t && t.checkVisibility();
      }).length,
    };
  });
  checks.ok(r.h1.trim().length > 0, `${label}: has its <h1>`);
  for (const p of phrases) {
    checks.ok(r.text.includes(p), `${label}: transcript text is shown ("${p}")`);
  }
  checks.ok(r.links >= 2 && r.visibleLinks === r.links, `${label}: chapter links are shown`, `${r.visibleLinks} of ${r.links} visible`);
  checks.ok(r.targets === r.links, `${label}: every chapter link leads to a visible section`, `${r.targets} of ${r.links}`);
  await page.screenshot({ path: join(shots, `episode-nojs-${vp.name}.png`) });
  clean(checks, watcher, label);
  await context.close();
}

const browser = await launch();
try {
  const page = await browser.newPage();
  const episodeUrl = await findEpisode(page);
  await page.close();
  if (checks.ok(episodeUrl, 'home links to an episode page')) {
    for (const vp of VIEWPORTS) {
      for (const scheme of ['light', 'dark']) {
        await checks.step(`layout ${vp.name} ${scheme}`, () => layout(browser, vp, scheme, episodeUrl));
      }
      await checks.step(`without JavaScript ${vp.name}`, () => withoutJs(browser, vp, episodeUrl));
    }
  }
} finally {
  await browser.close();
}
console.log(`screenshots in ${shots}`);
checks.finish();
