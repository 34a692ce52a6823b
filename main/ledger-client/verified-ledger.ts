/**
 * The ledger as a careful client sees it (DESIGN §6): every answer is verified before anything is
 * believed, and a failure is a value — an `alarm` when the answer does not verify.
 *
 * - `append`: the answer's checkpoint is signed by the log key (origin and key from the package), has
 *   the answer's size, each entry's inclusion proof puts it at its index under that root (RFC 9162
 *   §2.1.3.2), and the checkpoint is consistent (RFC 9162 §2.1.4.2, proof fetched from
 *   `/v1/proof/consistency`) with the largest checkpoint this kiosk verified before (`seen`).
 * - `witnessedCovering`: a checkpoint with the log's signature and at least `quorum` witness
 *   cosignatures, of a size covering what the kiosk sent, consistent with `seen`. The ledger gathers
 *   cosignatures after it answers (its witness pusher never delays appends), so this is a second step:
 *   entries are `appended` once their answer verifies and `witnessed` once such a checkpoint covers them.
 * - `verifyFirstCheckin`: the 409 of a voter who checked in elsewhere carries the index and inclusion
 *   proof of the first check-in; the proof is checked against the leaf hash the ledger publishes at that
 *   index. (Leaf data is not readable before closes + drainHours, so the kiosk can prove that a leaf sits
 *   at that index of a signed, consistent tree — not read that it is this voter's.)
 *
 * Checkpoints are accepted one at a time (a promise chain), so `seen` only grows, each step proven.
 */
import { bytesEqual, toHex } from '../../protocol/bytes';
import {
  verifyCheckpointQuorum,
  verifyNote,
  type Checkpoint,
  type CheckpointTrust,
} from '../../protocol/checkpoint';
import { leafHash, verifyConsistency, verifyInclusion } from '../../protocol/merkle';
import { nobleVerifier, type MlDsaVerifier } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';
import { FirstCheckinSchema, parseAnswer } from './ledger-answers';
import type { LedgerClient } from './ledger-client';
import { alarm, type LedgerFailure } from './ledger-failure';

/** A checkpoint the kiosk verified, as kept between runs. */
export interface KnownCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  readonly note: string;
  /** The log's signature time (POSIX seconds). */
  readonly logTimestamp: number;
}

/** Where the kiosk keeps the checkpoints it verified (the store's `checkpoints` table). */
export interface CheckpointMemory {
  get(kind: 'seen' | 'witnessed'): KnownCheckpoint | undefined;
  put(kind: 'seen' | 'witnessed', cp: KnownCheckpoint): void;
}

/** An accepted append: the first leaf's index and the verified checkpoint of the answer's size. */
export interface Appended {
  readonly index: number;
  readonly size: number;
  readonly checkpoint: KnownCheckpoint;
}

export interface Witnessed extends KnownCheckpoint {
  /** Names of the witnesses whose cosignature verified. */
  readonly witnesses: readonly string[];
}

export interface VerifiedLedgerOptions {
  readonly client: LedgerClient;
  readonly trust: CheckpointTrust;
  readonly memory: CheckpointMemory;
  /** ML-DSA-44 verifier for checkpoints (default noble; pass the native one where it is built). */
  readonly verifier?: MlDsaVerifier;
}

/** DESIGN §6: at most 10,000 leaves per read. */
const MAX_LEAVES_READ = 10_000;

export class VerifiedLedger {
  readonly client: LedgerClient;
  private readonly trust: CheckpointTrust;
  private readonly memory: CheckpointMemory;
  private readonly verifier: MlDsaVerifier;
  private acceptQueue: Promise<unknown> = Promise.resolve();

  constructor(options: VerifiedLedgerOptions) {
    this.client = options.client;
    this.trust = options.trust;
    this.memory = options.memory;
    this.verifier = options.verifier ?? nobleVerifier;
  }

  /**
   * Sends one request's leaves and verifies the answer (see the file comment); `timeoutMs` overrides
   * the client's POST timeout.
   */
  async append(leaves: readonly Uint8Array[], timeoutMs?: number): Promise<Result<Appended, LedgerFailure>> {
    if (leaves.length === 0) throw new RangeError('append needs at least one leaf');
    const answer = await this.client.postEntries(leaves, timeoutMs);
    if (!answer.ok) return answer;
    const a = answer.value;
    const signed = this.logSigned(a.checkpoint);
    if (!signed.ok) return signed;
    const cp = signed.value;
    if (cp.size !== a.size) {
      return err(alarm(`the answer says size ${a.size} but its checkpoint is of size ${cp.size}`));
    }
    if (a.proofs.length !== leaves.length) {
      return err(alarm(`the answer has ${a.proofs.length} inclusion proofs for ${leaves.length} entries`));
    }
    if (a.index + leaves.length > a.size) {
      return err(
        alarm(`entries at ${a.index}…${a.index + leaves.length - 1} cannot fit a tree of ${a.size}`),
      );
    }
    for (const [i, leaf] of leaves.entries()) {
      const proven = verifyInclusion(a.index + i, a.size, leafHash(leaf), a.proofs[i]!, cp.root);
      if (!proven.ok) {
        return err(alarm(`entry ${i} of the request is not proven at index ${a.index + i}: ${proven.error}`));
      }
    }
    const accepted = await this.accept(cp);
    if (!accepted.ok) return accepted;
    return ok({ index: a.index, size: a.size, checkpoint: cp });
  }

