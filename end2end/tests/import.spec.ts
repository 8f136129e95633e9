import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

// Runs after first_run.spec.ts (name order, one worker): the admin exists.
const admin = { email: 'ada@example.com', password: 'correct horse battery' };
const fixture = readFileSync(
  join(__dirname, '..', '..', 'app', 'tests', 'fixtures', 'readiness', '002_21aca61c4e78909a.txt'),
  'utf8',
);

async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

test('paste a readiness document, preview it, import it, land on the scored project', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await page.getByRole('link', { name: 'New project from a document' }).click();
  await expect(page).toHaveURL(/\/import$/);
  await hydrated(page);

  await page.getByLabel('Document (paste it here)').fill(fixture);
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByTestId('import-preview');
  await expect(preview.getByRole('heading', { name: 'Preview: Production Readiness Check' })).toBeVisible();
  await expect(preview).toContainText('17 categories, 131 items');
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
  await expect(page).toHaveURL(/\/p\/production-readiness-check\?imported=131/);
  await expect(page.getByRole('heading', { name: 'Production Readiness Check' })).toBeVisible();
  await expect(page.getByText('Not ready').first()).toBeVisible();
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Checklist' }).click();
  await expect(page.getByRole('region', { name: 'Security' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'No rate limiting' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a bad document gets a field error and nothing is imported', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await page.goto('/import');
  await hydrated(page);
  await page.getByLabel('Format').selectOption('csv');
  await page.getByLabel('Document (paste it here)').fill('category,title,priority\nOps,Backups,urgent\n');
  await page.getByRole('button', { name: 'Create the project' }).click();
  await expect(page.locator('#document-error')).toContainText('line 2, column priority');
  await expect(page).toHaveURL(/\/import$/);
});
