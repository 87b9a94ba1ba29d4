import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.ts';
import { requireRole } from '../auth/require-role.ts';
import { validateBody, validateValue } from '../auth/validate-body.ts';
import { ApiError } from '../auth/api-error.ts';
import { TargetCreateSchema, TargetPatchSchema, TargetIdSchema } from './target-schema.ts';
import { mergeSummaries } from './merge-summaries.ts';

/** Targets CRUD (admin), listing (any login), test connection (operator on the target). */
export function registerTargetRoutes(app: Hono<AppEnv>, ctx: AppContext): void {
  const { store } = ctx;
  const admin = requireRole('admin');

  app.get('/api/targets', (c) => c.json(mergeSummaries(store.targets.list(), ctx.listTargets())));

  app.get('/api/targets/:id', (c) => {
    const id = c.req.param('id');
    const stored = store.targets.get(id);
    const live = ctx.listTargets().find((t) => t.id === id);
    if (!stored && !live) throw new ApiError(404, 'E_TARGET_NOT_FOUND', `no target ${id}`, 'id');
    return c.json({ ...(stored ?? {}), id, live: live ?? null, source: stored ? 'store' : 'config' });
  });

  app.post('/api/targets', admin, async (c) => {
    const body = await validateBody(c, TargetCreateSchema);
    if (ctx.listTargets().some((t) => t.id === body.id) && !store.targets.get(body.id)) {
      throw new ApiError(409, 'E_TARGET_EXISTS', `target ${body.id} is defined in the configuration file`, 'id');
    }
    const t = store.targets.create(body);
    store.audit.record({ user: c.get('identity').user, action: 'target.create', target: t.id, outcome: 'ok', detail: { bmc: { protocol: t.bmc.protocol, address: t.bmc.address }, console: t.console.transport } });
    return c.json(t, 201);
  });

  app.patch('/api/targets/:id', admin, async (c) => {
    const id = validateValue(TargetIdSchema, c.req.param('id'), 'id');
    const body = await validateBody(c, TargetPatchSchema);
    const t = store.targets.update(id, body);
    store.audit.record({ user: c.get('identity').user, action: 'target.update', target: id, outcome: 'ok', detail: { fields: Object.keys(body) } });
    return c.json(t);
  });

  app.delete('/api/targets/:id', admin, (c) => {
    const id = c.req.param('id');
    store.targets.delete(id);
    store.audit.record({ user: c.get('identity').user, action: 'target.delete', target: id, outcome: 'ok' });
    return c.body(null, 204);
  });

  app.post('/api/targets/:id/test-connection', requireRole('operator', { targetParam: 'id' }), async (c) => {
    const id = c.req.param('id');
    const user = c.get('identity').user;
    const target = store.targets.get(id);
    if (!target) throw new ApiError(404, 'E_TARGET_NOT_FOUND', `no stored target ${id}`, 'id');
    if (!ctx.probeTarget) throw new ApiError(501, 'E_NO_PROBER', 'no BMC prober is installed in this build', 'id');
    let result;
    try {
      result = await ctx.probeTarget(target, store.targets.credentials(id));
    } catch (e) {
      const err = e as Error & { code?: string; status?: number; field?: string };
      store.audit.record({ user, action: 'target.test-connection', target: id, outcome: 'error', detail: { code: err.code ?? 'E_PROBE_FAILED', message: err.message } });
      // A prober that knows the cause (no BMC configured: 409) says so; anything else is the BMC's failure.
      const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 502;
      throw new ApiError(status as 409, err.code ?? 'E_PROBE_FAILED', `test connection failed: ${err.message}`, err.field ?? 'bmc');
    }
    const { capabilities, ...facts } = result;
    store.targets.saveProbe(id, { ...(capabilities ?? {}), probe: facts });
    store.audit.record({ user, action: 'target.test-connection', target: id, outcome: result.ok ? 'ok' : 'error', detail: { protocol: result.protocol, vendor: result.vendor ?? null } });
    return c.json(result);
  });
}
