import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { requireRole } from '../auth/require-role.ts';
import { validateBody } from '../auth/validate-body.ts';
import { PowerBodySchema } from './operation-schemas.ts';
import { runOperation, type OperationRunner } from './run-operation.ts';

/**
 *   GET  /api/targets/:id/power            {power: on|off|unknown}   viewers too: watching a
 *                                          console, one needs to know whether the machine is on
 *   POST /api/targets/:id/power {action}   on|off|cycle|reset|soft; answers once the state is reached
 * Reads run under the target's lock like actions, so viewers cannot open BMC sessions in parallel.
 */
export function registerPowerRoutes(app: Hono<AppEnv>, r: OperationRunner): void {
  const operator = requireRole('operator', { targetParam: 'id' });

  app.get('/api/targets/:id/power', requireRole('viewer', { targetParam: 'id' }), (c) =>
    runOperation(c, r, { run: async (ctl) => ({ power: await ctl.powerStatus(), protocol: ctl.protocol }) }),
  );

  app.post('/api/targets/:id/power', operator, async (c) => {
    const { action } = await validateBody(c, PowerBodySchema);
    return runOperation(c, r, {
      audit: `power.${action}`,
      detail: { action },
      run: async (ctl) => ({ action, power: await ctl.power(action), protocol: ctl.protocol }),
      resultDetail: (res) => ({ power: res.power }),
    });
  });
}
