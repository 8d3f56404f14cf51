/** @module Debian's Chromium through playwright-core (never a downloaded browser), headless, with a throwaway profile. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = resolve(import.meta.dirname, '../../../test-results/dashboard');

// The flags docs/dependencies.md asks for: no sandbox (root in CI), no GPU, no network chatter of its own.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export interface Browser { context: BrowserContext; page: Page; close: () => Promise<void> }

export async function launchBrowser(): Promise<Browser> {
  // A fresh --user-data-dir: Playwright takes it as the persistent context's folder.
  const profile = await mkdtemp(join(tmpdir(), 'pf-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1200, height: 900 },
    acceptDownloads: true, colorScheme: 'light',
  });
  const page = context.pages()[0] ?? await context.newPage();
  // confirm() before deleting things: the test means "yes".
  page.on('dialog', (dialog) => { void dialog.accept(); });
  return {
    context, page,
    close: async () => { await context.close(); await rm(profile, { recursive: true, force: true }); },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
