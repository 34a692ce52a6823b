/**
 * The kiosk queue, wired: one object the backend composes at start-up from a provisioned store.
 *
 *   const opened = KioskQueue.open({ store, log });          // reads the election from the store
 *   queue.unlock(memorySigner(keys));                         // after the official's HSM PIN (DESIGN §8)
 *   queue.start();                                            // background batching and sending
 *   await queue.pollsEvent('open');
 *   const admitted = await queue.checkIn(voterRef, style);    // the voter waits; fail closed
 *   const receipt = await queue.cast({ style, selections });  // durable before it resolves
 *   await queue.closePolls();                                 // final batch + polls close
 *   queue.status();                                           // for the UI
 *   await queue.stop();
 */
import { parseElectionPackageText, type LoadedElection } from '../../protocol/election';
import { formatProblem } from '../../protocol/election/problems';
import type { KioskId, PollsEvent } from '../../protocol/entries';
import { nobleVerifier, type MlDsaVerifier } from '../../protocol/ml-dsa';
import { err, ok, type Result } from '../../protocol/result';
import { LedgerClient, ledgerTrustOf, VerifiedLedger, type LedgerFailure } from '../ledger-client';
import type { Store, StoredChainEntry } from '../store';
import { batchLimitsProblem } from './batch-plan';
import { BallotQueue, type BallotChoice, type CastFailure, type CastReceipt } from './ballot-queue';
import { Batcher, type BatcherOptions } from './batcher';
import { CheckinDesk, type CheckedIn, type CheckinFailure } from './checkin-desk';
import { KioskChain, type ChainFailure, type CloseReport } from './kiosk-chain';
import type { KioskSigner } from './kiosk-signer';
import { SignerSlot, type QueueContext } from './queue-context';
import { silentQueueLogger, type QueueLogger } from './queue-events';
import type { QueueStatus } from './queue-status';
import { Sender } from './sender';

export type CloseFailure =
  | ChainFailure
  | { readonly kind: 'unreachable'; readonly message: string }
  | { readonly kind: 'alarm'; readonly message: string };

export interface KioskQueueOptions extends BatcherOptions {
  readonly store: Store;
  /** The ledger's URL; default the package's `ledger.url`. */
  readonly ledgerUrl?: string;
  readonly log?: QueueLogger;
  /**
   * ML-DSA verifier, for the kiosk's own signatures (checked before storing) and the checkpoints'
   * (default noble; the backend passes `fastestMlDsaVerifier(nobleVerifier).verifier`).
   */
  readonly verifier?: MlDsaVerifier;
  /** Another fetch for the ledger client (tests). */
  readonly fetch?: typeof fetch;
  /** Ledger timeouts: reads, chained sends, and the check-in a voter waits for (default 10 s, 30 s, 10 s). */
  readonly timeouts?: { readonly readMs?: number; readonly postMs?: number; readonly checkinMs?: number };
  readonly now?: () => Date;
}

export class KioskQueue {
  readonly election: LoadedElection;
  readonly kiosk: KioskId;
  readonly ledger: VerifiedLedger;
  readonly chain: KioskChain;
  readonly batcher: Batcher;
  private readonly ballots: BallotQueue;
  private readonly desk: CheckinDesk;
  private readonly sender: Sender;

  private constructor(
    private readonly ctx: QueueContext,
    ledger: VerifiedLedger,
    url: string,
    options: KioskQueueOptions,
  ) {
    this.election = ctx.election;
    this.kiosk = ctx.kiosk;
    this.ledger = ledger;
    this.chain = new KioskChain(ctx);
    this.sender = new Sender(ctx, ledger);
    this.batcher = new Batcher(ctx, this.chain, this.sender, options);
    this.ballots = new BallotQueue(ctx, url, () => this.batcher.notify());
    this.desk = new CheckinDesk(ctx, ledger, options.timeouts?.checkinMs ?? 10_000);
  }

