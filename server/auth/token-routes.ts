import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext, AppEnv } from '../context.ts';
import { validateBody } from './validate-body.ts';
import { ApiError } from './api-error.ts';
import { atLeast } from './roles.ts';

const CreateSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash, underscore (1-64)'),
  role: z.enum(['viewer', 'operator', 'admin']).optional(),
});

/** API tokens: anyone may hold tokens for themselves, capped at their own best role; admins see and revoke all. */
export function registerTokenRoutes(app: Hono<AppEnv>, ctx: AppContext): void {
  const { store } = ctx;

  app.get('/api/tokens', (c) => {
    const a = c.get('access');
    const all = a.role === 'admin' && c.req.query('all') === '1';
    return c.json(store.tokens.list(all ? undefined : a.userId));
  });

  app.post('/api/tokens', async (c) => {
    const a = c.get('access');
    const body = await validateBody(c, CreateSchema);
    const role = body.role ?? a.best();
    if (!atLeast(a.best(), role)) throw new ApiError(403, 'E_FORBIDDEN', `a token cannot exceed your own role (${a.best()})`, 'role');
    const { token, info } = store.tokens.create(a.userId, body.name, role);
    store.audit.record({ user: a.username, action: 'token.create', outcome: 'ok', detail: { name: info.name, id: info.id, role } });
    // The only time the token is ever shown.
    return c.json({ ...info, token }, 201);
  });

  app.delete('/api/tokens/:id', (c) => {
    const a = c.get('access');
    const id = Number(c.req.param('id'));
    const t = Number.isInteger(id) ? store.tokens.byId(id) : undefined;
    if (!t || (t.userId !== a.userId && a.role !== 'admin')) throw new ApiError(404, 'E_TOKEN_NOT_FOUND', `no token ${c.req.param('id')}`, 'id');
    store.tokens.revoke(id);
    store.audit.record({ user: a.username, action: 'token.revoke', outcome: 'ok', detail: { name: t.name, id } });
    return c.body(null, 204);
  });
}
