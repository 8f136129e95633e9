import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support';

// One instance, used in order: setup happens once.
test.describe.configure({ mode: 'serial' });

const admin = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' };

async function hydrated(page: Page) {
  // Set by an effect in the app: effects only run once the wasm has hydrated the page.
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

test('first run: setup, sign out, sign in, create a project and open it', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // 4xx answers to server functions (wrong password, taken slug) are expected here.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      errors.push(m.text());
    }
  });

  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await hydrated(page);
  await expectAccessible(page, '/setup');
  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel(/^Password/).fill(admin.password);
  await page.getByLabel('Team name').fill('Platform');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // Wrong password: an error, and we stay on the login page.
  await hydrated(page);
  await expectAccessible(page, '/login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');

  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await expect(page.getByText('No projects yet')).toBeVisible();

  // Only works after hydration: the slug follows the name as it is typed.
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Payments API v2');
  await expect(page.getByLabel(/^Slug/)).toHaveValue('payments-api-v2');
  await page.getByLabel('Description').fill('Card payments for the shop');
  await page.getByRole('button', { name: 'Create project' }).click();

  await expect(page).toHaveURL(/\/p\/payments-api-v2$/);
  await expect(page.getByRole('heading', { name: 'Payments API v2' })).toBeVisible();
  await expect(page.getByRole('article').getByText('Card payments for the shop')).toBeVisible();

  // Back on the list, the project is there; a duplicate slug is a field error in the form.
  await page.getByRole('link', { name: 'Preflight' }).click();
  await expect(page.getByRole('link', { name: 'Payments API v2' })).toBeVisible();
  await hydrated(page);
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  await page.getByLabel('Name', { exact: true }).fill('Payments API v2');
  await page.getByLabel('Description').fill('Typed before the error');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByText('This slug is already taken.')).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  // Shown in place: no reload, what was typed is still there, the field at fault has the focus.
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Payments API v2');
  await expect(page.getByLabel('Description')).toHaveValue('Typed before the error');
  await expect(page.getByLabel(/^Slug/)).toBeFocused();

  expect(errors).toEqual([]);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('signs in and creates a project with plain form posts', async ({ page }) => {
    await page.goto('/p/payments-api-v2');
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where we wanted to go.
    await expect(page).toHaveURL(/\/p\/payments-api-v2$/);
    await expect(page.getByRole('heading', { name: 'Payments API v2' })).toBeVisible();

    await page.goto('/');
    await page.getByLabel('Name', { exact: true }).fill('No Script Service');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page).toHaveURL(/\/p\/no-script-service$/);
    await expect(page.getByRole('heading', { name: 'No Script Service' })).toBeVisible();

    // A validation error comes back on the form page, without JavaScript too.
    await page.goto('/');
    await page.getByLabel('Name', { exact: true }).fill('No Script Service');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.getByText('This slug is already taken.')).toBeVisible();
  });
});
