/**
 * Addresses of perfect subtrees ("nodes") of a log Merkle tree, as in transparency-dev/merkle
 * compact/nodes.go: `level` is the height above the leaves (a leaf is level 0) and `index` the position
 * among the nodes of that level, left to right. Node (level, index) covers leaves
 * [index·2^level, (index+1)·2^level). RFC 9162 §2.1.1 builds the tree from such perfect subtrees: only
 * the nodes on the right border of a tree whose size is not a power of two are not perfect ("ephemeral").
 */
import { bitLength, shiftLeft, shiftRight, trailingZeros } from './bits';

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export function nodeId(level: number, index: number): NodeId {
  return { level, index };
}

export function parentOf(id: NodeId): NodeId {
  return { level: id.level + 1, index: shiftRight(id.index, 1) };
}

/** The other child of the same parent. */
export function siblingOf(id: NodeId): NodeId {
  return { level: id.level, index: id.index % 2 === 0 ? id.index + 1 : id.index - 1 };
}

/** The leaves [begin, end) under a node. */
export function coverage(id: NodeId): { readonly begin: number; readonly end: number } {
  return { begin: shiftLeft(id.index, id.level), end: shiftLeft(id.index + 1, id.level) };
}

/**
 * The minimal list of perfect subtrees covering the leaves [begin, end), left to right (the "compact
 * range" of transparency-dev/merkle docs/compact_ranges.md). Greedy: from `begin`, take the largest
 * aligned power-of-two block that still fits before `end`. For [0, n) that is one node per set bit of n,
 * largest first, which is how RFC 9162 §2.1.1 splits a tree of n leaves.
 */
export function rangeNodes(begin: number, end: number): NodeId[] {
  const ids: NodeId[] = [];
  let pos = begin;
  while (pos < end) {
    // Aligned at `pos` (trailing zeros), and no longer than what is left (2^level <= end - pos).
    const level = Math.min(trailingZeros(pos), bitLength(end - pos) - 1);
    ids.push({ level, index: shiftRight(pos, level) });
    pos += 2 ** level;
  }
  return ids;
}
