import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { admin, expectAccessible, hydrated, signIn } from './support';

// Runs last (name order, one worker): the projects, risks, reviews and teams the other specs
// made exist. Every page through axe-core, signed out and signed in, light and dark; the
// main flow by keyboard alone; the pages at phone width.

/** Opens `path`, waits for the islands, and runs axe over it. */
async function check(page: Page, path: string, findings: string[]) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBeLessThan(500);
  await hydrated(page);
  findings.push(...(await expectAccessible(page, path)));
}

/** The `href` of the first link in `scope` matching `pattern`. */
async function firstLink(scope: Locator, pattern: RegExp): Promise<string> {
  const hrefs = await scope.locator('a[href]').evaluateAll((links) =>
    links.map((a) => a.getAttribute('href') ?? ''),
  );
  const href = hrefs.find((h) => pattern.test(h));
  expect(href, `a link matching ${pattern}`).toBeTruthy();
  return href as string;
}

/** Every page a signed-in administrator can open, found from the pages themselves. */
async function signedInPages(page: Page): Promise<string[]> {
  const project = '/p/production-readiness-check';
  await page.goto(`${project}/checklist`);
  const item = await firstLink(page.locator('main'), /\/items\/\d+$/);
  await page.goto('/p/payments-api-v2/risks');
  const risk = await firstLink(page.locator('main'), /\/risks\/\d+$/);
  await page.goto('/p/launch-gate/reviews');
  const review = await firstLink(page.locator('main'), /\/reviews\/\d+$/);
  await page.goto('/teams');
  const team = await firstLink(page.locator('main'), /^\/teams\/\d+$/);
  await page.goto('/campaigns');
  const campaign = await firstLink(page.locator('main'), /^\/campaigns\/\d+$/);
  return [
    '/',
    project,
    `${project}/checklist`,
    `${project}/checklist?status=open&q=rate`,
    item,
    `${project}/risks`,
    '/p/payments-api-v2/risks',
    risk,
    `${project}/reviews`,
    '/p/launch-gate/reviews',
    review,
    `${project}/report`,
    `${project}/plan`,
    `${project}/settings`,
    `${project}/import`,
    '/import',
    '/templates',
    '/teams',
    team,
    '/account',
    '/inbox',
    '/exceptions',
    '/signoffs',
    '/campaigns',
    campaign,
    '/admin/users',
    '/admin/audit',
    '/admin/reviewer-groups',
    '/admin/tiers',
    '/no/such/page',
  ];
}

