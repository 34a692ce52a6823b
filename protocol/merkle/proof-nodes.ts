/**
 * Which stored nodes make up an inclusion (RFC 9162 §2.1.3.1) or consistency (RFC 9162 §2.1.4.1) proof,
 * so that a ledger holding only perfect-subtree hashes can answer with O(log n) lookups (the approach of
 * transparency-dev/merkle proof/proof.go).
 *
 * A proof is a list of subtree hashes from the bottom of the path up. All are perfect subtrees, stored as
 * they were completed (compact-range.ts), except at most one: the right-border sibling where the path
 * meets the incomplete right edge of the tree. That "ephemeral" node's hash is rebuilt from the perfect
 * subtrees under it, which `ids[ephemeral.begin, ephemeral.end)` lists, lowest level first.
 */
import { err, ok, type Result } from '../result';
import { bitLength, isPowerOfTwo, isTreeSize, shiftRight, trailingZeros, xor } from './bits';
import { HASH_SIZE, nodeHash } from './hash';
import { coverage, parentOf, rangeNodes, siblingOf, type NodeId } from './node-id';

export interface ProofNodes {
  /** The perfect subtrees to fetch, in proof order (with the ephemeral node's parts in its place). */
  readonly ids: readonly NodeId[];
  /** Present when `ids[begin, end)` (two or more nodes) fold into one proof hash, the node `id`. */
  readonly ephemeral: { readonly id: NodeId; readonly begin: number; readonly end: number } | null;
}

/**
 * The nodes proving that node (level, index) is in the tree of `size` leaves, that node first.
 * The path from the node up meets the path to leaf `size` at the "fork" node; below it the proof holds
 * the path's siblings, then the (ephemeral) sibling of the fork, then the perfect subtrees left of the fork.
 */
function pathNodes(level: number, index: number, size: number): ProofNodes {
  const inner = bitLength(xor(index, shiftRight(size, level))) - 1;
  const fork: NodeId = { level: level + inner, index: shiftRight(index, inner) };
  const { begin, end } = coverage(fork);

  const ids: NodeId[] = [{ level, index }];
  for (let node = ids[0]!; node.level < fork.level; node = parentOf(node)) ids.push(siblingOf(node));
  // Right of the fork: the incomplete sibling, as its perfect parts, lowest first (the order they fold in).
  const right = rangeNodes(end, size).reverse();
  const ephemeralBegin = ids.length;
  ids.push(...right);
  // Left of the fork: each perfect subtree that is a left sibling on the way up, lowest first.
  ids.push(...rangeNodes(0, begin).reverse());
  const ephemeral =
    right.length >= 2
      ? { id: siblingOf(fork), begin: ephemeralBegin, end: ephemeralBegin + right.length }
      : null;
  return { ids, ephemeral };
}

/** Drops the first id (the proven node itself, which the verifier already has). */
function skipFirst(nodes: ProofNodes): ProofNodes {
  const e = nodes.ephemeral;
  return {
    ids: nodes.ids.slice(1),
    ephemeral: e ? { id: e.id, begin: e.begin - 1, end: e.end - 1 } : null,
  };
}

/** Nodes of the inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3.1). */
export function inclusionNodes(index: number, size: number): Result<ProofNodes, string> {
  if (!isTreeSize(index) || !isTreeSize(size))
    return err(`index ${index} and size ${size} must be integers ≥ 0`);
  if (index >= size) return err(`leaf index ${index} is not below the tree size ${size}`);
  return ok(skipFirst(pathNodes(0, index, size)));
}

/**
 * Nodes of the consistency proof between tree sizes `size1` ≤ `size2` (RFC 9162 §2.1.4.1). Equal sizes
 * need no proof; from size 0 there is nothing to prove (every tree extends the empty one), so it is refused.
 * The proof is the inclusion path of the last perfect subtree of the old tree, prefixed with that
 * subtree's hash unless the old tree is that subtree (size1 a power of two: the verifier has its root).
 */
export function consistencyNodes(size1: number, size2: number): Result<ProofNodes, string> {
  if (!isTreeSize(size1) || !isTreeSize(size2))
    return err(`sizes ${size1} and ${size2} must be integers ≥ 0`);
  if (size1 > size2) return err(`old size ${size1} is larger than new size ${size2}`);
  if (size1 === size2) return ok({ ids: [], ephemeral: null });
  if (size1 === 0) return err('a consistency proof from the empty tree is meaningless');
  const level = trailingZeros(size1);
  const nodes = pathNodes(level, shiftRight(size1 - 1, level), size2);
  return ok(isPowerOfTwo(size1) ? skipFirst(nodes) : nodes);
}

/**
 * Turns the fetched hashes of `nodes.ids` (same order) into the proof: the ephemeral node's parts are
 * folded right to left into its hash, every other hash is taken as is. A count or length mismatch is a
 * bug in the caller and throws.
 */
export function proofFromNodeHashes(nodes: ProofNodes, hashes: readonly Uint8Array[]): Uint8Array[] {
  if (hashes.length !== nodes.ids.length) {
    throw new RangeError(`proof needs ${nodes.ids.length} node hashes, got ${hashes.length}`);
  }
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new RangeError(`node hash ${i} is ${h.length} bytes, not ${HASH_SIZE}`);
  });
  const e = nodes.ephemeral;
  if (!e) return hashes.map((h) => h.slice());
  let folded = hashes[e.begin]!;
  for (let i = e.begin + 1; i < e.end; i++) folded = nodeHash(hashes[i]!, folded);
  return [
    ...hashes.slice(0, e.begin).map((h) => h.slice()),
    folded,
    ...hashes.slice(e.end).map((h) => h.slice()),
  ];
}
