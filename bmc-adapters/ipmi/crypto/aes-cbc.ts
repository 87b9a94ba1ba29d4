import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecodeError } from '../../errors.ts';
import type { ConfidentialityCodec } from '../codec/rmcpplus.ts';

/**
 * AES-CBC-128 confidentiality (IPMI v2.0 §13.29): IV(16) | AES(payload | 1,2,..,n | n).
 * Node's own PKCS#7 padding is off because IPMI's pad bytes count up, not repeat n.
 */
export function confidentialityPad(plain: Buffer): Buffer {
  const n = (16 - ((plain.length + 1) % 16)) % 16;
  const out = Buffer.allocUnsafe(plain.length + n + 1);
  plain.copy(out, 0);
  for (let i = 0; i < n; i++) out[plain.length + i] = i + 1;
  out[plain.length + n] = n;
  return out;
}

export function aesCbcEncrypt(key: Buffer, plain: Buffer, iv: Buffer = randomBytes(16)): Buffer {
  const c = createCipheriv('aes-128-cbc', key.subarray(0, 16), iv);
  c.setAutoPadding(false);
  // Padding is whole blocks, so update() returns every ciphertext byte and final() none.
  const body = c.update(confidentialityPad(plain));
  c.final();
  const out = Buffer.allocUnsafe(16 + body.length);
  iv.copy(out, 0);
  body.copy(out, 16);
  return out;
}

/** `checkPad: false` accepts any pad bytes (only the length byte is used), for BMCs that pad with zeros. */
export function aesCbcDecrypt(key: Buffer, data: Buffer, checkPad = true): Buffer {
  const name = 'AES-CBC-128 payload';
  if (data.length < 32 || data.length % 16 !== 0) throw new DecodeError(name, 0, `length ${data.length} is not IV + a positive multiple of 16`);
  const d = createDecipheriv('aes-128-cbc', key.subarray(0, 16), data.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(data.subarray(16)), d.final()]);
  const n = plain[plain.length - 1] as number;
  if (n > 15) throw new DecodeError(name, 16 + plain.length - 1, `pad length ${n} above 15`);
  const start = plain.length - 1 - n;
  if (checkPad) for (let i = 0; i < n; i++) if (plain[start + i] !== i + 1) throw new DecodeError(name, 16 + start + i, 'confidentiality pad is not 1,2,3...');
  return plain.subarray(0, start);
}

/** IVs come from a pooled CSPRNG buffer: same randomness as randomBytes(16), one syscall per 256 packets. */
let ivPool = Buffer.alloc(0);
let ivAt = 0;
export function randomIv(): Buffer {
  if (ivAt + 16 > ivPool.length) {
    ivPool = randomBytes(4096);
    ivAt = 0;
  }
  const iv = ivPool.subarray(ivAt, ivAt + 16);
  ivAt += 16;
  return iv;
}

export function aesCbcCodec(k2: Buffer, opts: { checkPad?: boolean; iv?: () => Buffer } = {}): ConfidentialityCodec {
  const key = Buffer.from(k2.subarray(0, 16));
  const iv = opts.iv ?? randomIv;
  return {
    encrypt: (p) => aesCbcEncrypt(key, p, iv()),
    decrypt: (c) => aesCbcDecrypt(key, c, opts.checkPad ?? true),
  };
}