  /** Opens the queue of a provisioned store; the error says what is missing or wrong. */
  static open(options: KioskQueueOptions): Result<KioskQueue, string> {
    const { store } = options;
    const config = store.kiosk.get();
    if (!config) return err('the kiosk is not provisioned: load an election package first');
    const parsed = parseElectionPackageText(config.packageBytes);
    if (!parsed.ok)
      return err(`the stored election package is refused: ${parsed.error.map(formatProblem).join('; ')}`);
    const election = parsed.value;
    if (election.electionId !== config.electionId) {
      return err(
        `the stored package is election ${election.electionId}, the kiosk was provisioned for ${config.electionId}`,
      );
    }
    const trust = ledgerTrustOf(election.package);
    if (!trust.ok) return err(`the election package's ledger section: ${trust.error}`);
    const { minBatch } = election.package.privacy;
    const { maxBatch } = election.package.limits;
    const limits = batchLimitsProblem(minBatch, maxBatch);
    if (limits) return err(`the election package: ${limits}`);
    const kiosk = config.kioskId as KioskId;
    const verifier = options.verifier ?? nobleVerifier;
    const ctx: QueueContext = {
      store,
      election,
      kiosk,
      signer: new SignerSlot(kiosk),
      verifier,
      log: options.log ?? silentQueueLogger,
      minBatch,
      maxBatch,
      now: options.now ?? (() => new Date()),
    };
    const url = options.ledgerUrl ?? election.package.ledger.url;
    const t = options.timeouts ?? {};
    // One VerifiedLedger per store: checkpoints are accepted one at a time, so `seen` never forks.
    const client = new LedgerClient({
      url,
      ...(t.readMs === undefined ? {} : { timeoutMs: t.readMs }),
      ...(t.postMs === undefined ? {} : { postTimeoutMs: t.postMs }),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const ledger = new VerifiedLedger({ client, trust: trust.value, memory: store.checkpoints, verifier });
    return ok(new KioskQueue(ctx, ledger, url.replace(/\/+$/, ''), options));
  }

  /** Puts the unsealed kiosk key in place (refused if it is another kiosk's) and wakes the batcher. */
  unlock(signer: KioskSigner): Result<void, string> {
    const set = this.ctx.signer.set(signer);
    if (set.ok) this.batcher.notify();
    return set;
  }

  /** Drops the key (pause, lock, shutdown): already built entries still drain; nothing new is signed. */
  lock(): void {
    this.ctx.signer.clear();
  }

  start(): void {
    this.batcher.start();
  }

  stop(): Promise<void> {
    return this.batcher.stop();
  }

  checkIn(voterRef: string, style: string): Promise<Result<CheckedIn, CheckinFailure>> {
    return this.desk.checkIn(voterRef, style);
  }

  cast(choice: BallotChoice): Promise<Result<CastReceipt, CastFailure>> {
    return this.ballots.cast(choice);
  }

  /** Builds a polls open/pause/resume event; the batcher sends it. */
  async pollsEvent(event: Exclude<PollsEvent, 'close'>): Promise<Result<StoredChainEntry, ChainFailure>> {
    const r = await this.chain.pollsEvent(event);
    this.batcher.notify();
    return r;
  }

  /**
   * Closes polls (DESIGN §5): the final batch (nothing can be cast after it), then — once the ledger
   * has said which check-ins whose answer was lost are on the log — the polls close event with the
   * totals the log holds. The batcher sends them. Idempotent: if the ledger cannot be reached for that
   * question, the final batch stays built and closing again later finishes the job.
   */
  async closePolls(): Promise<Result<CloseReport, CloseFailure>> {
    const final = await this.chain.buildFinal();
    this.batcher.notify();
    if (!final.ok) return final;
    const settled = await this.desk.reconcilePending();
    if (!settled.ok) {
      const f = settled.error;
      return err({
        kind: f.kind === 'alarm' ? 'alarm' : 'unreachable',
        message:
          'The final batch is built: no more ballots can be cast here. The polls close event waits until the state ledger ' +
          `says whether check-ins whose answer was lost are on the log. ${f.message} Close polls again when it is back.`,
      });
    }
    const close = await this.chain.buildClose();
    this.batcher.notify();
    return close;
  }

  /**
   * Stores the kiosk-enrolment leaf (signed once by the provisioning flow) and sends it now; on a
   * failure it stays stored and the batcher resends the same bytes.
   */
  async enrol(
    leaf: Uint8Array,
  ): Promise<Result<number, LedgerFailure | { kind: 'stored'; message: string }>> {
    const saved = this.ctx.store.kiosk.saveEnrolment(leaf);
    if (!saved.ok) return err({ kind: 'stored', message: saved.error });
    if (saved.value.state !== 'pending') return ok(saved.value.ledgerIndex!);
    const sent = await this.sender.sendEnrolment();
    if (!sent.ok) {
      this.batcher.notify();
      return err(sent.error.failure);
    }
    return ok(this.ctx.store.kiosk.get()!.enrolment!.ledgerIndex!);
  }

  status(): QueueStatus {
    return this.batcher.status();
  }
}
