import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { hydrated, signIn } from './support';

// Runs after first_run.spec.ts (name order, one worker): the admin exists.
const fixture = readFileSync(
  join(__dirname, '..', '..', 'app', 'tests', 'fixtures', 'readiness', '002_21aca61c4e78909a.txt'),
  'utf8',
);

test('paste a readiness document, preview it, import it, land on the scored project', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await page.getByRole('link', { name: 'New project from a document' }).click();
  await expect(page).toHaveURL(/\/import$/);
  await hydrated(page);

  await page.getByLabel('Document (paste it here)').fill(fixture);
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByTestId('import-preview');
  await expect(preview.getByRole('heading', { name: 'Preview: Production Readiness Check' })).toBeVisible();
  await expect(preview).toContainText('17 categories, 127 items');
  await expect(preview).toContainText('the document itself says 48/100');
  await expect(preview.getByRole('row', { name: /^Security new 18/ })).toBeVisible();
  await expect(preview).toContainText('Repaired');
  // The preview wrote nothing.
  await page.goto('/p/production-readiness-check');
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();

  await page.goto('/import');
  await hydrated(page);
  await page.getByLabel('Document (paste it here)').fill(fixture);
  await page.getByRole('button', { name: 'Create the project' }).click();
  await expect(page).toHaveURL(/\/p\/production-readiness-check\?imported=127/);
  await expect(page.getByText('Imported: 127 items added, 0 updated.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Production Readiness Check' })).toBeVisible();
  await expect(page.getByText('Not ready').first()).toBeVisible();
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Checklist' }).click();
  await expect(page.getByRole('region', { name: 'Security' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'No rate limiting' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a bad document gets a field error and nothing is imported', async ({ page }) => {
  await signIn(page);
  await page.goto('/import');
  await hydrated(page);
  await page.getByLabel('Format').selectOption('csv');
  await page.getByLabel('Document (paste it here)').fill('category,title,priority\nOps,Backups,urgent\n');
  await page.getByRole('button', { name: 'Create the project' }).click();
  await expect(page.locator('#document-error')).toContainText('line 2, column priority');
  await expect(page).toHaveURL(/\/import$/);
});

test('choose a file instead of pasting: the page reads it and previews it', async ({ page }) => {
  await signIn(page);
  await page.goto('/import');
  await hydrated(page);
  await page
    .getByLabel(/Choose a file/)
    .setInputFiles(join(__dirname, '..', '..', 'app', 'tests', 'fixtures', 'readiness', '001_a3c27dc2480edb7a.txt'));
  await expect(page.getByLabel('Document (paste it here)')).toHaveValue(/Server Production Readiness Analysis/);
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByTestId('import-preview');
  await expect(preview.getByRole('heading', { name: 'Preview: Server Production Readiness Analysis' })).toBeVisible();
  await expect(preview).toContainText('14 categories, 118 items, 11 risks');
  await expect(preview).toContainText('the document itself says 68/100');
});
