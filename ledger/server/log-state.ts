/**
 * The ledger's committed state (DESIGN §6): the tree over storage, the per-kiosk chain state and
 * per-style counts the rules consult on every request (kept in memory, a few rows per kiosk), the latest
 * log-signed checkpoint; and the answers built from them: `{index, size, checkpoint, proofs}` for an
 * append, proofs and leaves for readers. `load()` rebuilds all of it from storage: at start-up, and after
 * a failed or doubtful append (a database failover), so that memory never runs ahead of storage.
 */
import { bytesEqual, concatBytes, toBase64, toHex, u64be } from '../../protocol/bytes';
import {
  checkpoint as checkpointBody,
  cosignedMessage,
  encodeCheckpointBody,
  encodeSignedNote,
  keyId,
  parseSignatureLines,
  parseSignedNote,
  withSignatures,
} from '../../protocol/checkpoint';
import { mlDsaSign } from '../../protocol/ml-dsa';
import { leafHash } from '../../protocol/merkle';
import { StoredTree } from '../log/stored-tree';
import type { CheckpointRecord, KioskRecord, LedgerStorage, StyleCountRecord } from '../storage/types';
import type { ElectionContext } from './election-context';

/** The answer to an accepted `POST /v1/entries` (DESIGN §6). */
export interface AppendAnswer {
  readonly index: number;
  readonly size: number;
  readonly checkpoint: string;
  readonly proofs: string[][];
}

export const styleKey = (kiosk: string, style: string): string => `${kiosk}\n${style}`;

export class LogState {
  readonly tree: StoredTree;
  kiosks = new Map<string, KioskRecord>();
  styles = new Map<string, StyleCountRecord>();
  latest: CheckpointRecord | undefined;

  /**
   * `sign`: ML-DSA-44 with the empty context under the log key, over a cosigned message; the ledger
   * passes its crypto pool (the ~7 ms of a signature stay off the main thread), the default signs here.
   */
  constructor(
    readonly ctx: ElectionContext,
    readonly storage: LedgerStorage,
    private readonly clock: () => number,
    private readonly sign: (message: Uint8Array) => Promise<Uint8Array> = (m) =>
      Promise.resolve(mlDsaSign('checkpoint', ctx.logKey.signer.secretKey, m)),
  ) {
    this.tree = new StoredTree(storage);
  }

  get size(): number {
    return this.tree.size;
  }

  /** Loads everything from storage; a new log gets entry 0, the package (DESIGN §4). */
  async load(): Promise<void> {
    await this.storage.open({ electionId: this.ctx.electionId, origin: this.ctx.origin });
    await this.tree.load();
    if (this.tree.size === 0) await this.appendPackage();
    const [first] = await this.storage.leafHashes(0, 1);
    if (!first || !bytesEqual(first, leafHash(this.ctx.election.entryBytes))) {
      throw new Error('entry 0 of this database is not this election package: use one database per election');
    }
    this.kiosks = new Map((await this.storage.kiosks()).map((k) => [k.kiosk, k]));
    this.styles = new Map((await this.storage.styleCounts()).map((s) => [styleKey(s.kiosk, s.style), s]));
    this.latest = await this.storage.latestCheckpoint();
    if (
      !this.latest ||
      this.latest.size !== this.tree.size ||
      !bytesEqual(this.latest.root, this.tree.root())
    ) {
      throw new Error(
        `the stored checkpoints do not match the stored tree of ${this.tree.size} leaves: damaged database`,
      );
    }
  }

  private async appendPackage(): Promise<void> {
    const data = this.ctx.election.entryBytes;
    const staged = this.tree.stage([leafHash(data)]);
    await this.storage.append({
      fromSize: 0,
      leaves: [{ hash: leafHash(data), data }],
      nodes: staged.nodes,
      tree: { size: 1, range: staged.range.serialize() },
      checkpoint: await this.signCheckpoint(1, staged.root),
      checkins: [],
      ballots: [],
      kiosks: [],
      styleCounts: [],
      requests: [],
    });
    this.tree.commit(staged);
  }

  /**
   * A log-signed checkpoint of `size` and `root`, timestamped now (DESIGN §6): the log signs as the
   * cosigner named by its origin, as protocol/checkpoint signCheckpoint does, with the signature made
   * by `sign` (possibly on another thread).
   */
  async signCheckpoint(size: number, root: Uint8Array): Promise<CheckpointRecord> {
    const timestamp = Math.floor(this.clock() / 1000);
    const { origin } = this.ctx;
    const cp = checkpointBody(origin, size, root);
    const message = cosignedMessage(origin, timestamp, cp);
    if (!message.ok) throw new Error(`cannot sign the checkpoint: ${message.error}`);
    const signature = await this.sign(message.value);
    const note = encodeSignedNote({
      text: encodeCheckpointBody(cp),
      signatures: [
        {
          name: origin,
          keyId: keyId(origin, this.ctx.logKey.signer.publicKey),
          signature: concatBytes(u64be(timestamp), signature),
        },
      ],
    });
    return { size, root: root.slice(), timestamp, note };
  }

  /** The checkpoint of `size` with every witness cosignature gathered for it (GET /v1/checkpoint). */
  async cosignedNote(record: CheckpointRecord): Promise<string> {
    const cosigs = await this.storage.cosignatures(record.size);
    if (cosigs.length === 0) return record.note;
    const note = parseSignedNote(record.note);
    const lines = parseSignatureLines(cosigs.map((c) => `${c.line}\n`).join(''));
    if (!note.ok || !lines.ok)
      throw new Error(`stored checkpoint ${record.size} or its cosignatures are damaged`);
    return encodeSignedNote(withSignatures(note.value, lines.value));
  }

  /** `{index, size, checkpoint, proofs}` for leaves [first, first + count) in the tree of `size`. */
  async answer(first: number, count: number, size: number, note?: string): Promise<AppendAnswer> {
    const checkpoint = note ?? (await this.storage.checkpoint(size))?.note;
    if (checkpoint === undefined) throw new Error(`no stored checkpoint for size ${size}`);
    const proofs = await this.tree.inclusionProofsWith(first, count, size, toBase64);
    return { index: first, size, checkpoint, proofs };
  }

  /** The inclusion proof of leaf `index` in the latest checkpoint, for a 409 "already checked in". */
  async proofDetails(index: number): Promise<Record<string, unknown>> {
    const latest = this.latest!;
    const proof = await this.tree.inclusionProof(index, latest.size);
    if (!proof.ok) throw new Error(proof.error);
    return { index, size: latest.size, checkpoint: latest.note, proof: proof.value.map(toBase64) };
  }

  /** Leaf hashes, for logs and tests. */
  async leafHashHex(index: number): Promise<string | undefined> {
    const [h] = await this.storage.leafHashes(index, index + 1);
    return h ? toHex(h) : undefined;
  }
}
