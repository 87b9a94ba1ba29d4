import type { ServerControl } from '../wire.ts';

/**
 * Where a session delivers to one viewer. The WebSocket adapter is one
 * implementation; a playbook run or a test can be another.
 */
export interface ViewerSink {
  /** Stream bytes starting at `offset`; offsets are contiguous unless a snapshot intervenes. */
  output(offset: number, bytes: Buffer): void;
  /** Reset the screen and draw `screen`; the stream continues at `offset`. */
  snapshot(offset: number, screen: string): void;
  control(msg: ServerControl): void;
  /**
   * Bytes handed over and not yet flushed towards the peer. Past the session's
   * high-water mark the viewer gets no live data until it calls `drained()`.
   * In-process sinks that consume synchronously return 0.
   */
  queuedBytes(): number;
}
