import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.ts';
import { ApiError } from '../auth/api-error.ts';

function parseTime(field: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new ApiError(400, 'E_VALIDATION', `${field}: a time in ms since the epoch or ISO 8601`, field);
  return n;
}

/**
 * GET /api/audit?user=&target=&since=&until=&limit=. Admins read everything;
 * everyone else reads only their own entries (asking for another user is 403).
 */
export function registerAuditRoutes(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/api/audit', (c) => {
    const a = c.get('access');
    const q = c.req.query();
    let user = q.user || undefined;
    if (a.role !== 'admin') {
      if (user !== undefined && user !== a.username) throw new ApiError(403, 'E_FORBIDDEN', 'only admins read other users\' audit entries', 'user');
      user = a.username;
    }
    const limit = q.limit !== undefined ? Number(q.limit) : undefined;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new ApiError(400, 'E_VALIDATION', 'limit: a positive integer', 'limit');
    const since = parseTime('since', q.since);
    const until = parseTime('until', q.until);
    return c.json(ctx.store.audit.query({ ...(user !== undefined ? { user } : {}), ...(q.target ? { target: q.target } : {}), ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}), ...(limit !== undefined ? { limit } : {}) }));
  });
}
