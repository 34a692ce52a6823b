/** The CSPRNG shuffle is a permutation, and does not keep the input order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';
import { csprngShuffle } from './csprng-shuffle';

describe('csprngShuffle', () => {
  it('returns a permutation of its input and leaves the input alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (xs) => {
        const copy = xs.slice();
        const out = csprngShuffle(xs);
        expect(xs).toEqual(copy);
        expect([...out].sort((a, b) => a - b)).toEqual([...xs].sort((a, b) => a - b));
      }),
    );
  });

  it('moves things: 200 shuffles of 12 items give many orders and every item in every place', () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    const orders = new Set<string>();
    const seenAt = items.map(() => new Set<number>());
    for (let r = 0; r < 200; r++) {
      const out = csprngShuffle(items);
      orders.add(out.join(','));
      out.forEach((item, place) => seenAt[item]!.add(place));
    }
    // 12! orders: 200 draws collide with negligible probability; each item lands in all 12 places
    // with probability 1 − 12·(11/12)^200 ≈ 1 − 3e-7.
    expect(orders.size).toBeGreaterThan(195);
    for (const places of seenAt) expect(places.size).toBe(12);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially to the cap, with jitter in the upper half', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, o);
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});
