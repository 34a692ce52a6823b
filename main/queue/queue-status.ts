/**
 * What the UI shows about the queue (issue: "the UI can show how many ballots wait and the last
 * acknowledged checkpoint"): counts from the store, the last checkpoints verified, the last problem.
 */
import type { KioskChain } from './kiosk-chain';
import type { QueueContext } from './queue-context';

export interface StatusProblem {
  readonly message: string;
  /** ISO 8601. */
  readonly at: string;
  /** True when the ledger's answer did not verify (an official must be told). */
  readonly alarm: boolean;
}

export interface CheckpointSummary {
  readonly size: number;
  /** The log's signature time, ISO 8601. */
  readonly loggedAt: string;
  /** When this kiosk verified it, ISO 8601. */
  readonly verifiedAt: string;
}

export interface QueueStatus {
  /** Whether a kiosk key is unlocked (batches and polls events can be signed). */
  readonly unlocked: boolean;
  /** The final batch is built: polls are closed at this kiosk. */
  readonly closed: boolean;
  readonly ballotsCast: number;
  /** Cast, not yet in a batch (the privacy rule holds them). */
  readonly ballotsQueued: number;
  /** Cast, not yet covered by a witnessed checkpoint (queued or in flight). */
  readonly ballotsWaiting: number;
  /** Batch manifests and polls events built or appended, not yet witnessed. */
  readonly batchesInFlight: number;
  /** Of those, built but not yet accepted by the ledger. */
  readonly entriesUnsent: number;
  readonly checkins: {
    readonly acknowledged: number;
    readonly pending: number;
    readonly refused: number;
    readonly elsewhere: number;
  };
  /** The last checkpoint with a witness quorum: what "acknowledged" means. */
  readonly lastWitnessed: CheckpointSummary | undefined;
  /** The largest log-signed checkpoint verified (witnessed or not yet). */
  readonly lastSeen: CheckpointSummary | undefined;
  readonly lastError: StatusProblem | undefined;
  readonly lastAlarm: StatusProblem | undefined;
  /** Alarms since the backend started. */
  readonly alarms: number;
  /** When the next send is due after a failure (ISO 8601), if one is waiting. */
  readonly nextRetryAt: string | undefined;
  /** Failed sends in a row (0: the last send went through, or nothing needed sending). */
  readonly sendFailures: number;
}

export interface BatcherState {
  readonly lastError: StatusProblem | undefined;
  readonly lastAlarm: StatusProblem | undefined;
  readonly alarms: number;
  readonly nextRetryAt: string | undefined;
  readonly sendFailures: number;
}

export function computeStatus(ctx: QueueContext, chain: KioskChain, state: BatcherState): QueueStatus {
  const { store } = ctx;
  const entries = store.chain.countByState();
  const checkins = store.checkins.countByState();
  const summary = (kind: 'seen' | 'witnessed'): CheckpointSummary | undefined => {
    const cp = store.checkpoints.get(kind);
    return cp
      ? { size: cp.size, loggedAt: new Date(cp.logTimestamp * 1000).toISOString(), verifiedAt: cp.verifiedAt }
      : undefined;
  };
  return {
    unlocked: ctx.signer.get() !== undefined,
    closed: chain.isClosed(),
    ballotsCast: store.ballots.count(),
    ballotsQueued: store.ballots.queuedCount(),
    ballotsWaiting: store.ballots.unacknowledgedCount(),
    batchesInFlight: entries.built + entries.appended,
    entriesUnsent: entries.built,
    checkins: {
      acknowledged: checkins.appended + checkins.witnessed,
      pending: checkins.pending,
      refused: checkins.refused,
      elsewhere: checkins.elsewhere,
    },
    lastWitnessed: summary('witnessed'),
    lastSeen: summary('seen'),
    lastError: state.lastError,
    lastAlarm: state.lastAlarm,
    alarms: state.alarms,
    nextRetryAt: state.nextRetryAt,
    sendFailures: state.sendFailures,
  };
}
