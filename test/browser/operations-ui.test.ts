/**
 * The operator's controls in a real browser (Debian's chromium through
 * playwright-core) against the whole appliance, whose one target `rf-1` has
 * a lab Redfish BMC over a SimulatedMachine: power on and see the state
 * change, confirm-before-off, boot once from CD, insert an image and watch the
 * BMC's reads, a viewer without power buttons, and the audit view listing it
 * all with the operator's name. Every wait is for DOM state, with a deadline.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildUi } from '../../ui/build.ts';
import { startAppliance, type Appliance } from '../helpers/appliance.ts';
import { startRedfishBmc, type RedfishBmc } from '../../lab/bmc/redfish/redfish-bmc.ts';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';
import { launchChromium, loginPage, type PageWindow } from '../helpers/browser.ts';

const WAIT = { timeout: 20_000 };
const screenshotDir = join(import.meta.dirname, '..', '..', 'var', 'screenshots');
const RF_USER = 'rfadmin';
const ISO = 'rescue-test.iso';
const ISO_BYTES = 2 * 1024 * 1024;



async function waitForText(page: Page, testId: string, want: RegExp): Promise<void> {
  await page.waitForFunction(
    ([id, src]) => new RegExp(src as string).test(((window as unknown as PageWindow).__rbDeep(`[data-testid="${id}"]`)?.textContent ?? '').replace(/\s+/g, ' ')),
    [testId, want.source],
    WAIT,
  );
}

const login = (context: BrowserContext, url: string, user: string, password: string): Promise<Page> => loginPage(context, url, user, password, WAIT.timeout);

/** A console peer for rf-1 that prints one banner line, so the console beside the controls has something on it. */
async function bannerServer(): Promise<Server> {
  const server = createServer((s) => {
    s.on('error', () => s.destroy());
    s.write('rf-1 serial console (test banner)\r\n');
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return server;
}

describe('operations UI in chromium', { timeout: 120_000 }, () => {
  const tag = randomBytes(4).toString('hex');
  const opPassword = `op-${tag}-secret-pw`;
  const viewerPassword = `view-${tag}-secret-pw`;
  const rfPassword = `rf-${tag}-secret`;
  let dir = '';
  let mediaDir = '';
  let machine: SimulatedMachine;
  let bmc: RedfishBmc | undefined;
  let banner: Server | undefined;
  let app: Appliance | undefined;
  let browser: Browser | undefined;
  let op: Page;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rb-ops-ui-'));
    mediaDir = join(dir, 'media');
    mkdirSync(mediaDir);
    writeFileSync(join(mediaDir, ISO), randomBytes(ISO_BYTES));
    machine = new SimulatedMachine('rf-1', 'off');
    [bmc, banner] = await Promise.all([startRedfishBmc({ machine, users: { [RF_USER]: rfPassword }, stateDir: join(dir, 'bmc') }), bannerServer(), buildUi()]);
    const consolePort = (banner.address() as AddressInfo).port;
    [app, browser] = await Promise.all([
      startAppliance({
        lab: false,
        mediaDir,
        targets: [
          {
            id: 'rf-1',
            name: 'rf-1',
            tags: ['rack-a'],
            settings: {},
            bmc: { protocol: 'redfish', address: '127.0.0.1', port: bmc.port, user: RF_USER, password: rfPassword },
            console: { transport: 'tcp', host: '127.0.0.1', port: consolePort, telnet: 'off' },
          },
          { id: 'plain-1', name: 'plain-1', tags: [], settings: {}, bmc: { protocol: 'none' }, console: { transport: 'tcp', host: '127.0.0.1', port: consolePort, telnet: 'off' } },
        ],
      }),
      launchChromium(),
    ]);
    await app.store.users.create({ username: 'oper', password: opPassword, role: 'operator' });
    await app.store.users.create({ username: 'watcher', password: viewerPassword, role: 'viewer' });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    await bmc?.close().catch(() => undefined);
    await new Promise<void>((res) => (banner ? banner.close(() => res()) : res()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('an operator powers the machine on, is asked before off, and sets boot once from CD', async () => {
    assert.ok(app && browser);
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 720 } });
    op = await login(ctx, app.url, 'oper', opPassword);
    await op.goto(`${app.url}#/console/rf-1`);
    await waitForText(op, 'power-state', /^\s*off\s*$/);

    await op.locator('[data-testid="power-on"]').click();
    await waitForText(op, 'power-state', /^\s*on\s*$/);
    await waitForText(op, 'power-outcome', /On: the machine is on/);
    assert.equal(machine.power, 'on');

    // Off asks first; Cancel leaves the machine running.
    await op.locator('[data-testid="power-off"]').click();
    await waitForText(op, 'power-confirm', /Off rf-1: cut power now/);
    assert.equal(await op.locator('[data-testid="power-on"]').isDisabled(), true, 'other buttons wait for the answer');
    await op.locator('[data-testid="power-confirm-no"]').click();
    await op.locator('[data-testid="power-confirm"]').waitFor({ state: 'detached', ...WAIT });
    assert.equal(machine.power, 'on');

    await op.locator('[data-testid="boot-device"]').selectOption('cd');
    await op.locator('[data-testid="boot-set"]').click();
    await waitForText(op, 'power-outcome', /next boot from cd/);
    assert.equal(machine.getBootOverride().device, 'cdrom'); // the lab machine's word for it
    assert.equal(machine.getBootOverride().persistent, false);
  });

  test('the operator inserts an image and sees what the BMC read', async () => {
    assert.ok(app);
    await waitForText(op, 'media-file', new RegExp(ISO.replace('.', '\\.')));
    await op.locator('[data-testid="media-insert"]').click();
    await waitForText(op, 'media-outcome', /inserted rescue-test\.iso/);
    await waitForText(op, 'media-slot', /inserted/);
    await waitForText(op, 'media-progress', /the BMC has read 2\.0 of 2\.0 MB of rescue-test\.iso/);
    assert.ok(machine.media, 'the lab BMC loaded the image into the machine');
    mkdirSync(screenshotDir, { recursive: true });
    await op.screenshot({ path: join(screenshotDir, 'operations.png') });
  });

  test("eject empties the slot; the server's refusal is shown verbatim", async () => {
    await op.locator('[data-testid="media-eject"]').click();
    await waitForText(op, 'media-outcome', /^ejected$/);
    await waitForText(op, 'media-slot', /^\s*empty\s*$/);
    assert.equal(machine.media, null);
    // The image disappears from the media folder after the page listed it: the server refuses, the page shows its words.
    rmSync(join(mediaDir, ISO));
    await op.locator('[data-testid="media-insert"]').click();
    await waitForText(op, 'media-error', /^rescue-test\.iso: .+ \(E_[A-Z_]+\)$/);
    await waitForText(op, 'media-slot', /^\s*empty\s*$/);
  });

  test('a target without a BMC says so instead of offering buttons', async () => {
    assert.ok(app);
    await op.goto(`${app.url}#/console/plain-1`);
    await waitForText(op, 'power-no-bmc', /no BMC configured/);
    assert.equal(await op.locator('[data-testid="power-on"]').count(), 0);
    assert.equal(await op.locator('[data-testid="media-insert"]').count(), 0);
    await op.goto(`${app.url}#/console/rf-1`);
    await waitForText(op, 'power-state', /^\s*on\s*$/);
  });

  test('a viewer sees the power state but no power or media buttons', async () => {
    assert.ok(app && browser);
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 600 } });
    const v = await login(ctx, app.url, 'watcher', viewerPassword);
    await v.goto(`${app.url}#/console/rf-1`);
    await waitForText(v, 'power-readonly', /operator role needed/);
    await waitForText(v, 'power-state', /^\s*(on|off)\s*$/);
    assert.equal(await v.locator('[data-testid="power-on"]').count(), 0);
    assert.equal(await v.locator('[data-testid="boot-set"]').count(), 0);
    assert.equal(await v.locator('[data-testid="media-insert"]').count(), 0);
    // Progress is visible to viewers (GET /api/media/fetches needs only the viewer role).
    await waitForText(v, 'media-progress', /the BMC has read 2\.0 of 2\.0 MB/);
    await ctx.close();
  });

  test("the audit view lists the operator's actions for the admin, and only their own for the operator", async () => {
    assert.ok(app && browser);
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 720 } });
    const admin = await login(ctx, app.url, 'admin', app.adminPassword);
    await admin.locator('[data-testid="nav-audit"]').click();
    const row = (action: string) => admin.locator(`[data-testid="audit-row"][data-action="${action}"][data-user="oper"][data-target="rf-1"]`);
    for (const action of ['power.on', 'boot.set', 'media.insert']) await row(action).first().waitFor(WAIT);
    assert.equal(await row('power.on').first().getAttribute('data-outcome'), 'ok');
    assert.match((await row('boot.set').first().textContent()) ?? '', /device=cd/);
    // Newest first: boot.set came after power.on.
    const actions = await admin.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    assert.ok(actions.indexOf('boot.set') < actions.indexOf('power.on'), `newest first: ${actions.join(', ')}`);
    // Everyone's entries for the admin (its own login is there too)...
    assert.ok(await admin.locator('[data-testid="audit-row"][data-user="admin"]').count());
    // ...and the user filter narrows to the operator.
    await admin.locator('[data-testid="audit-user"]').fill('oper');
    await admin.locator('[data-testid="audit-apply"]').click();
    await admin.waitForFunction(() => {
      const rows = (window as unknown as PageWindow).__rbDeepAll('[data-testid="audit-row"]');
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-user') === 'oper');
    }, undefined, WAIT);
    await admin.screenshot({ path: join(screenshotDir, 'operations-audit.png') });
    // Time filters: nothing has happened since tomorrow; Clear brings everything back.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const p = (n: number) => String(n).padStart(2, '0');
    await admin.locator('[data-testid="audit-since"]').fill(`${tomorrow.getFullYear()}-${p(tomorrow.getMonth() + 1)}-${p(tomorrow.getDate())}T00:00:00`);
    await admin.locator('[data-testid="audit-apply"]').click();
    await waitForText(admin, 'audit-empty', /No entries match/);
    await admin.locator('[data-testid="audit-clear"]').click();
    await admin.locator('[data-testid="audit-row"][data-user="admin"]').first().waitFor(WAIT);
    await ctx.close();

    await op.goto(`${app.url}#/audit`);
    await op.locator('[data-testid="audit-row"]').first().waitFor(WAIT);
    const users = await op.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-user')));
    assert.ok(users.length > 0 && users.every((u) => u === 'oper'), `operator sees only own rows: ${users.join(', ')}`);
    assert.equal(await op.locator('[data-testid="audit-user"]').isDisabled(), true);
  });
});
