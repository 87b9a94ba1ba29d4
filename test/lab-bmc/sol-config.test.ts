import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as c from '../../bmc-adapters/ipmi/codec/index.ts';
import { executeCommand, type BmcServices, type CommandContext } from '../../lab/bmc/ipmi/commands.ts';
import type { BmcSession } from '../../lab/bmc/ipmi/session.ts';
import { SolConfig } from '../../lab/bmc/ipmi/sol-config.ts';

// The lab BMC's Get/Set SOL Configuration Parameters, through its command table and the shared codec.

function ctx(privilege: 1 | 2 | 3 | 4 = 4): CommandContext & { solConfig: SolConfig } {
  const solConfig = new SolConfig(() => 6230, { count: 3, intervalMs: 200 });
  // Only what the SOL configuration commands touch.
  const services = { solConfig } as unknown as BmcServices;
  return { session: { privilege } as BmcSession, services, solConfig };
}

const get = (x: CommandContext, parameter: number, revisionOnly = false) =>
  executeCommand(x, c.NETFN_TRANSPORT, c.CMD_GET_SOL_CONFIG, c.encodeGetSolConfigRequest({ channel: 0x0e, revisionOnly, parameter, setSelector: 0, blockSelector: 0 }));
const set = (x: CommandContext, parameter: number, data: Buffer) => executeCommand(x, c.NETFN_TRANSPORT, c.CMD_SET_SOL_CONFIG, c.encodeSetSolConfigRequest({ channel: 1, parameter, data }));

test('Get SOL Configuration Parameters: every standard parameter decodes with the shared codec', async () => {
  const x = ctx();
  const want: Record<number, c.SolConfigParam> = {
    0: { param: 0, state: 0 },
    1: { param: 1, enabled: true },
    2: { param: 2, forceEncryption: false, forceAuthentication: false, privilege: c.PRIV_USER },
    3: { param: 3, interval: 12, threshold: 96 },
    4: { param: 4, count: 3, interval: 20 },
    5: { param: 5, bitRate: c.SOL_BIT_RATE_115200 },
    6: { param: 6, bitRate: c.SOL_BIT_RATE_115200 },
    7: { param: 7, channel: 1 },
    8: { param: 8, port: 6230 },
  };
  for (const [param, value] of Object.entries(want)) {
    const r = await get(x, Number(param));
    assert.equal(r.cc, c.CC_OK, `param ${param}`);
    const rs = c.decodeGetSolConfigResponse(r.data ?? Buffer.alloc(0));
    assert.equal(rs.revision, c.SOL_CONFIG_REVISION);
    assert.deepEqual(c.decodeSolConfigParam(Number(param), rs.data), value);
  }
  const rev = await get(x, 1, true);
  assert.deepEqual(rev.data, Buffer.from([c.SOL_CONFIG_REVISION]));
  assert.equal((await get(x, 9)).cc, c.CC_PARAM_NOT_SUPPORTED);
});

test('Set SOL Configuration Parameters: writable ones change the state, read-only and short ones are refused', async () => {
  const x = ctx();
  assert.equal((await set(x, c.SOL_PARAM_ENABLE, c.encodeSolConfigParam({ param: 1, enabled: false }))).cc, c.CC_OK);
  assert.equal(x.solConfig.enabled, false);
  assert.equal((await set(x, c.SOL_PARAM_AUTHENTICATION, c.encodeSolConfigParam({ param: 2, forceEncryption: true, forceAuthentication: true, privilege: c.PRIV_OPERATOR }))).cc, c.CC_OK);
  assert.deepEqual([x.solConfig.forceEncryption, x.solConfig.privilege], [true, c.PRIV_OPERATOR]);
  assert.equal((await set(x, c.SOL_PARAM_RETRY, c.encodeSolConfigParam({ param: 4, count: 5, interval: 7 }))).cc, c.CC_OK);
  assert.deepEqual([x.solConfig.retryCount, x.solConfig.retryInterval], [5, 7]);
  assert.equal((await set(x, c.SOL_PARAM_VOLATILE_BIT_RATE, Buffer.from([c.SOL_BIT_RATE_57600]))).cc, c.CC_OK);
  assert.equal(x.solConfig.bitRate, c.SOL_BIT_RATE_57600);
  assert.equal((await set(x, c.SOL_PARAM_SET_IN_PROGRESS, Buffer.from([1]))).cc, c.CC_OK);
  assert.equal((await set(x, c.SOL_PARAM_PAYLOAD_PORT, Buffer.from([1, 2]))).cc, c.CC_PARAM_READ_ONLY);
  assert.equal((await set(x, c.SOL_PARAM_PAYLOAD_CHANNEL, Buffer.from([1]))).cc, c.CC_PARAM_READ_ONLY);
  assert.equal((await set(x, 0xc0, Buffer.from([1]))).cc, c.CC_PARAM_NOT_SUPPORTED);
  assert.equal((await set(x, c.SOL_PARAM_ACCUMULATE, Buffer.from([1]))).cc, c.CC_REQ_DATA_LEN_INVALID, 'parameter 3 is two bytes');
  assert.equal((await executeCommand(x, c.NETFN_TRANSPORT, c.CMD_SET_SOL_CONFIG, Buffer.from([1, 1]))).cc, c.CC_REQ_DATA_LEN_INVALID);
  assert.equal((await executeCommand(x, c.NETFN_TRANSPORT, c.CMD_GET_SOL_CONFIG, Buffer.from([1, 1, 0]))).cc, c.CC_REQ_DATA_LEN_INVALID);
  assert.equal((await set(ctx(c.PRIV_OPERATOR), c.SOL_PARAM_ENABLE, Buffer.from([0]))).cc, c.CC_INSUFFICIENT_PRIVILEGE);
  assert.equal((await executeCommand(x, c.NETFN_TRANSPORT, c.CMD_GET_SOL_CONFIG, Buffer.from([5, 1, 0, 0]))).cc, c.CC_INVALID_DATA_FIELD, 'not our channel');
});
