import type { EventEmitter } from 'node:events';

/**
 * The seam every console source plugs into (raw TCP, IPMI SOL, SSH, local
 * serial). The hub holds exactly one per target and never cares which it is.
 */
export type TransportState =
  | 'idle' // constructed, open() not called yet
  | 'connecting'
  | 'open'
  | 'reconnecting' // lost the peer, trying again with backoff
  | 'closed'; // close() was called; terminal

export interface TransportStateEvent {
  state: TransportState;
  /** Why the state changed, for the operator (e.g. "ECONNREFUSED 127.0.0.1:4555"). */
  reason?: string;
  /** Milliseconds until the next reconnect attempt, when state is 'reconnecting'. */
  retryInMs?: number;
}

export interface ConsoleTransportEvents {
  /** Bytes from the target, in order, never split or merged with meaning. */
  data: [chunk: Buffer];
  state: [event: TransportStateEvent];
  /** A non-fatal problem worth logging (bad telnet option, retransmit exhausted...). */
  warning: [message: string];
}

export interface ConsoleTransport extends EventEmitter<ConsoleTransportEvents> {
  /** Human-readable kind and peer, e.g. "tcp 127.0.0.1:4555" or "ipmi-sol 10.0.0.5:623". */
  readonly description: string;
  readonly state: TransportState;
  /** Starts connecting; resolves once the first connection is up (rejects if close() comes first). Reconnects on its own afterwards. */
  open(): Promise<void>;
  /** Stops for good: no more reconnects, resources released. Idempotent. */
  close(): Promise<void>;
  /** Bytes to the target. Returns false if they could not be queued (not open); never drops silently. */
  write(data: Uint8Array): boolean;
  /** Sends a serial break (telnet BRK, SOL break bit, ...). */
  sendBreak(): void;
}
