import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext, AppEnv } from '../context.ts';
import { requireRole } from './require-role.ts';
import { validateBody } from './validate-body.ts';
import { NewPasswordSchema, UsernameSchema } from './password-policy.ts';
import { ApiError } from './api-error.ts';
import type { User } from './user-store.ts';

const RoleSchema = z.enum(['viewer', 'operator', 'admin']);
const GrantsSchema = z.array(z.strictObject({ tag: z.string().min(1).max(64), role: RoleSchema })).max(64);
const CreateSchema = z.strictObject({ username: UsernameSchema, password: NewPasswordSchema, role: RoleSchema, grants: GrantsSchema.optional() });
const PatchSchema = z.strictObject({ role: RoleSchema.optional(), disabled: z.boolean().optional(), password: NewPasswordSchema.optional(), grants: GrantsSchema.optional() });

const view = (u: User) => ({ username: u.username, role: u.role, disabled: u.disabled, grants: u.grants, createdAt: u.createdAt });

/** Users CRUD, admin only. */
export function registerUserRoutes(app: Hono<AppEnv>, ctx: AppContext): void {
  const { store } = ctx;
  const admin = requireRole('admin');

  app.get('/api/users', admin, (c) => c.json(store.users.list().map(view)));

  app.get('/api/users/:name', admin, (c) => {
    const u = store.users.byName(c.req.param('name'));
    if (!u) throw new ApiError(404, 'E_USER_NOT_FOUND', `no user ${c.req.param('name')}`, 'name');
    return c.json(view(u));
  });

  app.post('/api/users', admin, async (c) => {
    const body = await validateBody(c, CreateSchema);
    const u = await store.users.create(body);
    store.audit.record({ user: c.get('identity').user, action: 'user.create', outcome: 'ok', detail: { username: u.username, role: u.role, grants: u.grants } });
    return c.json(view(u), 201);
  });

  app.patch('/api/users/:name', admin, async (c) => {
    const body = await validateBody(c, PatchSchema);
    const u = await store.users.update(c.req.param('name'), body);
    const { password: _p, ...changed } = body;
    store.audit.record({ user: c.get('identity').user, action: 'user.update', outcome: 'ok', detail: { username: u.username, ...changed, passwordChanged: body.password !== undefined } });
    return c.json(view(u));
  });

  app.delete('/api/users/:name', admin, (c) => {
    store.users.delete(c.req.param('name'));
    store.audit.record({ user: c.get('identity').user, action: 'user.delete', outcome: 'ok', detail: { username: c.req.param('name') } });
    return c.body(null, 204);
  });
}