  /**
   * The latest witnessed checkpoint of at least `minSize` leaves, verified and consistent with what
   * the kiosk saw; `undefined` when the witnesses have not yet cosigned that far (ask again later).
   */
  async witnessedCovering(minSize: number): Promise<Result<Witnessed | undefined, LedgerFailure>> {
    const latest = await this.client.checkpoint();
    if (!latest.ok) return latest;
    const first = this.quorum(latest.value);
    if (!first.ok) return first;
    let found = first.value && first.value.size >= minSize ? first.value : undefined;
    if (!found) {
      // The latest size may not be cosigned yet while an earlier one that covers ours is.
      const sizes = await this.client.checkpointSizes();
      if (!sizes.ok) return sizes.error.kind === 'refused' ? ok(undefined) : sizes;
      const candidates = sizes.value.filter((s) => s >= minSize).sort((x, y) => y - x);
      for (const size of candidates.slice(0, 3)) {
        const note = await this.client.checkpoint(size);
        if (!note.ok) return note;
        const q = this.quorum(note.value);
        if (!q.ok) return q;
        if (q.value && q.value.size === size) {
          found = q.value;
          break;
        }
      }
    }
    if (!found) return ok(undefined);
    const accepted = await this.accept(found);
    if (!accepted.ok) return accepted;
    const previous = this.memory.get('witnessed');
    if (!previous || found.size >= previous.size) this.memory.put('witnessed', found);
    return ok(found);
  }

  /**
   * Verifies the first check-in that a 409 names (`details` of the refusal): its inclusion proof under
   * a log-signed checkpoint consistent with what the kiosk saw, for the leaf hash published at its index.
   */
  async verifyFirstCheckin(
    details: Readonly<Record<string, unknown>>,
  ): Promise<Result<{ index: number; leafHash: string }, LedgerFailure>> {
    const parsed = parseAnswer(FirstCheckinSchema, details, 'the 409 of an earlier check-in');
    if (!parsed.ok) return err(alarm(parsed.error));
    const d = parsed.value;
    const signed = this.logSigned(d.checkpoint);
    if (!signed.ok) return signed;
    const cp = signed.value;
    if (cp.size !== d.size) return err(alarm(`the 409 says size ${d.size}, its checkpoint ${cp.size}`));
    if (d.index >= d.size) return err(alarm(`the 409 names index ${d.index} beyond size ${d.size}`));
    const hashes = await this.client.leafHashes(d.index, d.index + 1);
    if (!hashes.ok) return hashes;
    const hash = hashes.value[0]!;
    const proven = verifyInclusion(d.index, d.size, hash, d.proof, cp.root);
    if (!proven.ok) return err(alarm(`the earlier check-in's proof does not verify: ${proven.error}`));
    const accepted = await this.accept(cp);
    if (!accepted.ok) return accepted;
    return ok({ index: d.index, leafHash: toHex(hash) });
  }

  /**
   * Looks for leaves by hash at index `from` or later in the latest log-signed tree, appending nothing
   * (GET /v1/leaves, 10,000 at a time); each one found is proven by its inclusion proof. For check-ins
   * whose answer was lost: resending one that never arrived would check in a voter who walked away.
   * (An absent leaf cannot be proven absent this way; a ledger hiding one would contradict the kiosk's
   * polls close counts, which the audit compares with the log.)
   */
  async findLeaves(
    hashes: readonly Uint8Array[],
    from: number,
  ): Promise<Result<Map<string, number>, LedgerFailure>> {
    const note = await this.client.checkpoint();
    if (!note.ok) return note;
    const signed = this.logSigned(note.value);
    if (!signed.ok) return signed;
    const cp = signed.value;
    const accepted = await this.accept(cp);
    if (!accepted.ok) return accepted;
    const wanted = new Set(hashes.map(toHex));
    const found = new Map<string, number>();
    for (let start = from; start < cp.size && found.size < wanted.size; start += MAX_LEAVES_READ) {
      const end = Math.min(cp.size, start + MAX_LEAVES_READ);
      const leaves = await this.client.leafHashes(start, end);
      if (!leaves.ok) return leaves;
      for (const [i, h] of leaves.value.entries()) {
        const hex = toHex(h);
        if (!wanted.has(hex) || found.has(hex)) continue;
        const proof = await this.client.inclusionProof(start + i, cp.size);
        if (!proof.ok) return proof;
        const proven = verifyInclusion(start + i, cp.size, h, proof.value, cp.root);
        if (!proven.ok) return err(alarm(`leaf ${start + i} is listed but not proven: ${proven.error}`));
        found.set(hex, start + i);
      }
    }
    return ok(found);
  }

