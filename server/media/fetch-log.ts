import type { FetchSummary } from '../wire.ts';
/**
 * Who fetched which media file, how much, how fast. BMCs read an ISO as many
 * Range requests, so besides every request the log keeps, per target and
 * file, the union of byte ranges delivered: "the BMC has read 12 of 16 MB".
 * In memory (bounded); completed records also go to an injectable sink (the
 * audit / DB layer), so persistence is someone else's concern.
 */
export interface FetchRecord {
  id: number;
  target: string;
  file: string;
  client: string;
  userAgent: string | undefined;
  method: 'GET' | 'HEAD';
  status: number;
  fileSize: number;
  /** First byte requested (inclusive); -1 for HEAD / 416. */
  rangeStart: number;
  /** Last byte requested (inclusive); -1 for HEAD / 416. */
  rangeEnd: number;
  bytesSent: number;
  startedAt: number;
  endedAt: number | undefined;
  state: 'active' | 'done' | 'aborted';
  /** Average over the request so far. */
  bytesPerSecond: number;
}

export interface FetchSink {
  fetchEnded(r: Readonly<FetchRecord>): void;
}

export type { FetchSummary } from '../wire.ts';

export interface FetchLogOptions {
  now?: () => number;
  /** Records kept in memory (oldest dropped first). */
  keep?: number;
  sink?: FetchSink;
}

type Interval = [number, number]; // [start, endExclusive)

function addInterval(list: Interval[], add: Interval): Interval[] {
  const all = [...list, add].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const iv of all) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else out.push([iv[0], iv[1]]);
  }
  return out;
}

export class FetchLog {
  private readonly records: FetchRecord[] = [];
  private readonly coverage = new Map<string, Interval[]>();
  private nextId = 1;
  private readonly now: () => number;
  private readonly keep: number;
  constructor(private readonly opts: FetchLogOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.keep = opts.keep ?? 2000;
  }

  begin(init: Pick<FetchRecord, 'target' | 'file' | 'client' | 'userAgent' | 'method' | 'status' | 'fileSize' | 'rangeStart' | 'rangeEnd'>): FetchRecord {
    const r: FetchRecord = { ...init, id: this.nextId++, bytesSent: 0, startedAt: this.now(), endedAt: undefined, state: 'active', bytesPerSecond: 0 };
    this.records.push(r);
    if (this.records.length > this.keep) this.records.shift();
    return r;
  }

  progress(r: FetchRecord, bytes: number): void {
    r.bytesSent += bytes;
    const secs = Math.max(0.001, (this.now() - r.startedAt) / 1000);
    r.bytesPerSecond = Math.round(r.bytesSent / secs);
  }

  end(r: FetchRecord, state: 'done' | 'aborted'): void {
    if (r.state !== 'active') return;
    r.state = state;
    r.endedAt = this.now();
    const secs = Math.max(0.001, (r.endedAt - r.startedAt) / 1000);
    r.bytesPerSecond = Math.round(r.bytesSent / secs);
    if (r.bytesSent > 0 && r.rangeStart >= 0) {
      const key = `${r.target}\0${r.file}`;
      this.coverage.set(key, addInterval(this.coverage.get(key) ?? [], [r.rangeStart, r.rangeStart + r.bytesSent]));
    }
    this.opts.sink?.fetchEnded(r);
  }

  list(filter: { target?: string } = {}): FetchRecord[] {
    return this.records.filter((r) => !filter.target || r.target === filter.target).map((r) => ({ ...r }));
  }

  summary(filter: { target?: string } = {}): FetchSummary[] {
    const by = new Map<string, FetchSummary & { secs: number; dataBytes: number }>();
    for (const r of this.records) {
      if (filter.target && r.target !== filter.target) continue;
      const key = `${r.target}\0${r.file}`;
      let s = by.get(key);
      if (!s) {
        // Finished ranges plus what running requests have delivered so far (live progress).
        let cov = this.coverage.get(key) ?? [];
        for (const a of this.records) {
          if (a.state === 'active' && a.bytesSent > 0 && a.rangeStart >= 0 && a.target === r.target && a.file === r.file) {
            cov = addInterval(cov, [a.rangeStart, a.rangeStart + a.bytesSent]);
          }
        }
        s = { target: r.target, file: r.file, fileSize: r.fileSize, bytesCovered: cov.reduce((n, [a, b]) => n + b - a, 0), bytesSent: 0, requests: 0, active: 0, lastAt: 0, bytesPerSecond: 0, secs: 0, dataBytes: 0 };
        by.set(key, s);
      }
      s.requests++;
      s.bytesSent += r.bytesSent;
      if (r.state === 'active') s.active++;
      s.lastAt = Math.max(s.lastAt, r.endedAt ?? r.startedAt);
      if (r.state !== 'active' && r.bytesSent > 0 && r.endedAt !== undefined) {
        s.secs += Math.max(0.001, (r.endedAt - r.startedAt) / 1000);
        s.dataBytes += r.bytesSent;
      }
    }
    return [...by.values()].map(({ secs, dataBytes, ...s }) => ({ ...s, bytesPerSecond: secs ? Math.round(dataBytes / secs) : 0 }));
  }
}
