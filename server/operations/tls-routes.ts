import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../auth/api-error.ts';
import { requireRole } from '../auth/require-role.ts';
import { validateBody } from '../auth/validate-body.ts';
import { normalizeFingerprint } from '../../bmc-adapters/redfish/tls-pin.ts';
import { readPin } from '../bmc/target-pin-store.ts';
import { TlsAcceptBodySchema } from './operation-schemas.ts';
import { runOperation, type OperationRunner } from './run-operation.ts';

/**
 * POST /api/targets/:id/tls/accept {fingerprint} (admin): after a Redfish BMC's
 * certificate changed, connect once accepting exactly this fingerprint; the
 * connection succeeds only if the BMC presents it, and then it is the new pin.
 */
export function registerTlsRoutes(app: Hono<AppEnv>, r: OperationRunner): void {
  app.post('/api/targets/:id/tls/accept', requireRole('admin', { targetParam: 'id' }), async (c) => {
    const { fingerprint } = await validateBody(c, TlsAcceptBodySchema);
    const fp = normalizeFingerprint(fingerprint);
    const before = readPin(r.ctx.store.targets.get(c.req.param('id'))?.settings ?? {})?.sha256 ?? null;
    return runOperation(c, r, {
      audit: 'target.tls.accept',
      detail: { fingerprint: fp, previous: before },
      req: { acceptFingerprint: fp },
      run: async (ctl, target) => {
        if (ctl.protocol !== 'redfish') throw new ApiError(409, 'E_NO_TLS', `target ${target.id} speaks ${ctl.protocol}: there is no certificate to accept`, 'bmc.protocol');
        const probe = await ctl.probe();
        const pin = readPin(r.ctx.store.targets.get(target.id)?.settings ?? {});
        return { pinned: pin?.sha256 ?? null, previous: before, protocol: probe.protocol, vendor: probe.vendor ?? null };
      },
    });
  });
}
