import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../protocol/hash';
import { HashIndex } from './hash-index';

describe('HashIndex', () => {
  it('behaves as a Map from the first 16 bytes of a key to the first index stored', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 32 }), fc.nat(1_000_000)), {
          maxLength: 400,
        }),
        (pairs) => {
          const index = new HashIndex(16);
          const model = new Map<string, number>();
          for (const [key, value] of pairs) {
            const k = Buffer.from(key.subarray(0, 16)).toString('hex');
            const before = index.setIfAbsent(key, value);
            expect(before).toBe(model.get(k));
            if (!model.has(k)) model.set(k, value);
          }
          expect(index.size).toBe(model.size);
          for (const [key] of pairs) {
            expect(index.get(key)).toBe(model.get(Buffer.from(key.subarray(0, 16)).toString('hex')));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('grows past its initial capacity and keeps every key (100,000 hashes)', () => {
    const index = new HashIndex(16);
    let clashes = 0;
    for (let i = 0; i < 100_000; i++) {
      if (index.setIfAbsent(sha256(new Uint8Array([i & 255, i >> 8, i >> 16])), i) !== undefined) clashes++;
    }
    expect(clashes).toBe(0);
    expect(index.size).toBe(100_000);
    expect(index.get(sha256(new Uint8Array([7, 0, 0])))).toBe(7);
    expect(index.setIfAbsent(sha256(new Uint8Array([57 & 255, 0, 0])), 5)).toBe(57);
    expect(index.bytes).toBeLessThan(100_000 * 20 * 3);
  });

  it('refuses keys shorter than 16 bytes and indexes it cannot store', () => {
    const index = new HashIndex();
    expect(() => index.get(new Uint8Array(8))).toThrow(RangeError);
    expect(() => index.setIfAbsent(new Uint8Array(16), -1)).toThrow(RangeError);
  });
});
