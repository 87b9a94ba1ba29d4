import type { RedfishClient } from '../../bmc-adapters/redfish/client.ts';
import { RedfishError } from '../../bmc-adapters/redfish/errors.ts';
import { chooseResetPlan, resetAction } from '../../bmc-adapters/redfish/power.ts';
import { awaitTask } from '../../bmc-adapters/redfish/tasks.ts';
import { BmcError } from './bmc-error.ts';

/**
 * Hard reset and ACPI soft-off over Redfish. The client's power() covers
 * on/off/cycle only (its quirk table has no entries for these yet), so these
 * two post the ResetType themselves, checked against the BMC's allowable
 * values, then wait for the end state like the client does.
 */
const PREFS = { reset: ['ForceRestart', 'PowerCycle'], soft: ['GracefulShutdown', 'PushPowerButton'] } as const;
const WANT = { reset: 'On', soft: 'Off' } as const;

export async function redfishResetOrSoft(client: RedfishClient, op: 'reset' | 'soft', o: { timeoutMs: number; pollMs: number }): Promise<string> {
  const t = client.target;
  const action = await resetAction(t);
  const plan = chooseResetPlan([...PREFS[op]], action.allowed);
  const type = plan?.[0];
  if (!type) throw new BmcError('E_REDFISH_UNSUPPORTED', `no ResetType for "${op}": BMC allows ${action.allowed?.join(', ') ?? '?'}`, 501, 'action');
  const r = await t.s.request('POST', action.target, { json: { ResetType: type } });
  if (r.status >= 300) {
    // 400/409 with the state already reached counts as done (QUIRKS rule 5).
    if ((r.status === 400 || r.status === 409) && (await client.powerStatus()) === WANT[op]) return WANT[op];
    throw new RedfishError('POST', action.target, r.status, r.body);
  }
  await awaitTask(t.s, r, { clock: t.clock });
  const deadline = t.clock.now() + o.timeoutMs;
  for (;;) {
    const st = await client.powerStatus();
    if (st === WANT[op]) return st;
    if (t.clock.now() >= deadline) throw new BmcError('E_BMC_TIMEOUT', `power ${op}: state is ${st}, wanted ${WANT[op]} after ${o.timeoutMs} ms`, 504, 'action');
    await t.clock.sleep(o.pollMs);
  }
}
