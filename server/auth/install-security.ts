import type { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppContext, AppEnv } from '../context.ts';
import { authMiddleware } from './auth-middleware.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { registerUserRoutes } from './user-routes.ts';
import { registerTokenRoutes } from './token-routes.ts';
import { registerAuditRoutes } from '../audit/audit-routes.ts';
import { registerTargetRoutes } from '../targets/target-routes.ts';

/**
 * Call first in buildApp: the auth middleware then guards every route
 * registered before or after it, WebSocket upgrades included.
 */
export function installSecurity(app: Hono<AppEnv>, ctx: AppContext): void {
  // No HSTS: with the self-signed first-start certificate it would stop browsers offering to proceed, locking users out.
  app.use('*', secureHeaders({ strictTransportSecurity: false, xFrameOptions: 'DENY' }));
  app.use(
    '*',
    authMiddleware({
      store: ctx.store,
      liveTagsOf: (id) => ctx.listTargets().find((t) => t.id === id)?.tags,
      allowedOrigins: ctx.config.auth.allowedOrigins,
    }),
  );
  registerSessionRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerTargetRoutes(app, ctx);
}
