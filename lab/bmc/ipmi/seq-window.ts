/**
 * Inbound session sequence numbers (IPMI v2.0 §6.12.13): accept numbers a
 * little behind the highest seen (reordered packets) and up to `ahead`
 * beyond it (lost packets), each at most once (replays and duplicates).
 */
export class SeqWindow {
  private top = 0;
  /** Bit i set: number top - i was seen. */
  private seen = 0n;

  constructor(
    private readonly behind = 16,
    private readonly ahead = 32,
  ) {}

  /** Records `seq` and returns true when the packet should be processed. */
  accept(seq: number): boolean {
    if (seq === 0) return false;
    if (this.top === 0) {
      this.top = seq;
      this.seen = 1n;
      return true;
    }
    if (seq > this.top) {
      const shift = seq - this.top;
      if (shift > this.ahead) return false;
      this.seen = ((this.seen << BigInt(shift)) | 1n) & ((1n << 64n) - 1n);
      this.top = seq;
      return true;
    }
    const back = this.top - seq;
    if (back >= this.behind) return false;
    const bit = 1n << BigInt(back);
    if (this.seen & bit) return false;
    this.seen |= bit;
    return true;
  }
}
