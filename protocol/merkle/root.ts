/**
 * The Merkle Tree Hash of a whole list of leaf hashes (RFC 9162 §2.1.1), computed in one pass.
 *
 * RFC 9162 defines MTH(D[n]) recursively, splitting at k, the largest power of two below n. Walking the
 * leaves left to right with a stack of perfect-subtree roots (one per set bit of the count, as a binary
 * counter) merges each pair of equal-sized subtrees as soon as it is complete; at the end the remaining
 * subtrees, largest on the left, are folded right to left. That is exactly the RFC's split, with n-1
 * node hashes and O(log n) memory (the "compact range" of transparency-dev/merkle, compact/range.go).
 */
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash';

/** MTH of the tree whose leaves have the given hashes (each 32 bytes). Empty list: SHA-256(""). */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  const n = hashes.length;
  if (n === 0) return EMPTY_ROOT.slice();
  const stack: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    let h = hashes[i]!;
    if (h.length !== HASH_SIZE) throw new RangeError(`leaf hash ${i} is ${h.length} bytes, not ${HASH_SIZE}`);
    // Merge once per trailing 1-bit of i: those subtrees are now complete with their right sibling.
    for (let m = i; m % 2 === 1; m = Math.floor(m / 2)) h = nodeHash(stack.pop()!, h);
    stack.push(h);
  }
  let root = stack.pop()!;
  while (stack.length > 0) root = nodeHash(stack.pop()!, root);
  return root;
}
