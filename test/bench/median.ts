/** Median of the benchmark's repeated runs (the mean of the middle two for an even count); NaN for none. */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The fastest of the benchmark's repeated runs. */
export function fastest<T extends { ms: number }>(runs: T[]): T {
  if (runs.length === 0) throw new RangeError('fastest: no runs');
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}
