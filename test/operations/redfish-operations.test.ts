import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { normalizeFingerprint } from '../../bmc-adapters/redfish/tls-pin.ts';
import { ISO_BYTES, RF_PASSWORD, startOpsEnv, type OpsEnv } from './ops-env.ts';

/** Power, boot and virtual media through the API against the lab Redfish BMC; every action on the record. */
describe('operations over Redfish (lab BMC)', () => {
  let env: OpsEnv;
  before(async () => {
    env = await startOpsEnv();
  });
  after(async () => {
    await env?.close();
  });

  const lastAudit = (action: string) => env.store.audit.query({ target: 'rf-1' }).find((r) => r.action === action);

  test('test connection pins the certificate on first use and reports it', async () => {
    const r = await env.api('POST', '/api/targets/rf-1/test-connection', env.auth.op);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.protocol, 'redfish');
    assert.equal(r.body.tlsFingerprint, normalizeFingerprint(env.redfish.fingerprint256));
    assert.equal((r.body.capabilities as { media: boolean }).media, true);
    const t = env.store.targets.get('rf-1');
    assert.equal((t?.settings.redfishTls as { sha256: string; how: string }).sha256, normalizeFingerprint(env.redfish.fingerprint256));
    assert.equal((t?.settings.redfishTls as { how: string }).how, 'first-use');
    assert.equal(t?.capabilities?.power, true);
  });

  test('power on, status, cycle, reset, soft off, off: each waits for the state and is audited', async () => {
    let r = await env.api('GET', '/api/targets/rf-1/power', env.auth.op);
    assert.deepEqual(r.body, { power: 'off', protocol: 'redfish' });
    r = await env.api('POST', '/api/targets/rf-1/power', env.auth.op, { action: 'on' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.power, 'on');
    assert.equal(env.rfMachine.power, 'on');
    assert.equal((await env.api('GET', '/api/targets/rf-1/power', env.auth.op)).body.power, 'on');
    for (const [action, want] of [['cycle', 'on'], ['reset', 'on'], ['soft', 'off'], ['on', 'on'], ['off', 'off']] as const) {
      r = await env.api('POST', '/api/targets/rf-1/power', env.auth.op, { action });
      assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.power, want, action);
      assert.equal(env.rfMachine.power, want, action);
      const row = lastAudit(`power.${action}`);
      assert.ok(row, `audit row for power.${action}`);
      assert.equal(row.outcome, 'ok');
      assert.equal(row.user, 'op');
    }
  });

  test('reset of a machine that is off is refused, and the refusal is audited', async () => {
    const r = await env.api('POST', '/api/targets/rf-1/power', env.auth.op, { action: 'reset' });
    assert.equal(r.status, 409);
    assert.equal((r.body.error as { code: string; field: string }).code, 'E_BMC_POWERED_OFF');
    assert.equal((r.body.error as { field: string }).field, 'action');
    const row = env.store.audit.query({ target: 'rf-1' })[0];
    assert.equal(row?.action, 'power.reset');
    assert.equal(row?.outcome, 'error');
  });

  test('boot once from CD: the machine takes the override for its next boot only', async () => {
    const r = await env.api('POST', '/api/targets/rf-1/boot', env.auth.op, { device: 'cd' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.bmcValue, 'Cd');
    assert.equal(r.body.persistent, false);
    assert.deepEqual(env.rfMachine.getBootOverride(), { device: 'cdrom', persistent: false, efi: true });
    await env.api('POST', '/api/targets/rf-1/power', env.auth.op, { action: 'on' });
    assert.equal(env.rfMachine.lastBootDevice, 'cdrom');
    assert.equal(env.rfMachine.getBootOverride().device, 'none');
    await env.api('POST', '/api/targets/rf-1/power', env.auth.op, { action: 'off' });
    const row = lastAudit('boot.set');
    assert.equal(row?.outcome, 'ok');
    assert.equal(row?.detail.device, 'cd');
  });

  test('boot validation names the field', async () => {
    const r = await env.api('POST', '/api/targets/rf-1/boot', env.auth.op, { device: 'floppy' });
    assert.equal(r.status, 400);
    assert.equal((r.body.error as { field: string }).field, 'device');
    const u = await env.api('POST', '/api/targets/rf-1/power', env.auth.op, { action: 'on', force: true });
    assert.equal(u.status, 400);
    assert.equal((u.body.error as { field: string }).field, 'force');
  });

  test('media insert: a per-target URL from the media server, read by the BMC with ranges; eject', async () => {
    let r = await env.api('POST', '/api/targets/rf-1/media', env.auth.op, { action: 'insert', file: 'rescuebox-rescue.iso' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const slot = r.body.slot as { inserted: boolean; image: string };
    assert.equal(slot.inserted, true);
    assert.match(slot.image, new RegExp(`^${env.media.baseUrl}/media/t/[^/?]+/rescuebox-rescue\\.iso$`));
    assert.ok(env.rfMachine.media, 'the lab machine has the CD loaded');
    const fetches = env.fetchLog.list({ target: 'rf-1' });
    assert.ok(fetches.some((f) => f.method === 'GET' && f.status === 206), 'ranged reads');

    r = await env.api('GET', '/api/targets/rf-1/media', env.auth.op);
    assert.equal(r.status, 200);
    assert.equal((r.body.slot as { inserted: boolean }).inserted, true);
    const sum = (r.body.fetches as { file: string; bytesCovered: number; fileSize: number; text: string }[])[0];
    assert.equal(sum?.file, 'rescuebox-rescue.iso');
    assert.equal(sum?.bytesCovered, ISO_BYTES);
    assert.match(sum?.text ?? '', /^the BMC has read 3\.0 of 3\.0 MB/);

    const ins = lastAudit('media.insert');
    assert.equal(ins?.outcome, 'ok');
    assert.equal(ins?.detail.file, 'rescuebox-rescue.iso');
    assert.ok(!JSON.stringify(ins?.detail).includes('/media/t/'), 'the tokenised URL stays out of the audit');

    r = await env.api('POST', '/api/targets/rf-1/media', env.auth.op, { action: 'eject' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((r.body.slot as { inserted: boolean }).inserted, false);
    assert.equal(env.rfMachine.media, null);
    assert.equal(lastAudit('media.eject')?.outcome, 'ok');
  });

  test('media insert of a file the media server does not have: 404 naming the field, audited', async () => {
    const r = await env.api('POST', '/api/targets/rf-1/media', env.auth.op, { action: 'insert', file: 'nope.iso' });
    assert.equal(r.status, 404, JSON.stringify(r.body));
    assert.equal((r.body.error as { field: string }).field, 'file');
    assert.equal(lastAudit('media.insert')?.outcome, 'error');
    const bad = await env.api('POST', '/api/targets/rf-1/media', env.auth.op, { action: 'insert', file: '../etc/passwd' });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { field: string }).field, 'file');
  });

  test('a wrong stored password: 502 E_REDFISH_AUTH that says so, audited; a target without a BMC: 409 naming the field', async () => {
    env.store.targets.create({ id: 'rf-bad', tags: [], settings: {}, bmc: { protocol: 'redfish', address: '127.0.0.1', port: env.redfish.port, user: 'rfadmin', password: 'wrong-password-here' }, console: { transport: 'tcp', host: '127.0.0.1', port: 9 } });
    const r = await env.api('POST', '/api/targets/rf-bad/power', env.auth.op, { action: 'on' });
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.equal((r.body.error as { code: string }).code, 'E_REDFISH_AUTH');
    assert.match((r.body.error as { message: string }).message, /refused the stored credentials/);
    assert.equal(env.store.audit.query({ target: 'rf-bad' })[0]?.outcome, 'error');
    env.store.targets.create({ id: 'no-bmc', tags: [], settings: {}, bmc: { protocol: 'none' }, console: { transport: 'tcp', host: '127.0.0.1', port: 9 } });
    const n = await env.api('POST', '/api/targets/no-bmc/boot', env.auth.op, { device: 'pxe' });
    assert.equal(n.status, 409);
    assert.deepEqual([(n.body.error as { code: string }).code, (n.body.error as { field: string }).field], ['E_NO_BMC', 'bmc.protocol']);
    assert.equal(env.store.audit.query({ target: 'no-bmc' })[0]?.action, 'boot.set');
  });

  test('the BMC password never reaches the log or an answer', async () => {
    assert.ok(!env.logText().includes(RF_PASSWORD) && !env.logText().includes('wrong-password-here'));
    const t = await env.api('GET', '/api/targets/rf-1', env.auth.admin);
    assert.ok(!JSON.stringify(t.body).includes(RF_PASSWORD));
  });
});
