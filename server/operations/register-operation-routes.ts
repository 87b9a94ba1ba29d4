import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.ts';
import { createControllerFactory, proberFrom } from '../bmc/controller-factory.ts';
import { registerBootRoutes } from './boot-routes.ts';
import { registerMediaOperationRoutes } from './media-routes.ts';
import type { OperationDeps } from './operation-deps.ts';
import { registerPowerRoutes } from './power-routes.ts';
import { TargetLocks } from './target-lock.ts';
import { registerTlsRoutes } from './tls-routes.ts';

/**
 * Power, boot, virtual media and the TLS-pin acceptance route, all behind the
 * login installed earlier. Without an injected factory the product one is
 * used; it also becomes `ctx.probeTarget` unless one was provided, so
 * "test connection" goes through the same adapters.
 */
export function registerOperationRoutes(app: Hono<AppEnv>, ctx: AppContext, deps: OperationDeps = {}): void {
  const controllers = deps.controllers ?? createControllerFactory({ targets: ctx.store.targets, log: ctx.log });
  ctx.probeTarget ??= proberFrom(controllers);
  const runner = { ctx, controllers, locks: new TargetLocks() };
  registerPowerRoutes(app, runner);
  registerBootRoutes(app, runner);
  registerMediaOperationRoutes(app, runner, deps.media);
  registerTlsRoutes(app, runner);
}
