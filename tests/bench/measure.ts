/** Small timing helpers: medians of repeated runs, and the process's peak memory. */
import fs from "node:fs";

export async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return round(times[Math.floor(times.length / 2)] ?? 0);
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Peak resident memory of this process so far, in MB (Linux reports kB). */
export function peakRssMb(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

const STATUS = "/proc/self/status";

/**
 * Starts a new peak-memory window, so each phase reports its own peak rather than the process's
 * all-time one (Linux resets VmHWM when 5 is written to clear_refs). Elsewhere: a no-op.
 */
export function resetPeakRss(): void {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not Linux, or not allowed: phasePeakRssMb then reports the all-time peak.
  }
}

/** Peak resident memory since the last resetPeakRss(), in MB. */
export function phasePeakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(STATUS, "utf8"));
    if (match) return round(Number(match[1]) / 1024, 1);
  } catch {
    // Fall through to the all-time figure.
  }
  return peakRssMb();
}

/** Resident memory after a full garbage collection when the bench runs with --expose-gc (it does), in MB. */
export function settledRssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return round(process.memoryUsage.rss() / 1024 / 1024, 1);
}

/** V8 heap in use after a full garbage collection, in MB: what is still held, garbage aside. */
export function settledHeapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return round(process.memoryUsage().heapUsed / 1024 / 1024, 1);
}

const ROUNDS = 10;

/**
 * Median times of two kinds of run, taken in turns after a warm-up round, so that warming up and
 * the machine's load fall on both alike; each run after its `prepare` (awaited when it returns a promise).
 */
export async function interleaved(
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
  prepareFirst: () => unknown = () => undefined,
  prepareSecond: () => unknown = () => undefined,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  const timed = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  for (let turn = 0; turn <= ROUNDS; turn += 1) {
    // Each goes first every other turn: whatever a run leaves behind (garbage) falls on both alike.
    let a: number;
    let b: number;
    if (turn % 2 === 0) {
      await prepareFirst();
      a = await timed(first);
      await prepareSecond();
      b = await timed(second);
    } else {
      await prepareSecond();
      b = await timed(second);
      await prepareFirst();
      a = await timed(first);
    }
    if (turn === 0) continue;
    times[0].push(a);
    times[1].push(b);
  }
  const median = (values: number[]) => round([...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0);
  return [median(times[0]), median(times[1])];
}
