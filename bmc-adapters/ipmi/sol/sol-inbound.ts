/**
 * Duplicate detection for the BMC's SOL packets (IPMI v2.0 §15.9), no I/O.
 *
 * What the spec allows the BMC: one data packet outstanding at a time, numbered 1..15
 * (0 = ACK-only), resent under the same number until we ACK it or it gives up, and the
 * next packet only after that. So, against the last packet we took (L):
 *
 * - number L: a resend of L (our ACK was lost). Same characters, sometimes more appended
 *   since (ipmi_sim; FreeIPMI's ipmiconsole and ipmitool deliver only the bytes beyond the
 *   count they already took), its ACK fields may differ. ACK it again (the BMC is waiting
 *   for that), deliver only what is new.
 * - the number of one of the few packets before L, with the same characters (or a prefix
 *   of them, or those plus more), shortly after L arrived: a late copy (a resend the
 *   network delayed or duplicated). The BMC is long done with it (it sent L), so nothing
 *   is delivered, it is not ACKed (the BMC does not wait for it, and an ACK for a number
 *   it is not waiting for is at best ignored) and its old ACK fields are not used.
 * - anything else is a new packet: after 15 packets the numbers come round again, and a
 *   BMC that gave up on packets we never saw skips numbers. The history is shorter than
 *   15 so L+1 is never in it, entries expire a few seconds after being superseded, and a
 *   remembered packet only matches with related characters: a late copy must match on all
 *   three, a new packet practically never does.
 *
 * ipmitool and ipmiconsole compare with the last packet's number only, so a late copy of
 * an older packet arriving after a newer one is delivered twice there.
 */

export type SolInboundKind = 'new' | 'resend' | 'late';

export interface SolInboundVerdict {
  kind: SolInboundKind;
  /** Characters for the console; empty when everything was delivered before. */
  deliver: Buffer;
  /** ACK to send (number and accepted count), or undefined for none. */
  ack: { seq: number; count: number } | undefined;
  /** Whether the packet's own ACK/NACK fields are current (false for a late copy). */
  useAckFields: boolean;
}

export interface SolInboundOptions {
  now(): number;
  /** Packets before the last one that are remembered; at most 13 (default 7). */
  history?: number;
  /** How long after being superseded a packet may still arrive as a late copy (default 5000 ms). */
  lateMs?: number;
}

interface Seen {
  seq: number;
  /** The longest copy seen: everything delivered under this number. */
  data: Buffer;
  supersededAt: number;
}

/** True when one buffer starts with the other (a resend may carry characters appended). */
function related(a: Buffer, b: Buffer): boolean {
  return a.length <= b.length ? b.subarray(0, a.length).equals(a) : a.subarray(0, b.length).equals(b);
}

export class SolInboundFilter {
  private last: { seq: number; data: Buffer } | undefined;
  private older: Seen[] = [];
  private readonly history: number;
  private readonly lateMs: number;

  constructor(private readonly o: SolInboundOptions) {
    this.history = Math.max(0, Math.min(13, o.history ?? 7));
    this.lateMs = o.lateMs ?? 5000;
  }

  /** A new activation: the BMC numbers from scratch, nothing seen so far counts. */
  reset(): void {
    this.last = undefined;
    this.older = [];
  }

  /**
   * Classifies a packet with a non-zero sequence number. `sessionDuplicate`: the session
   * layer saw this exact datagram before (same session sequence number); such a packet may
   * only repair a lost ACK of the last packet, never deliver (a replay must not type).
   */
  accept(seq: number, data: Buffer, sessionDuplicate = false): SolInboundVerdict {
    const empty = Buffer.alloc(0);
    const last = this.last;
    if (sessionDuplicate) {
      if (last && last.seq === seq && related(last.data, data)) return { kind: 'resend', deliver: empty, ack: { seq, count: last.data.length }, useAckFields: false };
      return { kind: 'late', deliver: empty, ack: undefined, useAckFields: false };
    }
    if (last && last.seq === seq && related(last.data, data)) {
      const fresh = data.length > last.data.length ? data.subarray(last.data.length) : empty;
      if (fresh.length > 0) last.data = data;
      // ACK everything delivered under this number, even for a shorter, reordered copy:
      // a smaller count would read as a partial accept and bring the tail again.
      return { kind: 'resend', deliver: fresh, ack: { seq, count: last.data.length }, useAckFields: true };
    }
    const now = this.o.now();
    const late = this.older.find((h) => h.seq === seq && now - h.supersededAt <= this.lateMs && related(h.data, data));
    if (late) return { kind: 'late', deliver: empty, ack: undefined, useAckFields: false };
    // A new packet. Whatever was remembered under its number is from before the wrap.
    this.older = this.older.filter((h) => h.seq !== seq);
    if (last) {
      this.older.push({ ...last, supersededAt: now });
      if (this.older.length > this.history) this.older.splice(0, this.older.length - this.history);
    }
    this.last = { seq, data };
    return { kind: 'new', deliver: data, ack: { seq, count: data.length }, useAckFields: true };
  }
}
