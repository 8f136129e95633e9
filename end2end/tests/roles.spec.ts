import { expect, test, type Page } from '@playwright/test';

// Runs after first_run.spec.ts (files run in name order on one worker): the admin exists.
test.describe.configure({ mode: 'serial' });

const admin = { email: 'ada@example.com', password: 'correct horse battery' };
const viewer = { name: 'Vic Viewer', email: 'vic@example.com', password: 'vic has a long password' };

async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an owner adds a viewer, who can read but not edit', async ({ page, baseURL }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // The admin creates Vic's account and gets a temporary password, shown once.
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Email').fill(viewer.email);
  await page.getByLabel('Display name').fill(viewer.name);
  await page.getByRole('button', { name: 'Create account' }).click();
  const secret = page.locator('code.secret');
  await expect(secret).toHaveText(/^[A-Za-z0-9]{16}$/);
  const temporary = (await secret.textContent()) ?? '';
  await expect(page.getByRole('cell', { name: /vic@example.com/ })).toBeVisible();

  // The admin creates team Checkout (becoming its owner) and adds Vic as a viewer.
  await page.goto('/teams');
  await hydrated(page);
  await page.getByLabel('Name').fill('Checkout');
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByRole('heading', { name: 'Checkout' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Email of an existing account').fill(viewer.email);
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('cell', { name: viewer.email, exact: true })).toBeVisible();

  // …and a project in that team.
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Checkout Web');
  await page.getByLabel('Team').selectOption({ label: 'Checkout' });
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(/\/p\/checkout-web$/);
  await expect(page.getByText('Edit project')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  // Vic signs in with the temporary password and must choose their own first.
  await signIn(page, viewer.email, temporary);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText('temporary password')).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Current password').fill(temporary);
  await page.getByLabel(/^New password/).fill(viewer.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed.')).toBeVisible();

  // Vic sees the project, read-only: no edit or move controls, no admin links.
  await page.goto('/');
  await page.getByRole('link', { name: 'Checkout Web' }).click();
  await expect(page.getByRole('heading', { name: 'Checkout Web' })).toBeVisible();
  await expect(page.getByText('your role: Viewer')).toBeVisible();
  await expect(page.getByText('Edit project')).toHaveCount(0);
  await expect(page.getByText('Move to another team')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(page.getByText('New project')).toHaveCount(0);

  // A forged edit from Vic's own session is refused, and nothing changes.
  const forged = await page.request.post('/rpc/update_project', {
    headers: { origin: baseURL ?? '' },
    form: { slug: 'checkout-web', version: '1', name: 'Hijacked', threshold: '1' },
  });
  expect(forged.status()).toBe(403);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Checkout Web' })).toBeVisible();
  expect(await page.request.get('/admin/users').then((r) => r.status())).toBe(403);

  expect(errors).toEqual([]);
});
