import { randomBytes, createHash } from 'node:crypto';

/** 256 random bits, URL-safe. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are high-entropy, so a plain digest (no salt, no stretching) is enough to store them. */
export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
