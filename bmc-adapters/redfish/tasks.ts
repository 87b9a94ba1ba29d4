import { AdapterError } from '../errors.ts';
import type { Clock } from './clock.ts';
import { RedfishError } from './errors.ts';
import type { HttpResponse } from './http.ts';
import type { RedfishSession } from './session.ts';

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3); unusable values fall back. */
export function retryAfterMs(value: string | undefined, now: number, fallbackMs = 1000): number {
  if (!value) return fallbackMs;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return fallbackMs;
  return Math.max(0, t - now);
}

const FAILED = new Set(['Exception', 'Killed', 'Cancelled', 'Interrupted']);
const DONE = new Set(['Completed']);

export interface TaskWaitOptions {
  clock: Clock;
  timeoutMs?: number;
  /** Upper bound for one wait, so a silly Retry-After cannot stall us for hours. */
  maxWaitMs?: number;
}

/**
 * A 202 Accepted with a Location is a task monitor (DSP0266 §13.2): poll it,
 * honouring Retry-After, until it stops answering 202 or the Task it returns
 * reaches a final TaskState. Any other response is returned unchanged.
 */
export async function awaitTask(s: RedfishSession, first: HttpResponse, opts: TaskWaitOptions): Promise<HttpResponse> {
  if (first.status !== 202) return first;
  const body = first.body as Record<string, unknown> | undefined;
  const loc = first.headers.location ?? (body?.TaskMonitor as string | undefined) ?? (body?.['@odata.id'] as string | undefined);
  if (!loc) return first;
  const monitor = new URL(loc, s.http.origin).pathname;
  const deadline = opts.clock.now() + (opts.timeoutMs ?? 600_000);
  let last = first;
  for (;;) {
    const wait = Math.min(retryAfterMs(last.headers['retry-after'], opts.clock.now()), opts.maxWaitMs ?? 60_000);
    if (opts.clock.now() + wait > deadline) throw new AdapterError('E_REDFISH_TASK_TIMEOUT', `task ${monitor} did not finish in time`);
    await opts.clock.sleep(wait);
    const r = await s.request('GET', monitor);
    if (r.status >= 400) throw new RedfishError('GET', monitor, r.status, r.body);
    last = r;
    if (r.status === 202) continue;
    const state = (r.body as { TaskState?: string } | undefined)?.TaskState;
    if (state && FAILED.has(state)) {
      throw new AdapterError('E_REDFISH_TASK_FAILED', `task ${monitor} ended ${state}: ${JSON.stringify((r.body as Record<string, unknown>).Messages ?? [])}`);
    }
    if (!state || DONE.has(state)) return r;
  }
}
