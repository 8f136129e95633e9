import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { expectAccessible, hydrated } from './support';

// Single sign-on in a real browser: its own Preflight (the binary under test, with OpenID
// Connect configured) and a real OpenID provider (oidc-provider, `end2end/oidc/provider.mjs`),
// both on loopback. The person signs in on the provider's own login page and lands on the
// portfolio; signing out ends at the provider's end-session page and comes back.

const bin = process.env.PREFLIGHT_BIN ?? '../target/release/preflight';
const port = Number(process.env.PREFLIGHT_E2E_SSO_PORT ?? 3101);
const base = `http://127.0.0.1:${port}`;
const children: ChildProcess[] = [];
let issuer = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-e2e-sso-'));
  const accounts = path.join(dir, 'accounts.json');
  fs.writeFileSync(
    accounts,
    JSON.stringify({
      sam: { email: 'sam@example.com', email_verified: true, name: 'Sam Sso', groups: ['eng'] },
    }),
  );
  const idp = spawn('node', ['oidc/provider.mjs'], {
    env: {
      ...process.env,
      OIDC_PORT: '0',
      OIDC_CLIENT_ID: 'preflight',
      OIDC_CLIENT_SECRET: 'secret',
      OIDC_REDIRECT_URI: `${base}/auth/oidc/callback`,
      OIDC_POST_LOGOUT_URI: `${base}/login`,
      OIDC_ACCOUNTS: accounts,
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(idp);
  const first = await new Promise<string>((resolve) => {
    readline.createInterface({ input: idp.stdout! }).once('line', resolve);
  });
  issuer = JSON.parse(first).issuer;
  const server = spawn(bin, ['serve'], {
    env: {
      ...process.env,
      PREFLIGHT_ADDR: `127.0.0.1:${port}`,
      PREFLIGHT_BASE_URL: base,
      PREFLIGHT_DATA_DIR: dir,
      DATABASE_URL: '',
      LEPTOS_SITE_ROOT: '../target/site',
      RUST_LOG: 'warn',
      PREFLIGHT_OIDC_ISSUER: issuer,
      PREFLIGHT_OIDC_CLIENT_ID: 'preflight',
      PREFLIGHT_OIDC_CLIENT_SECRET: 'secret',
      PREFLIGHT_OIDC_LABEL: 'Sign in with Acme',
      PREFLIGHT_OIDC_ALLOWED_DOMAINS: 'example.com',
      PREFLIGHT_OIDC_ROLE_MAP: 'eng=Platform:editor',
    },
    stdio: 'ignore',
  });
  children.push(server);
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // The instance's first administrator (and its team Platform), made as a browser would.
  const res = await fetch(`${base}/rpc/setup`, {
    method: 'POST',
    headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      email: 'ada@example.com',
      display_name: 'Ada Admin',
      password: 'correct horse battery',
      team_name: 'Platform',
    }),
  });
  expect(res.status).toBe(200);
});

test.afterAll(() => {
  for (const child of children) child.kill();
});

test('sign in through the provider’s own page, land on the portfolio, sign out there', async ({
  page,
}) => {
  await page.goto(`${base}/login`);
  await hydrated(page);
  await expectAccessible(page, '/login with single sign-on');
  await page.getByRole('link', { name: 'Sign in with Acme' }).click();

  // The provider's page, on its own origin.
  await expect(page).toHaveURL(new RegExp(`^${issuer}/interaction/`));
  await page.locator('input[name="login"]').fill('sam');
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').first().click();

  await expect(page).toHaveURL(`${base}/`);
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
  // The group made Sam an editor of Platform.
  await page.goto(`${base}/teams`);
  await expect(page.getByRole('link', { name: 'Platform' })).toBeVisible();
  // The account page says how this session was signed in.
  await page.goto(`${base}/account`);
  await expect(page.getByRole('cell', { name: 'Single sign-on' })).toBeVisible();

  // Signing out ends here, then at the provider, which sends the browser back to the login.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(new RegExp(`^${issuer}/session/end`));
  await page.locator('button[autofocus], button[type="submit"]').first().click();
  await expect(page).toHaveURL(new RegExp(`^${base}/login`));
  await page.goto(`${base}/account`);
  await expect(page).toHaveURL(new RegExp(`^${base}/login`));
});
