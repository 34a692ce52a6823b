/**
 * RFC 9162 §2.1.1 (as RFC 6962 §2.1) Merkle tree hashing with domain separation: a leaf hash is
 * SHA-256(0x00 ‖ leaf data) and an interior node SHA-256(0x01 ‖ left ‖ right), so that no leaf can be
 * passed off as an interior node (second-preimage resistance, RFC 9162 §2.1.1, last paragraph).
 */
import { sha256 } from '../hash';

/** Length of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({}) = SHA-256() (RFC 9162 §2.1.1): the root of the empty tree. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** MTH({d}) = SHA-256(0x00 ‖ d) (RFC 9162 §2.1.1). */
export function leafHash(leafData: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + leafData.length);
  buf[0] = LEAF_PREFIX;
  buf.set(leafData, 1);
  return sha256(buf);
}

// nodeHash is the tree's hot path (n-1 calls per root): one reused input buffer, one-shot hash. Safe to
// share because hashing is synchronous and copies nothing out of the buffer.
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);
nodeInput[0] = NODE_PREFIX;

/** SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    nodeInput.set(left, 1);
    nodeInput.set(right, 1 + HASH_SIZE);
    return sha256(nodeInput);
  }
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}
