import type { Context } from 'hono';
import type { AppContext, AppEnv } from '../context.ts';
import { ApiError } from '../auth/api-error.ts';
import type { BmcController } from '../bmc/bmc-controller.ts';
import { asBmcError } from '../bmc/bmc-error.ts';
import type { ControllerFactory, ControllerRequest } from '../bmc/controller-factory.ts';
import type { StoredTarget } from '../targets/target-repo.ts';
import { bmcErrorResponse } from './bmc-response.ts';
import type { TargetLocks } from './target-lock.ts';

export interface OperationRunner {
  ctx: AppContext;
  controllers: ControllerFactory;
  locks: TargetLocks;
}

export interface OperationSpec<T> {
  /** Audit action ("power.cycle", "media.insert"); undefined for reads, which are not audited. */
  audit?: string;
  /** Facts for the audit row (never secrets, never a tokenised URL). */
  detail?: Record<string, unknown>;
  req?: ControllerRequest;
  run: (ctl: BmcController, target: StoredTarget) => Promise<T>;
  /** Extra audit facts from the result. */
  resultDetail?: (r: T) => Record<string, unknown>;
}

/**
 * Loads the stored target, connects its controller, runs one operation under
 * the target's lock, closes the controller, and records the outcome: every
 * audited action gets a row whether it worked or not.
 */
export async function runOperation<T extends object>(c: Context<AppEnv>, r: OperationRunner, spec: OperationSpec<T>): Promise<Response> {
  const id = c.req.param('id') ?? '';
  const user = c.get('identity').user;
  const { store, log } = r.ctx;
  const record = (outcome: 'ok' | 'error', detail: Record<string, unknown>) => {
    if (spec.audit) store.audit.record({ user, action: spec.audit, target: id, outcome, detail: { ...spec.detail, ...detail } });
  };
  const target = store.targets.get(id);
  if (!target) {
    record('error', { code: 'E_TARGET_NOT_FOUND' });
    throw new ApiError(404, 'E_TARGET_NOT_FOUND', `no stored target ${id}`, 'id');
  }
  const started = Date.now();
  try {
    const result = await r.locks.run(id, async () => {
      const ctl = await r.controllers(target, store.targets.credentials(id), spec.req);
      try {
        return await spec.run(ctl, target);
      } finally {
        await ctl.close();
      }
    });
    record('ok', { ms: Date.now() - started, ...(spec.resultDetail ? spec.resultDetail(result) : {}) });
    return c.json(result);
  } catch (e) {
    if (e instanceof ApiError) {
      record('error', { code: e.code, message: e.message });
      throw e;
    }
    const be = asBmcError(e);
    record('error', { code: be.code, message: be.message, ms: Date.now() - started, ...be.extra });
    if (spec.audit) log.warn({ target: id, action: spec.audit, code: be.code, err: be.message }, 'BMC operation failed');
    return bmcErrorResponse(c, be);
  }
}
