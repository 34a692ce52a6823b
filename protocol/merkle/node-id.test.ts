import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitLength, isPowerOfTwo, popCount, shiftRight, trailingZeros, xor } from './bits';
import { coverage, rangeNodes, siblingOf, parentOf } from './node-id';

const safe = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

describe('53-bit bit arithmetic (against BigInt)', () => {
  it('bitLength, trailingZeros, popCount, xor, shiftRight', () => {
    fc.assert(
      fc.property(safe, safe, fc.integer({ min: 0, max: 60 }), (a, b, k) => {
        const A = BigInt(a);
        expect(bitLength(a)).toBe(a === 0 ? 0 : A.toString(2).length);
        expect(trailingZeros(a)).toBe(
          a === 0 ? 64 : A.toString(2).length - A.toString(2).lastIndexOf('1') - 1,
        );
        expect(popCount(a)).toBe([...A.toString(2)].filter((c) => c === '1').length);
        expect(BigInt(xor(a, b))).toBe(A ^ BigInt(b));
        expect(BigInt(shiftRight(a, k))).toBe(A >> BigInt(k));
      }),
    );
    expect(bitLength(2 ** 53 - 1)).toBe(53);
    expect(trailingZeros(2 ** 52)).toBe(52);
    expect(isPowerOfTwo(2 ** 40)).toBe(true);
    expect(isPowerOfTwo(0)).toBe(false);
    expect(isPowerOfTwo(6)).toBe(false);
  });
});

describe('node ids', () => {
  it('parent, sibling and coverage agree', () => {
    expect(parentOf({ level: 0, index: 5 })).toEqual({ level: 1, index: 2 });
    expect(siblingOf({ level: 2, index: 5 })).toEqual({ level: 2, index: 4 });
    expect(coverage({ level: 2, index: 1 })).toEqual({ begin: 4, end: 8 });
  });

  it('rangeNodes covers [begin, end) exactly, left to right, with aligned perfect subtrees', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 40 }), (x, y) => {
        const [begin, end] = x <= y ? [x, y] : [y, x];
        let pos = begin;
        for (const id of rangeNodes(begin, end)) {
          const c = coverage(id);
          expect(c.begin).toBe(pos);
          pos = c.end;
        }
        expect(pos).toBe(end);
        if (begin === 0) expect(rangeNodes(0, end).length).toBe(popCount(end));
        expect(rangeNodes(begin, end).length).toBeLessThanOrEqual(2 * 41);
      }),
    );
    expect(rangeNodes(6, 29)).toEqual([
      { level: 1, index: 3 },
      { level: 3, index: 1 },
      { level: 3, index: 2 },
      { level: 2, index: 6 },
      { level: 0, index: 28 },
    ]);
  });
});
