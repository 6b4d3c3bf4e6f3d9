export interface BenchOptions {
  /** How many events a suite works with (`--events`). */
  events: number;
  log: (line: string) => void;
}

/** One row group of `npm run bench`; its result lands under its name in the JSON report. */
export interface Suite {
  name: string;
  run(options: BenchOptions): Promise<unknown>;
}
