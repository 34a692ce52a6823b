/**
 * A compact range [0, size): the hashes of the perfect subtrees on the right border of a tree of `size`
 * leaves, one per set bit of `size`, largest (leftmost) first. It is all a log needs to append a leaf in
 * O(log n) and to compute the root, without the rest of the tree (transparency-dev/merkle
 * docs/compact_ranges.md and compact/range.go, restricted to ranges that start at leaf 0).
 *
 * Appending reports each perfect subtree it completes, the new leaf included (level 0), so a ledger can
 * store every node hash as it is made and later serve any RFC 9162 §2.1.3 / §2.1.4 proof by fetching
 * O(log n) stored nodes (see proof-nodes.ts), never rebuilding the tree.
 */
import { u64be } from '../bytes';
import { err, ok, type Result } from '../result';
import { isTreeSize, popCount, shiftRight } from './bits';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash';
import { rangeNodes, type NodeId } from './node-id';

/** Called for each perfect subtree an append completes: the leaf itself, then each new ancestor. */
export type NodeVisitor = (level: number, index: number, hash: Uint8Array) => void;

function checkHash(hash: Uint8Array, what: string): void {
  if (hash.length !== HASH_SIZE) throw new RangeError(`${what} is ${hash.length} bytes, not ${HASH_SIZE}`);
}

export class CompactRange {
  private constructor(
    private treeSize: number,
    private readonly border: Uint8Array[],
  ) {}

  /** The range of the empty tree. */
  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** The perfect subtrees whose hashes restore a range of `size` (left to right): fetch these from storage. */
  static nodesFor(size: number): NodeId[] {
    if (!isTreeSize(size)) throw new RangeError(`not a tree size: ${String(size)}`);
    return rangeNodes(0, size);
  }

  /** Restores a range from the hashes of `nodesFor(size)`, in that order. Wrong counts are a caller bug. */
  static fromHashes(size: number, hashes: readonly Uint8Array[]): CompactRange {
    if (!isTreeSize(size)) throw new RangeError(`not a tree size: ${String(size)}`);
    const want = popCount(size);
    if (hashes.length !== want) {
      throw new RangeError(`a compact range of size ${size} has ${want} hashes, got ${hashes.length}`);
    }
    hashes.forEach((h, i) => checkHash(h, `border hash ${i}`));
    return new CompactRange(
      size,
      hashes.map((h) => h.slice()),
    );
  }

  /** Restores a range by looking up each node of `nodesFor(size)` (e.g. in a node table). */
  static fromNodes(size: number, getNode: (id: NodeId) => Uint8Array): CompactRange {
    return CompactRange.fromHashes(size, CompactRange.nodesFor(size).map(getNode));
  }

  /** Parses `serialize()` output (from storage): refuses anything that is not exactly such bytes. */
  static deserialize(bytes: Uint8Array): Result<CompactRange, string> {
    if (bytes.length < 8) return err(`compact range is ${bytes.length} bytes, shorter than its 8-byte size`);
    const size64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
    if (size64 > BigInt(Number.MAX_SAFE_INTEGER)) return err(`compact range size ${size64} is too large`);
    const size = Number(size64);
    const want = 8 + HASH_SIZE * popCount(size);
    if (bytes.length !== want) {
      return err(`compact range of size ${size} must be ${want} bytes, got ${bytes.length}`);
    }
    const hashes: Uint8Array[] = [];
    for (let off = 8; off < want; off += HASH_SIZE) hashes.push(bytes.slice(off, off + HASH_SIZE));
    return ok(new CompactRange(size, hashes));
  }

  /** Number of leaves covered. */
  get size(): number {
    return this.treeSize;
  }

  /** Copies of the border hashes, largest subtree first (the hashes of `nodesFor(size)`). */
  hashes(): Uint8Array[] {
    return this.border.map((h) => h.slice());
  }

  /**
   * Appends leaf `size` (its leaf hash) in O(log n): the new leaf merges with the border subtree to its
   * left once per trailing one bit of the old size (the binary-counter carry of compact/range.go).
   */
  append(leafHash: Uint8Array, visit?: NodeVisitor): void {
    checkHash(leafHash, 'leaf hash');
    if (this.treeSize >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree is full');
    let hash: Uint8Array = leafHash.slice();
    let index = this.treeSize;
    let level = 0;
    visit?.(level, index, hash);
    while (index % 2 === 1) {
      hash = nodeHash(this.border.pop()!, hash);
      index = shiftRight(index, 1);
      level++;
      visit?.(level, index, hash);
    }
    this.border.push(hash);
    this.treeSize++;
  }

  /** MTH of the whole range (RFC 9162 §2.1.1): the border folded right to left; SHA-256("") when empty. */
  root(): Uint8Array {
    if (this.border.length === 0) return EMPTY_ROOT.slice();
    let hash = this.border[this.border.length - 1]!;
    for (let i = this.border.length - 2; i >= 0; i--) hash = nodeHash(this.border[i]!, hash);
    return hash.slice();
  }

  /** u64be(size) ‖ border hashes: a stable byte form for storage. */
  serialize(): Uint8Array {
    const out = new Uint8Array(8 + HASH_SIZE * this.border.length);
    out.set(u64be(this.treeSize), 0);
    this.border.forEach((h, i) => out.set(h, 8 + HASH_SIZE * i));
    return out;
  }

  clone(): CompactRange {
    return new CompactRange(
      this.treeSize,
      this.border.map((h) => h.slice()),
    );
  }
}
