/**
 * A whole log Merkle tree in memory: every perfect subtree hash, stored as appends complete them, so any
 * root, inclusion proof or consistency proof for any size up to the current one comes from O(log n)
 * lookups through the same node-based path the ledger's database uses (proof-nodes.ts). For tests, the
 * auditor and simulations. Memory: about 64 bytes per leaf (32 for the leaf, 32 for its share of the
 * interior nodes), so a million leaves take about 64 MB.
 */
import { err, ok, type Result } from '../result';
import { isTreeSize } from './bits';
import { CompactRange } from './compact-range';
import { HashArray } from './hash-array';
import { leafHash as hashLeaf } from './hash';
import type { NodeId } from './node-id';
import { consistencyNodes, inclusionNodes, proofFromNodeHashes, type ProofNodes } from './proof-nodes';

export class MemoryTree {
  /** levels[l][i] is the hash of node (l, i); level 0 holds the leaf hashes. */
  private readonly levels: HashArray[] = [];
  private readonly range = CompactRange.empty();

  /** A tree of the given leaf hashes. */
  static fromLeafHashes(hashes: Iterable<Uint8Array>): MemoryTree {
    const tree = new MemoryTree();
    for (const h of hashes) tree.append(h);
    return tree;
  }

  get size(): number {
    return this.range.size;
  }

  /** Appends a leaf by its hash (RFC 9162 §2.1.1 leaf hash, 32 bytes); returns its index. */
  append(leafHash: Uint8Array): number {
    const index = this.range.size;
    this.range.append(leafHash, (level, _index, hash) => {
      // Nodes at each level are completed left to right, so each is the next one of its level.
      (this.levels[level] ??= new HashArray()).push(hash);
    });
    return index;
  }

  /** Appends a leaf by its data (hashed as SHA-256(0x00 ‖ data)); returns its index. */
  appendData(leafData: Uint8Array): number {
    return this.append(hashLeaf(leafData));
  }

  /** Hash of leaf `index`; out of range is a bug and throws. */
  leafHash(index: number): Uint8Array {
    return this.node({ level: 0, index });
  }

  /** Hash of a perfect subtree that is complete in the current tree; anything else is a bug and throws. */
  node(id: NodeId): Uint8Array {
    const level = this.levels[id.level];
    if (!level) throw new RangeError(`no node at level ${id.level} in a tree of ${this.size}`);
    return level.get(id.index);
  }

  /** MTH of the first `size` leaves (RFC 9162 §2.1.1), default the whole tree; `size` beyond it throws. */
  root(size: number = this.size): Uint8Array {
    if (!isTreeSize(size) || size > this.size) {
      throw new RangeError(`no root for size ${String(size)}: the tree has ${this.size} leaves`);
    }
    return CompactRange.fromNodes(size, (id) => this.node(id)).root();
  }

  /** Inclusion proof of leaf `index` in the tree of its first `size` leaves (RFC 9162 §2.1.3.1). */
  inclusionProof(index: number, size: number = this.size): Result<Uint8Array[], string> {
    const known = this.checkSize(size);
    if (!known.ok) return known;
    const nodes = inclusionNodes(index, size);
    return nodes.ok ? ok(this.proof(nodes.value)) : nodes;
  }

  /** Consistency proof between its first `size1` and first `size2` leaves (RFC 9162 §2.1.4.1). */
  consistencyProof(size1: number, size2: number = this.size): Result<Uint8Array[], string> {
    const known = this.checkSize(size2);
    if (!known.ok) return known;
    const nodes = consistencyNodes(size1, size2);
    return nodes.ok ? ok(this.proof(nodes.value)) : nodes;
  }

  private checkSize(size: number): Result<void, string> {
    if (isTreeSize(size) && size > this.size) {
      return err(`tree size ${size} is beyond the ${this.size} leaves of the tree`);
    }
    return ok(undefined);
  }

  private proof(nodes: ProofNodes): Uint8Array[] {
    return proofFromNodeHashes(
      nodes,
      nodes.ids.map((id) => this.node(id)),
    );
  }
}
