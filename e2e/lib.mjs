// Shared helpers for castbook's browser tests: launching Debian's Chromium through
// playwright-core, recording checks, and watching a page for console errors,
// failed requests and any request that would leave the test server.

import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

// Headless, and quiet on the network: the machine has none but loopback.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Launches Chromium with a fresh temporary profile (playwright makes and removes it). */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/** Collapses runs of whitespace, trims. */
export const norm = (s) => (s ?? '').replace(/\s+/g, ' ').trim();

/** A list of named checks; failures are printed and counted, the script goes on. */
export class Checks {
  constructor(name) {
    this.name = name;
    this.passed = 0;
    this.failures = [];
  }

  ok(cond, what, detail = '') {
    if (cond) {
      this.passed += 1;
      console.log(`ok    ${what}`);
    } else {
      this.failures.push(what + (detail ? ` — ${detail}` : ''));
      console.log(`FAIL  ${what}${detail ? ` — ${detail}` : ''}`);
    }
    return !!cond;
  }

  eq(actual, expected, what) {
    return this.ok(actual === expected, what, `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }

  /** Runs a step; an exception fails the step (and is reported) instead of the run. */
  async step(what, fn) {
    try {
      return await fn();
    } catch (e) {
      this.ok(false, what, `threw: ${e && e.message ? e.message.split('\n')[0] : e}`);
      return undefined;
    }
  }

  /** Prints the summary and sets the exit code. */
  finish() {
    console.log(`\n${this.name}: ${this.passed} checks passed, ${this.failures.length} failed`);
    for (const f of this.failures) console.log(`  - ${f}`);
    process.exitCode = this.failures.length ? 1 : 0;
  }
}

/**
 * Watches every page of `context`: console errors, uncaught exceptions, failed
 * requests and HTTP errors are collected; requests to anything but the test
 * server are aborted and collected too. `take()` returns and clears the list.
 * `expect404(url)` marks one URL whose 404 is intended (the 404 page test).
 */
export async function watch(context, base) {
  const origin = new URL(base).origin;
  const problems = [];
  const allowed404 = new Set();
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin + '/') || url.startsWith('data:') || url.startsWith('blob:')) {
      return route.continue();
    }
    problems.push(`request leaves the test server: ${url}`);
    return route.abort('blockedbyclient');
  });
  const attach = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') {
        const loc = m.location();
        // Chromium logs every 4xx as a console error; the intended one is not a problem.
        if (loc && allowed404.has(loc.url) && /status of 404/.test(m.text())) return;
        problems.push(`console error on ${page.url()}: ${m.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
      }
    });
    page.on('pageerror', (e) => problems.push(`uncaught exception on ${page.url()}: ${e.message}`));
    page.on('requestfailed', (r) => {
      const why = r.failure() ? r.failure().errorText : '?';
      if (why === 'net::ERR_BLOCKED_BY_CLIENT') return; // already reported by the route
      // Cut short because the page went on to another (e.g. the icon, which Chromium
      // fetches after `load`): not a problem of the site; a missing file is a 4xx below.
      if (why === 'net::ERR_ABORTED') return;
      problems.push(`request failed: ${r.url()} (${why}) on ${page.url()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !allowed404.has(r.url())) {
        problems.push(`HTTP ${r.status()} for ${r.url()} (requested by ${page.url()})`);
      }
    });
  };
  context.pages().forEach(attach);
  context.on('page', attach);
  return {
    take: () => problems.splice(0, problems.length),
    expect404: (url) => allowed404.add(url),
  };
}

/** Fails the check with the collected problems, if any, for the page just visited. */
export function clean(checks, watcher, label) {
  const p = watcher.take();
  checks.ok(p.length === 0, `${label}: no console errors, failed requests or outside requests`, p.join('\n        '));
}

/** Parses `<base-url>` from argv or exits 2. */
export function baseFromArgs(usage) {
  const base = process.argv[2];
  if (!base || !/^http:\/\/127\.0\.0\.1:\d+\/(.*\/)?$/.test(base)) {
    console.error(`usage: ${usage}\n(base URL on 127.0.0.1 ending in /, e.g. http://127.0.0.1:8000/archive/)`);
    process.exit(2);
  }
  return base;
}
