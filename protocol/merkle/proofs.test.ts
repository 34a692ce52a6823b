/**
 * Proof creation (proof-nodes.ts through MemoryTree) against verification (verify.ts), the RFC 6962
 * reference proofs, and the literal recursive definitions of RFC 9162 §2.1.3.1 / §2.1.4.1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes';
import { CompactRange } from './compact-range';
import { leafHash, nodeHash } from './hash';
import { MemoryTree } from './memory-tree';
import { consistencyNodes, inclusionNodes, proofFromNodeHashes } from './proof-nodes';
import { REFERENCE_LEAVES, REFERENCE_ROOTS } from './rfc6962-reference';
import { rootFromLeafHashes } from './root';
import { verifyConsistency, verifyInclusion } from './verify';

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]), written literally. */
function path(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const k = largestPowerOfTwoBelow(d.length);
  return m < k
    ? [...path(m, d.slice(0, k)), rootFromLeafHashes(d.slice(k))]
    : [...path(m - k, d.slice(k)), rootFromLeafHashes(d.slice(0, k))];
}

/** RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b), written literally. */
function subproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [rootFromLeafHashes(d)];
  const k = largestPowerOfTwoBelow(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), rootFromLeafHashes(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), rootFromLeafHashes(d.slice(0, k))];
}

function leaves(n: number, salt = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(new Uint8Array([i & 255, (i >> 8) & 255, salt & 255])));
}

function flipBit(hashes: Uint8Array[], which: number, bit: number): Uint8Array[] {
  return hashes.map((h, i) => {
    if (i !== which) return h;
    const copy = h.slice();
    copy[bit >> 3]! ^= 1 << (bit & 7);
    return copy;
  });
}

const hex = (list: Uint8Array[]) => list.map(toHex);

