/**
 * Appending (DESIGN §6): requests whose signatures verified wait in one queue; the appender takes all
 * that are waiting (up to a bound) as a group, applies the state rules to each in arrival order
 * (group-state.ts), and stores what the group accepted in ONE transaction with one new log-signed
 * checkpoint. Concurrent requests thus share a transaction, a fsync and a checkpoint signature. The
 * tree grows by the compact range, O(log n) a leaf.
 *
 * A failed append (database gone, failover, a second writer) answers the whole group 503 and marks the
 * state for reloading from storage before the next group: memory never runs ahead of what is stored, and
 * a client's resend of the same bytes gets either the stored answer (if the commit did happen) or a
 * fresh append.
 */
import { toHex } from '../../protocol/bytes';
import type { AppendBatch, LeafRecord } from '../storage/types';
import { GroupState, type Preloaded } from './group-state';
import type { LedgerLogger } from './ledger-logger';
import { styleKey, type AppendAnswer, type LogState } from './log-state';
import { unavailable, type Refusal } from './refusal';
import type { LedgerRequest } from './request-parse';

export type AppendOutcome =
  { readonly ok: true; readonly answer: AppendAnswer } | { readonly ok: false; readonly refusal: Refusal };

interface Waiting {
  readonly req: LedgerRequest;
  readonly resolve: (outcome: AppendOutcome) => void;
}

/** Leaves per transaction, at most: bounds the time one group holds the database. */
const MAX_GROUP_LEAVES = 5000;
/**
 * Group commit: while requests are still being verified, the appender waits this long at most for them
 * to join the group (a wait costs less than a transaction, a fsync and a checkpoint signature each).
 */
const GATHER_MS = 4;

export class Appender {
  private readonly queue: Waiting[] = [];
  private running = false;
  private needsReload = false;
  private refreshWanted = false;
  private idle: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Requests parsed and being verified: they will reach `submit` (or be refused) soon. */
  private incoming = 0;
  private arrived: (() => void) | undefined;

  constructor(
    private readonly state: LogState,
    private readonly clock: () => number,
    private readonly log: LedgerLogger,
    /** Called after each stored checkpoint (new size or fresh signature): the witness pusher listens. */
    private readonly onCheckpoint: () => void,
  ) {}

  /**
   * Announces a request on its way (parsed, now being verified); `settled` must follow, once it was
   * submitted or refused. The appender gathers announced requests into the next group.
   */
  expect(): { settled: () => void } {
    this.incoming++;
    let done = false;
    return {
      settled: () => {
        if (done) return;
        done = true;
        this.incoming--;
        this.wake();
      },
    };
  }

  private wake(): void {
    const f = this.arrived;
    this.arrived = undefined;
    f?.();
  }

  /** Queues a request; resolves once it is stored (with its answer) or refused. */
  submit(req: LedgerRequest): Promise<AppendOutcome> {
    if (this.stopped)
      return Promise.resolve({ ok: false, refusal: unavailable('the ledger is shutting down') });
    return new Promise((resolve) => {
      this.queue.push({ req, resolve });
      this.wake();
      this.kick();
    });
  }

