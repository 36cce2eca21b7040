// Browser test: audio deep links on an episode page. Given the same episode built
// with an `audio_url` (a long silent WAV served with byte ranges) and without one:
// - with audio: clicking a turn's timestamp, then a chapter's, moves the player's
//   currentTime there (and plays); opening `#t=00:41:12` or `#t=2472` (Podlove deep
//   links) cues the player there on load without playing, and marks that turn, and
//   so does a turn's own anchor (`#t-00-01-33`, its time read from the id);
// - without audio: `#t=00:41:12` scrolls to and marks the turn said then, and a
//   timestamp click goes to the turn's anchor;
// - both: every turn has a "copy link to this moment" button that puts the turn's
//   URL on the clipboard.
// Waits are for conditions (bounded by the test's overall limit), never fixed sleeps.
//
// usage: node audio.mjs <episode-url-with-audio> <episode-url-without-audio> <turns>
// exit status: 0 all checks passed, 1 some failed, 2 usage.

import { launch, Checks, watch } from './lib.mjs';

const [withAudio, withoutAudio, turnsArg] = process.argv.slice(2);
const turns = Number(turnsArg);
if (!withAudio || !withoutAudio || !Number.isInteger(turns)) {
  console.error('usage: node audio.mjs <episode-url-with-audio> <episode-url-without-audio> <turns>');
  process.exit(2);
}
const checks = new Checks('audio');
const WAIT = { timeout: 60_000, polling: 50 };

/** The player's currentTime once it lies in [from, to), or the failure. */
async function timeBetween(page, from, to) {
  await page.waitForFunction(
    ([a, b]) => {
      const p = document.querySelector('audio.player');
      return p && p.currentTime >= a && p.currentTime < b;
    },
    [from, to],
    WAIT
  );
  return page.evaluate(() => document.querySelector('audio.player').currentTime);
}

/** Id of the turn marked current and whether it is on screen. */
async function currentTurn(page) {
  return page.evaluate(() => {
    const t = document.querySelector('.turn.is-current');
    if (!t) return null;
    const r = t.getBoundingClientRect();
    return { id: t.id, onScreen: r.bottom > 0 && r.top < innerHeight };
  });
}

/**
 * Like lib.mjs's clean(), except that an aborted request for the audio is expected:
 * a media element cancels its download whenever it seeks and asks for a new range.
 */
function clean(checks, watcher, label) {
  const p = watcher.take().filter((m) => !/^request failed: \S+\.wav \(net::ERR_ABORTED\)/.test(m));
  checks.ok(p.length === 0, `${label}: no console errors, failed requests or outside requests`, p.join('\n        '));
}

