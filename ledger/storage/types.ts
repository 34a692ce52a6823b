/**
 * The ledger's storage interface (DESIGN §6 "Storage"): one log per database, written only through
 * `append`, which stores a whole group of accepted requests in ONE transaction: their leaves, the
 * perfect-subtree node hashes the appends completed (so proofs are O(log n) lookups, never a rebuild),
 * the new compact range, the new log-signed checkpoint, and the indexes the rules of DESIGN §5 consult
 * (voters checked in, ballot trackers and tracking codes, per-kiosk chain state and per-style counts,
 * answers for idempotent resends). SQLite (sqlite.ts) and PostgreSQL (postgres.ts) implement it and
 * pass one conformance suite (conformance.ts).
 *
 * Hashes and other fixed binary values are bytes; ids that DESIGN §3 writes as hex (kiosk ids) and
 * style ids are strings. Indexes and sizes are safe integers.
 */

/** A leaf: its RFC 9162 §2.1.1 hash and its exact leaf data (entry 0: the package JCS; others: envelopes). */
export interface LeafRecord {
  readonly hash: Uint8Array;
  readonly data: Uint8Array;
}

/** A perfect subtree (level ≥ 1) completed by an append; leaves (level 0) live in the leaf table. */
export interface NodeRecord {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/** The tree after the append: its size and its compact range (protocol/merkle CompactRange.serialize). */
export interface TreeRecord {
  readonly size: number;
  readonly range: Uint8Array;
}

/** A log-signed checkpoint (DESIGN §6): the whole signed note text, and what it commits to. */
export interface CheckpointRecord {
  readonly size: number;
  readonly root: Uint8Array;
  /** POSIX seconds of the log's signature. */
  readonly timestamp: number;
  readonly note: string;
}

/** A witness cosignature line (C2SP tlog-cosignature) on the checkpoint of `size`. */
export interface CosignatureRecord {
  readonly size: number;
  /** The witness's key name, one line kept per name (the newest). */
  readonly name: string;
  readonly timestamp: number;
  /** The whole signature line, `— name base64(...)`, without the newline. */
  readonly line: string;
}

/** Per-kiosk chain state (DESIGN §5 "Kiosk chain"). */
export interface KioskRecord {
  /** Kiosk id: hex SHA-256 of its ML-DSA-65 public key. */
  readonly kiosk: string;
  readonly publicKey: Uint8Array;
  /** Leaf index of its enrolment entry. */
  readonly enrolledAt: number;
  /** `seq` of its last chained entry (0: none yet). */
  readonly lastSeq: number;
  /** SHA-256 of the last chained entry's leaf data (32 zero bytes: none yet). */
  readonly lastChainHash: Uint8Array;
  /** A `final` batch was appended. */
  readonly finalSeen: boolean;
  /** Its polls `close` event after the final batch was appended: nothing more is accepted. */
  readonly closed: boolean;
}

/** Per kiosk and ballot style: check-ins and ballots so far (DESIGN §5: ballots ≤ check-ins). */
export interface StyleCountRecord {
  readonly kiosk: string;
  readonly style: string;
  readonly checkins: number;
  readonly ballots: number;
}

/** A voter's check-in (DESIGN §5: one per voterRef). */
export interface CheckinRecord {
  readonly voterRef: Uint8Array;
  readonly index: number;
}

/** A ballot's 16-byte tracker and its tracking code (16 uppercase base32 characters, no dashes). */
export interface BallotRecord {
  readonly tracker: Uint8Array;
  readonly code: string;
  readonly index: number;
}

/**
 * What an accepted request was answered with, keyed by a hash of its leaves: identical bytes resent get
 * the same answer (DESIGN §6). The proofs and checkpoint are recomputed from `first`, `count`, `size`:
 * they are deterministic, so nothing larger needs storing.
 */
export interface RequestRecord {
  readonly key: Uint8Array;
  readonly first: number;
  readonly count: number;
  readonly size: number;
}

/** Everything one transaction writes. `fromSize` is the tree size the writer built on. */
export interface AppendBatch {
  readonly fromSize: number;
  readonly leaves: readonly LeafRecord[];
  readonly nodes: readonly NodeRecord[];
  readonly tree: TreeRecord;
  readonly checkpoint: CheckpointRecord;
  readonly checkins: readonly CheckinRecord[];
  readonly ballots: readonly BallotRecord[];
  /** Inserted or replaced. */
  readonly kiosks: readonly KioskRecord[];
  /** Inserted or replaced. */
  readonly styleCounts: readonly StyleCountRecord[];
  readonly requests: readonly RequestRecord[];
}

/**
 * Another writer appended since this process read the tree (two ledger processes on one database):
 * the append was rolled back; the caller reloads its state from storage and the client retries.
 */
export class StorageConflictError extends Error {
  override readonly name = 'StorageConflictError';
}

export interface LedgerStorage {
  /** 'sqlite' or 'postgres', for logs. */
  readonly kind: string;
  /**
   * Creates the tables if needed and binds the database to one log: a database already holding another
   * log (other electionId or origin) is refused with a message saying so.
   */
  open(log: { readonly electionId: string; readonly origin: string }): Promise<void>;
  /** Appends in one transaction, or throws (StorageConflictError when the tree is no longer `fromSize`). */
  append(batch: AppendBatch): Promise<void>;

