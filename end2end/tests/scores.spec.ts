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
  await security.getByRole('combobox', { name: 'Status of TLS everywhere' }).selectOption('done');
  await security.getByRole('row', { name: /TLS everywhere/ }).getByRole('button', { name: 'Set' }).click();
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

test('bulk changes set one priority on every selected item', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await page.goto(checklist);
  await hydrated(page);
  const security = page.getByRole('region', { name: 'Security' });
  const addItem = security.locator('details.add-item');
  for (const title of ['HSTS header', 'Certificate rotation']) {
    if ((await addItem.getAttribute('open')) === null) await security.getByText('Add an item').click();
    await security.getByLabel('Title').fill(title);
    await security.locator('details.add-item select[name="priority"]').selectOption('low');
    await security.getByRole('button', { name: 'Add item' }).click();
    await expect(security.getByRole('link', { name: title })).toBeVisible();
  }
  const bulk = page.getByRole('form', { name: 'Change selected items' });
  await page.getByRole('checkbox', { name: 'Select HSTS header' }).check();
  await page.getByRole('checkbox', { name: 'Select Certificate rotation' }).check();
  await bulk.getByLabel('Set priority').selectOption('high');
  await bulk.getByRole('button', { name: 'Apply to selected' }).click();
  await expect(bulk.getByRole('status')).toHaveText('Updated 2 items.');
  const priority = (title: string) => security.getByRole('row', { name: new RegExp(title) }).locator('span.priority');
  await expect(priority('HSTS header')).toHaveText('High');
  await expect(priority('Certificate rotation')).toHaveText('High');
  await expect(priority('TLS everywhere')).toHaveText('Critical');
  // The page was rebuilt from the new data: nothing stays selected.
  await expect(page.getByRole('checkbox', { name: 'Select HSTS header' })).not.toBeChecked();
  // "Select all shown" checks every row's box (rows are plain HTML), and clears them again.
  const boxes = page.locator('input[name="items[]"]');
  const selectAll = bulk.getByLabel('Select all shown');
  await selectAll.check();
  const n = await boxes.count();
  expect(n).toBeGreaterThanOrEqual(3);
  for (let i = 0; i < n; i++) await expect(boxes.nth(i)).toBeChecked();
  await selectAll.uncheck();
  for (let i = 0; i < n; i++) await expect(boxes.nth(i)).not.toBeChecked();

  // A status that needs a reason cannot be set from the row: the row says what is missing.
  const status = (title: string) => security.getByRole('combobox', { name: `Status of ${title}` });
  const alert = page.getByRole('alert');
  await status('HSTS header').selectOption('done');
  await status('Certificate rotation').selectOption('not_applicable');
  await security.getByRole('button', { name: 'Set Certificate rotation' }).click();
  await expect(alert).toHaveText('Say why this does not apply or why the risk is accepted. Open the item to give it.');
  await expect(status('HSTS header')).toHaveValue('done');

  // A status change puts back only what it changed (the row, the category's line, the
  // summary, the error now gone): a choice not yet sent in another row stays, and the focus
  // is on the button.
  await status('Certificate rotation').selectOption('in_progress');
  await security.getByRole('button', { name: 'Set Certificate rotation' }).click();
  const summary = page.getByRole('region', { name: 'Readiness' });
  await expect(summary).toContainText('1 in progress');
  await expect(alert).toHaveCount(0);
  await expect(security.locator('.category-score')).toContainText('1 of 3 closed');
  await expect(page.locator('#row-news')).toHaveText('Certificate rotation: In progress.');
  await expect(security.getByRole('button', { name: 'Set Certificate rotation' })).toBeFocused();
  await expect(status('HSTS header')).toHaveValue('done');
  // It was saved: a fresh page shows it, and not the choice that was never sent.
  await page.goto(checklist);
  await expect(status('Certificate rotation')).toHaveValue('in_progress');
  await expect(status('HSTS header')).toHaveValue('open');
  expect(errors).toEqual([]);
});

