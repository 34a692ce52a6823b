/**
 * Building the kiosk chain (DESIGN §5): batch manifests and polls events, each signed once and stored,
 * with its batch's ballots assigned in the same transaction, before anything is sent (DESIGN §3). A
 * crash between building and sending resends the very same bytes; a crash before the commit leaves
 * the ballots queued and the seq free, so nothing is lost and no seq is skipped.
 *
 * One builder at a time (Serial): a seq is read, signed for and stored without another build in
 * between. Ballots for a batch are chosen and ordered by a CSPRNG shuffle of all queued ballots.
 */
import {
  batchRoot,
  parseLeafData,
  type BatchEntry,
  type PollsEntry,
  type PollsEvent,
} from '../../protocol/entries';
import { err, ok, type Result } from '../../protocol/result';
import type { StoredChainEntry } from '../store';
import { planClosingBatches, planOpenBatches } from './batch-plan';
import { csprngShuffle } from './csprng-shuffle';
import { signChecked } from './kiosk-signer';
import { LOCKED_MESSAGE, type QueueContext } from './queue-context';
import { Serial } from './serial';

export type ChainFailure =
  | { readonly kind: 'locked'; readonly message: string }
  | { readonly kind: 'closed'; readonly message: string }
  | { readonly kind: 'signer'; readonly message: string };

export interface StyleCounts {
  readonly style: string;
  readonly checkins: number;
  readonly ballots: number;
}

/** The close report's figures (DESIGN issue "Polls": check-in and ballot counts per style). */
export interface CloseReport {
  readonly finalSeq: number;
  readonly closeSeq: number;
  /** Ballots in the final batch (may be below minBatch, or 0). */
  readonly finalCount: number;
  readonly counts: { readonly checkins: number; readonly ballots: number };
  readonly byStyle: readonly StyleCounts[];
}

const CLOSED_MESSAGE = 'Polls are closed at this kiosk: its final batch is built; nothing more can be added.';

export class KioskChain {
  private readonly serial = new Serial();

  constructor(private readonly ctx: QueueContext) {}

  /** The kiosk's totals (DESIGN §5 polls event `counts`): acknowledged check-ins, ballots cast. */
  counts(): { checkins: number; ballots: number } {
    const { store } = this.ctx;
    return { checkins: store.checkins.acknowledgedCount(), ballots: store.ballots.count() };
  }

  byStyle(): StyleCounts[] {
    const { store } = this.ctx;
    const checkins = store.checkins.acknowledgedByStyle();
    const ballots = store.ballots.countsByStyle();
    const styles = [...new Set([...checkins.keys(), ...ballots.keys()])].sort();
    return styles.map((style) => ({
      style,
      checkins: checkins.get(style) ?? 0,
      ballots: ballots.get(style) ?? 0,
    }));
  }

  isClosed(): boolean {
    return this.ctx.store.chain.finalBatch() !== undefined;
  }

  /** Forms the batches the open-polls rule allows (DESIGN §5); returns how many were built. */
  formBatches(): Promise<Result<number, ChainFailure>> {
    return this.serial.run(async () => {
      if (this.isClosed()) return ok(0);
      const sizes = planOpenBatches(
        this.ctx.store.ballots.queuedCount(),
        this.ctx.minBatch,
        this.ctx.maxBatch,
      );
      for (const [i, size] of sizes.entries()) {
        const built = await this.buildBatch(size, false);
        if (!built.ok) return i > 0 ? ok(i) : built;
      }
      return ok(sizes.length);
    });
  }

  /** Builds a polls event (open, pause or resume) with the kiosk's counts. */
  pollsEvent(event: Exclude<PollsEvent, 'close'>): Promise<Result<StoredChainEntry, ChainFailure>> {
    return this.serial.run(async () => {
      if (this.isClosed()) return err({ kind: 'closed', message: CLOSED_MESSAGE });
      return this.buildPolls(event);
    });
  }

