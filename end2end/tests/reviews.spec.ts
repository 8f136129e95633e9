import { expect, test, type Page } from '@playwright/test';

// Runs after first_run.spec.ts (name order, one worker); works in a project of its own.
const admin = { email: 'ada@example.com', password: 'correct horse battery' };

async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

async function signIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
}

async function setStatus(page: Page, title: string, status: string) {
  await page.getByRole('combobox', { name: `Status of ${title}` }).selectOption(status);
  await page.getByRole('row', { name: new RegExp(title) }).getByRole('button', { name: 'Set' }).click();
  await expect(page.getByRole('combobox', { name: `Status of ${title}` })).toHaveValue(status);
}

test('a finalized review, then two fixes and a regression: "+34 since last review"', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Launch gate');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(/\/p\/launch-gate$/);

  await page.goto('/p/launch-gate/checklist');
  await hydrated(page);
  const newCategory = page.locator('section', { has: page.getByRole('heading', { name: 'New category' }) });
  await newCategory.getByLabel('Name').fill('Ops');
  await newCategory.getByRole('button', { name: 'Add category' }).click();
  const ops = page.getByRole('region', { name: 'Ops' });
  await expect(ops).toBeVisible();
  const addItem = ops.locator('details.add-item');
  for (const title of ['Backups', 'Alerts', 'Runbook']) {
    if ((await addItem.getAttribute('open')) === null) await ops.getByText('Add an item').click();
    await ops.getByLabel('Title').fill(title);
    await ops.locator('details.add-item select[name="priority"]').selectOption('low');
    await ops.getByRole('button', { name: 'Add item' }).click();
    await expect(ops.getByRole('link', { name: title })).toBeVisible();
  }
  await setStatus(page, 'Runbook', 'done');

  // Start and finalize the first review (1 of 3 done: 33).
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Reviews' }).click();
  await expect(page.getByText('No reviews yet.')).toBeVisible();
  await page.getByText('Start a review').click();
  await page.getByLabel('Title').fill('Launch review 1');
  await page.getByLabel('Version label').fill('v1');
  await page.getByRole('button', { name: 'Start review' }).click();
  await expect(page.getByRole('heading', { name: 'Launch review 1' })).toBeVisible();
  await expect(page.getByText('Draft — shows the live project')).toBeVisible();
  await page.getByRole('button', { name: 'Finalize review' }).click();
  await expect(page.getByRole('heading', { name: 'Sign-off' })).toBeVisible();
  await expect(page.getByLabel('Scores').locator('.overall strong')).toHaveText('33');

  // Close two items and reopen one (2 of 3 done: 67).
  await page.goto('/p/launch-gate/checklist');
  await hydrated(page);
  await setStatus(page, 'Backups', 'done');
  await setStatus(page, 'Alerts', 'done');
  await setStatus(page, 'Runbook', 'open');

  await page.goto('/p/launch-gate/reviews');
  const changes = page.getByRole('region', { name: 'Changes' });
  await expect(changes.getByRole('heading', { name: '+34 since last review' })).toBeVisible();
  await expect(changes.getByRole('status')).toContainText('Overall 33 → 67 · 2 fixed · 1 regressed');
  const fixed = changes.locator('section', { has: page.getByRole('heading', { name: 'Fixed (2)' }) });
  await expect(fixed.getByRole('link', { name: 'Backups' })).toBeVisible();
  await expect(fixed.getByRole('link', { name: 'Alerts' })).toBeVisible();
  const regressed = changes.locator('section', { has: page.getByRole('heading', { name: 'Regressions (1)' }) });
  await expect(regressed.getByRole('link', { name: 'Runbook' })).toBeVisible();
  // The trend chart is drawn from the final review.
  await expect(page.getByRole('img', { name: /Overall score by review: v1 33/ })).toBeVisible();
  expect(errors).toEqual([]);
});
