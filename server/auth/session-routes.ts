import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppContext, AppEnv } from '../context.ts';
import { ApiError } from './api-error.ts';
import { clientAddress } from './client-address.ts';
import { csrfTokenFor } from './csrf.ts';
import { setSessionCookie, clearSessionCookie, readSessionCookie } from './session-cookie.ts';
import { validateBody } from './validate-body.ts';
import { NewPasswordSchema } from './password-policy.ts';

const LoginSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const PasswordChangeSchema = z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: NewPasswordSchema });

/** POST /api/login, POST /api/logout, GET /api/me, POST /api/me/password. */
export function registerSessionRoutes(app: Hono<AppEnv>, ctx: AppContext): void {
  const { store } = ctx;
  const cookieMaxAgeS = () => 24 * 3600;

  app.post('/api/login', async (c) => {
    const body = await validateBody(c, LoginSchema);
    const address = clientAddress(c);
    const verdict = store.limiter.check(body.username, address);
    if (!verdict.ok) {
      const retryAfterS = Math.ceil(verdict.retryAfterMs / 1000);
      store.audit.record({ user: body.username, action: 'auth.login', outcome: 'denied', detail: { reason: verdict.code, address } });
      const what = verdict.code === 'E_LOGIN_BLOCKED' ? 'blocked' : 'slowed down';
      throw new ApiError(429, verdict.code, `too many failed logins for this ${verdict.key === 'user' ? 'user' : 'address'}: ${what}, retry in ${retryAfterS} s`, 'username', { 'retry-after': String(retryAfterS) });
    }
    const user = await store.users.authenticate(body.username, body.password);
    if (!user) {
      store.limiter.failed(body.username, address);
      store.audit.record({ user: body.username, action: 'auth.login', outcome: 'denied', detail: { reason: 'bad-credentials', address } });
      throw new ApiError(401, 'E_LOGIN_FAILED', 'wrong user name or password', 'password');
    }
    store.limiter.succeeded(body.username);
    const token = store.sessions.create(user.id, address);
    setSessionCookie(c, token, cookieMaxAgeS());
    store.audit.record({ user: user.username, action: 'auth.login', outcome: 'ok', detail: { address } });
    return c.json({ user: user.username, role: user.role, grants: user.grants, csrfToken: csrfTokenFor(store.csrfKey, token) });
  });

  app.post('/api/logout', (c) => {
    const a = c.get('access');
    if (a.sessionIdHash) store.sessions.destroy(a.sessionIdHash);
    clearSessionCookie(c);
    store.audit.record({ user: a.username, action: 'auth.logout', outcome: 'ok' });
    return c.body(null, 204);
  });

  app.get('/api/me', (c) => {
    const a = c.get('access');
    const token = a.via === 'session' ? readSessionCookie(c) : undefined;
    return c.json({ user: a.username, role: a.role, grants: a.grants, via: a.via, csrfToken: token ? csrfTokenFor(store.csrfKey, token) : null });
  });

  app.post('/api/me/password', async (c) => {
    const a = c.get('access');
    const body = await validateBody(c, PasswordChangeSchema);
    const ok = await store.users.authenticate(a.username, body.currentPassword);
    if (!ok) throw new ApiError(403, 'E_LOGIN_FAILED', 'current password is wrong', 'currentPassword');
    await store.users.update(a.username, { password: body.newPassword });
    store.audit.record({ user: a.username, action: 'user.password', target: null, outcome: 'ok' });
    // Every session ended with the change; this client gets a fresh one.
    if (a.via === 'session') {
      const token = store.sessions.create(a.userId, clientAddress(c));
      setSessionCookie(c, token, cookieMaxAgeS());
      return c.json({ csrfToken: csrfTokenFor(store.csrfKey, token) });
    }
    return c.json({ csrfToken: null });
  });
}
