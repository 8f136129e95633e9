// `make bench`'s browser figures: what a person waits for in Chromium (Debian's), against the
// server `.ci/bench.py` started over the bench data set. Prints one JSON object of medians (ms).
//
//   node end2end/bench/browser.mjs BASE_URL SESSION_COOKIE RUNS
//
// For each page: DOMContentLoaded, largest contentful paint, and interactive (the islands have
// hydrated: `body[data-hydrated]`). On the 1,000-item checklist also its `load` event with
// JavaScript off, and a status change: the click on a row's "Set" until the readiness summary
// shows the new counts.
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
    // Waited for in the page, not polled from Playwright: polling checks the page's layout,
    // which on a 1,000-row page slows down what it measures.
    window.__hydrated = new Promise((resolve) => {
      const seen = new MutationObserver(() => {
        if (document.body?.dataset.hydrated === 'true') {
          seen.disconnect();
          resolve(performance.now());
        }
      });
      seen.observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
    });
  });
  return { context, p };
}

async function load(path) {
  const { context, p } = await page();
  await p.goto(base + path, { waitUntil: 'commit', timeout: 120_000 });
  const interactive = await p.evaluate(() => window.__hydrated);
  const t = await p.evaluate(() => ({
    dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
    lcp: window.__lcp,
  }));
  t.interactive = interactive;
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

// The 1,000-item checklist without JavaScript: the page as served until its `load` event.
const plain = [];
for (let n = 0; n < runs; n++) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies([{ name, value, url: base }]);
  const p = await context.newPage();
  await p.goto(base + '/p/big-service/checklist', { waitUntil: 'load', timeout: 120_000 });
  plain.push(await p.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
  await context.close();
}
out.checklist_nojs_load_ms = median(plain);

// A status change on the 1,000-item checklist: flip the first row between open and done.
// Timed in the page, from the click on the row's "Set" to the readiness summary showing
// the new counts.
const changes = [];
const { p, context } = await load('/p/big-service/checklist');
for (let n = 0; n < runs; n++) {
  const row = p.locator('tr:has(select[name^="status["])').first();
  const select = row.locator('select');
  const next = (await select.inputValue()) === 'done' ? 'open' : 'done';
  await select.selectOption(next);
  const id = await row.getAttribute('data-item');
  const took = await p.evaluate(
    (id) =>
      new Promise((resolve) => {
        const summary = () => document.getElementById('readiness')?.textContent;
        const was = summary();
        const seen = new MutationObserver(() => {
          if (summary() !== was) {
            seen.disconnect();
            resolve(performance.now() - start);
          }
        });
        seen.observe(document.body, { childList: true, subtree: true, characterData: true });
        const start = performance.now();
        document.getElementById(`set-${id}`).click();
      }),
    id,
  );
  changes.push(took);
  // The next round starts from a settled page (the focus is back on the button).
  await p.waitForFunction((id) => document.activeElement?.id === `set-${id}`, id);
}
out.status_change_ms = median(changes);
await context.close();
await browser.close();
console.log(JSON.stringify(out));
