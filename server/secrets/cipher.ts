import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretError } from './errors.ts';

export interface Sealed {
  nonce: Buffer;
  ciphertext: Buffer;
  authTag: Buffer;
}

/** AES-256-GCM with a fresh 96-bit nonce; `aad` ties the ciphertext to where it is stored. */
export function seal(key: Buffer, plaintext: string, aad: string): Sealed {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return { nonce, ciphertext, authTag: c.getAuthTag() };
}

export function open(key: Buffer, sealed: Sealed, aad: string): string {
  try {
    const d = createDecipheriv('aes-256-gcm', key, sealed.nonce);
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(sealed.authTag);
    return Buffer.concat([d.update(sealed.ciphertext), d.final()]).toString('utf8');
  } catch {
    throw new SecretError('E_SECRET_DECRYPT', `secret for ${aad} does not decrypt: wrong key file or tampered row`);
  }
}
