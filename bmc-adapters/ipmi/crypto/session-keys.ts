import type { RmcpPlusKeys } from '../codec/rmcpplus.ts';
import { aesCbcCodec } from './aes-cbc.ts';
import { CONF_AES_CBC_128, type CipherSuite } from './cipher-suites.ts';
import { integrityCodec } from './integrity.ts';
import { deriveK, sessionIntegrityKey, type RakpInputs } from './rakp-crypto.ts';

export interface SessionKeyMaterial {
  sik: Buffer;
  k1: Buffer;
  k2: Buffer;
  keys: RmcpPlusKeys;
}

/** Everything the per-packet codec needs once RAKP succeeded; same call on both ends. */
export function deriveSessionKeys(suite: Pick<CipherSuite, 'auth' | 'integrity' | 'confidentiality'>, i: RakpInputs, opts: { checkPad?: boolean; iv?: () => Buffer } = {}): SessionKeyMaterial {
  const sik = sessionIntegrityKey(i);
  const k1 = deriveK(suite.auth, sik, 1);
  const k2 = deriveK(suite.auth, sik, 2);
  const keys: RmcpPlusKeys = {};
  const integ = integrityCodec(suite.integrity, k1);
  if (integ) keys.integrity = integ;
  if (suite.confidentiality === CONF_AES_CBC_128) keys.confidentiality = aesCbcCodec(k2, opts);
  return { sik, k1, k2, keys };
}