const browser = await launch();
try {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const watcher = await watch(context, withAudio);
  const page = await context.newPage();

  await checks.step('with audio: timestamps seek the player', async () => {
    await page.goto(withAudio, { waitUntil: 'load' });
    checks.ok(await page.locator('audio.player[controls]').count() === 1, 'the page has one <audio controls> player');
    checks.eq(await page.locator('.turn button.copy-link').count(), turns, 'every turn has a copy-link button');
    const label = await page.locator('.turn button.copy-link').first().getAttribute('aria-label');
    checks.ok(/^Copy link to this moment/.test(label || ''), 'the copy-link button has an accessible name', label);

    await page.locator('#t-00-01-33 .who a.ts').click();
    const t = await timeBetween(page, 93, 93 + 60);
    checks.ok(t >= 93, "clicking turn 00:01:33's timestamp moves currentTime there", String(t));
    checks.eq(new URL(page.url()).hash, '#t-00-01-33', 'the click also goes to the turn anchor');
    checks.eq((await currentTurn(page))?.id, 't-00-01-33', 'the clicked turn is marked current');
    await page.waitForFunction(() => document.querySelector('audio.player').classList.contains('docked'), null, WAIT);
    const docked = await page.evaluate(() => {
      const r = document.querySelector('audio.player').getBoundingClientRect();
      return r.top >= 0 && r.bottom <= innerHeight + 1 && r.height > 0;
    });
    checks.ok(docked, 'while playing, the player docks to the bottom of the window');

    const chapter = page.locator('.chapter').nth(1);
    const seconds = Number(await chapter.locator('.chapter-meta a.ts').getAttribute('data-t'));
    await chapter.locator('.chapter-meta a.ts').click();
    const c = await timeBetween(page, seconds, seconds + 60);
    checks.ok(c >= seconds, `clicking the second chapter's timestamp seeks to ${seconds} s`, String(c));

    await page.locator('.toc a[data-t]').nth(2).click();
    const tocSeconds = Number(await page.locator('.toc a[data-t]').nth(2).getAttribute('data-t'));
    const d = await timeBetween(page, tocSeconds, tocSeconds + 60);
    checks.ok(d >= tocSeconds, `clicking the third chapter in the chapter list seeks to ${tocSeconds} s`, String(d));
    await page.evaluate(() => document.querySelector('audio.player').pause());
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForFunction(() => !document.querySelector('audio.player').classList.contains('docked'), null, WAIT);
    checks.ok(true, 'back at the top, the player returns to its place');
  });
  clean(checks, watcher, 'with audio, clicks');

  for (const hash of ['#t=00:41:12', '#t=2472']) {
    await checks.step(`with audio: ${hash} seeks on load`, async () => {
      const p = await context.newPage();
      await p.goto(withAudio + hash, { waitUntil: 'load' });
      const t = await timeBetween(p, 2472, 2473);
      checks.ok(t >= 2472 && t < 2473, `opening ${hash} sets currentTime to 2472`, String(t));
      checks.ok(await p.evaluate(() => document.querySelector('audio.player').paused), `${hash} does not start playing by itself`);
      const cur = await currentTurn(p);
      checks.ok(cur && cur.onScreen, `${hash} marks the turn said then and scrolls it into view`, JSON.stringify(cur));
      await p.close();
    });
  }
  await checks.step("with audio: a turn's own anchor cues the player at its start", async () => {
    const p = await context.newPage();
    await p.goto(withAudio + '#t-00-01-33', { waitUntil: 'load' });
    const t = await timeBetween(p, 93, 94);
    checks.ok(t >= 93 && t < 94, 'opening #t-00-01-33 sets currentTime to 93', String(t));
    checks.ok(await p.evaluate(() => document.querySelector('audio.player').paused), '#t-00-01-33 does not start playing by itself');
    checks.eq((await currentTurn(p))?.id, 't-00-01-33', '#t-00-01-33 marks its turn');
    await p.close();
  });
  clean(checks, watcher, 'with audio, deep links');

  await checks.step('copy link to this moment', async () => {
    const button = page.locator('#t-00-01-33 button.copy-link');
    await button.click();
    await page.waitForFunction(() => document.querySelector('#t-00-01-33 button.copy-link').textContent === 'Copied', null, WAIT);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    checks.eq(copied, withAudio.split('#')[0] + '#t-00-01-33', 'the clipboard holds the URL of the turn');
    checks.eq(await page.locator('[role=status]').textContent(), 'Link copied', 'the copy is announced to screen readers');
  });
  clean(checks, watcher, 'copy link');

  await checks.step('without audio: deep links scroll to and mark the turn', async () => {
    const p = await context.newPage();
    await p.goto(withoutAudio + '#t=00:41:12', { waitUntil: 'load' });
    checks.eq(await p.locator('audio').count(), 0, 'no player without audio_url');
    const cur = await currentTurn(p);
    checks.ok(cur && cur.onScreen, '#t=00:41:12 marks the turn said then and scrolls it into view', JSON.stringify(cur));
    const expected = await p.evaluate(() => {
      let id = null;
      // From the shown `HH:MM:SS`, not from the id castbook.js reads the time from.
      for (const a of document.querySelectorAll('.turn .who a.ts')) {
        const [h, m, s] = a.textContent.split(':').map(Number);
        if (h * 3600 + m * 60 + s <= 2472) id = a.closest('.turn').id;
      }
      return id;
    });
    checks.eq(cur && cur.id, expected, 'the marked turn is the last one starting at or before 41:12');
    await p.locator('#t-00-01-33 .who a.ts').click();
    await p.waitForFunction(() => location.hash === '#t-00-01-33', null, WAIT);
    checks.eq((await currentTurn(p))?.id, 't-00-01-33', 'a timestamp click marks its turn');
    await p.close();
  });
  clean(checks, watcher, 'without audio');
} finally {
  await browser.close();
}
checks.finish();