test('a change made elsewhere first is a conflict, shown with a way to reload', async ({ browser }) => {
  const first = await browser.newPage();
  const second = await browser.newPage();
  for (const page of [first, second]) {
    await signIn(page);
    await page.goto(checklist);
    await hydrated(page);
  }
  // The first tab moves the item on; the second still shows the old version.
  const row = (page: Page) => page.getByRole('row', { name: /HSTS header/ });
  await first.getByRole('combobox', { name: 'Status of HSTS header' }).selectOption('in_progress');
  await row(first).getByRole('button', { name: 'Set' }).click();
  await expect(first.getByRole('combobox', { name: 'Status of HSTS header' })).toHaveValue('in_progress');

  await second.getByRole('combobox', { name: 'Status of HSTS header' }).selectOption('done');
  await row(second).getByRole('button', { name: 'Set' }).click();
  await expect(second.getByRole('alert')).toContainText('changed by Ada Admin since you loaded it');
  await second.getByRole('link', { name: 'Reload the checklist' }).click();
  await expect(second.getByRole('combobox', { name: 'Status of HSTS header' })).toHaveValue('in_progress');
  await expect(row(second).locator('span.priority')).toHaveText('High');
  await first.close();
  await second.close();
});

test('deleting an item from its page goes back to the checklist', async ({ page }) => {
  await signIn(page);
  await page.goto(checklist);
  await hydrated(page);
  const security = page.getByRole('region', { name: 'Security' });
  if ((await security.locator('details.add-item').getAttribute('open')) === null) {
    await security.getByText('Add an item').click();
  }
  await security.getByLabel('Title').fill('Scratch item');
  await security.getByRole('button', { name: 'Add item' }).click();
  await security.getByRole('link', { name: 'Scratch item' }).click();
  await expect(page.getByRole('heading', { name: 'Scratch item' })).toBeVisible();
  await hydrated(page);
  await page.getByText('Edit item', { exact: true }).click();
  await page.getByLabel('Delete this item').check();
  await page.getByRole('button', { name: 'Delete item' }).click();
  await expect(page).toHaveURL(/\/checklist$/);
  await expect(page.getByRole('link', { name: 'Scratch item' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'TLS everywhere' })).toBeVisible();
});

test('a change made after the session ended goes to sign-in, and back to the checklist', async ({ page }) => {
  await signIn(page);
  await page.goto(`${checklist}?q=hsts`);
  await hydrated(page);
  await page.context().clearCookies();
  await page.getByRole('combobox', { name: 'Status of HSTS header' }).selectOption('done');
  await page.getByRole('row', { name: /HSTS header/ }).getByRole('button', { name: 'Set' }).click();
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Back on the same filtered checklist, without the failed call's error; nothing was changed.
  await expect(page).toHaveURL(new RegExp(`${checklist}\\?q=hsts$`));
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'Status of HSTS header' })).toHaveValue('in_progress');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the same status change works as a plain form post', async ({ page }) => {
    await signIn(page);
    await page.goto(checklist);
    const security = page.getByRole('region', { name: 'Security' });
    await security.getByRole('combobox', { name: 'Status of TLS everywhere' }).selectOption('in_progress');
    await security.getByRole('row', { name: /TLS everywhere/ }).getByRole('button', { name: 'Set' }).click();
    await expect(page).toHaveURL(/\/checklist\??$/);
    await expect(page.getByRole('region', { name: 'Readiness' }).getByText('Not ready')).toBeVisible();
    await expect(security.getByRole('combobox', { name: 'Status of TLS everywhere' })).toHaveValue('in_progress');
  });

  test('bulk changes work as a plain form post too', async ({ page }) => {
    await signIn(page);
    await page.goto(checklist);
    await page.getByRole('checkbox', { name: 'Select HSTS header' }).check();
    await page.getByRole('checkbox', { name: 'Select Certificate rotation' }).check();
    const bulk = page.getByRole('form', { name: 'Change selected items' });
    await bulk.getByLabel('Set assignee').selectOption({ label: 'Ada Admin' });
    await bulk.getByRole('button', { name: 'Apply to selected' }).click();
    await expect(page).toHaveURL(/\/checklist\??$/);
    const security = page.getByRole('region', { name: 'Security' });
    const assignee = (title: string) => security.getByRole('row', { name: new RegExp(title) }).locator('td.assignee');
    await expect(assignee('HSTS header')).toHaveText('Ada Admin');
    await expect(assignee('Certificate rotation')).toHaveText('Ada Admin');
    await expect(assignee('TLS everywhere')).toHaveText('');
  });
});
