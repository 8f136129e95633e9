import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hydrated, signIn } from './support';

// Runs after first_run.spec.ts (name order, one worker): the admin exists. Works in a project of
// its own, so the other specs' counts stay as they expect.
test.describe.configure({ mode: 'serial' });

const checklist = '/p/evidence-drill/checklist';

/** Lets the evidence of item `id` have run out yesterday, in the server's own database (the
 * server's clock cannot be moved from here; the rows can, as the server tests arrange them). */
function backdateEvidence(id: number) {
  const db = path.join(process.env.PREFLIGHT_E2E_DATA_DIR ?? '', 'preflight.db');
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  execFileSync('python3', [
    '-c',
    'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); ' +
      'c.execute("UPDATE items SET evidence_until=? WHERE id=?", (sys.argv[2], int(sys.argv[3]))); c.commit()',
    db,
    yesterday,
    String(id),
  ]);
}

test('attach a file to an item and see it listed; a stale item is marked and filtered', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Evidence drill');
  await expect(page.getByLabel(/^Slug/)).toHaveValue('evidence-drill');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(/\/p\/evidence-drill$/);
  await page.goto(checklist);
  await hydrated(page);

  // A new item, done, with its page.
  const newCategory = page.locator('section', { has: page.getByRole('heading', { name: 'New category' }) });
  await newCategory.getByLabel('Name').fill('Evidence');
  await newCategory.getByRole('button', { name: 'Add category' }).click();
  const category = page.getByRole('region', { name: 'Evidence' });
  await category.getByText('Add an item').click();
  await category.getByLabel('Title').fill('Backups restore drill');
  await category.getByRole('button', { name: 'Add item' }).click();
  await category.getByRole('combobox', { name: 'Status of Backups restore drill' }).selectOption('done');
  await category.getByRole('row', { name: /Backups restore drill/ }).getByRole('button', { name: 'Set' }).click();
  await expect(category.getByRole('row', { name: /Backups restore drill/ })).toContainText('Done');
  await category.getByRole('link', { name: 'Backups restore drill' }).click();
  await expect(page.getByRole('heading', { name: 'Backups restore drill' })).toBeVisible();
  await hydrated(page);
  const itemUrl = page.url();
  const id = Number(itemUrl.split('/').pop());

  // Attach a report: back on the page, listed with its size and type.
  const evidence = page.getByRole('region', { name: 'Evidence' });
  await expect(evidence).toContainText('Attested by Ada');
  const files = page.getByRole('region', { name: 'Files' });
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pf-e2e-')), 'drill report.pdf');
  fs.writeFileSync(report, '%PDF-1.7\n1 0 obj << >> endobj\ntrailer\n%%EOF\n');
  await files.getByLabel(/Attach a file/).setInputFiles(report);
  await files.getByRole('button', { name: 'Attach', exact: true }).click();
  await expect(files.getByRole('link', { name: 'drill report.pdf' })).toBeVisible();
  await expect(files).toContainText('application/pdf');
  // The link downloads it.
  const download = page.waitForEvent('download');
  await files.getByRole('link', { name: 'drill report.pdf' }).click();
  expect((await download).suggestedFilename()).toBe('drill report.pdf');

  // Its evidence ran out yesterday: stale on its page, in the list, under the filter.
  backdateEvidence(id);
  await page.goto(itemUrl);
  await hydrated(page);
  await expect(page.getByRole('region', { name: 'Evidence' })).toContainText('Stale since');
  await page.goto(checklist);
  await hydrated(page);
  const row = page.getByRole('row', { name: /Backups restore drill/ });
  await expect(row.locator('.badge.stale')).toHaveText('stale');
  await page.getByLabel('Stale evidence').check();
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/stale=yes/);
  await expect(page.getByRole('row', { name: /Backups restore drill/ })).toBeVisible();
  await expect(page.locator('tr[data-item]')).toHaveCount(1);

  // Re-attested: current again, and gone from the filter.
  await page.goto(itemUrl);
  await hydrated(page);
  await page.getByRole('button', { name: 'Re-attest: still true today' }).click();
  await expect(page.getByRole('region', { name: 'Evidence' })).not.toContainText('Stale since');
  await page.goto(`${checklist}?stale=yes`);
  await expect(page.locator('tr[data-item]')).toHaveCount(0);
  expect(errors).toEqual([]);
});
