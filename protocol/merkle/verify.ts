/**
 * Verification of inclusion (RFC 9162 §2.1.3.2) and consistency (RFC 9162 §2.1.4.2) proofs, following
 * the RFC's algorithms step by step. A bad proof is an expected failure, returned as a Result whose
 * message says what is wrong; nothing here throws on input, whatever its shape.
 *
 * Before running the RFC algorithm, the proof length is checked against the exact length the tree shape
 * requires (as transparency-dev/merkle proof/verify.go does), so a truncated or padded proof gets a
 * message saying so rather than a bare "root mismatch".
 */
import { bytesEqual, toHex } from '../bytes';
import { err, ok, type Result } from '../result';
import { bitLength, isPowerOfTwo, isTreeSize, popCount, shiftRight, trailingZeros, xor } from './bits';
import { HASH_SIZE, nodeHash } from './hash';

type Check = Result<void, string>;
const passed: Check = ok(undefined);

function checkHashes(named: readonly (readonly [string, Uint8Array])[]): Check {
  for (const [name, h] of named) {
    if (!(h instanceof Uint8Array)) return err(`${name} is not bytes`);
    if (h.length !== HASH_SIZE) return err(`${name} is ${h.length} bytes, not ${HASH_SIZE}`);
  }
  return passed;
}

function checkProof(proof: readonly Uint8Array[]): Check {
  if (!Array.isArray(proof)) return err('proof is not a list of hashes');
  return checkHashes(proof.map((h, i) => [`proof hash ${i}`, h] as const));
}

function short(h: Uint8Array): string {
  return toHex(h).slice(0, 16);
}

/** Length of the inclusion proof of leaf `index` in a tree of `size`: path below the fork + left border. */
function inclusionProofLength(index: number, size: number): number {
  const inner = bitLength(xor(index, size - 1));
  return inner + popCount(shiftRight(index, inner));
}

/** Length of the consistency proof between 0 < size1 < size2. */
function consistencyProofLength(size1: number, size2: number): number {
  const shift = trailingZeros(size1);
  return (isPowerOfTwo(size1) ? 0 : 1) + inclusionProofLength(size1 - 1, size2) - shift;
}

/** Right-shifts fn and sn together until fn is odd or 0 (RFC 9162 §2.1.3.2 step 4.b.ii). */
function shiftUntilOddOrZero(fn: number, sn: number): [number, number] {
  while (fn % 2 === 0 && fn !== 0) {
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  return [fn, sn];
}

/**
 * The root that an inclusion proof leads to, for leaf `leafIndex` with hash `leafHash` in a tree of
 * `treeSize` leaves (RFC 9162 §2.1.3.2 steps 1–4). Refuses a proof whose shape cannot fit the tree.
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Result<Uint8Array, string> {
  if (!isTreeSize(leafIndex)) return err(`leaf index ${String(leafIndex)} is not an integer ≥ 0 below 2^53`);
  if (!isTreeSize(treeSize)) return err(`tree size ${String(treeSize)} is not an integer ≥ 0 below 2^53`);
  if (leafIndex >= treeSize) return err(`leaf index ${leafIndex} is not below the tree size ${treeSize}`);
  const shapes = checkHashes([['leaf hash', leafHash]]);
  if (!shapes.ok) return shapes;
  const proofShape = checkProof(proof);
  if (!proofShape.ok) return proofShape;
  const want = inclusionProofLength(leafIndex, treeSize);
  if (proof.length !== want) {
    return err(
      `proof has ${proof.length} hashes; leaf ${leafIndex} in a tree of ${treeSize} needs exactly ${want}`,
    );
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return err('proof is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) [fn, sn] = shiftUntilOddOrZero(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  if (sn !== 0) return err('proof is shorter than the path to the root');
  return ok(r);
}

/** RFC 9162 §2.1.3.2: checks that `leafHash` is leaf `leafIndex` of the tree of `treeSize` with `root`. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Check {
  const rootShape = checkHashes([['root', root]]);
  if (!rootShape.ok) return rootShape;
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  if (!computed.ok) return computed;
  if (!bytesEqual(computed.value, root)) {
    return err(
      `inclusion proof for leaf ${leafIndex} leads to root ${short(computed.value)}…, not the expected ` +
        `${short(root)}… of the tree of ${treeSize}`,
    );
  }
  return passed;
}

/**
 * RFC 9162 §2.1.4.2 steps 2–7 up to the comparison: the old and new roots (fr, sr) a consistency proof
 * of the right length leads to, for 0 < size1 < size2.
 */
function rootsFromConsistencyProof(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): Result<{ fr: Uint8Array; sr: Uint8Array }, string> {
  // Step 2: when size1 is a power of two the old root is the first subtree, so it is not sent.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  // Steps 3–4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return err('proof is longer than the path to the new root');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) [fn, sn] = shiftUntilOddOrZero(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn = shiftRight(fn, 1);
    sn = shiftRight(sn, 1);
  }
  // Step 7: sn must reach 0 exactly at the end of the path.
  if (sn !== 0) return err('proof is shorter than the path to the new root');
  return ok({ fr, sr });
}

/**
 * RFC 9162 §2.1.4.2: checks that the tree of `size2` leaves with `root2` extends the tree of `size1`
 * leaves with `root1`. Equal sizes: the proof must be empty and the roots equal. Size 0 is refused
 * (nothing to prove; a witness accepts any first checkpoint without a proof, C2SP tlog-witness).
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Check {
  if (!isTreeSize(size1)) return err(`old size ${String(size1)} is not an integer ≥ 0 below 2^53`);
  if (!isTreeSize(size2)) return err(`new size ${String(size2)} is not an integer ≥ 0 below 2^53`);
  const shapes = checkHashes([
    ['old root', root1],
    ['new root', root2],
  ]);
  if (!shapes.ok) return shapes;
  const proofShape = checkProof(proof);
  if (!proofShape.ok) return proofShape;
  if (size2 < size1) return err(`new size ${size2} is smaller than old size ${size1}`);
  if (size1 === size2) {
    if (proof.length !== 0) return err(`sizes are equal (${size1}), so the proof must be empty`);
    if (!bytesEqual(root1, root2)) return err(`same size ${size1} but different roots`);
    return passed;
  }
  if (size1 === 0) return err('a consistency proof from the empty tree is meaningless');
  // Step 1 (an empty path fails) is covered by the exact length: it is never 0 when size1 < size2.
  const want = consistencyProofLength(size1, size2);
  if (proof.length !== want) {
    return err(`proof has ${proof.length} hashes; from size ${size1} to ${size2} needs exactly ${want}`);
  }
  const roots = rootsFromConsistencyProof(size1, size2, proof, root1);
  if (!roots.ok) return roots;
  const { fr, sr } = roots.value;
  // Step 7 (the rest).
  if (!bytesEqual(fr, root1)) {
    return err(`proof does not lead to the old root ${short(root1)}… of size ${size1} (got ${short(fr)}…)`);
  }
  if (!bytesEqual(sr, root2)) {
    return err(`proof does not lead to the new root ${short(root2)}… of size ${size2} (got ${short(sr)}…)`);
  }
  return passed;
}