  /**
   * First half of closing polls (DESIGN §5): batches the rest — non-final batches while it does not fit
   * one request, then the `final` batch, possibly empty. Idempotent: once built, the final batch is
   * returned as it is. From then on nothing can be cast or checked in.
   */
  buildFinal(): Promise<Result<StoredChainEntry, ChainFailure>> {
    return this.serial.run(async () => {
      const { store } = this.ctx;
      const existing = store.chain.finalBatch();
      if (existing) return ok(existing);
      const plan = planClosingBatches(store.ballots.queuedCount(), this.ctx.minBatch, this.ctx.maxBatch);
      for (const size of plan.batches) {
        const built = await this.buildBatch(size, false);
        if (!built.ok) return built;
      }
      return this.buildBatch(plan.final, true);
    });
  }

  /**
   * Second half: the polls `close` event after the final batch, with the kiosk's totals (the caller
   * first settles check-ins whose answer was lost, so that the totals are the log's). Idempotent.
   */
  buildClose(): Promise<Result<CloseReport, ChainFailure>> {
    return this.serial.run(async () => {
      const { store } = this.ctx;
      const final = store.chain.finalBatch();
      if (!final) throw new Error('the polls close event comes after the final batch (buildFinal first)');
      const last = store.chain.lastPollsEvent();
      let close = last && last.seq > final.seq && last.event === 'close' ? last : undefined;
      if (!close) {
        const built = await this.buildPolls('close');
        if (!built.ok) return built;
        close = built.value;
      }
      const counts = parseLeafData(close.leaf);
      if (!counts.ok || counts.value.entry.type !== 'polls')
        throw new Error('the stored close event does not parse');
      return ok({
        finalSeq: final.seq,
        closeSeq: close.seq,
        finalCount: final.count,
        counts: counts.value.entry.counts,
        byStyle: this.byStyle(),
      });
    });
  }

  private async buildBatch(size: number, final: boolean): Promise<Result<StoredChainEntry, ChainFailure>> {
    const { store, election, kiosk } = this.ctx;
    const signer = this.ctx.signer.get();
    if (!signer) return err({ kind: 'locked', message: LOCKED_MESSAGE });
    const ids = csprngShuffle(store.ballots.queuedIds()).slice(0, size);
    if (ids.length !== size)
      throw new Error(`a batch of ${size} was planned but only ${ids.length} ballots are queued`);
    const leaves = ids.map((id) => store.ballots.leaf(id)!);
    const head = store.chain.head();
    const entry: BatchEntry = {
      v: 1,
      type: 'batch',
      election: election.electionId,
      kiosk,
      seq: head.seq + 1,
      prev: head.head,
      count: size,
      root: batchRoot(leaves),
      final,
    };
    const leaf = await signChecked(signer, kiosk, entry, this.ctx.verifier);
    if (!leaf.ok) return err({ kind: 'signer', message: leaf.error });
    store.transaction(() => {
      store.chain.insert({ seq: entry.seq, kind: 'batch', final, count: size, leaf: leaf.value });
      store.ballots.assign(entry.seq, ids);
    });
    this.ctx.log({
      id: 'queue.batch-built',
      level: 'info',
      disposition: 'success',
      message: `${final ? 'final ' : ''}batch ${entry.seq} of ${size} ballot(s) built and stored`,
      fields: { seq: entry.seq, count: size, final },
    });
    return ok(store.chain.get(entry.seq)!);
  }

  private async buildPolls(event: PollsEvent): Promise<Result<StoredChainEntry, ChainFailure>> {
    const { store, election, kiosk } = this.ctx;
    const signer = this.ctx.signer.get();
    if (!signer) return err({ kind: 'locked', message: LOCKED_MESSAGE });
    const head = store.chain.head();
    const counts = this.counts();
    const entry: PollsEntry = {
      v: 1,
      type: 'polls',
      election: election.electionId,
      kiosk,
      seq: head.seq + 1,
      prev: head.head,
      event,
      counts,
    };
    const leaf = await signChecked(signer, kiosk, entry, this.ctx.verifier);
    if (!leaf.ok) return err({ kind: 'signer', message: leaf.error });
    store.transaction(() => store.chain.insert({ seq: entry.seq, kind: 'polls', event, leaf: leaf.value }));
    this.ctx.log({
      id: 'queue.polls-built',
      level: 'info',
      disposition: 'success',
      message: `polls ${event} event (seq ${entry.seq}) built and stored`,
      fields: { seq: entry.seq, event, checkins: counts.checkins, ballots: counts.ballots },
    });
    return ok(store.chain.get(entry.seq)!);
  }
}
