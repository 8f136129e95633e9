import { expect, test } from '@playwright/test';
import { expectAccessible, hydrated, signIn } from './support';

// Runs after first_run.spec.ts (name order, one worker): the admin exists. Works in a project of
// its own, so the other specs' counts stay as they expect.
test.describe.configure({ mode: 'serial' });

const plan = '/p/plan-drill/plan';

test('schedule items into phases, see the forecast and the burn-down; the plan works without JavaScript', async ({
  page,
  browser,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('Plan drill');
  await expect(page.getByLabel(/^Slug/)).toHaveValue('plan-drill');
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(/\/p\/plan-drill$/);

  // Two items to plan.
  await page.goto('/p/plan-drill/checklist');
  await hydrated(page);
  const newCategory = page.locator('section', { has: page.getByRole('heading', { name: 'New category' }) });
  await newCategory.getByLabel('Name').fill('Ops');
  await newCategory.getByRole('button', { name: 'Add category' }).click();
  const category = page.getByRole('region', { name: 'Ops' });
  for (const title of ['Backups restored', 'Alerts routed']) {
    await category.getByText('Add an item').click();
    await category.getByLabel('Title').fill(title);
    await category.getByRole('button', { name: 'Add item' }).click();
    await expect(category.getByRole('link', { name: title })).toBeVisible();
  }

  // A phase, then one item scheduled into it from the plan page.
  await page.goto(plan);
  await hydrated(page);
  await expect(page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Plan' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  const newPhase = page.getByRole('region', { name: 'New phase' });
  await newPhase.getByLabel('Name').fill('Week 1');
  await newPhase.getByLabel('Goal').fill('Backups first');
  await newPhase.getByRole('button', { name: 'Add phase' }).click();
  const week1 = page.getByRole('region', { name: 'Week 1' });
  await expect(week1).toContainText('Backups first');
  await page.getByRole('checkbox', { name: 'Backups restored' }).check();
  await page.getByLabel('Schedule selected items into').selectOption({ label: 'Week 1' });
  await page.getByRole('button', { name: 'Schedule', exact: true }).click();
  await expect(week1.getByRole('link', { name: 'Backups restored' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Not scheduled' }).getByRole('link', { name: 'Alerts routed' })).toBeVisible();

  // The forecast and the burn-down with its table.
  await expect(page.getByRole('region', { name: /^Forecast/ })).toContainText('ready');
  await expect(page.getByRole('region', { name: 'Burn-down' }).locator('svg[role="img"]')).toBeVisible();
  await page.getByText('Burn-down as a table').click();
  await expect(page.getByRole('table').filter({ hasText: 'Open blocking (h)' })).toBeVisible();
  await expectAccessible(page, 'plan page');
  expect(errors).toEqual([]);

  // Without JavaScript: the same page, and a form that posts and comes back.
  const context = await browser.newContext({
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const bare = await context.newPage();
  await bare.goto(plan);
  await expect(bare.getByRole('region', { name: 'Week 1' })).toContainText('Backups restored');
  const form = bare.getByRole('region', { name: 'New phase' });
  await form.getByLabel('Name').fill('After launch');
  await form.getByRole('button', { name: 'Add phase' }).click();
  await expect(bare.getByRole('region', { name: 'After launch' })).toBeVisible();
  await context.close();
});
