// `make bench`'s browser figures: what a person waits for in Chromium (Debian's), against the
// server `.ci/bench.py` started over the bench data set. Prints one JSON object of medians (ms).
//
//   node end2end/bench/browser.mjs BASE_URL SESSION_COOKIE RUNS
//
// For each page: DOMContentLoaded, largest contentful paint, and interactive (the islands have
// hydrated: `body[data-hydrated]`). On the 1,000-item checklist also a status change: the click
// on a row's "Set" until the readiness summary shows the new counts.
import { chromium } from '@playwright/test';

const [base, cookie, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const [name, value] = cookie.split('=');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});

async function page() {
  const context = await browser.newContext();
  await context.addCookies([{ name, value, url: base }]);
  const p = await context.newPage();
  await p.addInitScript(() => {
    window.__lcp = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__lcp = Math.max(window.__lcp, e.startTime);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    window.__hydrated = null;
    new MutationObserver(() => {
      if (window.__hydrated === null && document.body?.dataset.hydrated === 'true') {
        window.__hydrated = performance.now();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  return { context, p };
}

async function load(path) {
  const { context, p } = await page();
  await p.goto(base + path, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await p.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
  const t = await p.evaluate(() => ({
    dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    lcp: window.__lcp,
    interactive: window.__hydrated ?? performance.now(),
  }));
  return { t, context, p };
}

const out = {};
for (const [label, path] of [
  ['checklist', '/p/big-service/checklist'],
  ['portfolio', '/'],
  ['overview', '/p/big-service'],
]) {
  const figures = { dcl: [], lcp: [], interactive: [] };
  for (let n = 0; n < runs; n++) {
    const { t, context } = await load(path);
    for (const k of Object.keys(figures)) figures[k].push(t[k]);
    await context.close();
  }
  for (const k of Object.keys(figures)) out[`${label}_${k}_ms`] = median(figures[k]);
}

// A status change on the 1,000-item checklist: flip the first row between open and done.
const changes = [];
const { p, context } = await load('/p/big-service/checklist');
for (let n = 0; n < runs; n++) {
  const row = p.locator('tr:has(select[name="status"])').first();
  const select = row.locator('select[name="status"]');
  const next = (await select.inputValue()) === 'done' ? 'open' : 'done';
  const summary = p.getByRole('region', { name: 'Readiness' });
  const before = await summary.innerText();
  await select.selectOption(next);
  const start = await p.evaluate(() => performance.now());
  await row.getByRole('button', { name: 'Set' }).click();
  await p.waitForFunction(
    (was) => document.querySelector('[aria-label="Readiness"]')?.innerText !== was,
    before,
    { timeout: 120_000, polling: 'raf' },
  );
  changes.push((await p.evaluate(() => performance.now())) - start);
}
out.status_change_ms = median(changes);
await context.close();
await browser.close();
console.log(JSON.stringify(out));
