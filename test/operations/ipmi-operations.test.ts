import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { IPMI_PASSWORD, startOpsEnv, type OpsEnv } from './ops-env.ts';

/** Power and boot through the API against the lab IPMI BMC (our RMCP+ client, suite 17); media refused. */
describe('operations over IPMI (lab BMC)', () => {
  let env: OpsEnv;
  before(async () => {
    env = await startOpsEnv();
  });
  after(async () => {
    await env?.close();
  });

  const lastAudit = (action: string) => env.store.audit.query({ target: 'ipmi-1' }).find((r) => r.action === action);

  test('test connection reports the negotiated cipher suite and capabilities', async () => {
    const r = await env.api('POST', '/api/targets/ipmi-1/test-connection', env.auth.op);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.protocol, 'ipmi');
    assert.equal(r.body.cipherSuite, 17);
    assert.deepEqual(r.body.capabilities, { console: ['ipmi-sol'], power: true, boot: true, media: false });
    assert.equal(env.store.targets.get('ipmi-1')?.capabilities?.media, false);
  });

  test('power on / status / cycle / off, audited', async () => {
    assert.deepEqual((await env.api('GET', '/api/targets/ipmi-1/power', env.auth.op)).body, { power: 'off', protocol: 'ipmi' });
    for (const [action, want] of [['on', 'on'], ['cycle', 'on'], ['reset', 'on'], ['off', 'off'], ['cycle', 'on'], ['soft', 'off']] as const) {
      const r = await env.api('POST', '/api/targets/ipmi-1/power', env.auth.op, { action });
      assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.power, want, action);
      assert.equal(env.ipmiMachine.power, want, action);
      assert.equal(lastAudit(`power.${action}`)?.outcome, 'ok');
    }
  });

  test('boot pxe persistent with EFI, read back from the BMC', async () => {
    const r = await env.api('POST', '/api/targets/ipmi-1/boot', env.auth.op, { device: 'pxe', persistent: true, efi: true });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual({ device: r.body.device, persistent: r.body.persistent, efi: r.body.efi, bmcValue: r.body.bmcValue }, { device: 'pxe', persistent: true, efi: true, bmcValue: 'pxe' });
    assert.deepEqual(env.ipmiMachine.getBootOverride(), { device: 'pxe', persistent: true, efi: true });
    const once = await env.api('POST', '/api/targets/ipmi-1/boot', env.auth.op, { device: 'cd' });
    assert.equal(once.status, 200, JSON.stringify(once.body));
    assert.deepEqual(env.ipmiMachine.getBootOverride(), { device: 'cdrom', persistent: false, efi: false });
    assert.equal(lastAudit('boot.set')?.detail.device, 'cd');
  });

  test('media over IPMI: 501 naming the field, and the attempt is audited', async () => {
    const r = await env.api('POST', '/api/targets/ipmi-1/media', env.auth.op, { action: 'insert', file: 'rescuebox-rescue.iso' });
    assert.equal(r.status, 501, JSON.stringify(r.body));
    assert.deepEqual(r.body.error && { code: (r.body.error as { code: string }).code, field: (r.body.error as { field: string }).field }, { code: 'E_MEDIA_UNSUPPORTED', field: 'action' });
    const row = lastAudit('media.insert');
    assert.equal(row?.outcome, 'error');
    assert.equal(row?.detail.code, 'E_MEDIA_UNSUPPORTED');
    assert.equal(env.fetchLog.list({ target: 'ipmi-1' }).length, 0, 'no URL was handed out');
    const st = await env.api('GET', '/api/targets/ipmi-1/media', env.auth.op);
    assert.equal(st.status, 200);
    assert.equal((st.body.slot as { supported: boolean }).supported, false);
  });

  test('accepting a TLS fingerprint on an IPMI target is refused (409, field bmc.protocol)', async () => {
    const r = await env.api('POST', '/api/targets/ipmi-1/tls/accept', env.auth.admin, { fingerprint: 'AB'.repeat(32) });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.deepEqual(r.body.error && [(r.body.error as { code: string }).code, (r.body.error as { field: string }).field], ['E_NO_TLS', 'bmc.protocol']);
    assert.equal(lastAudit('target.tls.accept')?.outcome, 'error');
  });

  test('a wrong stored password: a 502 that says so, audited as an error', async () => {
    env.store.targets.update('ipmi-1', { bmc: { protocol: 'ipmi', address: '127.0.0.1', port: env.ipmi.ports.ipmi, user: 'ipmiadmin', password: 'not-the-password' } });
    const r = await env.api('POST', '/api/targets/ipmi-1/power', env.auth.op, { action: 'on' });
    assert.equal(r.status, 502, JSON.stringify(r.body));
    assert.equal((r.body.error as { code: string }).code, 'E_IPMI_AUTH');
    assert.match((r.body.error as { message: string }).message, /refused the stored credentials/);
    assert.equal(lastAudit('power.on')?.outcome, 'error');
    assert.ok(!env.logText().includes(IPMI_PASSWORD) && !env.logText().includes('not-the-password'));
  });
});
