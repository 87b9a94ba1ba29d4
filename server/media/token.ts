import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MediaError } from './errors.ts';

/**
 * Per-target access tokens carried inside the URL path (BMCs refuse `?`/`&`):
 * base64url(JSON {t: target, n: file name, e: expiry seconds}) "." base64url(HMAC-SHA256).
 * Only base64url characters and one dot, so every BMC takes the URL.
 */
export interface MediaGrant {
  target: string;
  name: string;
  /** Expiry, ms since epoch. */
  expiresAt: number;
}

const b64u = (b: Buffer) => b.toString('base64url');

export function signGrant(key: Buffer, g: MediaGrant): string {
  const payload = b64u(Buffer.from(JSON.stringify({ t: g.target, n: g.name, e: Math.floor(g.expiresAt / 1000) })));
  return `${payload}.${b64u(createHmac('sha256', key).update(payload).digest())}`;
}

/** Checks signature, expiry (against `now`) and that the token was minted for `name`. */
export function verifyGrant(key: Buffer, token: string, name: string, now: number): MediaGrant {
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) throw new MediaError('E_MEDIA_TOKEN', 403, 'malformed media token');
  const want = createHmac('sha256', key).update(payload).digest();
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) throw new MediaError('E_MEDIA_TOKEN', 403, 'bad media token signature');
  let p: { t?: unknown; n?: unknown; e?: unknown };
  try {
    p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof p;
  } catch {
    throw new MediaError('E_MEDIA_TOKEN', 403, 'malformed media token');
  }
  if (typeof p.t !== 'string' || typeof p.n !== 'string' || typeof p.e !== 'number') throw new MediaError('E_MEDIA_TOKEN', 403, 'malformed media token');
  if (p.e * 1000 <= now) throw new MediaError('E_MEDIA_EXPIRED', 410, `media token for ${p.t} expired at ${new Date(p.e * 1000).toISOString()}`);
  if (p.n !== name) throw new MediaError('E_MEDIA_TOKEN', 403, `media token is for ${p.n}, not ${name}`);
  return { target: p.t, name: p.n, expiresAt: p.e * 1000 };
}

/** The HMAC key lives in <dataDir>/media-token.key (0600) so issued URLs survive a restart. */
export function loadOrCreateKey(file: string): Buffer {
  try {
    const k = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (k.length >= 32) return k;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const k = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, k.toString('hex') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return k;
}
