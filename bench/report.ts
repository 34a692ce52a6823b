/**
 * What a benchmark file exports, and the timing helper they share. Figures are for one core (the
 * benchmarks run on the main thread), after a warm-up, over enough iterations to be stable.
 */

/** Records one figure: a name, a value, its unit and an optional note (method, caveat). */
export type Report = (name: string, value: number, unit: string, note?: string) => void;

export interface BenchModule {
  run(report: Report): Promise<void>;
}

export interface Timing {
  /** Operations per second over the measured run. */
  readonly opsPerSecond: number;
  readonly iterations: number;
}

/** Seconds each measurement runs for; `BENCH_SECONDS` shortens or lengthens every benchmark. */
export function benchSeconds(): number {
  const s = Number(process.env['BENCH_SECONDS'] ?? '2');
  return Number.isFinite(s) && s > 0 ? s : 2;
}

/**
 * Runs `op` for a warm-up (a quarter of the time), then in growing batches until `seconds` have passed,
 * and returns operations per second. `op(i)` gets the iteration number, to vary its input.
 */
export function measure(op: (i: number) => void, seconds = benchSeconds()): Timing {
  const warmUntil = performance.now() + (seconds * 1000) / 4;
  let i = 0;
  while (performance.now() < warmUntil) op(i++);
  const start = performance.now();
  const end = start + seconds * 1000;
  let iterations = 0;
  let batch = 1;
  let now = start;
  while (now < end) {
    for (let k = 0; k < batch; k++) op(i++);
    iterations += batch;
    now = performance.now();
    if (now - start < 50) batch *= 2;
  }
  return { opsPerSecond: (iterations * 1000) / (now - start), iterations };
}

/** Median wall time in milliseconds of `runs` calls of `op` (after one untimed warm-up call). */
export function medianMs(op: () => void, runs = 3): number {
  op();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    op();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