test('an item assigned to someone reaches their inbox, which they mark read', async ({ page }) => {
  // Vic (viewer of team Checkout, from roles.spec.ts) gets an item of Checkout Web.
  const vic = { email: 'vic@example.com', password: 'vic has a long password' };
  await signIn(page);
  await page.goto('/p/checkout-web/checklist');
  await hydrated(page);
  const newCategory = page.locator('section', { has: page.getByRole('heading', { name: 'New category' }) });
  await newCategory.getByLabel('Name').fill('Payments');
  await newCategory.getByRole('button', { name: 'Add category' }).click();
  const payments = page.getByRole('region', { name: 'Payments' });
  await payments.getByText('Add an item').click();
  await payments.getByLabel('Title').fill('Card retries');
  await payments.getByRole('button', { name: 'Add item' }).click();
  await expect(payments.getByRole('link', { name: 'Card retries' })).toBeVisible();
  await page.getByRole('checkbox', { name: 'Select Card retries' }).check();
  const bulk = page.getByRole('form', { name: 'Change selected items' });
  await bulk.getByLabel('Set assignee').selectOption({ label: 'Vic Viewer' });
  await bulk.getByRole('button', { name: 'Apply to selected' }).click();
  await expect(bulk.getByRole('status')).toHaveText('Updated 1 item.');
  // Ada did it: her own inbox stays empty.
  await expect(page.getByRole('link', { name: 'Inbox', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  // Sign-out's own navigation lands first (a `goto` racing it was aborted now and then).
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email').fill(vic.email);
  await page.getByLabel('Password').fill(vic.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const inboxLink = page.getByRole('link', { name: 'Inbox, 1 unread' });
  await expect(inboxLink).toBeVisible();
  await inboxLink.click();
  await expect(page).toHaveURL(/\/inbox$/);
  await hydrated(page);
  const note = page.getByRole('link', { name: 'Ada Admin assigned you “Card retries” in Checkout Web.' });
  await expect(note).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'unread' })).toHaveText('1 unread.');
  await page.getByRole('button', { name: /^Mark read/ }).click();
  await expect(page.getByText('Nothing unread.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Inbox', exact: true })).toBeVisible();
  await note.click();
  await expect(page.getByRole('heading', { name: 'Card retries' })).toBeVisible();

  // Vic holds the item, so she hears of it; she mutes it, then watches it again.
  await hydrated(page);
  const watch = page.getByRole('region', { name: 'Notifications about this item' });
  await expect(watch.getByRole('status')).toHaveText('You hear of changes here: you hold or created this item.');
  await watch.getByRole('button', { name: 'Mute item' }).click();
  await expect(watch.getByRole('status')).toHaveText('You muted this item.');
  await watch.getByRole('button', { name: 'Back to default' }).click();
  await expect(watch.getByRole('status')).toHaveText('You hear of changes here: you hold or created this item.');

  // Her notification settings: mail of status changes, as a daily digest; kept after a reload.
  await page.goto('/account');
  await hydrated(page);
  const settings = page.getByRole('region', { name: 'Notifications' });
  await expect(settings.getByRole('note')).toContainText('Mail is off on this Preflight');
  const statusMail = settings.getByRole('checkbox', { name: 'Mail: An item you hold or watch changes status' });
  const commentInbox = settings.getByRole('checkbox', { name: 'Inbox: A comment on an item you hold or watch' });
  await expect(statusMail).not.toBeChecked();
  await expect(commentInbox).toBeChecked();
  await statusMail.check();
  await commentInbox.uncheck();
  await settings.getByRole('radio', { name: 'One digest a day (07:00 UTC)' }).check();
  const zone = settings.getByLabel('Your time zone (when Monday morning is)');
  await zone.fill('Mars/Olympus');
  await settings.getByRole('button', { name: 'Save notification settings' }).click();
  await expect(settings.getByText('is not a time zone name')).toBeVisible();
  await zone.fill('Europe/Berlin');
  await settings.getByRole('button', { name: 'Save notification settings' }).click();
  await expect(settings.getByRole('status')).toHaveText('Notification settings saved.');
  await page.reload();
  await expect(statusMail).toBeChecked();
  await expect(commentInbox).not.toBeChecked();
  await expect(settings.getByRole('radio', { name: 'One digest a day (07:00 UTC)' })).toBeChecked();
  await expect(zone).toHaveValue('Europe/Berlin');
});

test('every page passes axe, signed out and signed in, light and dark', async ({ browser, page }, info) => {
  test.setTimeout(180_000);
  const findings: string[] = [];
  await signIn(page);
  const pages = await signedInPages(page);
  for (const path of pages) await check(page, path, findings);

  // A share link, read by someone without an account.
  await page.goto('/p/production-readiness-check/report');
  await hydrated(page);
  const share = page.getByRole('region', { name: 'Share links' });
  await share.getByLabel('For whom (label)').fill('Accessibility check');
  await share.getByRole('button', { name: 'Create share link' }).click();
  const shared = new URL(await share.getByLabel('New share link').inputValue()).pathname;
  const outside = await browser.newContext();
  const stranger = await outside.newPage();
  for (const path of ['/login', shared]) {
    await stranger.goto(path);
    findings.push(...(await expectAccessible(stranger, `${path} (signed out)`)));
  }
  await outside.close();

  // Dark mode has its own colours: every page again.
  const dark = await browser.newContext({ colorScheme: 'dark' });
  const night = await dark.newPage();
  await signIn(night);
  for (const path of pages) await check(night, path, findings);
  await dark.close();

  await info.attach('axe findings below serious', { body: findings.join('\n') || 'none' });
});

/** Presses Tab until `target` has the focus (at most `max` times); the focus must show. */
async function tabTo(page: Page, target: Locator, max = 80) {
  for (let n = 0; n < max; n++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) {
      await expectVisibleFocus(page);
      return;
    }
  }
  throw new Error(`Tab never reached ${target}`);
}

/** The focused element shows it: an outline of some width, or a box shadow. */
async function expectVisibleFocus(page: Page) {
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    return {
      what: `${el.tagName} ${el.textContent?.trim().slice(0, 40)}`,
      outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      shadow: style.boxShadow !== 'none',
    };
  });
  expect(ring.outline || ring.shadow, `visible focus on ${ring.what}`).toBe(true);
}

const keyboardDocument = `# Keyboard Launch

## Operations

- [ ] Backups restored in a drill
- [x] Runbook written

## Security

- [ ] TLS everywhere
`;

