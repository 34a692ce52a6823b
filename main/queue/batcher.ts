/**
 * The background worker of the queue (DESIGN §5): forms batches when the privacy rule allows (only
 * while the kiosk key is unlocked), sends the enrolment and the chained entries in order, and confirms
 * them under witnessed checkpoints. A failed send waits with exponential backoff and jitter; a ledger
 * that is down for hours only makes it wait — ballots stay stored and are sent when it returns, and
 * casting never waits for it. An answer that does not verify raises an alarm (logged, shown in the
 * status) and is retried later like any failure; nothing it claims is recorded.
 */
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { KioskChain } from './kiosk-chain';
import type { QueueContext } from './queue-context';
import type { Sender, SendFailure } from './sender';
import { computeStatus, type QueueStatus, type StatusProblem } from './queue-status';

export interface BatcherOptions {
  readonly backoff?: BackoffOptions;
  /** How often to ask for a witnessed checkpoint while something waits for one (default 1 s). */
  readonly witnessPollMs?: number;
  /** How often to look anyway when there is nothing to do (default 30 s). */
  readonly idlePollMs?: number;
}

export class Batcher {
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private sendAttempt = 0;
  private sendRetryAt = 0;
  private witnessAttempt = 0;
  private witnessRetryAt = 0;
  private lastError: StatusProblem | undefined;
  private lastAlarm: StatusProblem | undefined;
  private alarms = 0;
  private readonly backoff: BackoffOptions;
  private readonly witnessPollMs: number;
  private readonly idlePollMs: number;

  constructor(
    private readonly ctx: QueueContext,
    private readonly chain: KioskChain,
    private readonly sender: Sender,
    options: BatcherOptions = {},
  ) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.witnessPollMs = options.witnessPollMs ?? 1_000;
    this.idlePollMs = options.idlePollMs ?? 30_000;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Finishes the step under way (a stored entry stays stored either way) and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  /** Something new to do (a ballot cast, polls closed, the key unlocked): look now. */
  notify(): void {
    this.wake?.();
  }

  /** Sends now, ignoring the backoff (e.g. a technician's "retry now" after fixing the network). */
  retryNow(): void {
    this.sendRetryAt = 0;
    this.witnessRetryAt = 0;
    this.wake?.();
  }

  status(): QueueStatus {
    return computeStatus(this.ctx, this.chain, {
      lastError: this.lastError,
      lastAlarm: this.lastAlarm,
      alarms: this.alarms,
      nextRetryAt: this.sendRetryAt > Date.now() ? new Date(this.sendRetryAt).toISOString() : undefined,
      sendFailures: this.sendAttempt,
    });
  }

  /** One pass: form, send, confirm. Returns how long to wait before the next. Exposed for tests. */
  async step(): Promise<number> {
    if (this.ctx.signer.get()) {
      const formed = await this.chain.formBatches();
      if (!formed.ok) this.problem('queue.send-failed', formed.error.message, 'error');
    }
    const now = Date.now();
    if (now >= this.sendRetryAt) {
      const enrolment = await this.sender.sendEnrolment();
      const sent = enrolment.ok ? await this.sender.sendChain() : enrolment;
      if (sent.ok) {
        this.sendAttempt = 0;
        this.sendRetryAt = 0;
      } else {
        this.sendRetryAt = Date.now() + this.failed(sent.error, this.sendAttempt++);
      }
    }
    if (this.sender.unwitnessedUpTo() !== undefined && Date.now() >= this.witnessRetryAt) {
      const w = await this.sender.confirmWitnessed();
      if (!w.ok) {
        this.witnessRetryAt = Date.now() + this.failed(w.error, this.witnessAttempt++);
      } else {
        this.witnessAttempt = 0;
        this.witnessRetryAt = w.value ? 0 : Date.now() + this.witnessPollMs;
      }
    }
    return this.nextWait();
  }

  private nextWait(): number {
    const now = Date.now();
    const waits = [this.idlePollMs];
    if (this.ctx.store.chain.nextToSend() || this.ctx.store.kiosk.get()?.enrolment?.state === 'pending') {
      waits.push(Math.max(0, this.sendRetryAt - now));
    }
    if (this.sender.unwitnessedUpTo() !== undefined) waits.push(Math.max(0, this.witnessRetryAt - now));
    return Math.min(...waits);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let wait: number;
      try {
        wait = await this.step();
      } catch (e) {
        // A bug or a damaged store: log it and keep going after a pause; nothing stored is touched.
        this.problem('queue.send-failed', `the queue worker failed: ${(e as Error).message}`, 'error');
        wait = backoffDelay(this.sendAttempt++, this.backoff);
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Records a failure (an alarm when the answer did not verify) and returns the backoff delay. */
  private failed(f: SendFailure, attempt: number): number {
    const delay = backoffDelay(attempt, this.backoff);
    const where = f.seq === undefined ? '' : ` (chain seq ${f.seq})`;
    if (f.failure.kind === 'alarm') {
      this.alarms++;
      this.problem('queue.alarm', `${f.failure.message}${where}`, 'alarm');
    } else {
      const level = f.failure.kind === 'refused' ? 'error' : 'warn';
      this.problem('queue.send-failed', `${f.failure.message}${where}`, level, {
        kind: f.failure.kind,
        retryInMs: delay,
        ...(f.seq === undefined ? {} : { seq: f.seq }),
        ...(f.failure.kind === 'refused' ? { status: f.failure.status, rule: f.failure.rule ?? '' } : {}),
      });
    }
    return delay;
  }

  private problem(
    id: 'queue.send-failed' | 'queue.alarm',
    message: string,
    level: 'warn' | 'error' | 'alarm',
    fields: Record<string, string | number | boolean> = {},
  ): void {
    const at = this.ctx.now().toISOString();
    const p: StatusProblem = { message, at, alarm: level === 'alarm' };
    this.lastError = p;
    if (level === 'alarm') this.lastAlarm = p;
    // Ledger refusal texts can name a tracker: the event log gets the kind and rule, not the text.
    const logged =
      id === 'queue.alarm' ? message : `sending to the ledger failed (${String(fields.kind ?? 'error')})`;
    this.ctx.log({ id, level, disposition: 'failure', message: logged, fields });
  }
}
