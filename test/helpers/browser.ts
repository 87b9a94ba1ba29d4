import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium, driven by playwright-core; never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless and quiet: without the background-networking flags Chromium keeps
 * dialling Google's hosts, which this closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Page-side helpers, installed before any page script (`page.addInitScript({content: PAGE_HELPERS})`):
 * deep queries through shadow roots, and the console's terminal buffer (scrollback included).
 * Plain JS text: functions compiled by tsx may reference helpers the page lacks.
 */
export const PAGE_HELPERS = `
  const deepAll = (root, sel, out = []) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.matches(sel)) out.push(el);
      if (el.shadowRoot) deepAll(el.shadowRoot, sel, out);
    }
    return out;
  };
  window.__rbDeep = (sel) => deepAll(document, sel)[0] ?? null;
  window.__rbDeepAll = (sel) => deepAll(document, sel);
  window.__rbTermLines = () => {
    const el = deepAll(document, 'rb-console')[0];
    return el && el.bufferLines ? el.bufferLines() : [];
  };
`;

export type PageWindow = { __rbDeep(sel: string): HTMLElement | null; __rbDeepAll(sel: string): Element[]; __rbTermLines(): string[] };

/** A new page in `context`, logged in through the UI's own form; resolves once the header shows who is logged in. */
export async function loginPage(context: BrowserContext, url: string, user: string, password: string, timeoutMs = 30_000): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript({ content: PAGE_HELPERS });
  await page.goto(url);
  await page.locator('rb-login input[name="username"]').fill(user);
  await page.locator('rb-login input[name="password"]').fill(password);
  await page.locator('rb-login button[type="submit"]').click();
  await page.locator('[data-testid="whoami"]').waitFor({ timeout: timeoutMs });
  return page;
}
