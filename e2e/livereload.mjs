// Browser test: a page open in `castbook serve` reloads by itself after its transcript
// is saved, and shows the new text. The script opens the page, waits until the
// live-reload event stream is connected, marks the document, saves the transcript the
// way editors do (a temporary file renamed over it), and then only watches: it never
// navigates or reloads. A new document (the mark gone) with the new text, at the same
// URL, is the proof.
//
// usage: node livereload.mjs <page-url> <transcript> <old-text> <new-text>
// exit status: 0 all checks passed, 1 some failed, 2 usage.

import { readFile, rename, writeFile } from 'node:fs/promises';

import { launch, Checks, watch, baseFromArgs } from './lib.mjs';

const url = baseFromArgs('node livereload.mjs <page-url> <transcript> <old-text> <new-text>');
const [file, oldText, newText] = process.argv.slice(3);
if (!file || !oldText || !newText) {
  console.error('usage: node livereload.mjs <page-url> <transcript> <old-text> <new-text>');
  process.exit(2);
}
const checks = new Checks('livereload');
// Generous: a debug build rebuilding on a busy machine; only a failure waits this long.
const DEADLINE_MS = 90_000;

/** The page's text, or '' while a navigation replaces the document. */
async function bodyText(page) {
  try {
    return await page.evaluate(() => (document.body ? document.body.innerText : ''));
  } catch {
    return '';
  }
}

async function run(page, watcher) {
  const stream = page.waitForResponse((r) => r.url().includes('/_tower-livereload/'), {
    timeout: DEADLINE_MS,
  });
  const first = await page.goto(url, { waitUntil: 'load' });
  checks.eq(first && first.status(), 200, 'the episode page is served');
  checks.ok((await bodyText(page)).includes(oldText), 'before the edit: the page shows the original text');
  const connected = await stream.catch(() => null);
  if (!checks.ok(connected && connected.status() === 200, 'the live-reload event stream is connected')) {
    return;
  }
  await page.evaluate(() => {
    window.castbookBeforeEdit = true;
  });
  // Counted when a new document commits in the tab, before it can show any text.
  let loads = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) loads += 1;
  });

  const source = await readFile(file, 'utf8');
  if (!checks.ok(source.includes(oldText), 'the transcript holds the original text')) return;
  await writeFile(`${file}.tmp`, source.replace(oldText, newText));
  await rename(`${file}.tmp`, file);

  // Only watching from here: the server must make the page reload.
  const start = Date.now();
  let shown = false;
  while (Date.now() - start < DEADLINE_MS) {
    if ((await bodyText(page)).includes(newText)) {
      shown = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  checks.ok(shown, 'after the edit: the open page shows the new text by itself');
  const marked = await page.evaluate(() => window.castbookBeforeEdit === true).catch(() => true);
  checks.ok(!marked && loads >= 1, 'the page was reloaded (a new document), not patched', `mark kept: ${marked}, loads: ${loads}`);
  checks.eq(page.url(), url, 'the page is still at its URL');
  // The event stream is cut when the page reloads; that is not a failure.
  const problems = watcher.take().filter((p) => !p.includes('/_tower-livereload/'));
  checks.ok(problems.length === 0, 'no console errors, failed requests or outside requests', problems.join('\n        '));
}

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const watcher = await watch(context, url);
  const page = await context.newPage();
  page.setDefaultTimeout(DEADLINE_MS);
  await checks.step('live reload', () => run(page, watcher));
} finally {
  await browser.close();
}
checks.finish();
