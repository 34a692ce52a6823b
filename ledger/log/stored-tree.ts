/**
 * The log's Merkle tree over storage (DESIGN §6, RFC 9162 §2.1): the compact range of the current tree
 * in memory, every completed perfect subtree in storage. Appending is O(log n) per leaf (the compact
 * range's binary-counter carry), never a rebuild; proofs fetch O(log n) stored nodes
 * (protocol/merkle proof-nodes.ts), most of them from a bounded cache of recently made nodes, so the
 * proofs of a just-appended batch cost no database reads at all. On restart `load()` restores the range
 * from the stored tree state.
 */
import { bytesEqual } from '../../protocol/bytes';
import {
  CompactRange,
  consistencyNodes,
  inclusionNodes,
  proofFromNodeHashes,
  type NodeId,
  type ProofNodes,
} from '../../protocol/merkle';
import { err, ok, type Result } from '../../protocol/result';
import type { LedgerStorage, NodeRecord } from '../storage/types';

/** An append worked out in memory, not yet stored: what `commit` applies once storage has it. */
export interface StagedAppend {
  readonly fromSize: number;
  readonly range: CompactRange;
  /** Completed perfect subtrees of level ≥ 1 (what storage keeps besides the leaves). */
  readonly nodes: NodeRecord[];
  /** Every completed node, leaves included, for the cache. */
  readonly all: NodeRecord[];
  readonly root: Uint8Array;
}

const key = (level: number, index: number): string => `${level}/${index}`;

export class StoredTree {
  private range = CompactRange.empty();
  private readonly cache = new Map<string, Uint8Array>();

  /** `cacheSize`: how many recent node hashes to keep (default 2^17, about 13 MB). */
  constructor(
    private readonly storage: LedgerStorage,
    private readonly cacheSize = 1 << 17,
  ) {}

  get size(): number {
    return this.range.size;
  }

  root(): Uint8Array {
    return this.range.root();
  }

  /** Restores the compact range from storage (start-up, or after a failed or doubtful append). */
  async load(): Promise<void> {
    this.cache.clear();
    const stored = await this.storage.tree();
    if (!stored) {
      this.range = CompactRange.empty();
      return;
    }
    const range = CompactRange.deserialize(stored.range);
    if (!range.ok) throw new Error(`stored tree state is damaged: ${range.error}`);
    if (range.value.size !== stored.size) {
      throw new Error(
        `stored tree state says ${stored.size} leaves but its range covers ${range.value.size}`,
      );
    }
    this.range = range.value;
  }

  /** Appends leaf hashes to a copy of the range: nothing changes until `commit`. */
  stage(leafHashes: readonly Uint8Array[]): StagedAppend {
    const range = this.range.clone();
    const nodes: NodeRecord[] = [];
    const all: NodeRecord[] = [];
    for (const h of leafHashes) {
      range.append(h, (level, index, hash) => {
        const node = { level, index, hash };
        all.push(node);
        if (level > 0) nodes.push(node);
      });
    }
    return { fromSize: this.range.size, range, nodes, all, root: range.root() };
  }

  /** Makes a staged append current, once storage holds it. */
  commit(staged: StagedAppend): void {
    if (staged.fromSize !== this.range.size) {
      throw new Error(`staged append from size ${staged.fromSize} does not fit a tree of ${this.range.size}`);
    }
    this.range = staged.range;
    for (const n of staged.all) this.remember(n.level, n.index, n.hash);
  }

  private remember(level: number, index: number, hash: Uint8Array): void {
    const k = key(level, index);
    this.cache.delete(k);
    this.cache.set(k, hash);
    if (this.cache.size > this.cacheSize) {
      // Maps iterate in insertion order: drop the oldest tenth at once, not one by one.
      let drop = Math.ceil(this.cacheSize / 10);
      for (const old of this.cache.keys()) {
        this.cache.delete(old);
        if (--drop === 0) break;
      }
    }
  }

