import { createHmac } from 'node:crypto';
import type { IntegrityCodec } from '../codec/rmcpplus.ts';
import { INTEGRITY_HMAC_SHA1_96, INTEGRITY_HMAC_SHA256_128 } from './cipher-suites.ts';

/** Per-packet integrity (IPMI v2.0 §13.28.4): HMAC-SHA1-96 or HMAC-SHA256-128 keyed with K1. */
export function integrityCodec(integrity: number, k1: Buffer): IntegrityCodec | undefined {
  const key = Buffer.from(k1);
  if (integrity === INTEGRITY_HMAC_SHA1_96) return { authCodeLength: 12, sign: (d) => createHmac('sha1', key).update(d).digest().subarray(0, 12) };
  if (integrity === INTEGRITY_HMAC_SHA256_128) return { authCodeLength: 16, sign: (d) => createHmac('sha256', key).update(d).digest().subarray(0, 16) };
  return undefined;
}
