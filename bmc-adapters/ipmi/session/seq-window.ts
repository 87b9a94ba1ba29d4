/**
 * Inbound session sequence check (IPMI v2.0 §6.12.13): accept numbers ahead of the
 * highest seen, and up to `behind` numbers below it once each; reject duplicates and
 * anything older. Ahead is not capped: a lossy link can skip many numbers and we must
 * not lock ourselves out of the session.
 */
export class SeqWindow {
  private highest: number | undefined;
  /** Bit i set: highest - 1 - i was already received. */
  private seen = 0;
  constructor(private readonly behind = 32) {}

  accept(seq: number): boolean {
    if (this.highest === undefined) {
      this.highest = seq >>> 0;
      return true;
    }
    const d = (seq - this.highest) | 0; // signed 32-bit distance handles wrap-around
    if (d > 0) {
      this.seen = d >= 32 ? 0 : ((this.seen << d) | (1 << (d - 1))) >>> 0;
      this.highest = seq >>> 0;
      return true;
    }
    if (d === 0) return false;
    const back = -d;
    if (back > this.behind || back > 32) return false;
    const bit = 1 << (back - 1);
    if (this.seen & bit) return false;
    this.seen = (this.seen | bit) >>> 0;
    return true;
  }

  reset(): void {
    this.highest = undefined;
    this.seen = 0;
  }
}
