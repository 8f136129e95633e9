import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { hydrated, signIn } from './support';

// Runs last (name order, one worker): the admin exists.

test('a project from a built-in template, saved back as a team template', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await hydrated(page);
  const web = page.getByRole('region', { name: 'Web service' });
  await expect(web).toContainText('Built in');
  await web.getByText('New project from this template').click();
  await web.getByLabel('Project name (blank: the template\'s name)').fill('Payments');
  await web.getByRole('button', { name: 'Create the project' }).click();
  await expect(page).toHaveURL(/\/p\/payments$/);
  await expect(page.getByText('Not ready').first()).toBeVisible();

  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Settings' }).click();
  await hydrated(page);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Preflight JSON' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^payments-readiness-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(readFileSync(await file.path(), 'utf8'));
  expect(exported.project.slug).toBe('payments');
  expect(exported.categories.length).toBe(6);
  const save = page.getByRole('region', { name: 'Save as template' });
  await save.getByLabel('Template name').fill('Payments baseline');
  await save.getByRole('button', { name: 'Save as template' }).click();
  await expect(save.getByRole('status')).toContainText('Saved.');
  await save.getByRole('link', { name: 'See your templates' }).click();
  const mine = page.getByRole('region', { name: 'Payments baseline' });
  await expect(mine).toContainText('Saved by');
  await expect(mine.getByText('Reliability (5 items)')).toBeVisible();
  expect(errors).toEqual([]);
});
