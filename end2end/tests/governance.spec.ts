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

test('a campaign reaches every project of a team, and its page follows progress', async ({ page, baseURL }) => {
  const base = baseURL ?? '';
  await signIn(page);
  // Team Vault (above) gets a second project.
  await page.goto('/teams');
  const team = (await page.getByRole('link', { name: 'Vault' }).getAttribute('href'))?.split('/').pop() ?? '';
  await rpc(page.request, base, 'create_project', { name: 'Vault UI', team_id: team });

  // The admin keeps a reviewer group and a tier on their pages.
  await page.goto('/admin/reviewer-groups');
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Security');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('heading', { name: 'Security', level: 2 })).toBeVisible();
  await page.goto('/admin/tiers');
  await hydrated(page);
  const newTier = page.getByRole('region', { name: 'New tier' });
  await newTier.getByLabel('Name', { exact: true }).fill('Tier 1');
  await newTier.getByLabel('Readiness threshold').fill('90');
  await newTier.getByLabel(/^Sign-off from/).fill('Security');
  await newTier.getByRole('button', { name: 'Create tier' }).click();
  await expect(page.getByRole('heading', { name: 'Tier 1', level: 2 })).toBeVisible();

  // A campaign for the team's projects, written in place.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
  await hydrated(page);
  const form = page.getByRole('region', { name: 'New campaign' });
  await form.getByLabel('Name', { exact: true }).fill('Key rotation');
  await form.getByLabel('For the projects of').selectOption({ label: 'Vault' });
  await form.getByLabel('Deadline').fill('2027-03-31');
  await form.getByLabel(/^Items, one per line/).fill('[critical] Rotate signing keys\nDocument the rotation');
  await form.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { name: 'Key rotation', level: 1 })).toBeVisible();
  await hydrated(page);

  // Applied to every project of the team: two projects, two items each.
  await page.getByLabel('Every project of the team').check();
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.locator('.campaign-totals')).toHaveText('0 of 4 closed across 2 project(s): 0 done, 0 exception(s), 4 open.');
  await expect(page.getByRole('row', { name: /Vault API/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Vault UI/ })).toBeVisible();

  // One item done in Vault UI: the page follows, and Vault UI is no longer furthest behind.
  const checklist = await (await page.request.get(`${base}/rpc/get_checklist?slug=vault-ui`)).json();
  const doc = checklist.items.find((i: { title: string }) => i.title === 'Document the rotation');
  await rpc(page.request, base, 'set_item_status', {
    item_id: String(doc.id),
    version: String(doc.version),
    status: 'done',
  });
  await page.reload();
  await expect(page.locator('.campaign-totals')).toHaveText('1 of 4 closed across 2 project(s): 1 done, 0 exception(s), 3 open.');
  const rows = page.locator('table.campaign-progress tbody tr');
  await expect(rows.first()).toContainText('Vault API');
  await expect(rows.first()).toContainText('0%');
  await expect(page.getByRole('row', { name: /Vault UI/ })).toContainText('50%');
  // Sorted by name on request; the CSV has the same rows.
  await page.getByRole('link', { name: 'Project', exact: true }).click();
  await expect(page).toHaveURL(/sort=name/);
  await expect(rows.first()).toContainText('Vault API');
  const csv = await (await page.request.get(`${base}${new URL(page.url()).pathname}/progress.csv`)).text();
  expect(csv.split('\n').filter((l) => l.trim()).length).toBe(3);
  expect(csv).toContain('Vault UI,vault-ui,Vault,1,0,1,2,50');
  await page.getByRole('link', { name: 'Download as CSV' }).isVisible();
});

test('a named reviewer group approves exceptions instead of the team owners', async ({
  page,
  browser,
  baseURL,
}) => {
  const base = baseURL ?? '';
  await signIn(page);
  // AppSec reviews for the whole company; Sam is in it and in no team.
  const group = await (await rpc(page.request, base, 'create_reviewer_group', { name: 'AppSec' })).json();
  const sam = await (
    await rpc(page.request, base, 'admin_create_user', { email: 'sam@example.com', display_name: 'Sam AppSec' })
  ).json();
  await rpc(page.request, base, 'add_reviewer', { group: String(group), email: 'sam@example.com' });
  const team = await (await rpc(page.request, base, 'create_team', { name: 'Gateway' })).json();
  await rpc(page.request, base, 'create_project', { name: 'Edge Gateway', team_id: String(team) });
  const category = await (
    await rpc(page.request, base, 'create_category', { slug: 'edge-gateway', name: 'Security' })
  ).json();
  const item = await (
    await rpc(page.request, base, 'create_item', {
      category_id: String(category),
      title: 'mTLS to every backend',
      priority: 'critical',
    })
  ).json();

  // The owner names AppSec as the approvers in the project's settings.
  await page.goto('/p/edge-gateway/settings');
  await hydrated(page);
  await page.getByLabel(/Accepting a risk needs/).check();
  await page.getByLabel('Approved by').selectOption({ label: 'Reviewer group: AppSec' });
  await page.getByRole('button', { name: 'Save exception rules' }).click();
  await page.goto('/p/edge-gateway/settings');
  await expect(page.getByLabel('Approved by')).toHaveValue(String(group));

  // The owner (a site admin too) asks; it waits on AppSec, and the owner cannot decide it.
  const until = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await rpc(page.request, base, 'set_item_status', {
    item_id: String(item),
    version: '1',
    status: 'accepted_risk',
    status_reason: 'The legacy backends move behind the mesh next month.',
    accepted_until: until,
  });
  await page.goto('/exceptions');
  const mine = page.getByRole('row', { name: /mTLS to every backend/ });
  await expect(mine).toContainText('awaiting AppSec');
  await expect(mine.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  // Sam, outside the team, approves it on /exceptions.
  const samPage = await (await browser.newContext({ baseURL: base })).newPage();
  await rpc(samPage.request, base, 'login', { email: 'sam@example.com', password: sam.password });
  await rpc(samPage.request, base, 'change_password', {
    current_password: sam.password,
    new_password: 'sam has a long password',
  });
  await samPage.goto('/exceptions');
  await hydrated(samPage);
  const row = samPage.getByRole('row', { name: /mTLS to every backend/ });
  await row.getByLabel('Comment').fill('Mesh migration tracked in SEC-42.');
  await row.getByRole('button', { name: 'Approve' }).click();
  await expect(samPage.getByRole('row', { name: /mTLS to every backend.*approved/ })).toBeVisible();
  await page.goto(`/p/edge-gateway/items/${item}`);
  await expect(page.locator('select[name="status"]')).toHaveValue('accepted_risk');
  // Later files expect the admin's inbox empty.
  await rpc(page.request, base, 'mark_all_notifications_read', {});
});
