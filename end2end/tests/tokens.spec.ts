import { expect, test } from '@playwright/test';
import { hydrated, signIn } from './support';

// Runs after first_run.spec.ts (name order, one worker): the admin exists.

test('an API token is shown once, listed without its secret, and revoked', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await page.goto('/account');
  await hydrated(page);
  const tokens = page.getByRole('region', { name: 'API tokens' });
  await tokens.getByLabel('Name').fill('CI pipeline');
  await tokens.getByLabel('Scope').selectOption('write');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const secret = await tokens.getByLabel('New API token').inputValue();
  expect(secret).toMatch(/^pfat_[0-9a-f]{64}$/);
  const row = tokens.getByRole('row', { name: /CI pipeline/ });
  await expect(row).toContainText('Read and write');
  await expect(row).not.toContainText(secret.slice(5, 20));

  // The token works against the REST API at once...
  const auth = { headers: { Authorization: `Bearer ${secret}` } };
  const me = await page.request.get('/api/v1/me', auth);
  expect(me.status()).toBe(200);
  expect((await me.json()).scope).toBe('write');

  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Inactive');
  // ...and is refused once revoked.
  const after = await page.request.get('/api/v1/me', auth);
  expect(after.status()).toBe(401);
  expect(after.headers()['content-type']).toBe('application/problem+json');
  // After a reload the secret is gone for good.
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('New API token')).toHaveCount(0);
  await expect(page.getByRole('row', { name: /CI pipeline/ })).toContainText('Inactive');
  expect(errors).toEqual([]);

  // The account page links to the API documentation, rendered from the OpenAPI document.
  await page.getByRole('link', { name: 'API documentation' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Preflight API');
  await expect(page.getByText('POST /api/v1/items/{id}/status')).toBeVisible();
});
