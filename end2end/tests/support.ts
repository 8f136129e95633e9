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
