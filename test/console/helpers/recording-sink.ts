import type { ServerControl } from '../../../server/wire.ts';
import type { ViewerSink } from '../../../server/console/viewer-sink.ts';

/** ViewerSink that remembers everything; queuedBytes is settable to simulate a slow client. */
export class RecordingSink implements ViewerSink {
  readonly outputs: { offset: number; bytes: Buffer }[] = [];
  readonly snapshots: { offset: number; screen: string }[] = [];
  readonly controls: ServerControl[] = [];
  readonly order: ('output' | 'snapshot' | 'control')[] = [];
  queued = 0;

  output(offset: number, bytes: Buffer): void {
    this.outputs.push({ offset, bytes: Buffer.from(bytes) });
    this.order.push('output');
  }

  snapshot(offset: number, screen: string): void {
    this.snapshots.push({ offset, screen });
    this.order.push('snapshot');
  }

  control(msg: ServerControl): void {
    this.controls.push(msg);
    this.order.push('control');
  }

  queuedBytes(): number {
    return this.queued;
  }

  /** All output bytes, checking that offsets are contiguous from the first one. */
  stream(): { start: number; bytes: Buffer } {
    const first = this.outputs[0];
    if (!first) return { start: 0, bytes: Buffer.alloc(0) };
    let next = first.offset;
    for (const o of this.outputs) {
      if (o.offset !== next) throw new Error(`output offset ${o.offset}, expected ${next}`);
      next += o.bytes.length;
    }
    return { start: first.offset, bytes: Buffer.concat(this.outputs.map((o) => o.bytes)) };
  }

  controlsOf<T extends ServerControl['t']>(t: T): Extract<ServerControl, { t: T }>[] {
    return this.controls.filter((c): c is Extract<ServerControl, { t: T }> => c.t === t);
  }
}

/** Resolves when `check` passes, polling on the event loop (not a sleep-based sync: bounded by a deadline). */
export async function until(check: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}
