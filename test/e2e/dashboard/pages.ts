/** @module Page checks for the dashboard e2e: no sideways scroll, Log out on screen, axe-core's serious/critical findings. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding { id: string; impact: string; help: string; nodes: string[] }

/**
 * axe-core run inside the page (evaluated over CDP, so a Content-Security-Policy without inline scripts does not block it).
 * Page code is passed as text: this file is type-checked without the DOM library.
 */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate('"axe" in window'))) await page.evaluate(AXE);
  return page.evaluate(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  })()`);
}

/** Width the page scrolls sideways by (0 = none), and whether "Log out" is inside the viewport. */
export async function layoutOf(page: Page): Promise<{ overflow: number; logoutVisible: boolean }> {
  return page.evaluate(`(() => {
    const root = document.documentElement;
    const logout = document.querySelector('[data-testid="logout"]')?.getBoundingClientRect();
    return {
      overflow: Math.max(root.scrollWidth, document.body.scrollWidth) - root.clientWidth,
      logoutVisible: logout !== undefined && logout.width > 0 && logout.left >= 0 && logout.right <= root.clientWidth,
    };
  })()`);
}

/** The computed background colour of the element (how a badge's red is checked). */
export const backgroundOf = (el: Locator): Promise<string> =>
  el.evaluate((node) => (globalThis as unknown as { getComputedStyle(n: unknown): { backgroundColor: string } }).getComputedStyle(node).backgroundColor);

export const DOC_SHOTS = new URL('../../../docs/screenshots/', import.meta.url).pathname;

/** A screenshot for the docs (docs/screenshots), viewport-sized so phone shots look like a phone. */
export async function docShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${DOC_SHOTS}${name}.png`, fullPage: false });
}

/** Presses Test on a named destination's row of the Connections page; the answer the row shows. */
export async function testDestinationRow(page: Page, name: string): Promise<{ ok: boolean; text: string }> {
  const row = page.locator(`[data-testid="destination-row"][data-name="${name}"]`);
  await row.waitFor();
  await row.getByTestId('destination-test').click();
  const result = row.getByTestId('destination-test-result');
  await result.waitFor();
  return { ok: (await result.getAttribute('data-ok')) === 'true', text: await result.innerText() };
}

/** First-start setup with the token `photoferry serve` printed, then login: the dashboard as a fresh install shows it. */
export async function setUpAndLogIn(page: Page, server: { url: string; setupToken: () => string }, password: string): Promise<void> {
  await page.goto(server.url);
  await page.getByTestId('setup-token').fill(server.setupToken());
  await page.getByTestId('setup-password').fill(password);
  await page.getByTestId('setup-repeat').fill(password);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}