  /** Node hashes from the cache, the rest in one storage call. */
  async nodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    const keys = ids.map((id) => key(id.level, id.index));
    const out: (Uint8Array | undefined)[] = keys.map((k) => this.cache.get(k));
    // Each missing node once, in one storage call.
    const missing = new Map<string, NodeId>();
    out.forEach((h, i) => {
      if (h === undefined) missing.set(keys[i]!, ids[i]!);
    });
    if (missing.size > 0) {
      const wanted = [...missing.values()];
      const fetched = await this.storage.nodeHashes(wanted);
      const byKey = new Map<string, Uint8Array>();
      wanted.forEach((id, j) => {
        byKey.set(key(id.level, id.index), fetched[j]!);
        this.remember(id.level, id.index, fetched[j]!);
      });
      out.forEach((h, i) => {
        if (h === undefined) out[i] = byKey.get(keys[i]!);
      });
    }
    return out as Uint8Array[];
  }

  private checkSize(size: number): Result<void, string> {
    if (!Number.isSafeInteger(size) || size < 0) return err(`tree size ${size} is not an integer ≥ 0`);
    if (size > this.range.size)
      return err(`tree size ${size} is beyond the ${this.range.size} leaves of the log`);
    return ok(undefined);
  }

  private async proof(nodes: ProofNodes): Promise<Uint8Array[]> {
    return proofFromNodeHashes(nodes, await this.nodes(nodes.ids));
  }

  /** RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `size` (≤ the current size). */
  async inclusionProof(index: number, size: number): Promise<Result<Uint8Array[], string>> {
    const known = this.checkSize(size);
    if (!known.ok) return known;
    const nodes = inclusionNodes(index, size);
    return nodes.ok ? ok(await this.proof(nodes.value)) : nodes;
  }

  /** Inclusion proofs of leaves [first, first + count) in the tree of `size`, sharing node fetches. */
  async inclusionProofs(first: number, count: number, size: number): Promise<Uint8Array[][]> {
    return (await this.inclusionProofsWith(first, count, size, (h) => h)).map((p) => p.map((h) => h.slice()));
  }

  /**
   * As `inclusionProofs`, each hash passed through `encode` once per distinct stored node (neighbouring
   * leaves share most of their proof: for a 500-entry answer that is ~1,000 encodings, not ~7,000).
   */
  async inclusionProofsWith<T>(
    first: number,
    count: number,
    size: number,
    encode: (hash: Uint8Array) => T,
  ): Promise<T[][]> {
    const all: ProofNodes[] = [];
    for (let i = first; i < first + count; i++) {
      const nodes = inclusionNodes(i, size);
      if (!nodes.ok) throw new Error(nodes.error);
      all.push(nodes.value);
    }
    const hashes = await this.nodes(all.flatMap((n) => n.ids));
    const memo = new Map<Uint8Array, T>();
    const once = (h: Uint8Array): T => {
      let v = memo.get(h);
      if (v === undefined) memo.set(h, (v = encode(h)));
      return v;
    };
    let offset = 0;
    return all.map((n) => {
      const part = hashes.slice(offset, offset + n.ids.length);
      offset += n.ids.length;
      const e = n.ephemeral;
      if (!e) return part.map(once);
      // proofFromNodeHashes folds ids[e.begin, e.end) into one hash and keeps every other one as is.
      const folded = proofFromNodeHashes(n, part)[e.begin]!;
      return [...part.slice(0, e.begin).map(once), encode(folded), ...part.slice(e.end).map(once)];
    });
  }

  /** RFC 9162 §2.1.4.1 consistency proof from `size1` to `size2` (0 < size1 ≤ size2 ≤ current). */
  async consistencyProof(size1: number, size2: number): Promise<Result<Uint8Array[], string>> {
    const known = this.checkSize(size2);
    if (!known.ok) return known;
    const nodes = consistencyNodes(size1, size2);
    return nodes.ok ? ok(await this.proof(nodes.value)) : nodes;
  }

  /** MTH of the first `size` leaves (≤ the current size), from stored perfect subtrees. */
  async rootAt(size: number): Promise<Result<Uint8Array, string>> {
    const known = this.checkSize(size);
    if (!known.ok) return known;
    if (size === this.range.size) return ok(this.range.root());
    const ids = CompactRange.nodesFor(size);
    return ok(CompactRange.fromHashes(size, await this.nodes(ids)).root());
  }

  /** True when `root` is the root of the current tree (a cheap self-check after load). */
  isRoot(root: Uint8Array): boolean {
    return bytesEqual(root, this.range.root());
  }
}
