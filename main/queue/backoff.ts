/**
 * Exponential backoff with jitter for resending to the ledger ("equal jitter": half the delay fixed,
 * half random, so that kiosks coming back after an outage do not all retry in step, yet none retries
 * at once in a loop). Attempt 0 waits about `baseMs`, doubling up to `maxMs`.
 */
import { randomInt } from 'node:crypto';

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 60_000 };

export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const half = Math.floor(ceiling / 2);
  return half + (ceiling - half > 0 ? randomInt(ceiling - half + 1) : 0);
}
