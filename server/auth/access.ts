import type { Role } from '../wire.ts';
import type { Grant } from './roles.ts';
import { roleOnTarget, bestRole } from './roles.ts';

/**
 * Who is calling and how, as the auth middleware found it. Routes read it
 * with c.get('access'); c.get('identity') carries the wire-level summary.
 */
export interface Access {
  userId: number;
  username: string;
  /** Global role (already capped by the token's role for API tokens). */
  role: Role;
  grants: Grant[];
  via: 'session' | 'token';
  sessionIdHash?: string;
  tokenId?: number;
  /** Role on one target (global floor, raised by tag grants, capped by a token). */
  roleFor(targetId: string): Role;
  /** Highest role anywhere. */
  best(): Role;
}

export function makeAccess(a: Omit<Access, 'roleFor' | 'best'> & { cap: Role }, tagsOf: (id: string) => readonly string[] | undefined): Access {
  const { cap, ...rest } = a;
  return {
    ...rest,
    roleFor: (id) => roleOnTarget(a.role, a.grants, tagsOf(id) ?? [], cap),
    best: () => bestRole(a.role, a.grants, cap),
  };
}
