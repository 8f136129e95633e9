import { expect, test, type Page } from '@playwright/test';

// Runs after first_run.spec.ts (name order, one worker): the admin and the project exist.
const admin = { email: 'ada@example.com', password: 'correct horse battery' };
const risks = '/p/payments-api-v2/risks';

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

test('a new risk lands in its heat-map cell, which links to the filtered register', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await page.goto(risks);
  await hydrated(page);

  const current = page.getByRole('table', { name: 'Current risk' });
  const cell = current.getByLabel(/^Likely × Severe: /);
  await expect(cell).toHaveAccessibleName('Likely × Severe: 0 risks, critical level');

  const form = page.locator('details', { hasText: 'Add a risk' });
  const field = (name: string) => form.locator(`[name="${name}"]`);
  await page.getByText('Add a risk').click();
  await form.getByRole('textbox', { name: 'Title' }).fill('Card processor outage');
  await field('likelihood').selectOption('4');
  await field('impact').selectOption('5');
  await field('target_likelihood').selectOption('2');
  await field('target_impact').selectOption('3');
  await page.getByRole('button', { name: 'Add risk' }).click();

  await expect(current.getByRole('link', { name: 'Likely × Severe: 1 risk, critical level' })).toBeVisible();
  const target = page.getByRole('table', { name: 'Target risk' });
  await expect(target.getByRole('link', { name: 'Unlikely × Moderate: 1 risk, medium level' })).toBeVisible();

  // Another risk elsewhere, so the cell filter has something to leave out.
  if ((await form.getAttribute('open')) === null) await page.getByText('Add a risk').click();
  await form.getByRole('textbox', { name: 'Title' }).fill('Slow receipts');
  await field('likelihood').selectOption('2');
  await field('impact').selectOption('2');
  await page.getByRole('button', { name: 'Add risk' }).click();
  await expect(page.getByRole('link', { name: 'Slow receipts' })).toBeVisible();

  await current.getByRole('link', { name: 'Likely × Severe: 1 risk, critical level' }).click();
  await expect(page).toHaveURL(/status=live&current=4-5/);
  await expect(page.getByText('1 of 2 risks match the filter.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Card processor outage' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Slow receipts' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the matrix editor saves a cell and previews a smaller matrix before moving risks', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await page.goto('/p/payments-api-v2/settings');
  await hydrated(page);
  await page.getByLabel('Level of Rare × Severe').selectOption('high');
  await page.getByRole('button', { name: 'Save matrix' }).click();
  await expect(page.getByText('Saved. 0 risks moved to the nearest step.')).toBeVisible();
  await expect(page.getByLabel('Level of Rare × Severe')).toHaveValue('high');

  await page.locator('select[name="likelihood_steps"]').selectOption('3');
  await page.locator('select[name="impact_steps"]').selectOption('3');
  await page.getByRole('button', { name: 'Preview size' }).click();
  await expect(page).toHaveURL(/likelihood_steps=3&impact_steps=3/);
  const notice = page.getByRole('note');
  await expect(notice).toContainText('Saving this size moves 2 risks');
  await expect(notice).toContainText('“Card processor outage”: current 4×5 → 3×3');
  await page.getByRole('button', { name: 'Save matrix' }).click();
  await expect(page.getByText('confirm to save')).toBeVisible();
  await page.getByLabel('Move these risks and save').check();
  await page.getByRole('button', { name: 'Save matrix' }).click();
  await expect(page.getByText('Saved. 2 risks moved to the nearest step.')).toBeVisible();

  await page.goto(risks);
  const current = page.getByRole('table', { name: 'Current risk' });
  await expect(current.getByRole('link', { name: 'Likely × Severe: 1 risk, critical level' })).toBeVisible();
  expect(errors).toEqual([]);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('heat maps are in the page as served', async ({ page }) => {
    await signIn(page);
    await page.goto(risks);
    const current = page.getByRole('table', { name: 'Current risk' });
    await expect(current.getByRole('link', { name: 'Likely × Severe: 1 risk, critical level' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Target risk' })).toBeVisible();
  });
});
