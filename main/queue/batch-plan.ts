/**
 * How many ballots go into each batch (DESIGN §5 "Batching for privacy"), as pure arithmetic:
 * - while polls are open, a batch is formed only when at least 2 × minBatch ballots are queued, and it
 *   takes all but minBatch of them, so every batch holds at least minBatch ballots and at least minBatch
 *   stay behind to hide the next voters among;
 * - one request holds at most maxBatch entries (DESIGN §6), the manifest and its ballots, so a batch
 *   holds at most maxBatch − 1 ballots; after a long outage several batches are formed at once;
 * - at close, the rest goes out: non-final batches while it does not fit one request, then the
 *   `final` batch, which may be smaller than minBatch, or empty (count 0) when nothing remains, because
 *   the final batch is what tells the ledger and the audit that this kiosk has no more ballots.
 */

/** The largest batch one request can carry: maxBatch entries minus the manifest. */
export function batchCapacity(maxBatch: number): number {
  return maxBatch - 1;
}

/** Whether a package's limits allow batching at all; the message says what to fix. */
export function batchLimitsProblem(minBatch: number, maxBatch: number): string | undefined {
  return batchCapacity(maxBatch) < minBatch
    ? `limits.maxBatch (${maxBatch}) must exceed privacy.minBatch (${minBatch}): a request holds the manifest and its ballots`
    : undefined;
}

function requireLimits(minBatch: number, maxBatch: number): number {
  const problem = batchLimitsProblem(minBatch, maxBatch);
  if (problem) throw new RangeError(problem);
  if (!Number.isSafeInteger(minBatch) || minBatch < 1)
    throw new RangeError('minBatch must be a positive integer');
  return batchCapacity(maxBatch);
}

/** Sizes of the batches to form now, while polls are open, from `queued` ballots. */
export function planOpenBatches(queued: number, minBatch: number, maxBatch: number): number[] {
  const cap = requireLimits(minBatch, maxBatch);
  const sizes: number[] = [];
  let n = queued;
  while (n >= 2 * minBatch) {
    const take = Math.min(n - minBatch, cap);
    sizes.push(take);
    n -= take;
  }
  return sizes;
}

/** At close: the non-final batches needed for the rest to fit one request, then the final batch's size. */
export function planClosingBatches(
  queued: number,
  minBatch: number,
  maxBatch: number,
): { readonly batches: number[]; readonly final: number } {
  const cap = requireLimits(minBatch, maxBatch);
  const batches: number[] = [];
  let n = queued;
  while (n > cap) {
    // Leave at least minBatch for the final batch when that still gives a full non-final batch.
    const take = Math.max(minBatch, Math.min(cap, n - minBatch));
    batches.push(take);
    n -= take;
  }
  return { batches, final: n };
}
