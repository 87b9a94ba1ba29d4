import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { AppStore } from '../store/app-store.ts';
import type { Access } from './access.ts';
import { makeAccess } from './access.ts';
import { ApiError, unauthenticated } from './api-error.ts';
import { csrfMatches, CSRF_HEADER } from './csrf.ts';
import { originAllowed } from './origin.ts';
import { isPublic, isSelfService, SAFE_METHODS } from './public-routes.ts';
import { readSessionCookie } from './session-cookie.ts';
import { atLeast, lower } from './roles.ts';

export interface AuthMiddlewareDeps {
  store: AppStore;
  /** Tags of targets known only to the console hub (configured, not stored). */
  liveTagsOf?: (id: string) => readonly string[] | undefined;
  /** Extra origins allowed besides the one the client addressed. */
  allowedOrigins?: readonly string[];
}

/** Finds the caller from a Bearer token or the session cookie. */
function authenticate(c: Parameters<MiddlewareHandler<AppEnv>>[0], deps: AuthMiddlewareDeps): (Access & { sessionToken?: string }) | undefined {
  const { store } = deps;
  const tagsOf = (id: string) => store.targets.tagsOf(id) ?? deps.liveTagsOf?.(id);
  const authz = c.req.header('authorization');
  if (authz !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(authz);
    const tok = m?.[1] ? store.tokens.resolve(m[1]) : undefined;
    const user = tok && store.users.byId(tok.userId);
    if (!tok || !user || user.disabled) return undefined;
    return makeAccess({ userId: user.id, username: user.username, role: lower(user.role, tok.role), grants: user.grants, via: 'token', tokenId: tok.id, cap: tok.role }, tagsOf);
  }
  const sessionToken = readSessionCookie(c);
  if (!sessionToken) return undefined;
  const s = store.sessions.resolve(sessionToken);
  const user = s && store.users.byId(s.userId);
  if (!s || !user || user.disabled) return undefined;
  return { ...makeAccess({ userId: user.id, username: user.username, role: user.role, grants: user.grants, via: 'session', sessionIdHash: s.idHash, cap: 'admin' }, tagsOf), sessionToken };
}

/**
 * Mounted with app.use('*') before every route: nothing but the public
 * allow-list passes without a login; cookie sessions need the CSRF header on
 * unsafe methods; a foreign Origin is refused, and a WebSocket upgrade must
 * carry a same-origin Origin unless it authenticates with a Bearer token.
 */
export function authMiddleware(deps: AuthMiddlewareDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path;
    const origin = c.req.header('origin');
    const host = c.req.header('host');
    if (origin !== undefined && !originAllowed(origin, host, deps.allowedOrigins)) {
      throw new ApiError(403, 'E_ORIGIN', `origin ${origin} is not this server`, 'origin');
    }
    if (isPublic(method, path)) return next();

    const access = authenticate(c, deps);
    if (!access) throw unauthenticated();

    const upgrade = c.req.header('upgrade')?.toLowerCase() === 'websocket';
    if (upgrade && access.via === 'session' && origin === undefined) {
      throw new ApiError(403, 'E_ORIGIN', 'a WebSocket upgrade with a session cookie must carry Origin', 'origin');
    }
    const unsafe = !SAFE_METHODS.has(method);
    const refuse = (e: ApiError): never => {
      recordRefusal(deps, access.username, method, path, e.code);
      throw e;
    };
    if (unsafe) {
      if (access.via === 'session' && !csrfMatches(deps.store.csrfKey, access.sessionToken as string, c.req.header(CSRF_HEADER))) {
        refuse(new ApiError(403, 'E_CSRF', `missing or wrong ${CSRF_HEADER} header (GET /api/me returns it)`, CSRF_HEADER));
      }
      if (!atLeast(access.best(), 'operator') && !isSelfService(method, path)) {
        refuse(new ApiError(403, 'E_FORBIDDEN', `${method} ${path} needs role operator`));
      }
    }
    const { sessionToken: _s, ...rest } = access;
    c.set('access', rest);
    c.set('identity', { user: access.username, role: access.role });
    await next();
    // Route-level refusals (requireRole) are on the record too, for every unsafe call.
    if (unsafe && c.res.status === 403) recordRefusal(deps, access.username, method, path, 'E_FORBIDDEN');
  };
}

/** A logged-in user tried to change something and was refused: that attempt belongs in the audit. */
function recordRefusal(deps: AuthMiddlewareDeps, user: string, method: string, path: string, code: string): void {
  const target = /^\/api\/targets\/([^/]+)/.exec(path)?.[1] ?? null;
  deps.store.audit.record({ user, action: 'http.refused', target, outcome: 'denied', detail: { method, path, code } });
}
