import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { requireRole } from '../auth/require-role.ts';
import { validateBody } from '../auth/validate-body.ts';
import { BootBodySchema } from './operation-schemas.ts';
import { runOperation, type OperationRunner } from './run-operation.ts';

/** POST /api/targets/:id/boot {device: cd|pxe|disk|bios, persistent?, efi?}: the next boot (or every boot) from that device. */
export function registerBootRoutes(app: Hono<AppEnv>, r: OperationRunner): void {
  app.post('/api/targets/:id/boot', requireRole('operator', { targetParam: 'id' }), async (c) => {
    const body = await validateBody(c, BootBodySchema);
    const opts = { ...(body.persistent !== undefined ? { persistent: body.persistent } : {}), ...(body.efi !== undefined ? { efi: body.efi } : {}) };
    return runOperation(c, r, {
      audit: 'boot.set',
      detail: { device: body.device, persistent: !!body.persistent, efi: body.efi ?? null },
      run: async (ctl) => ({ ...(await ctl.bootOnce(body.device, opts)), protocol: ctl.protocol }),
      resultDetail: (res) => ({ bmcValue: res.bmcValue }),
    });
  });
}
