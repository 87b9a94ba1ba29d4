/** One line of the benchmark table in docs/bench.md. */
export interface BenchRow {
  area: string;
  metric: string;
  value: number | string;
  unit: string;
  /** The target, as text (e.g. "<= 1 ms"), when it sets one. */
  target?: string;
  /** Whether value meets target; undefined when there is no target. */
  ok?: boolean;
  note?: string;
}

/** Each bench module under test/bench/ exports `run` and is listed in run.ts. */
export type BenchModule = { run(): Promise<BenchRow[]> };
