import { AdapterError } from '../errors.ts';
import type { Json, RedfishTarget } from './discovery.ts';
import { RedfishError } from './errors.ts';
import type { PowerOp } from './quirks/index.ts';
import { awaitTask } from './tasks.ts';

export type PowerState = 'On' | 'Off' | 'PoweringOn' | 'PoweringOff' | 'Paused' | string;

export async function powerState(t: RedfishTarget): Promise<PowerState> {
  const sys = await t.etags.read<Json>(t.s, t.systemPath);
  return String(sys.PowerState ?? 'Unknown');
}

interface ResetAction {
  target: string;
  allowed: string[] | undefined;
}

/** ResetType values inline (`ResetType@Redfish.AllowableValues`) or from the ActionInfo resource (QUIRKS rule 5). */
export async function resetAction(t: RedfishTarget): Promise<ResetAction> {
  const sys = await t.etags.read<Json>(t.s, t.systemPath);
  const a = ((sys.Actions as Json | undefined)?.['#ComputerSystem.Reset'] ?? undefined) as Json | undefined;
  if (!a || typeof a.target !== 'string') throw new AdapterError('E_REDFISH_NO_RESET', `${t.systemPath} has no ComputerSystem.Reset action`);
  // Supermicro X12's inline list has a fused "GracefulShutdownGracefulRestart" entry (S7): ActionInfo wins when present.
  const info = a['@Redfish.ActionInfo'];
  if (typeof info === 'string') {
    const r = await t.s.request('GET', info);
    if (r.status < 400) {
      const params = ((r.body as Json).Parameters ?? []) as Json[];
      const p = params.find((x) => x.Name === 'ResetType');
      if (Array.isArray(p?.AllowableValues)) return { target: a.target, allowed: p.AllowableValues.map(String) };
    }
  }
  const inline = a['ResetType@Redfish.AllowableValues'];
  return { target: a.target, allowed: Array.isArray(inline) ? inline.map(String) : undefined };
}

/** First preference (single value or a+b sequence) whose every step is allowed; unknown list = trust the first. */
export function chooseResetPlan(prefs: string[], allowed: string[] | undefined): string[] | undefined {
  for (const p of prefs) {
    const steps = p.split('+');
    if (!allowed || steps.every((s) => allowed.includes(s))) return steps;
  }
  return undefined;
}

const EXPECT: Record<string, PowerState | undefined> = {
  On: 'On', ForceOn: 'On', ForceOff: 'Off', GracefulShutdown: 'Off', PowerCycle: 'On', ForceRestart: 'On', GracefulRestart: 'On',
};
/** State each operation ends in (PushPowerButton toggles, so its target comes from the operation). */
const OP_STATE: Record<PowerOp, PowerState> = { on: 'On', off: 'Off', cycle: 'On', reset: 'On', soft: 'Off' };

export interface PowerOptions {
  /** How long to wait for the state to be reached. */
  timeoutMs?: number;
  pollMs?: number;
  /** Attempts for a transient refusal (409 / not-ready) before giving up. */
  attempts?: number;
}

async function waitState(t: RedfishTarget, want: PowerState, o: Required<PowerOptions>): Promise<void> {
  const deadline = t.clock.now() + o.timeoutMs;
  for (;;) {
    const st = await powerState(t);
    if (st === want) return;
    if (t.clock.now() >= deadline) throw new AdapterError('E_REDFISH_POWER_TIMEOUT', `power state is ${st}, wanted ${want}`);
    await t.clock.sleep(o.pollMs);
  }
}

/** One ResetType: POST, follow a task, accept 400/409 when the state is already what we wanted. */
async function resetOnce(t: RedfishTarget, target: string, type: string, want: PowerState | undefined, o: Required<PowerOptions>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const r = await t.s.request('POST', target, { json: { ResetType: type } });
    if (r.status < 300) {
      await awaitTask(t.s, r, { clock: t.clock });
      break;
    }
    if ((r.status === 400 || r.status === 409) && want && (await powerState(t)) === want) return;
    if (t.quirks.power.transient.includes(r.status) && attempt < o.attempts) {
      await t.clock.sleep(o.pollMs);
      continue;
    }
    throw new RedfishError('POST', target, r.status, r.body);
  }
  // A restart may never show "Off" in between; only the final state is checked.
  if (want) await waitState(t, want, o);
}

export async function power(t: RedfishTarget, op: PowerOp, opts: PowerOptions = {}): Promise<PowerState> {
  const o: Required<PowerOptions> = { timeoutMs: 300_000, pollMs: 2_000, attempts: 5, ...opts };
  const action = await resetAction(t);
  let prefs = t.quirks.power.ops[op];
  // Cycling a machine that is off means switching it on.
  if (op === 'cycle' && (await powerState(t)) === 'Off') {
    prefs = t.quirks.power.ops.on;
  }
  const plan = chooseResetPlan(prefs, action.allowed);
  if (!plan) {
    throw new AdapterError('E_REDFISH_UNSUPPORTED', `no ResetType for "${op}": BMC allows ${action.allowed?.join(', ') ?? '?'}`);
  }
  for (const [i, type] of plan.entries()) await resetOnce(t, action.target, type, i === plan.length - 1 ? OP_STATE[op] : EXPECT[type], o);
  return powerState(t);
}
