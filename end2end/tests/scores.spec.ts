import { expect, test, type Page } from '@playwright/test';

// Runs after first_run.spec.ts (name order, one worker): the admin and the project exist.
test.describe.configure({ mode: 'serial' });

const admin = { email: 'ada@example.com', password: 'correct horse battery' };
const checklist = '/p/payments-api-v2/checklist';

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

test('categories and items change the score and verdict without a reload', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await page.goto(checklist);
  await hydrated(page);

  const newCategory = page.locator('section', { has: page.getByRole('heading', { name: 'New category' }) });
  await newCategory.getByLabel('Name').fill('Security');
  await newCategory.getByRole('button', { name: 'Add category' }).click();
  const security = page.getByRole('region', { name: 'Security' });
  await expect(security).toBeVisible();

  await security.getByText('Add an item').click();
  await security.getByLabel('Title').fill('TLS everywhere');
  await security.locator('details.add-item select[name="priority"]').selectOption('critical');
  await security.getByRole('button', { name: 'Add item' }).click();
  await expect(security.getByRole('link', { name: 'TLS everywhere' })).toBeVisible();
  const summary = page.getByRole('region', { name: 'Readiness' });
  await expect(summary.getByText('Not ready')).toBeVisible();
  await expect(summary).toContainText('1 blocking');

  // Mark it done inline: the verdict turns without a page load.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
  await security.getByLabel('Status of TLS everywhere').selectOption('done');
  await security.getByRole('row', { name: /TLS everywhere/ }).getByRole('button', { name: 'Set' }).nth(1).click();
  await expect(summary.getByText('Ready', { exact: true })).toBeVisible();
  await expect(summary).toContainText('0 blocking');
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

  // A filtered URL reproduces the filter, in the form and in the list.
  await page.goto(`${checklist}?status=open`);
  await expect(page.getByText('0 of 1 items match the filter.')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Status', exact: true })).toHaveValue('open');
  await page.goto(`${checklist}?status=done&q=tls`);
  await expect(page.getByText('1 of 1 items match the filter.')).toBeVisible();

  expect(errors).toEqual([]);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the same status change works as a plain form post', async ({ page }) => {
    await signIn(page);
    await page.goto(checklist);
    const security = page.getByRole('region', { name: 'Security' });
    await security.getByLabel('Status of TLS everywhere').selectOption('in_progress');
    await security.getByRole('row', { name: /TLS everywhere/ }).getByRole('button', { name: 'Set' }).nth(1).click();
    await expect(page).toHaveURL(/\/checklist\??$/);
    await expect(page.getByRole('region', { name: 'Readiness' }).getByText('Not ready')).toBeVisible();
    await expect(security.getByLabel('Status of TLS everywhere')).toHaveValue('in_progress');
  });
});
