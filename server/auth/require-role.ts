import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { Role } from '../wire.ts';
import { atLeast } from './roles.ts';
import { forbidden, unauthenticated } from './api-error.ts';

/**
 * Route guard: `app.post('/api/targets/:id/power', requireRole('operator', { targetParam: 'id' }), handler)`.
 * With targetParam the role is the one the caller holds on that target (tag grants count).
 */
export function requireRole(need: Role, opts: { targetParam?: string } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const access = c.get('access');
    if (!access) throw unauthenticated();
    const target = opts.targetParam ? c.req.param(opts.targetParam) : undefined;
    const have = target !== undefined ? access.roleFor(target) : access.role;
    if (!atLeast(have, need)) throw forbidden(need, target !== undefined ? `this action on target ${target}` : 'this action');
    return next();
  };
}

/** Same test for code that is not a route (e.g. the console's rw mode inside the WebSocket handler). */
export function hasRole(c: Context<AppEnv>, need: Role, targetId?: string): boolean {
  const access = c.get('access') as AppEnv['Variables']['access'] | undefined;
  if (!access) return false;
  return atLeast(targetId !== undefined ? access.roleFor(targetId) : access.role, need);
}
