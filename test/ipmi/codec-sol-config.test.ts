import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodeError } from '../../bmc-adapters/errors.ts';
import * as c from '../../bmc-adapters/ipmi/codec/index.ts';

// Get/Set SOL Configuration Parameters (IPMI v2.0 §26.2-26.3) in the shared codec.

const b = (...x: number[]) => Buffer.from(x);

test('SOL configuration parameters: each standard parameter round-trips with its spec bytes', () => {
  const cases: [c.SolConfigParam, Buffer][] = [
    [{ param: c.SOL_PARAM_SET_IN_PROGRESS, state: 1 }, b(0x01)],
    [{ param: c.SOL_PARAM_ENABLE, enabled: true }, b(0x01)],
    [{ param: c.SOL_PARAM_AUTHENTICATION, forceEncryption: true, forceAuthentication: false, privilege: c.PRIV_USER }, b(0x82)],
    [{ param: c.SOL_PARAM_ACCUMULATE, interval: 12, threshold: 96 }, b(12, 96)],
    [{ param: c.SOL_PARAM_RETRY, count: 7, interval: 10 }, b(7, 10)],
    [{ param: c.SOL_PARAM_NONVOLATILE_BIT_RATE, bitRate: c.SOL_BIT_RATE_115200 }, b(0x0a)],
    [{ param: c.SOL_PARAM_VOLATILE_BIT_RATE, bitRate: c.SOL_BIT_RATE_9600 }, b(0x06)],
    [{ param: c.SOL_PARAM_PAYLOAD_CHANNEL, channel: 1 }, b(1)],
    [{ param: c.SOL_PARAM_PAYLOAD_PORT, port: 623 }, b(0x6f, 0x02)],
  ];
  for (const [value, bytes] of cases) {
    assert.deepEqual(c.encodeSolConfigParam(value), bytes, `param ${value.param}`);
    assert.deepEqual(c.decodeSolConfigParam(value.param, bytes), value, `param ${value.param}`);
    assert.equal(c.solConfigParamLength(value.param), bytes.length);
  }
});

test('SOL configuration parameters: reserved bits are ignored on decode', () => {
  assert.deepEqual(c.decodeSolConfigParam(c.SOL_PARAM_ENABLE, b(0xfe)), { param: 1, enabled: false });
  assert.deepEqual(c.decodeSolConfigParam(c.SOL_PARAM_RETRY, b(0xff, 3)), { param: 4, count: 7, interval: 3 });
  assert.deepEqual(c.decodeSolConfigParam(c.SOL_PARAM_AUTHENTICATION, b(0x44)), { param: 2, forceEncryption: false, forceAuthentication: true, privilege: 4 });
});

test('SOL configuration parameters: short data and unknown selectors throw DecodeError', () => {
  for (const [param, data] of [
    [c.SOL_PARAM_ENABLE, b()],
    [c.SOL_PARAM_ACCUMULATE, b(12)],
    [c.SOL_PARAM_RETRY, b(3)],
    [c.SOL_PARAM_PAYLOAD_PORT, b(0x6f)],
    [9, b(1)],
    [0xc0, b(1)],
  ] as const) {
    assert.throws(
      () => c.decodeSolConfigParam(param, data),
      (e: unknown) => e instanceof DecodeError && e.code === 'E_DECODE' && e.messageName === `SOL configuration parameter ${param}`,
      `param ${param} with ${data.length} bytes`,
    );
  }
});

test('Get/Set SOL Configuration Parameters requests and responses round-trip', () => {
  const get = { channel: 0x0e, revisionOnly: false, parameter: c.SOL_PARAM_PAYLOAD_PORT, setSelector: 0, blockSelector: 0 };
  assert.deepEqual(c.encodeGetSolConfigRequest(get), b(0x0e, 8, 0, 0));
  assert.deepEqual(c.decodeGetSolConfigRequest(c.encodeGetSolConfigRequest(get)), get);
  assert.deepEqual(c.decodeGetSolConfigRequest(b(0x81, 1, 0, 0)), { channel: 1, revisionOnly: true, parameter: 1, setSelector: 0, blockSelector: 0 });
  // OEM selectors (192..255) use the whole byte.
  assert.equal(c.decodeGetSolConfigRequest(b(1, 0xc1, 0, 0)).parameter, 0xc1);
  const rs = { revision: c.SOL_CONFIG_REVISION, data: b(0x6f, 0x02) };
  assert.deepEqual(c.encodeGetSolConfigResponse(rs), b(0x11, 0x6f, 0x02));
  assert.deepEqual(c.decodeGetSolConfigResponse(c.encodeGetSolConfigResponse(rs)), rs);
  assert.deepEqual(c.decodeGetSolConfigResponse(b(0x11)), { revision: 0x11, data: b() });
  const set = { channel: 1, parameter: c.SOL_PARAM_ENABLE, data: b(0) };
  assert.deepEqual(c.encodeSetSolConfigRequest(set), b(1, 1, 0));
  assert.deepEqual(c.decodeSetSolConfigRequest(c.encodeSetSolConfigRequest(set)), set);
  for (const [name, fn, bytes] of [
    ['Get SOL Configuration Parameters request', c.decodeGetSolConfigRequest, b(1, 1, 0)],
    ['Get SOL Configuration Parameters response', c.decodeGetSolConfigResponse, b()],
    ['Set SOL Configuration Parameters request', c.decodeSetSolConfigRequest, b(1, 1)],
  ] as const) {
    assert.throws(() => fn(bytes), (e: unknown) => e instanceof DecodeError && e.messageName === name, name);
  }
});

test('SOL configuration completion codes have names', () => {
  assert.equal(c.completionCodeName(c.CC_PARAM_READ_ONLY, c.NETFN_TRANSPORT, c.CMD_SET_SOL_CONFIG), 'attempt to write read-only parameter');
  assert.equal(c.completionCodeName(c.CC_PARAM_NOT_SUPPORTED, c.NETFN_TRANSPORT | 1, c.CMD_GET_SOL_CONFIG), 'parameter not supported');
});
