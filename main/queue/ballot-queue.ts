/**
 * Casting a ballot (DESIGN §5, §3, §9): build the ballot entry with 16 fresh random tracker bytes,
 * check it against the election package, sign it with the kiosk key, and store it in ONE durable
 * transaction (WAL, synchronous FULL: fsynced at commit). Only when `cast` resolves may the voter be
 * told "cast": from then on the ballot survives a crash or a power cut, and reaches the ledger in a
 * batch. The receipt is the tracking code (DESIGN §5) and a QR payload.
 *
 * Two guards keep a stored ballot from ever blocking the chain at the ledger: nothing is cast after
 * the final batch (the ledger refuses anything after it), and never more ballots of a style than
 * acknowledged check-ins of that style (the ledger's rule, DESIGN §6 audit: ballots ≤ check-ins).
 */
import { randomBytes } from 'node:crypto';
import { toHex } from '../../protocol/bytes';
import {
  BallotEntrySchema,
  checkBallotSelections,
  formatTrackingCode,
  trackingCodeOf,
  TRACKER_BYTES,
  type BallotEntry,
} from '../../protocol/entries';
import { formatZodIssues } from '../../protocol/election/zod-issues';
import { leafHash } from '../../protocol/merkle';
import { err, ok, type Result } from '../../protocol/result';
import { signChecked } from './kiosk-signer';
import { LOCKED_MESSAGE, type QueueContext } from './queue-context';

export interface BallotChoice {
  readonly style: string;
  /** contestId → option ids; a contest left out or empty is a blank vote (DESIGN §4). */
  readonly selections: Readonly<Record<string, readonly string[]>>;
}

export interface CastReceipt {
  /** The tracking code as printed: XXXX-XXXX-XXXX-XXXX. */
  readonly trackingCode: string;
  /** The same 16 characters without dashes (the form the ledger's lookup indexes). */
  readonly code: string;
  /** What the receipt's QR code holds: the ledger's lookup URL for this code. */
  readonly qrPayload: string;
}

export type CastFailure =
  | { readonly kind: 'locked'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string; readonly problems: readonly string[] }
  | { readonly kind: 'closed'; readonly message: string }
  | { readonly kind: 'no-checkin'; readonly message: string }
  | { readonly kind: 'signer'; readonly message: string };

/** Thrown inside the store transaction to roll it back with a failure value. */
class Refusal extends Error {
  constructor(readonly failure: CastFailure) {
    super(failure.message);
  }
}

export class BallotQueue {
  constructor(
    private readonly ctx: QueueContext,
    /** The ledger's base URL for receipts (the package's `ledger.url` unless told otherwise). */
    private readonly ledgerUrl: string,
    /** Called after each durable cast (the batcher may now form a batch). */
    private readonly onCast: () => void = () => {},
  ) {}

  async cast(choice: BallotChoice): Promise<Result<CastReceipt, CastFailure>> {
    const { ctx } = this;
    const signer = ctx.signer.get();
    if (!signer) return err({ kind: 'locked', message: LOCKED_MESSAGE });
    const entry: BallotEntry = {
      v: 1,
      type: 'ballot',
      election: ctx.election.electionId,
      kiosk: ctx.kiosk,
      style: choice.style,
      selections: Object.fromEntries(Object.entries(choice.selections).map(([c, o]) => [c, [...o]])),
      tracker: toHex(randomBytes(TRACKER_BYTES)),
    };
    const invalid = this.check(entry);
    if (invalid) return err(invalid);
    const early = this.guard(entry.style);
    if (early) return err(early);

    const leaf = await signChecked(signer, ctx.kiosk, entry, ctx.verifier);
    if (!leaf.ok) return err({ kind: 'signer', message: leaf.error });
    try {
      ctx.store.transaction(() => {
        const refusal = this.guard(entry.style);
        if (refusal) throw new Refusal(refusal);
        ctx.store.ballots.insert(randomBytes(16), entry.style, leaf.value);
      });
    } catch (e) {
      if (e instanceof Refusal) return err(e.failure);
      throw e;
    }
    ctx.log({
      id: 'queue.ballot-cast',
      level: 'info',
      disposition: 'success',
      message: 'a ballot was cast and stored',
    });
    this.onCast();
    const code = trackingCodeOf(leafHash(leaf.value));
    const trackingCode = formatTrackingCode(code);
    return ok({ trackingCode, code, qrPayload: `${this.ledgerUrl}/v1/lookup?code=${trackingCode}` });
  }

  /** The ballot against its schema and the package (a UI bug shows here, never at the ledger). */
  private check(entry: BallotEntry): CastFailure | undefined {
    const shape = BallotEntrySchema.safeParse(entry);
    if (!shape.success) {
      const problems = formatZodIssues(shape.error.issues).map((p) => `${p.path}: ${p.message}`);
      return { kind: 'invalid', message: `the ballot is malformed: ${problems.join('; ')}`, problems };
    }
    const checked = checkBallotSelections(entry, this.ctx.election.package);
    if (!checked.ok) {
      return {
        kind: 'invalid',
        message: `the ballot does not fit the election: ${checked.error.join('; ')}`,
        problems: checked.error,
      };
    }
    return undefined;
  }

  private guard(style: string): CastFailure | undefined {
    const { store } = this.ctx;
    if (store.chain.finalBatch()) {
      return { kind: 'closed', message: 'Polls are closed at this kiosk: no ballot can be cast.' };
    }
    const checkins = store.checkins.acknowledgedCount(style);
    const ballots = store.ballots.count(style);
    if (ballots >= checkins) {
      return {
        kind: 'no-checkin',
        message:
          `No acknowledged check-in is waiting for a ballot of style "${style}" ` +
          `(${checkins} check-in(s), ${ballots} ballot(s)): check the voter in first.`,
      };
    }
    return undefined;
  }
}
