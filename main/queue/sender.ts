/**
 * Sending what is stored to the ledger, in order, and recording only what a verified answer proves
 * (DESIGN §3, §5, §6):
 * - the enrolment first (the ledger checks every other entry against the enrolled key);
 * - then the chained entries in seq order, each exactly as stored: a polls event alone, a batch
 *   manifest followed by its ballots in their stored order. Entry n+1 goes only after entry n's answer
 *   verified (the ledger refuses a gap in seq);
 * - an entry becomes `appended` only when the answer verifies (log signature, inclusion of every leaf,
 *   consistency with the last checkpoint seen); `witnessed` only when a checkpoint with a witness quorum,
 *   consistent with it, covers it. Anything else leaves it as it was, to be resent — the same bytes, which
 *   the ledger answers idempotently.
 */
import { toHex } from '../../protocol/bytes';
import { batchRoot, parseLeafData } from '../../protocol/entries';
import { err, ok, type Result } from '../../protocol/result';
import type { LedgerFailure, VerifiedLedger, Witnessed } from '../ledger-client';
import type { StoredChainEntry } from '../store';
import type { QueueContext } from './queue-context';

/** A failed send, with the chained entry it concerned (undefined: the enrolment or a witness check). */
export interface SendFailure {
  readonly failure: LedgerFailure;
  readonly seq: number | undefined;
}

export class Sender {
  constructor(
    private readonly ctx: QueueContext,
    private readonly ledger: VerifiedLedger,
  ) {}

  /** Sends the enrolment if it is stored and not yet appended; `false` when there was nothing to send. */
  async sendEnrolment(): Promise<Result<boolean, SendFailure>> {
    const { store } = this.ctx;
    const enrolment = store.kiosk.get()?.enrolment;
    if (!enrolment || enrolment.state !== 'pending') return ok(false);
    const answer = await this.ledger.append([enrolment.leaf]);
    if (!answer.ok) {
      // A 409 "kiosk-enrolled" with different bytes cannot be ours: leave it pending and say so.
      return err({ failure: answer.error, seq: undefined });
    }
    store.kiosk.markEnrolment('appended', answer.value.index);
    this.ctx.log({
      id: 'enrolment.appended',
      level: 'info',
      disposition: 'success',
      message: `the kiosk enrolment was appended at index ${answer.value.index}`,
      fields: { index: answer.value.index, size: answer.value.size },
    });
    return ok(true);
  }

  /** Sends every built chained entry, in seq order, stopping at the first failure; returns how many went. */
  async sendChain(): Promise<Result<number, SendFailure>> {
    let sent = 0;
    for (;;) {
      const next = this.ctx.store.chain.nextToSend();
      if (!next) return ok(sent);
      const r = await this.sendEntry(next);
      if (!r.ok) return r;
      sent++;
    }
  }

  /** The request of a chained entry: its leaf, and for a batch its ballots in their stored order. */
  requestOf(entry: StoredChainEntry): Uint8Array[] {
    if (entry.kind === 'polls') return [entry.leaf];
    const ballots = this.ctx.store.ballots.leavesOfBatch(entry.seq);
    const manifest = parseLeafData(entry.leaf);
    // The store is ours; a batch that no longer matches its manifest is damage, and must not be sent.
    if (!manifest.ok || manifest.value.entry.type !== 'batch')
      throw new Error(`chain entry ${entry.seq} is not a batch manifest`);
    const m = manifest.value.entry;
    if (ballots.length !== m.count || batchRoot(ballots) !== m.root) {
      throw new Error(
        `batch ${entry.seq}: the store holds ${ballots.length} ballot(s) with root ${batchRoot(ballots)}, the manifest says ${m.count} with ${m.root}`,
      );
    }
    return [entry.leaf, ...ballots];
  }

  private async sendEntry(entry: StoredChainEntry): Promise<Result<void, SendFailure>> {
    const answer = await this.ledger.append(this.requestOf(entry));
    if (!answer.ok) return err({ failure: answer.error, seq: entry.seq });
    this.ctx.store.chain.markAppended(entry.seq, answer.value.index, answer.value.size);
    const what =
      entry.kind === 'polls' ? `polls ${entry.event} event` : `${entry.final ? 'final ' : ''}batch`;
    this.ctx.log({
      id: 'queue.entry-appended',
      level: 'info',
      disposition: 'success',
      message: `${what} ${entry.seq} appended at index ${answer.value.index} (tree size ${answer.value.size})`,
      fields: { seq: entry.seq, index: answer.value.index, size: answer.value.size, count: entry.count },
    });
    return ok(undefined);
  }

  /** The largest leaf index that is appended but not yet witnessed, over everything this kiosk sent. */
  unwitnessedUpTo(): number | undefined {
    const { store } = this.ctx;
    const enrolment = store.kiosk.get()?.enrolment;
    const candidates = [
      store.chain.maxUnwitnessedIndex(),
      store.checkins.maxUnwitnessedIndex(),
      enrolment?.state === 'appended' ? enrolment.ledgerIndex : undefined,
    ].filter((x): x is number => x !== undefined);
    return candidates.length > 0 ? Math.max(...candidates) : undefined;
  }

  /**
   * Looks for a witnessed checkpoint covering everything appended; marks what it covers `witnessed`.
   * `undefined` when nothing waits, or the witnesses have not cosigned that far yet.
   */
  async confirmWitnessed(): Promise<Result<Witnessed | undefined, SendFailure>> {
    const upTo = this.unwitnessedUpTo();
    if (upTo === undefined) return ok(undefined);
    const w = await this.ledger.witnessedCovering(upTo + 1);
    if (!w.ok) return err({ failure: w.error, seq: undefined });
    if (!w.value) return ok(undefined);
    const size = w.value.size;
    const { store } = this.ctx;
    const marked = store.transaction(
      () =>
        store.chain.markWitnessedBelow(size) +
        store.checkins.markWitnessedBelow(size) +
        store.kiosk.markEnrolmentWitnessedBelow(size),
    );
    // The WAL holds recent writes in the order they happened (ballots in cast order): fold it into the
    // randomly keyed B-trees and truncate it once a batch is safe (DESIGN §9).
    if (marked > 0) store.checkpointWal();
    this.ctx.log({
      id: 'queue.witnessed',
      level: 'info',
      disposition: 'success',
      message: `checkpoint of size ${size} cosigned by ${w.value.witnesses.join(', ')} covers ${marked} entr${marked === 1 ? 'y' : 'ies'} of this kiosk`,
      fields: { size, root: toHex(w.value.root), marked },
    });
    return ok(w.value);
  }
}
