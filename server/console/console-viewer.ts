import type { Identity } from '../wire.ts';
import type { ViewerSink } from './viewer-sink.ts';

/** The session-side view of one attached client; the session drives its state. */
export type ViewerState = 'syncing' | 'live' | 'lagging' | 'closed';

export interface ViewerHooks {
  write(v: ConsoleViewer, bytes: Uint8Array): void;
  lock(v: ConsoleViewer, action: 'request' | 'release' | 'takeover'): void;
  resize(v: ConsoleViewer, cols: number, rows: number): void;
  sendBreak(v: ConsoleViewer): void;
  drained(v: ConsoleViewer): void;
  detach(v: ConsoleViewer): void;
}

/**
 * Handle returned by `ConsoleSession.attach`: everything a client may do.
 * Refusals throw ConsoleError (E_READ_ONLY, E_NOT_LOCK_HOLDER, ...).
 */
export class ConsoleViewer {
  readonly id: string;
  readonly identity: Identity;
  readonly readOnly: boolean;
  readonly sink: ViewerSink;
  state: ViewerState = 'syncing';
  /** Next offset this viewer expects on the live stream. */
  nextOffset = 0;
  /** Bumped on every resync so a stale snapshot completion is ignored. */
  syncGeneration = 0;
  private readonly hooks: ViewerHooks;

  constructor(id: string, identity: Identity, readOnly: boolean, sink: ViewerSink, hooks: ViewerHooks) {
    this.id = id;
    this.identity = identity;
    this.readOnly = readOnly;
    this.sink = sink;
    this.hooks = hooks;
  }

  write(bytes: Uint8Array): void {
    this.hooks.write(this, bytes);
  }

  requestLock(): void {
    this.hooks.lock(this, 'request');
  }

  releaseLock(): void {
    this.hooks.lock(this, 'release');
  }

  takeover(): void {
    this.hooks.lock(this, 'takeover');
  }

  resize(cols: number, rows: number): void {
    this.hooks.resize(this, cols, rows);
  }

  sendBreak(): void {
    this.hooks.sendBreak(this);
  }

  /** The sink's queue fell low again: a lagging viewer is resynchronised with a snapshot. */
  drained(): void {
    if (this.state === 'lagging') this.hooks.drained(this);
  }

  detach(): void {
    if (this.state !== 'closed') this.hooks.detach(this);
  }
}
