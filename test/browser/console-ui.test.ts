/**
 * The console in a real browser (Debian's chromium through playwright-core)
 * against the whole appliance with a lab VM: login, target list, typing,
 * shared viewers, write lock and take-over, read-only, upstream cut and
 * viewer reconnect. Every wait is for DOM state, with a deadline.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildUi } from '../../ui/build.ts';
import { startAppliance, type Appliance } from '../helpers/appliance.ts';
import { launchChromium, loginPage, type PageWindow } from '../helpers/browser.ts';
import { pollUntil } from '../helpers/poll.ts';
import { readTranscripts } from '../console/helpers/transcript-reader.ts';

const WAIT = { timeout: 30_000 };
const screenshotDir = join(import.meta.dirname, '..', '..', 'var', 'screenshots');



async function termLines(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as PageWindow).__rbTermLines());
}

/** Waits until a terminal row equals `line` exactly (the command's output, not its echo). */
async function waitForLine(page: Page, line: string): Promise<void> {
  await page.waitForFunction((l) => (window as unknown as PageWindow).__rbTermLines().includes(l), line, WAIT);
}

async function waitForAttr(page: Page, attr: string, value: string): Promise<void> {
  await page.waitForFunction(
    ([a, v]) => (window as unknown as PageWindow).__rbDeep('rb-console')?.getAttribute(a as string) === v,
    [attr, value],
    WAIT,
  );
}

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.locator(`[data-testid="${testId}"]`).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function waitForText(page: Page, testId: string, want: RegExp): Promise<void> {
  await page.waitForFunction(
    ([id, src]) => new RegExp(src as string).test(((window as unknown as PageWindow).__rbDeep(`[data-testid="${id}"]`)?.textContent ?? '').replace(/\s+/g, ' ')),
    [testId, want.source],
    WAIT,
  );
}

/**
 * The lab-1 transcript (all rotated files, in order): output joined across events
 * (a serial line delivers a line in as many chunks as it likes), markers as a list.
 */
function transcript(dataDir: string): { output: string; markers: string[] } {
  const dir = join(dataDir, 'transcripts', 'lab-1');
  const { output, markers } = readTranscripts(readdirSync(dir).filter((f) => f.endsWith('.cast')).sort().map((f) => join(dir, f)));
  return { output: output.toString('utf8'), markers };
}

/** Polls a condition on server-side state (a file) until it holds or the deadline passes. */
function eventually(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  return pollUntil(what, cond, timeoutMs, 50);
}

async function typeInTerminal(page: Page, keys: string): Promise<void> {
  await page.locator('rb-console .xterm').click();
  await page.keyboard.type(keys);
  await page.keyboard.press('Enter');
}

const login = (context: BrowserContext, url: string, user: string, password: string): Promise<Page> => loginPage(context, url, user, password, WAIT.timeout);

async function openConsole(page: Page, url: string, target = 'lab-1'): Promise<void> {
  await page.goto(`${url}#/console/${target}`);
  await waitForAttr(page, 'data-link', 'open');
  await waitForAttr(page, 'data-conn', 'open');
}

