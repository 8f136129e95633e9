import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { hydrated, signIn } from './support';

// Runs after import.spec.ts (name order, one worker): the project imported there exists.

test('the report: read it, download the PDF, share it with someone who has no account', async ({ page, browser }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page);
  await page.goto('/p/production-readiness-check');
  await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Report' }).click();
  await expect(page).toHaveURL(/\/p\/production-readiness-check\/report$/);
  await hydrated(page);
  const report = page.getByRole('article', { name: 'Production Readiness Check' });
  await expect(report.getByText('Not ready').first()).toBeVisible();
  await expect(report.getByRole('region', { name: 'Categories' }).getByRole('rowheader', { name: 'Security', exact: true })).toBeVisible();
  await expect(report.getByRole('region', { name: 'Blocking gaps' }).getByRole('row')).not.toHaveCount(0);

  // The PDF download: a real PDF with the project's name for a file name.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'PDF' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^production-readiness-check-readiness-\d{4}-\d{2}-\d{2}\.pdf$/);
  const pdf = readFileSync(await file.path());
  expect(pdf.length).toBeGreaterThan(1000);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // A share link, opened in a fresh browser context without a session.
  const share = page.getByRole('region', { name: 'Share links' });
  await share.getByLabel('For whom (label)').fill('Board');
  await share.getByRole('button', { name: 'Create share link' }).click();
  const url = await share.getByLabel('New share link').inputValue();
  expect(url).toMatch(/\/share\/[0-9a-f]{64}$/);
  await expect(share.getByRole('row', { name: /Board/ })).toContainText('Active');

  const stranger = await browser.newContext();
  const outside = await stranger.newPage();
  await outside.goto(url);
  await expect(outside.getByRole('heading', { level: 1, name: 'Production Readiness Check' })).toBeVisible();
  await expect(outside.getByText('Not ready').first()).toBeVisible();
  await expect(outside.getByRole('navigation')).toHaveCount(0);
  await expect(outside.getByRole('link', { name: 'Download PDF' })).toBeVisible();
  await stranger.close();

  // Revoked: the same address is dead.
  await share.getByRole('row', { name: /Board/ }).getByRole('button', { name: 'Revoke' }).click();
  await expect(share.getByRole('row', { name: /Board/ })).toContainText('Revoked');
  const again = await browser.newContext();
  const gone = await again.newPage();
  const res = await gone.goto(url);
  expect(res?.status()).toBe(404);
  await expect(gone.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await again.close();
  expect(errors).toEqual([]);
});