  /** The last checkpoints this kiosk verified. */
  known(): { seen: KnownCheckpoint | undefined; witnessed: KnownCheckpoint | undefined } {
    return { seen: this.memory.get('seen'), witnessed: this.memory.get('witnessed') };
  }

  /** A note signed by the log key for the package's origin (witness lines are not needed here). */
  private logSigned(note: string): Result<KnownCheckpoint, LedgerFailure> {
    const v = verifyNote(note, [this.trust.log], this.verifier);
    if (!v.ok) return err(alarm(`the checkpoint is not signed by the log key: ${v.error}`));
    const cp: Checkpoint = v.value.checkpoint;
    if (cp.origin !== this.trust.log.name) {
      return err(alarm(`the checkpoint is for origin "${cp.origin}", not "${this.trust.log.name}"`));
    }
    const bad = v.value.failed[0];
    if (bad) return err(alarm(`the checkpoint's log signature does not verify: ${bad.reason}`));
    const sig = v.value.verified[0]!;
    return ok({ size: cp.size, root: cp.root, note, logTimestamp: sig.timestamp });
  }

  /**
   * A checkpoint with a witness quorum, `undefined` when it is well signed but short of witnesses
   * (not yet cosigned), an alarm when any signature from a trusted key fails.
   */
  private quorum(note: string): Result<Witnessed | undefined, LedgerFailure> {
    const q = verifyCheckpointQuorum(note, this.trust, this.verifier);
    if (q.ok) {
      const logSigned = this.logSigned(note);
      if (!logSigned.ok) return logSigned;
      return ok({ ...logSigned.value, witnesses: q.value.witnesses.map((w) => w.name) });
    }
    const all = verifyNote(note, [this.trust.log, ...this.trust.witnesses], this.verifier);
    if (!all.ok) return err(alarm(`the checkpoint does not verify: ${all.error}`));
    const failed = all.value.failed[0];
    if (failed)
      return err(
        alarm(`a signature on the checkpoint from ${failed.name} does not verify: ${failed.reason}`),
      );
    const logSigned = this.logSigned(note);
    if (!logSigned.ok) return logSigned;
    return ok(undefined);
  }

  /**
   * Accepts a verified checkpoint if it is consistent with `seen` (in either direction: an answer to a
   * resend carries the older checkpoint of its first append); `seen` grows to the larger one.
   */
  private accept(cp: KnownCheckpoint): Promise<Result<void, LedgerFailure>> {
    const run = this.acceptQueue.then(() => this.acceptNow(cp));
    this.acceptQueue = run.catch(() => undefined);
    return run;
  }

  private async acceptNow(cp: KnownCheckpoint): Promise<Result<void, LedgerFailure>> {
    const seen = this.memory.get('seen');
    if (!seen) {
      this.memory.put('seen', cp);
      return ok(undefined);
    }
    if (cp.size === seen.size) {
      return bytesEqual(cp.root, seen.root)
        ? ok(undefined)
        : err(alarm(`two different roots for the tree of ${cp.size} leaves: the ledger shows two histories`));
    }
    const [older, newer] = cp.size < seen.size ? [cp, seen] : [seen, cp];
    const proof = await this.client.consistencyProof(older.size, newer.size);
    if (!proof.ok) {
      // A ledger that will not prove a tree it signed extends another it signed has lost or forked it.
      return proof.error.kind === 'refused'
        ? err(
            alarm(
              `the ledger refuses to prove that its tree of ${newer.size} extends the tree of ${older.size} ` +
                `(both signed by it): ${proof.error.message}`,
            ),
          )
        : proof;
    }
    const consistent = verifyConsistency(older.size, newer.size, proof.value, older.root, newer.root);
    if (!consistent.ok) {
      return err(
        alarm(
          `the checkpoint of size ${cp.size} is not consistent with the checkpoint of size ${seen.size} ` +
            `this kiosk verified before: ${consistent.error}`,
        ),
      );
    }
    // Accepts run one at a time per VerifiedLedger; one per store, or `seen` could fork between them.
    if (cp.size > seen.size) this.memory.put('seen', cp);
    return ok(undefined);
  }
}
