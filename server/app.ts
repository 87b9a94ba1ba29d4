import { Hono } from 'hono';
import { createNodeWebSocket } from '@hono/node-ws';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppContext, AppEnv } from './context.ts';
import type { HealthResponse } from './wire.ts';
import { installSecurity } from './auth/install-security.ts';
import type { ConsoleHub } from './console/console-hub.ts';
import { registerConsoleRoutes } from './console/ws-route.ts';
import { registerOperationRoutes } from './operations/register-operation-routes.ts';
import { registerMediaRoutes } from './media/fetch-routes.ts';

/**
 * Builds the Hono app. Routes are grouped by concern in their own modules;
 * this file only wires them in order (auth first, so nothing is born open).
 */
export function buildApp(ctx: AppContext, consoles?: ConsoleHub) {
  const app = new Hono<AppEnv>();
  const { injectWebSocket, upgradeWebSocket } = createNodeWebSocket({ app });
  installSecurity(app, ctx); // first: login, CSRF, Origin and the targets API for every route below

  app.get('/api/health', (c) =>
    c.json<HealthResponse>({ ok: true, version: ctx.version, uptimeS: Math.round((Date.now() - ctx.startedAt) / 1000) }),
  );

  registerOperationRoutes(app, ctx, ctx.operations); // power, boot, media; also installs ctx.probeTarget
  if (ctx.operations?.media) registerMediaRoutes(app, ctx.operations.media);
  if (consoles) registerConsoleRoutes(app, upgradeWebSocket, consoles);

  app.use('/*', serveStatic({ root: './ui/dist' }));
  app.get('/', serveStatic({ path: './ui/dist/index.html' }));
  return { app, injectWebSocket };
}