  /** Waits (at most GATHER_MS) while announced requests are still on their way to the queue. */
  private async gather(): Promise<void> {
    const until = performance.now() + GATHER_MS;
    while (this.incoming > 0) {
      const left = until - performance.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.arrived = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Asks for a fresh log signature on the current size (e.g. once the drain deadline has passed). */
  refreshCheckpoint(): Promise<void> {
    this.refreshWanted = true;
    this.kick();
    return this.idle;
  }

  /** Resolves when nothing is queued or running; new submissions are refused. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle;
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    this.idle = this.loop().finally(() => {
      this.running = false;
    });
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0 || this.refreshWanted) {
      if (this.needsReload && !(await this.reload())) {
        for (const w of this.queue.splice(0))
          w.resolve({
            ok: false,
            refusal: unavailable('storage is unavailable; resend the same bytes later'),
          });
        this.refreshWanted = false;
        return;
      }
      if (this.queue.length === 0) {
        this.refreshWanted = false;
        await this.refresh();
        continue;
      }
      await this.gather();
      let leaves = 0;
      let take = 0;
      while (
        take < this.queue.length &&
        (take === 0 || leaves + this.queue[take]!.req.entries.length <= MAX_GROUP_LEAVES)
      ) {
        leaves += this.queue[take]!.req.entries.length;
        take++;
      }
      await this.group(this.queue.splice(0, take));
    }
  }

  private async reload(): Promise<boolean> {
    try {
      await this.state.load();
      this.needsReload = false;
      this.log({ id: 'ledger.reloaded', level: 'info', size: this.state.size });
      return true;
    } catch (e) {
      this.log({ id: 'ledger.reload-failed', level: 'error', error: (e as Error).message });
      return false;
    }
  }

  private async refresh(): Promise<void> {
    const s = this.state;
    try {
      const record = await s.signCheckpoint(s.size, s.tree.root());
      await s.storage.replaceCheckpoint(record);
      s.latest = record;
      this.onCheckpoint();
    } catch (e) {
      this.needsReload = true;
      this.log({ id: 'ledger.checkpoint-refresh-failed', level: 'error', error: (e as Error).message });
    }
  }

  private async preload(group: readonly Waiting[]): Promise<Preloaded> {
    const storage = this.state.storage;
    const hashes = group.flatMap((w) => w.req.entries.map((e) => e.hash));
    const trackers: Uint8Array[] = [];
    const codes: string[] = [];
    const checkins = new Map<string, number>();
    for (const { req } of group) {
      if (req.kind === 'batch') {
        for (const b of req.ballots) {
          trackers.push(Buffer.from(b.tracker, 'hex'));
          codes.push(b.code);
        }
      }
      if (req.kind === 'checkin') {
        const index = await storage.findCheckin(Buffer.from(req.checkin.voterRef, 'hex'));
        if (index !== undefined) checkins.set(req.checkin.voterRef, index);
      }
    }
    const ballots = trackers.length > 0 ? await storage.findBallots(trackers, codes) : [];
    return {
      leaves: await storage.findLeaves(hashes),
      trackers: new Map(ballots.map((b) => [toHex(b.tracker), b.index])),
      codes: new Map(ballots.map((b) => [b.code, b.index])),
      checkins,
    };
  }

  private async group(group: Waiting[]): Promise<void> {
    const s = this.state;
    const fail = (e: unknown, what: string) => {
      this.needsReload = true;
      this.log({
        id: 'ledger.append-failed',
        level: 'error',
        stage: what,
        error: (e as Error).message,
        requests: group.length,
      });
      for (const w of group)
        w.resolve({
          ok: false,
          refusal: unavailable('storage is unavailable; nothing was appended: resend the same bytes'),
        });
    };
    // Identical requests (a resend racing the original) share one outcome; stored ones get their answer.
    const byKey = new Map<string, Waiting[]>();
    const fresh: Waiting[] = [];
    let pre: Preloaded;
    try {
      for (const w of group) {
        const key = toHex(w.req.key);
        const same = byKey.get(key);
        if (same) {
          same.push(w);
          continue;
        }
        const stored = await s.storage.findRequest(w.req.key);
        if (stored) {
          w.resolve({ ok: true, answer: await s.answer(stored.first, stored.count, stored.size) });
          continue;
        }
        byKey.set(key, [w]);
        fresh.push(w);
      }
      pre = await this.preload(fresh);
    } catch (e) {
      fail(e, 'lookup');
      return;
    }
    const resolveAll = (w: Waiting, outcome: AppendOutcome) => {
      for (const x of byKey.get(toHex(w.req.key)) ?? [w]) x.resolve(outcome);
    };

    const gs = new GroupState(s.ctx, s.kiosks, s.styles, pre, s.size);
    const accepted: { w: Waiting; first: number }[] = [];
    const refused: { w: Waiting; refusal: Refusal }[] = [];
    for (const w of fresh) {
      const r = gs.apply(w.req, this.clock());
      if ('first' in r) accepted.push({ w, first: r.first });
      else refused.push({ w, refusal: r });
    }

    let note: string | undefined;
    if (accepted.length > 0) {
      const leaves: LeafRecord[] = accepted.flatMap(({ w }) =>
        w.req.entries.map((e) => ({ hash: e.hash, data: e.data })),
      );
      const staged = s.tree.stage(leaves.map((l) => l.hash));
      let checkpoint;
      try {
        checkpoint = await s.signCheckpoint(gs.size, staged.root);
      } catch (e) {
        fail(e, 'sign');
        return;
      }
      const batch: AppendBatch = {
        fromSize: s.size,
        leaves,
        nodes: staged.nodes,
        tree: { size: gs.size, range: staged.range.serialize() },
        checkpoint,
        checkins: gs.checkins,
        ballots: gs.ballots,
        kiosks: [...gs.kiosks.values()],
        styleCounts: [...gs.styles.values()],
        requests: accepted.map(({ w, first }) => ({
          key: w.req.key,
          first,
          count: w.req.entries.length,
          size: gs.size,
        })),
      };
      try {
        await s.storage.append(batch);
      } catch (e) {
        fail(e, 'append');
        return;
      }
      s.tree.commit(staged);
      for (const k of gs.kiosks.values()) s.kiosks.set(k.kiosk, k);
      for (const c of gs.styles.values()) s.styles.set(styleKey(c.kiosk, c.style), c);
      s.latest = checkpoint;
      note = checkpoint.note;
      this.log({
        id: 'ledger.appended',
        level: 'info',
        requests: accepted.length,
        leaves: leaves.length,
        size: gs.size,
      });
      this.onCheckpoint();
    }
    try {
      for (const { w, first } of accepted) {
        resolveAll(w, { ok: true, answer: await s.answer(first, w.req.entries.length, gs.size, note) });
      }
      for (const { w, refusal } of refused) {
        const withProof =
          refusal.rule === 'voter-checked-in' && typeof refusal.details?.index === 'number'
            ? { ...refusal, details: await s.proofDetails(refusal.details.index) }
            : refusal;
        resolveAll(w, { ok: false, refusal: withProof });
      }
    } catch (e) {
      // The append is stored; only building an answer failed (a read): the client's resend gets it.
      this.log({ id: 'ledger.answer-failed', level: 'error', error: (e as Error).message });
      for (const w of fresh)
        resolveAll(w, {
          ok: false,
          refusal: unavailable('the answer could not be read back; resend the same bytes'),
        });
    }
  }
}
