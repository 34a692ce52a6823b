import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes';
import { leafHash, nodeHash, EMPTY_ROOT } from './hash';
import { REFERENCE_LEAVES, REFERENCE_ROOTS } from './rfc6962-reference';
import { rootFromLeafHashes } from './root';

/** RFC 9162 §2.1.1 MTH written literally (recursive split at the largest power of two below n). */
function mth(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return EMPTY_ROOT;
  if (hashes.length === 1) return hashes[0]!;
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return nodeHash(mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}

describe('rootFromLeafHashes (RFC 9162 §2.1.1)', () => {
  const leaves = REFERENCE_LEAVES.map(leafHash);

  it('matches the RFC 6962 reference roots for every size 0..8', () => {
    for (let n = 0; n <= 8; n++) {
      expect(toHex(rootFromLeafHashes(leaves.slice(0, n))), `size ${n}`).toBe(toHex(REFERENCE_ROOTS[n]!));
    }
  });

  it('equals the literal recursive definition for any size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), fc.integer(), (n, salt) => {
        const hashes = Array.from({ length: n }, (_, i) => leafHash(new Uint8Array([i, i >> 8, salt & 255])));
        expect(toHex(rootFromLeafHashes(hashes))).toBe(toHex(mth(hashes)));
      }),
      { numRuns: 60 },
    );
  });

  it('does not hand out the shared empty root', () => {
    const r = rootFromLeafHashes([]);
    r[0] = 0;
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('refuses a leaf hash of the wrong length (a bug in the caller)', () => {
    expect(() => rootFromLeafHashes([new Uint8Array(31)])).toThrow(/leaf hash 0 is 31 bytes/);
  });
});
