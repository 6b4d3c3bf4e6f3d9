/** Small timing helpers: medians of repeated runs, and the process's peak memory. */

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
