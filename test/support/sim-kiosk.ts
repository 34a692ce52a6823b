/**
 * A kiosk for building logs (test/support/log-builder.ts): it signs entries as a real kiosk does
 * (DESIGN §3, §5) and keeps its chain (seq, prev), its queue of ballots and its counts. Every method
 * returns a *request* (the leaf data of one POST /v1/entries) for the log builder to append.
 *
 * Its state is public on purpose: a test plants a fault by changing it between two requests (skip a
 * seq, break `prev`), or by the override arguments (a wrong batch root or count, a non-final small
 * batch, a ballot with a chosen tracker, an entry signed under the wrong context).
 */
import * as crypto from 'node:crypto';
import { toBase64 } from '../../protocol/bytes';
import type { ElectionId } from '../../protocol/election';
import {
  batchRoot,
  chainLink,
  enrolmentSigningBytes,
  FIRST_PREV,
  kioskId,
  signEntry,
  type BallotEntry,
  type Entry,
  type KioskId,
  type PollsEvent,
} from '../../protocol/entries';
import { canonicalBytes } from '../../protocol/jcs';
import { mlDsaKeygen, mlDsaSign, type MlDsaKeyPair, type SigningPurpose } from '../../protocol/ml-dsa';
import { seeded } from '../../protocol/election/test-fixture';
import type { RollRecord } from '../../protocol/voters';
import type { OfficialCard } from './test-election';

/** A small deterministic PRNG (mulberry32) for selections and shuffles in tests; never for secrets. */
export class TestRng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

export interface BatchOverrides {
  readonly final?: boolean;
  /** Write this count in the manifest instead of the number of ballots. */
  readonly count?: number;
  /** Write this root (hex) instead of the ballots' root. */
  readonly root?: string;
}

export class SimKiosk {
  readonly id: KioskId;
  readonly keys: MlDsaKeyPair;
  /** The kiosk's chain (DESIGN §5): last seq and the `prev` the next chained entry carries. */
  seq = 0;
  head = FIRST_PREV;
  /** Ballots cast and not yet sent (leaf data). */
  queue: Uint8Array[] = [];
  checkins = 0;
  ballotsSent = 0;

  constructor(
    readonly electionId: ElectionId,
    readonly label: string,
    readonly minBatch: number,
    readonly official: OfficialCard,
    readonly rng: TestRng,
  ) {
    this.keys = mlDsaKeygen(65, seeded(`sim-kiosk:${label}`));
    this.id = kioskId(this.keys.publicKey);
  }

  sign(entry: Entry): Uint8Array {
    return signEntry(entry, this.keys.secretKey, this.keys.publicKey);
  }

  /** An envelope signed under another purpose's context (the "wrong context" fault). */
  signWithContext(entry: Entry, purpose: SigningPurpose): Uint8Array {
    const sig = mlDsaSign(purpose, this.keys.secretKey, canonicalBytes(entry));
    return canonicalBytes({ entry, signer: this.id, sig: toBase64(sig) });
  }

  private get election(): Entry['election'] {
    return this.electionId;
  }

  /** The enrolment (DESIGN §5): the official's card signs the entry without `official` (ECDSA P-256, P1363). */
  enrolment(official: OfficialCard = this.official, signingKey?: OfficialCard): Uint8Array[] {
    const unsigned = {
      v: 1 as const,
      type: 'kiosk-enrolment' as const,
      election: this.election,
      kiosk: this.id,
      publicKey: toBase64(this.keys.publicKey),
    };
    const key = crypto.createPrivateKey({
      key: Buffer.from((signingKey ?? official).privateKeyPkcs8),
      format: 'der',
      type: 'pkcs8',
    });
    const isEc = key.asymmetricKeyType === 'ec';
    const sig = crypto.sign(
      'sha256',
      enrolmentSigningBytes(unsigned),
      isEc ? { key, dsaEncoding: 'ieee-p1363' } : key,
    );
    return [
      this.sign({ ...unsigned, official: { cert: toBase64(official.certificate), sig: toBase64(sig) } }),
    ];
  }

  checkin(voter: Pick<RollRecord, 'voterRef' | 'style'>): Uint8Array[] {
    this.checkins++;
    return [
      this.sign({
        v: 1,
        type: 'checkin',
        election: this.election,
        kiosk: this.id,
        voterRef: voter.voterRef,
        style: voter.style,
      }),
    ];
  }

  /** A ballot's leaf data, with a fresh 16-byte tracker unless one is given. */
  ballot(style: string, selections: BallotEntry['selections'], tracker?: string): Uint8Array {
    return this.sign({
      v: 1,
      type: 'ballot',
      election: this.election,
      kiosk: this.id,
      style,
      selections,
      tracker: tracker ?? crypto.randomBytes(16).toString('hex'),
    });
  }

  /** Casts a ballot: it joins the queue until a batch carries it. Returns its leaf data. */
  cast(style: string, selections: BallotEntry['selections'], tracker?: string): Uint8Array {
    const leaf = this.ballot(style, selections, tracker);
    this.queue.push(leaf);
    return leaf;
  }

  /** A manifest and its ballots (DESIGN §5), advancing the chain. Overrides plant faults. */
  batch(ballots: readonly Uint8Array[], overrides: BatchOverrides = {}): Uint8Array[] {
    const manifest = this.sign({
      v: 1,
      type: 'batch',
      election: this.election,
      kiosk: this.id,
      seq: this.seq + 1,
      prev: this.head,
      count: overrides.count ?? ballots.length,
      root: overrides.root ?? batchRoot(ballots),
      final: overrides.final ?? false,
    });
    this.seq++;
    this.head = chainLink(manifest);
    this.ballotsSent += ballots.length;
    return [manifest, ...ballots];
  }

  /**
   * DESIGN §5 batching for privacy: once 2 × minBatch ballots are queued, shuffle them and send all but
   * minBatch. Returns the request, or null when no batch is due.
   */
  batchIfDue(): Uint8Array[] | null {
    if (this.queue.length < 2 * this.minBatch) return null;
    const shuffled = this.rng.shuffle([...this.queue]);
    const send = shuffled.slice(0, shuffled.length - this.minBatch);
    this.queue = shuffled.slice(shuffled.length - this.minBatch);
    return this.batch(send);
  }

  /** The final batch: the rest of the queue, shuffled (possibly empty). */
  finalBatch(overrides: Omit<BatchOverrides, 'final'> = {}): Uint8Array[] {
    const send = this.rng.shuffle([...this.queue]);
    this.queue = [];
    return this.batch(send, { ...overrides, final: true });
  }

  /** A polls event carrying the kiosk's totals (check-ins made, ballots sent), advancing the chain. */
  polls(event: PollsEvent, counts = { checkins: this.checkins, ballots: this.ballotsSent }): Uint8Array[] {
    const leaf = this.sign({
      v: 1,
      type: 'polls',
      election: this.election,
      kiosk: this.id,
      seq: this.seq + 1,
      prev: this.head,
      event,
      counts,
    });
    this.seq++;
    this.head = chainLink(leaf);
    return [leaf];
  }
}