describe('console UI in chromium', { timeout: 240_000 }, () => {
  let app: Appliance;
  let browser: Browser;
  const tag = randomBytes(4).toString('hex');
  const opPassword = `op-${tag}-secret-pw`;
  const viewerPassword = `view-${tag}-secret-pw`;
  let adminCtx: BrowserContext;
  let opCtx: BrowserContext;
  let viewCtx: BrowserContext;
  let a: Page; // admin
  let b: Page; // operator
  let c: Page; // viewer (read-only)

  before(async () => {
    await buildUi();
    [app, browser] = await Promise.all([
      startAppliance(),
      launchChromium(),
    ]);
    await app.store.users.create({ username: 'oper', password: opPassword, role: 'operator' });
    await app.store.users.create({ username: 'watcher', password: viewerPassword, role: 'viewer' });
    const viewport = { width: 1100, height: 640 };
    [adminCtx, opCtx, viewCtx] = await Promise.all([browser.newContext({ viewport }), browser.newContext({ viewport }), browser.newContext({ viewport })]);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await app?.stop();
  });

  test('login, target list, type in the console and see the output', async () => {
    a = await login(adminCtx, app.url, 'admin', app.adminPassword);
    const row = a.locator('rb-target-list tr[data-target="lab-1"]');
    await row.waitFor(WAIT);
    await row.locator('a', { hasText: 'lab-1' }).first().click();
    await waitForAttr(a, 'data-link', 'open');
    await waitForAttr(a, 'data-conn', 'open');
    assert.match(await text(a, 'lock-holder'), /free/);
    await a.locator('[data-testid="lock-request"]').click();
    await waitForAttr(a, 'data-holds-lock', 'true');
    assert.match(await text(a, 'lock-holder'), /you \(admin\)/);
    await typeInTerminal(a, `echo rb-${tag}-one`);
    await waitForLine(a, `rb-${tag}-one`);
  });

  test('a second viewer sees the same screen and who holds the lock; take-over', async () => {
    b = await login(opCtx, app.url, 'oper', opPassword);
    await openConsole(b, app.url);
    await waitForLine(b, `rb-${tag}-one`); // from the snapshot
    await waitForText(b, 'lock-holder', /Write lock: admin/);
    assert.equal(await b.locator('[data-testid="lock-takeover"]').count(), 1);

    await b.locator('[data-testid="lock-takeover"]').click();
    await waitForAttr(b, 'data-holds-lock', 'true');
    await waitForAttr(a, 'data-holds-lock', 'false');
    await waitForText(a, 'lock-holder', /Write lock: oper/);
    await waitForText(a, 'notice', /oper took over/);

    await typeInTerminal(b, `echo rb-${tag}-two`);
    await waitForLine(b, `rb-${tag}-two`);
    await waitForLine(a, `rb-${tag}-two`);
  });

  test('a read-only viewer sees everything and cannot type', async () => {
    c = await login(viewCtx, app.url, 'watcher', viewerPassword);
    await openConsole(c, app.url);
    assert.match(await text(c, 'read-only'), /read-only/);
    assert.equal(await c.locator('[data-testid="lock-request"], [data-testid="lock-takeover"], [data-testid="break"]').count(), 0);
    await waitForText(c, 'lock-holder', /Write lock: oper/);
    await typeInTerminal(c, `echo rb-${tag}-nope`);
    // Once a later command from the lock holder shows up, the viewer's keys would have too.
    await typeInTerminal(b, `echo rb-${tag}-three`);
    await waitForLine(c, `rb-${tag}-three`);
    await waitForLine(a, `rb-${tag}-three`);
    for (const p of [a, b, c]) assert.ok(!(await termLines(p)).some((l) => l.includes('nope')), 'read-only keys reached the console');
  });

  test('the console comes back by itself after the upstream is cut', async () => {
    await app.cutUpstream();
    await waitForAttr(a, 'data-conn', 'reconnecting');
    await waitForAttr(c, 'data-conn', 'reconnecting');
    await app.restoreUpstream();
    await waitForAttr(a, 'data-conn', 'open');
    await waitForAttr(b, 'data-conn', 'open');
    await typeInTerminal(b, `echo rb-${tag}-four`);
    await waitForLine(a, `rb-${tag}-four`);
    await waitForLine(c, `rb-${tag}-four`);
    // The transcript marks the gap and names who typed.
    await eventually('gap markers and the typist in the transcript', () => {
      const { output, markers } = transcript(app.dataDir);
      const has = (prefix: string): boolean => markers.some((m) => m.startsWith(prefix));
      return has('rb:gap-start') && has('rb:gap-end') && has('rb:input user=oper') && output.includes(`rb-${tag}-four`);
    });
  });

  test('viewers whose link drops resume without losing or repeating output; the holder gets the lock back', async () => {
    const before = await termLines(a);
    for (const p of [a, b]) {
      await p.evaluate(() => {
        const el = (window as unknown as PageWindow).__rbDeep('rb-console') as unknown as { consoleClient: { dropLink(): void } };
        el.consoleClient.dropLink();
      });
    }
    for (const p of [a, b]) {
      await waitForAttr(p, 'data-reconnects', '1');
      await waitForAttr(p, 'data-link', 'open');
    }
    await waitForAttr(b, 'data-holds-lock', 'true');
    await waitForText(a, 'lock-holder', /Write lock: oper/);
    await typeInTerminal(b, `echo rb-${tag}-five`);
    await waitForLine(a, `rb-${tag}-five`);
    const lines = await termLines(a);
    for (const n of ['one', 'two', 'three', 'four', 'five']) {
      assert.equal(lines.filter((l) => l === `rb-${tag}-${n}`).length, 1, `output rb-${tag}-${n} shown once: ${JSON.stringify(lines)}`);
    }
    assert.ok(lines.length >= before.filter((l) => l).length);
    mkdirSync(screenshotDir, { recursive: true });
    await a.screenshot({ path: join(screenshotDir, 'console.png') });
  });

  test('a wrong password is refused on the login form; an unknown target is reported', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(app.url);
    await page.locator('rb-login input[name="username"]').fill('admin');
    await page.locator('rb-login input[name="password"]').fill('not-the-password');
    await page.locator('rb-login button[type="submit"]').click();
    await page.locator('rb-login [role="alert"]', { hasText: /wrong user name or password/ }).waitFor(WAIT);
    await page.context().close();

    await c.goto(`${app.url}#/console/no-such-target`);
    await waitForText(c, 'error', /no target no-such-target/);
    await waitForAttr(c, 'data-link', 'closed');
  });
});
