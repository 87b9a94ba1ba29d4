import type { Role } from '../wire.ts';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function atLeast(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

export function higher(a: Role, b: Role): Role {
  return RANK[a] >= RANK[b] ? a : b;
}

export function lower(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

export interface Grant {
  tag: string;
  role: Role;
}

/**
 * The role a user has on one target: the global role is a floor, a grant on
 * any of the target's tags can raise it, and an API token caps it.
 */
export function roleOnTarget(global: Role, grants: readonly Grant[], tags: readonly string[], cap: Role = 'admin'): Role {
  let r = global;
  for (const g of grants) if (tags.includes(g.tag)) r = higher(r, g.role);
  return lower(r, cap);
}

/** The best role the user holds anywhere (used by the coarse unsafe-method guard). */
export function bestRole(global: Role, grants: readonly Grant[], cap: Role = 'admin'): Role {
  return lower(grants.reduce<Role>((r, g) => higher(r, g.role), global), cap);
}