describe('MemoryTree over the RFC 6962 reference tree', () => {
  const tree = MemoryTree.fromLeafHashes(REFERENCE_LEAVES.map(leafHash));

  it('gives the reference root for every size', () => {
    for (let n = 0; n <= 8; n++) expect(toHex(tree.root(n))).toBe(toHex(REFERENCE_ROOTS[n]!));
  });

  it('gives the reference inclusion proofs (transparency-dev testdata, RFC 6962 test data)', () => {
    const proof = tree.inclusionProof(5, 8);
    expect(proof.ok && hex(proof.value)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    const proof0 = tree.inclusionProof(0, 8);
    expect(proof0.ok && hex(proof0.value)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
  });

  it('reproduces every happy-path vector proof from its leaves', () => {
    const v = (b64: string) => toHex(new Uint8Array(Buffer.from(b64, 'base64')));
    // consistency/2/happy-path.json: 2 → 5.
    const c = tree.consistencyProof(2, 5);
    expect(c.ok && hex(c.value)).toEqual([
      v('Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4='),
      v('vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms='),
    ]);
    expect(toHex(tree.root(2))).toBe(v('+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU='));
  });
});

describe('created proofs', () => {
  it('equal the literal RFC 9162 definitions and verify, for every index and size up to 40', () => {
    const all = leaves(40);
    const tree = MemoryTree.fromLeafHashes(all);
    for (let size = 1; size <= 40; size++) {
      const d = all.slice(0, size);
      const root = tree.root(size);
      expect(toHex(root)).toBe(toHex(rootFromLeafHashes(d)));
      for (let i = 0; i < size; i++) {
        const proof = tree.inclusionProof(i, size);
        if (!proof.ok) throw new Error(proof.error);
        expect(hex(proof.value), `inclusion ${i} in ${size}`).toEqual(hex(path(i, d)));
        expect(verifyInclusion(i, size, all[i]!, proof.value, root).ok).toBe(true);
      }
      for (let m = 1; m <= size; m++) {
        const proof = tree.consistencyProof(m, size);
        if (!proof.ok) throw new Error(proof.error);
        expect(hex(proof.value), `consistency ${m} → ${size}`).toEqual(
          hex(m === size ? [] : subproof(m, d, true)),
        );
        expect(verifyConsistency(m, size, proof.value, tree.root(m), root).ok).toBe(true);
      }
    }
  });

  it('verify for random trees, and fail with one bit flipped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.integer(),
        (size, a, b, bit, salt) => {
          const hashes = leaves(size, salt);
          const tree = MemoryTree.fromLeafHashes(hashes);
          const root = tree.root();
          const range = CompactRange.empty();
          for (const h of hashes) range.append(h);
          expect(toHex(range.root())).toBe(toHex(root));
          expect(toHex(rootFromLeafHashes(hashes))).toBe(toHex(root));

          const index = a % size;
          const incl = tree.inclusionProof(index, size);
          if (!incl.ok) throw new Error(incl.error);
          expect(verifyInclusion(index, size, hashes[index]!, incl.value, root).ok).toBe(true);
          const badLeaf = flipBit([hashes[index]!], 0, bit % 256)[0]!;
          expect(verifyInclusion(index, size, badLeaf, incl.value, root).ok).toBe(false);
          if (incl.value.length > 0) {
            const bad = flipBit(incl.value, b % incl.value.length, bit % 256);
            expect(verifyInclusion(index, size, hashes[index]!, bad, root).ok).toBe(false);
          }

          const size1 = 1 + (b % size);
          const cons = tree.consistencyProof(size1, size);
          if (!cons.ok) throw new Error(cons.error);
          const root1 = tree.root(size1);
          expect(verifyConsistency(size1, size, cons.value, root1, root).ok).toBe(true);
          expect(
            verifyConsistency(size1, size, cons.value, flipBit([root1], 0, bit % 256)[0]!, root).ok,
          ).toBe(false);
          if (cons.value.length > 0) {
            const bad = flipBit(cons.value, a % cons.value.length, bit % 256);
            expect(verifyConsistency(size1, size, bad, root1, root).ok).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('need no rebuild: nodes of a proof are perfect subtrees, and at most one is folded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 52 }), fc.nat(), (size, a) => {
        const index = a % size;
        const nodes = inclusionNodes(index, size);
        if (!nodes.ok) throw new Error(nodes.error);
        for (const id of nodes.value.ids) expect((id.index + 1) * 2 ** id.level).toBeLessThanOrEqual(size);
        expect(nodes.value.ids.length).toBeLessThanOrEqual(2 * 53);
      }),
    );
  });

  it('fold the ephemeral node from its perfect parts', () => {
    // Size 7, leaf 0: the proof's last hash is MTH(leaves 4..6), not a stored node.
    const hashes = leaves(7);
    const nodes = inclusionNodes(0, 7);
    if (!nodes.ok) throw new Error(nodes.error);
    expect(nodes.value.ids).toEqual([
      { level: 0, index: 1 },
      { level: 1, index: 1 },
      { level: 0, index: 6 },
      { level: 1, index: 2 },
    ]);
    expect(nodes.value.ephemeral).toEqual({ id: { level: 2, index: 1 }, begin: 2, end: 4 });
    const tree = MemoryTree.fromLeafHashes(hashes);
    const proof = proofFromNodeHashes(
      nodes.value,
      nodes.value.ids.map((id) => tree.node(id)),
    );
    expect(toHex(proof[2]!)).toBe(toHex(nodeHash(tree.node({ level: 1, index: 2 }), hashes[6]!)));
  });
});

describe('refusals', () => {
  const tree = MemoryTree.fromLeafHashes(leaves(5));

  it('explain a bad request for a proof', () => {
    expect(tree.inclusionProof(5, 5)).toEqual({
      ok: false,
      error: 'leaf index 5 is not below the tree size 5',
    });
    expect(tree.inclusionProof(0, 6)).toEqual({
      ok: false,
      error: 'tree size 6 is beyond the 5 leaves of the tree',
    });
    expect(tree.consistencyProof(4, 3)).toEqual({ ok: false, error: 'old size 4 is larger than new size 3' });
    expect(tree.consistencyProof(0, 3).ok).toBe(false);
    expect(tree.consistencyProof(3, 3)).toEqual({ ok: true, value: [] });
    expect(inclusionNodes(-1, 3).ok).toBe(false);
    expect(consistencyNodes(1.5, 3).ok).toBe(false);
  });

  it('explain a bad proof', () => {
    const proof = tree.inclusionProof(2, 5);
    if (!proof.ok) throw new Error(proof.error);
    const root = tree.root();
    const short = verifyInclusion(2, 5, tree.leafHash(2), proof.value.slice(1), root);
    expect(short).toEqual({
      ok: false,
      error: 'proof has 2 hashes; leaf 2 in a tree of 5 needs exactly 3',
    });
    const wrong = verifyInclusion(2, 5, tree.leafHash(3), proof.value, root);
    expect(!wrong.ok && wrong.error).toMatch(/^inclusion proof for leaf 2 leads to root [0-9a-f]{16}…, not/);
    const cut = verifyInclusion(2, 5, tree.leafHash(2), [proof.value[0]!.slice(1)], root);
    expect(cut).toEqual({ ok: false, error: 'proof hash 0 is 31 bytes, not 32' });
    const notBytes = verifyInclusion(2, 5, tree.leafHash(2), ['x' as unknown as Uint8Array], root);
    expect(notBytes).toEqual({ ok: false, error: 'proof hash 0 is not bytes' });
    const huge = verifyInclusion(2 ** 64 - 1, 5, tree.leafHash(2), [], root);
    expect(!huge.ok && huge.error).toMatch(/not an integer/);
    const c = verifyConsistency(2, 5, [], tree.root(2), root);
    expect(c).toEqual({ ok: false, error: 'proof has 0 hashes; from size 2 to 5 needs exactly 2' });
    const same = verifyConsistency(5, 5, [], tree.root(2), root);
    expect(same).toEqual({ ok: false, error: 'same size 5 but different roots' });
    const emptyOld = verifyConsistency(0, 5, [], fromHex('00'.repeat(32)), root);
    expect(!emptyOld.ok && emptyOld.error).toMatch(/empty tree/);
  });
});
