import { expect, type Page } from '@playwright/test';

/** The admin first_run.spec.ts creates. */
export const admin = { email: 'ada@example.com', password: 'correct horse battery' };

/** Waits until the wasm has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
}

/** Signs the admin in and waits for the portfolio. */
export async function signIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Projects' })).toBeVisible();
}

/**
 * Runs axe-core over the page (WCAG 2.1 A and AA rules, and axe's best practices) and fails on
 * any violation of "serious" or "critical" impact, naming each with the first elements it
 * found. Lesser findings are returned, so a test can report them.
 */
export async function expectAccessible(page: Page, where: string): Promise<string[]> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const describe = (v: (typeof result.violations)[number]) =>
    `${where}: ${v.impact} ${v.id} (${v.nodes.length}×, e.g. ${v.nodes
      .slice(0, 2)
      .map((n) => n.target.join(' '))
      .join(' | ')}): ${v.help}`;
  const grave = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(grave.map(describe), `axe on ${where}`).toEqual([]);
  return result.violations.map(describe);
}
