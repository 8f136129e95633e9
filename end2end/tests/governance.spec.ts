import { expect, test, type APIRequestContext } from '@playwright/test';
import { hydrated, signIn } from './support';

// Runs after first_run.spec.ts: the admin exists. The admin owns a new team's project whose one
// (blocking) item an editor asks to accept as a risk; the item stays open, the verdict with it,
// until the owner approves the request on /exceptions.

const editor = { email: 'erin@example.com', password: 'erin has a long password' };

async function rpc(request: APIRequestContext, baseURL: string, name: string, form: Record<string, string>) {
  const res = await request.post(`${baseURL}/rpc/${name}`, {
    form,
    headers: { origin: baseURL },
    maxRedirects: 0,
  });
  expect(res.status(), `${name}: ${await res.text()}`).toBeLessThan(400);
  return res;
}

test('an editor requests an exception, the owner approves it, the verdict changes', async ({
  page,
  browser,
  baseURL,
}) => {
  const base = baseURL ?? '';
  await signIn(page);

  // A team, a project with one critical item, and an editor (through the server functions).
  const team = await (await rpc(page.request, base, 'create_team', { name: 'Vault' })).json();
  await rpc(page.request, base, 'create_project', { name: 'Vault API', team_id: String(team) });
  const category = await (
    await rpc(page.request, base, 'create_category', { slug: 'vault-api', name: 'Security' })
  ).json();
  const item = await (
    await rpc(page.request, base, 'create_item', {
      category_id: String(category),
      title: 'Rotate the root token',
      priority: 'critical',
    })
  ).json();
  const issued = await (
    await rpc(page.request, base, 'admin_create_user', { email: editor.email, display_name: 'Erin Editor' })
  ).json();
  await rpc(page.request, base, 'add_member', { team_id: String(team), email: editor.email, role: 'editor' });

  // The owner asks for approval of accepted risks in the project's settings.
  await page.goto('/p/vault-api/settings');
  await hydrated(page);
  await page.getByLabel(/Accepting a risk needs/).check();
  await page.getByRole('button', { name: 'Save exception rules' }).click();
  await page.goto('/p/vault-api/settings');
  await expect(page.getByLabel(/Accepting a risk needs/)).toBeChecked();
  await page.goto('/p/vault-api');
  const verdict = page.locator('.verdict').first();
  const before = (await verdict.textContent()) ?? '';

  // The editor (first choosing their own password) asks to accept the risk.
  const erin = await (await browser.newContext({ baseURL: base })).newPage();
  await rpc(erin.request, base, 'login', { email: editor.email, password: issued.password });
  await rpc(erin.request, base, 'change_password', {
    current_password: issued.password,
    new_password: editor.password,
  });
  await erin.goto(`/p/vault-api/items/${item}`);
  await expect(erin.getByRole('heading', { name: 'Rotate the root token' })).toBeVisible();
  await hydrated(erin);
  await erin.locator('select[name="status"]').selectOption('accepted_risk');
  await erin.getByLabel(/^Reason/).fill('The vault is sealed until the migration; rotated then.');
  const until = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  await erin.getByLabel('Accepted until').fill(until);
  await erin.getByRole('button', { name: 'Save status' }).click();
  await expect(erin.getByText('Exception requested')).toBeVisible();
  await erin.goto('/exceptions');
  await expect(erin.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  // Still open: the verdict has not moved.
  await page.goto('/p/vault-api');
  await expect(page.locator('.verdict').first()).toHaveText(before);

  // The owner heard of it, and approves it on /exceptions: the item is an accepted risk and the
  // verdict changes.
  await expect(page.getByRole('link', { name: 'Inbox, 1 unread' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exceptions' }).click();
  await hydrated(page);
  const row = page.getByRole('row', { name: /Rotate the root token/ });
  await row.getByLabel('Comment').fill('Until the migration, then rotate.');
  await row.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('heading', { name: 'Approved' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Rotate the root token.*approved/ })).toBeVisible();
  await page.goto('/p/vault-api');
  await expect(page.locator('.verdict').first()).not.toHaveText(before);
  // Later files expect the admin's inbox empty.
  await rpc(page.request, base, 'mark_all_notifications_read', {});
});
