import type { Identity } from '../wire.ts';

/** Typing, the write lock and read-write attach need operator or admin. */
export function canWrite(identity: Identity): boolean {
  return identity.role === 'operator' || identity.role === 'admin';
}