test('the main flow by keyboard alone: sign in, import, change a status, freeze a review', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/login');
  await hydrated(page);
  await tabTo(page, page.getByLabel('Email'));
  await page.keyboard.type(admin.email);
  await tabTo(page, page.getByLabel('Password'));
  await page.keyboard.type(admin.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();

  await hydrated(page);
  await tabTo(page, page.getByRole('link', { name: 'New project from a document' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/import$/);
  await hydrated(page);
  await tabTo(page, page.getByLabel('Document (paste it here)'));
  await page.keyboard.insertText(keyboardDocument);
  await tabTo(page, page.getByRole('button', { name: 'Create the project' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/p\/keyboard-launch\?imported=3/);

  await hydrated(page);
  await tabTo(page, page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Checklist' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/p\/keyboard-launch\/checklist$/);
  await hydrated(page);
  const status = page.getByRole('combobox', { name: 'Status of TLS everywhere' });
  await tabTo(page, status);
  // A closed select takes the first letter of a choice.
  await page.keyboard.type('D');
  await expect(status).toHaveValue('done');
  const set = page.getByRole('button', { name: 'Set TLS everywhere' });
  await tabTo(page, set, 3);
  await page.keyboard.press('Enter');
  await expect(page.locator('#row-news')).toHaveText('TLS everywhere: Done.');
  await expect(set).toBeFocused();
  await expect(page.getByRole('region', { name: 'Readiness' })).toContainText('2 done');

  await tabTo(page, page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Reviews' }), 200);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/p\/keyboard-launch\/reviews$/);
  await hydrated(page);
  await tabTo(page, page.getByText('Start a review'));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByLabel('Title'));
  await page.keyboard.type('Keyboard review');
  await tabTo(page, page.getByRole('button', { name: 'Start review' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Keyboard review' })).toBeVisible();
  await hydrated(page);
  await tabTo(page, page.getByRole('button', { name: 'Finalize review' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Sign-off' })).toBeVisible();
  expect(errors).toEqual([]);
});

/** A full-page screenshot attached to the test's results. */
async function shoot(page: Page, info: TestInfo, name: string) {
  await info.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
}

test('at phone width nothing runs off the side, and dark mode is dark', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await signIn(page);
  // The largest risk matrix (7 × 7), on the project the keyboard walk made.
  await page.goto('/p/keyboard-launch/settings');
  await hydrated(page);
  await page.locator('select[name="likelihood_steps"]').selectOption('7');
  await page.locator('select[name="impact_steps"]').selectOption('7');
  await page.getByRole('button', { name: 'Preview size' }).click();
  await expect(page).toHaveURL(/likelihood_steps=7&impact_steps=7/);
  await page.getByRole('button', { name: 'Save matrix' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  const project = '/p/production-readiness-check';
  const pages = ['/', project, `${project}/checklist`, `${project}/risks`, `${project}/report`, `${project}/reviews`];
  pages.push('/p/keyboard-launch/risks', '/p/keyboard-launch/settings', '/p/keyboard-launch/report');
  pages.push('/account', '/admin/users');
  for (const path of pages) {
    await page.goto(path);
    await hydrated(page);
    // Wide tables scroll inside their own box; the page itself does not scroll sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} is wider than the phone by ${overflow}px`).toBeLessThanOrEqual(0);
    await shoot(page, info, `phone ${path}`);
  }
  // Were a map wider than the phone, its frame would scroll, and the keyboard reaches it.
  await page.goto('/p/keyboard-launch/risks');
  await expect(page.getByRole('group', { name: 'Current risk' })).toHaveAttribute('tabindex', '0');
  await phone.close();

  const dark = await browser.newContext({ colorScheme: 'dark' });
  const night = await dark.newPage();
  await signIn(night);
  for (const path of ['/', `${project}/checklist`, `${project}/risks`]) {
    await night.goto(path);
    await hydrated(night);
    const [background, text] = await night.evaluate(() => {
      const luminance = (colour: string) => {
        const [r, g, b] = (colour.match(/\d+(\.\d+)?/g) ?? []).map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      };
      const body = getComputedStyle(document.body);
      return [luminance(body.backgroundColor), luminance(body.color)];
    });
    expect(background, `${path}: a dark background`).toBeLessThan(0.2);
    expect(text, `${path}: light text`).toBeGreaterThan(0.7);
    await shoot(night, info, `dark ${path}`);
  }
  await dark.close();
});
