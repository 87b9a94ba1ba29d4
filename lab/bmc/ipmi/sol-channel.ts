import type { SolPacket } from '../../../bmc-adapters/ipmi/codec/sol.ts';
import { SOL_OP_GENERATE_BREAK, SOL_OP_NACK, SOL_ST_DEACTIVATED } from '../../../bmc-adapters/ipmi/codec/sol.ts';
import { SolInboundFilter } from '../../../bmc-adapters/ipmi/sol/sol-inbound.ts';
import type { BmcClock, TimerHandle } from '../clock.ts';

/**
 * One active SOL payload instance, BMC side (IPMI v2.0 §15.9): console bytes
 * from the machine go out in numbered packets, one outstanding at a time,
 * retransmitted until ACKed (partial accepts resend the rest under a new
 * number); packets from the remote console are written once and ACKed, a
 * retransmitted one is only re-ACKed and a late copy ignored (the client's
 * SolInboundFilter, the same rules on the other side). No I/O: `send` and `writeSerial` are
 * the edges, time comes from the injected clock.
 */

export interface SolChannelOptions {
  clock: BmcClock;
  /** Frames to the remote console (the server wraps them in RMCP+). */
  send(frame: SolPacket): void;
  /** Bytes the remote console typed, for the machine's serial port. */
  writeSerial(data: Buffer): void;
  sendBreak?(): void;
  /** Largest SOL payload, header (4 bytes) included. */
  maxPayload: number;
  retryIntervalMs: number;
  /** Retransmissions before a packet is given up (spec: "SOL retry count"). */
  retryCount: number;
  /** Called when a packet was dropped after its retries (for logs). */
  onGiveUp?(seq: number): void;
}

export class SolChannel {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private outstanding: { seq: number; data: Buffer; tries: number } | null = null;
  private timer: TimerHandle | null = null;
  private nextSeq = 1;
  private readonly inbound: SolInboundFilter;
  private closed = false;
  /** Counters for tests and the benchmark. */
  readonly stats = { sent: 0, retransmits: 0, givenUp: 0, received: 0, duplicates: 0 };

  constructor(private readonly o: SolChannelOptions) {
    this.inbound = new SolInboundFilter({ now: () => o.clock.now() });
  }

  /** Machine output to deliver to the remote console. */
  enqueue(data: Uint8Array): void {
    if (this.closed || data.length === 0) return;
    this.pending.push(Buffer.from(data));
    this.pendingBytes += data.length;
    this.pump();
  }

  get queuedBytes(): number {
    return this.pendingBytes + (this.outstanding?.data.length ?? 0);
  }

  /** A decoded SOL packet from the remote console. */
  receive(f: SolPacket): void {
    if (this.closed) return;
    if (f.packetSeq === 0) {
      if (f.ackSeq !== 0 && this.outstanding && f.ackSeq === this.outstanding.seq) this.onAck(f);
      return;
    }
    const v = this.inbound.accept(f.packetSeq, f.data);
    if (v.useAckFields && f.ackSeq !== 0 && this.outstanding && f.ackSeq === this.outstanding.seq) this.onAck(f);
    if (v.kind === 'new') {
      this.stats.received++;
      if (f.opStatus & SOL_OP_GENERATE_BREAK) this.o.sendBreak?.();
    } else {
      // A resend (our ACK was lost) or a late copy: never typed twice.
      this.stats.duplicates++;
    }
    if (v.deliver.length > 0) this.o.writeSerial(v.deliver);
    if (v.ack) this.o.send({ packetSeq: 0, ackSeq: v.ack.seq, acceptedCount: v.ack.count, opStatus: 0, data: Buffer.alloc(0) });
  }

  /** Stops timers; a last packet tells the console SOL is going away when asked. */
  close(notify: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTimer();
    if (notify) this.o.send({ packetSeq: this.takeSeq(), ackSeq: 0, acceptedCount: 0, opStatus: SOL_ST_DEACTIVATED, data: Buffer.alloc(0) });
    this.pending = [];
    this.pendingBytes = 0;
    this.outstanding = null;
  }

  private onAck(f: SolPacket): void {
    const out = this.outstanding;
    if (!out) return;
    if (f.opStatus & SOL_OP_NACK) {
      // The console cannot take data now; the retry timer resends later.
      return;
    }
    this.stopTimer();
    this.outstanding = null;
    const accepted = Math.min(f.acceptedCount, out.data.length);
    if (accepted < out.data.length) {
      // Partial accept (§15.9.1): the rest goes again, under a new number.
      const rest = out.data.subarray(accepted);
      this.pending.unshift(rest);
      this.pendingBytes += rest.length;
    }
    this.pump();
  }

  private takeSeq(): number {
    const s = this.nextSeq;
    this.nextSeq = (this.nextSeq % 15) + 1;
    return s;
  }

  private pump(): void {
    if (this.outstanding || this.pendingBytes === 0 || this.closed) return;
    const room = this.o.maxPayload - 4;
    const parts: Buffer[] = [];
    let n = 0;
    while (n < room && this.pending.length > 0) {
      const head = this.pending[0] as Buffer;
      const take = Math.min(room - n, head.length);
      parts.push(head.subarray(0, take));
      n += take;
      if (take === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(take);
    }
    this.pendingBytes -= n;
    this.outstanding = { seq: this.takeSeq(), data: Buffer.concat(parts), tries: 0 };
    this.transmit();
  }

  private transmit(): void {
    const out = this.outstanding;
    if (!out) return;
    this.o.send({ packetSeq: out.seq, ackSeq: 0, acceptedCount: 0, opStatus: 0, data: out.data });
    this.stats.sent++;
    this.timer = this.o.clock.setTimeout(() => this.onTimeout(), this.o.retryIntervalMs);
  }

  private onTimeout(): void {
    this.timer = null;
    const out = this.outstanding;
    if (!out || this.closed) return;
    if (out.tries >= this.o.retryCount) {
      this.stats.givenUp++;
      this.o.onGiveUp?.(out.seq);
      this.outstanding = null;
      this.pump();
      return;
    }
    out.tries++;
    this.stats.retransmits++;
    this.transmit();
  }

  private stopTimer(): void {
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
