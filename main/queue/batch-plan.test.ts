/**
 * The batching rule of DESIGN §5 as properties: every non-final batch holds at least minBatch ballots
 * and fits one request; while polls are open at least minBatch stay behind, and fewer than 2 × minBatch;
 * at close everything goes, the final batch last and within one request.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchLimitsProblem, planClosingBatches, planOpenBatches } from './batch-plan';

const limits = fc
  .record({ minBatch: fc.integer({ min: 1, max: 50 }), extra: fc.integer({ min: 0, max: 200 }) })
  .map(({ minBatch, extra }) => ({ minBatch, maxBatch: minBatch + 1 + extra }));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('batch plan', () => {
  it('while open: batches of minBatch…maxBatch−1, leaving minBatch…2·minBatch−1 queued', () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 0, max: 5000 }), ({ minBatch, maxBatch }, queued) => {
        const sizes = planOpenBatches(queued, minBatch, maxBatch);
        for (const s of sizes) {
          expect(s).toBeGreaterThanOrEqual(minBatch);
          expect(s).toBeLessThanOrEqual(maxBatch - 1);
        }
        const left = queued - sum(sizes);
        if (queued >= 2 * minBatch) expect(left).toBeGreaterThanOrEqual(minBatch);
        else expect(sizes).toEqual([]);
        expect(left).toBeLessThan(2 * minBatch);
      }),
    );
  });

  it('at close: everything goes, non-final batches of at least minBatch, the final one fitting a request', () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 0, max: 5000 }), ({ minBatch, maxBatch }, queued) => {
        const { batches, final } = planClosingBatches(queued, minBatch, maxBatch);
        expect(sum(batches) + final).toBe(queued);
        for (const s of batches) {
          expect(s).toBeGreaterThanOrEqual(minBatch);
          expect(s).toBeLessThanOrEqual(maxBatch - 1);
        }
        expect(final).toBeGreaterThanOrEqual(0);
        expect(final).toBeLessThanOrEqual(maxBatch - 1);
        // When there was enough for it, the final batch keeps the privacy of minBatch too.
        if (queued >= minBatch && 2 * minBatch <= maxBatch - 1)
          expect(final).toBeGreaterThanOrEqual(minBatch);
      }),
    );
  });

  it('examples: DESIGN §5 with minBatch 20', () => {
    expect(planOpenBatches(39, 20, 1000)).toEqual([]);
    expect(planOpenBatches(40, 20, 1000)).toEqual([20]);
    expect(planOpenBatches(57, 20, 1000)).toEqual([37]);
    expect(planOpenBatches(2500, 20, 1000)).toEqual([999, 999, 482]);
    expect(planClosingBatches(0, 20, 1000)).toEqual({ batches: [], final: 0 });
    expect(planClosingBatches(7, 20, 1000)).toEqual({ batches: [], final: 7 });
    expect(planClosingBatches(1005, 20, 1000)).toEqual({ batches: [985], final: 20 });
  });

  it('refuses limits that leave no room for a batch', () => {
    expect(batchLimitsProblem(20, 20)).toMatch(/must exceed privacy.minBatch/);
    expect(batchLimitsProblem(20, 21)).toBeUndefined();
    expect(() => planOpenBatches(100, 20, 20)).toThrow(RangeError);
  });
});
