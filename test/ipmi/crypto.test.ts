import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { aesCbcDecrypt, aesCbcEncrypt, confidentialityPad } from '../../bmc-adapters/ipmi/crypto/aes-cbc.ts';
import { CIPHER_SUITES } from '../../bmc-adapters/ipmi/crypto/cipher-suites.ts';
import { integrityCodec } from '../../bmc-adapters/ipmi/crypto/integrity.ts';
import { deriveK, rakp2AuthCode, rakp3AuthCode, rakp4Icv, safeEqual, sessionIntegrityKey, type RakpInputs } from '../../bmc-adapters/ipmi/crypto/rakp-crypto.ts';
import { DecodeError } from '../../bmc-adapters/errors.ts';

// Expected values come from test/ipmi/fixtures/gen-kat.py (Python hmac + cryptography + pyghmi's _aespad).
interface Kat {
  suite: number;
  password: string;
  kg: string | null;
  username: string;
  consoleSessionId: number;
  bmcSessionId: number;
  rm: string;
  rc: string;
  guid: string;
  role: number;
  rakp2: string;
  rakp3: string;
  sik: string;
  icv: string;
  k1: string;
  k2: string;
  iv: string;
  plain: string;
  cipher: string;
  signed: string;
  integrity: string;
}
const kats = JSON.parse(readFileSync(new URL('./fixtures/kat.json', import.meta.url), 'utf8')) as Kat[];
const hex = (s: string) => Buffer.from(s, 'hex');

for (const k of kats) {
  test(`KAT suite ${k.suite}${k.kg ? ' with Kg' : ''}: RAKP codes, SIK, K1/K2, AES, integrity`, () => {
    const suite = CIPHER_SUITES.get(k.suite);
    assert.ok(suite);
    const i: RakpInputs = {
      auth: suite.auth,
      password: hex(k.password),
      consoleSessionId: k.consoleSessionId,
      bmcSessionId: k.bmcSessionId,
      consoleRandom: hex(k.rm),
      bmcRandom: hex(k.rc),
      bmcGuid: hex(k.guid),
      role: k.role,
      username: hex(k.username),
    };
    if (k.kg) i.kg = hex(k.kg);
    assert.equal(rakp2AuthCode(i).toString('hex'), k.rakp2);
    assert.equal(rakp3AuthCode(i).toString('hex'), k.rakp3);
    const sik = sessionIntegrityKey(i);
    assert.equal(sik.toString('hex'), k.sik);
    assert.equal(rakp4Icv(i, sik).toString('hex'), k.icv);
    const k1 = deriveK(suite.auth, sik, 1);
    const k2 = deriveK(suite.auth, sik, 2);
    assert.equal(k1.toString('hex'), k.k1);
    assert.equal(k2.toString('hex'), k.k2);
    assert.equal(aesCbcEncrypt(k2, hex(k.plain), hex(k.iv)).toString('hex'), k.cipher);
    assert.equal(aesCbcDecrypt(k2, hex(k.cipher)).toString('hex'), k.plain);
    const integ = integrityCodec(suite.integrity, k1);
    assert.ok(integ);
    assert.equal(integ.sign(hex(k.signed)).toString('hex'), k.integrity);
  });
}

test('confidentiality pad counts 1,2,3.. then the pad length, to a multiple of 16', () => {
  for (let n = 0; n < 40; n++) {
    const p = confidentialityPad(Buffer.alloc(n, 0xaa));
    assert.equal(p.length % 16, 0);
    const padLen = p[p.length - 1] as number;
    assert.equal(p.length, n + padLen + 1);
    for (let i = 0; i < padLen; i++) assert.equal(p[n + i], i + 1);
  }
});

test('AES decrypt rejects a bad pad and bad lengths with DecodeError', () => {
  const key = Buffer.alloc(16, 7);
  const ct = aesCbcEncrypt(key, Buffer.from('hello'), Buffer.alloc(16));
  assert.throws(() => aesCbcDecrypt(key, ct.subarray(0, 20)), DecodeError);
  const bad = Buffer.from(ct);
  bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1; // corrupts the last block -> garbage pad
  assert.throws(() => aesCbcDecrypt(key, bad), DecodeError);
});

test('safeEqual is false on unequal lengths instead of throwing', () => {
  assert.equal(safeEqual(Buffer.from([1, 2]), Buffer.from([1, 2, 3])), false);
  assert.equal(safeEqual(Buffer.from([1, 2]), Buffer.from([1, 2])), true);
});