  /** The tree state, or null for a new log. */
  tree(): Promise<TreeRecord | null>;
  /** Leaf hashes of [start, end), in order; the caller keeps `end` ≤ size. */
  leafHashes(start: number, end: number): Promise<Uint8Array[]>;
  /** Leaf data of [start, end), in order; the caller keeps `end` ≤ size. */
  leafData(start: number, end: number): Promise<Uint8Array[]>;
  /** Hashes of perfect subtrees by (level, index), level 0 being leaves; a missing node throws. */
  nodeHashes(ids: readonly { readonly level: number; readonly index: number }[]): Promise<Uint8Array[]>;

  /** Leaf index of each given leaf hash that is in the log (keys: hex of the hash). */
  findLeaves(hashes: readonly Uint8Array[]): Promise<Map<string, number>>;
  /** Leaf index of the voter's check-in. */
  findCheckin(voterRef: Uint8Array): Promise<number | undefined>;
  /** Ballots already holding one of these trackers or tracking codes. */
  findBallots(trackers: readonly Uint8Array[], codes: readonly string[]): Promise<BallotRecord[]>;
  /** The ballot with this tracking code (16 uppercase base32 characters). */
  findBallotByCode(code: string): Promise<BallotRecord | undefined>;
  findRequest(key: Uint8Array): Promise<RequestRecord | undefined>;
  kiosks(): Promise<KioskRecord[]>;
  styleCounts(): Promise<StyleCountRecord[]>;

  checkpoint(size: number): Promise<CheckpointRecord | undefined>;
  latestCheckpoint(): Promise<CheckpointRecord | undefined>;
  /**
   * A fresh log signature for the current size (e.g. after the drain deadline, DESIGN §6 audit): replaces
   * the stored note of that size; its cosignatures stay valid (they sign origin, size and root, not the
   * log's timestamp).
   */
  replaceCheckpoint(record: CheckpointRecord): Promise<void>;
  /** Keeps the newest line per (size, witness name). */
  addCosignature(record: CosignatureRecord): Promise<void>;
  cosignatures(size: number): Promise<CosignatureRecord[]>;
  /** Sizes of the checkpoints with at least one cosignature, ascending. */
  cosignedSizes(): Promise<number[]>;

  close(): Promise<void>;
}

/** A storage call failed (database unreachable, failover under way…): the caller answers 503. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}

/**
 * The same storage, with every failed call turned into a StorageUnavailableError (the original as its
 * `cause`), so that the HTTP layer can tell "try again" (503) from a bug (500). Conflicts stay as they are.
 */
export function guardStorage(storage: LedgerStorage): LedgerStorage {
  return new Proxy(storage, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'constructor') return value;
      return (...args: unknown[]) =>
        (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((e: unknown) => {
          if (e instanceof StorageConflictError || e instanceof StorageUnavailableError) throw e;
          const message = e instanceof Error ? e.message : String(e);
          throw new StorageUnavailableError(`storage (${target.kind}) failed: ${message}`, { cause: e });
        });
    },
  });
}
