import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes';
import { CompactRange } from './compact-range';
import { leafHash } from './hash';
import { REFERENCE_LEAVES, REFERENCE_ROOTS } from './rfc6962-reference';
import { rootFromLeafHashes } from './root';

function leaves(n: number, salt = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(new Uint8Array([i & 255, i >> 8, salt & 255])));
}

describe('CompactRange', () => {
  it('gives the RFC 6962 reference root after each append', () => {
    const range = CompactRange.empty();
    expect(toHex(range.root())).toBe(toHex(REFERENCE_ROOTS[0]!));
    REFERENCE_LEAVES.forEach((data, i) => {
      range.append(leafHash(data));
      expect(range.size).toBe(i + 1);
      expect(toHex(range.root())).toBe(toHex(REFERENCE_ROOTS[i + 1]!));
    });
  });

  it('reports every perfect subtree once, bottom-up, each the MTH of its leaves', () => {
    const hashes = leaves(13);
    const seen: string[] = [];
    const range = CompactRange.empty();
    for (const h of hashes) {
      range.append(h, (level, index, hash) => {
        const subtree = hashes.slice(index * 2 ** level, (index + 1) * 2 ** level);
        expect(toHex(hash)).toBe(toHex(rootFromLeafHashes(subtree)));
        seen.push(`${level}:${index}`);
      });
    }
    // 13 leaves, 6 level-1 nodes, 3 level-2 nodes, 1 level-3 node.
    expect(seen.length).toBe(13 + 6 + 3 + 1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(-4)).toEqual(['0:11', '1:5', '2:2', '0:12']);
  });

  it('restores from stored nodes and from its bytes, and keeps appending the same way', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40 }), (n, more) => {
        const hashes = leaves(n + more);
        const stored = new Map<string, Uint8Array>();
        const full = CompactRange.empty();
        hashes.slice(0, n).forEach((h) => full.append(h, (l, i, hash) => stored.set(`${l}:${i}`, hash)));

        const fromNodes = CompactRange.fromNodes(n, (id) => stored.get(`${id.level}:${id.index}`)!);
        const parsed = CompactRange.deserialize(full.serialize());
        if (!parsed.ok) throw new Error(parsed.error);
        expect(parsed.value.serialize()).toEqual(full.serialize());
        expect(parsed.value.serialize().length).toBe(8 + 32 * full.hashes().length);

        for (const r of [full, fromNodes, parsed.value]) {
          for (const h of hashes.slice(n)) r.append(h);
          expect(r.size).toBe(n + more);
          expect(toHex(r.root())).toBe(toHex(rootFromLeafHashes(hashes)));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('refuses malformed bytes with a reason', () => {
    expect(CompactRange.deserialize(new Uint8Array(3))).toEqual({
      ok: false,
      error: 'compact range is 3 bytes, shorter than its 8-byte size',
    });
    const three = CompactRange.empty();
    for (const h of leaves(3)) three.append(h);
    const bytes = three.serialize();
    expect(CompactRange.deserialize(bytes.slice(0, -1))).toEqual({
      ok: false,
      error: 'compact range of size 3 must be 72 bytes, got 71',
    });
    const huge = new Uint8Array(8).fill(255);
    expect(CompactRange.deserialize(huge).ok).toBe(false);
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = CompactRange.deserialize(bytes);
        if (r.ok) expect(r.value.serialize()).toEqual(bytes);
      }),
    );
  });

  it('treats wrong hash lengths and counts as caller bugs', () => {
    expect(() => CompactRange.empty().append(new Uint8Array(31))).toThrow(/leaf hash is 31 bytes/);
    expect(() => CompactRange.fromHashes(3, leaves(1))).toThrow(/has 2 hashes, got 1/);
  });

  it('hands out copies, so callers cannot change its state', () => {
    const range = CompactRange.empty();
    range.append(leaves(1)[0]!);
    const before = toHex(range.root());
    range.hashes()[0]!.fill(0);
    range.root().fill(0);
    expect(toHex(range.root())).toBe(before);
  });
});
