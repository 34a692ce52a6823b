/**
 * A whole clean election, scripted on the log builder: each kiosk is enrolled two hours before the
 * polls open and opens its polls; voters arrive evenly through the check-in window, each at one kiosk
 * (voter j at kiosk j mod n), checks in and casts a ballot of their style with random valid selections;
 * kiosks send batches as DESIGN §5 says (2 × minBatch queued: send all but minBatch, shuffled); half an
 * hour after the polls close each kiosk sends its final batch and its polls close event. The log
 * publishes a checkpoint every `checkpointEvery` requests, one after the enrolments, one after the
 * final batches, and (finish()) one after closes + drainHours, all cosigned by every witness.
 *
 * Each kiosk's requests are a stream of their own (`kioskStream`), timed so that merging the streams
 * by time gives the same log whichever process built them: the benchmark builds streams in parallel
 * child processes and caches them (bench/audit.bench.ts).
 */
import { contestsById, stylesById, type ElectionPackage } from '../../protocol/election';
import type { BallotEntry } from '../../protocol/entries';
import type { RollRecord } from '../../protocol/voters';
import { LogBuilder } from './log-builder';
import type { SimKiosk, TestRng } from './sim-kiosk';
import type { TestElection } from './test-election';

export interface TimedRequest {
  /** Milliseconds since the epoch. */
  readonly t: number;
  readonly kiosk: number;
  readonly leaves: readonly Uint8Array[];
}

export interface SimulationOptions {
  readonly kiosks?: number;
  /** Who votes (default: every eligible voter), in arrival order. */
  readonly voters?: readonly RollRecord[];
  readonly checkpointEvery?: number;
}

const HOUR = 3_600_000;

/** Random valid selections of a style (blank contests included, as a voter may leave one empty). */
export function randomSelections(
  pkg: ElectionPackage,
  style: string,
  rng: TestRng,
): BallotEntry['selections'] {
  const s = stylesById(pkg).get(style);
  if (!s) throw new Error(`no ballot style ${style}`);
  const contests = contestsById(pkg);
  const out: Record<string, string[]> = {};
  for (const id of s.contests) {
    const c = contests.get(id)!;
    const n = rng.next() < 0.1 ? 0 : 1 + rng.int(c.maxChoices);
    const options = rng.shuffle(c.options.map((o) => o.id)).slice(0, n);
    if (options.length > 0 || rng.next() < 0.5) out[id] = options;
  }
  return out;
}

/** When voter j (of `total`) arrives: evenly through [opens, closes), a minute before the close at the latest. */
export function arrivalTime(e: TestElection, j: number, total: number): number {
  const span = e.closesMs - e.opensMs - 60_000;
  return e.opensMs + Math.floor(((j + 1) * span) / (total + 1));
}

/** The requests of kiosk `index` of `count`, with their times. */
export function kioskStream(
  e: TestElection,
  kiosk: SimKiosk,
  index: number,
  count: number,
  voters: readonly RollRecord[],
): TimedRequest[] {
  const out: TimedRequest[] = [];
  const push = (t: number, leaves: readonly Uint8Array[] | null) => {
    if (leaves) out.push({ t, kiosk: index, leaves });
  };
  push(e.opensMs - 2 * HOUR + index * 1000, kiosk.enrolment());
  push(e.opensMs + index, kiosk.polls('open'));
  const pkg = e.election.package;
  for (let j = index; j < voters.length; j += count) {
    const voter = voters[j]!;
    const t = arrivalTime(e, j, voters.length);
    push(t, kiosk.checkin(voter));
    kiosk.cast(voter.style, randomSelections(pkg, voter.style, kiosk.rng));
    push(t, kiosk.batchIfDue());
  }
  const end = e.closesMs + HOUR / 2 + index * 1000;
  push(end, kiosk.finalBatch());
  push(end, kiosk.polls('close'));
  return out;
}

/** Merges kiosk streams by time (then kiosk), keeping each kiosk's own order. */
export function mergeStreams(streams: readonly (readonly TimedRequest[])[]): TimedRequest[] {
  const all = streams.flatMap((s) => s.map((r, order) => ({ r, order })));
  all.sort((a, b) => a.r.t - b.r.t || a.r.kiosk - b.r.kiosk || a.order - b.order);
  return all.map((x) => x.r);
}

/** Where a timeline goes: the in-memory log builder, or a streaming export (stream-export.ts). */
export interface TimelineSink {
  readonly e: TestElection;
  now: number;
  at(ms: number): TimelineSink;
  append(request: readonly Uint8Array[] | null): number;
  checkpoint(): unknown;
}

/** Appends time-ordered requests to a sink, with checkpoints as described above (push, then end). */
export class TimelineAppender {
  private sinceCheckpoint = 0;
  private enrolmentsDone = false;
  private closed = false;

  constructor(
    private readonly b: TimelineSink,
    private readonly checkpointEvery = 25,
  ) {}

  push(r: TimedRequest): void {
    const { b } = this;
    const e = b.e;
    if (!this.enrolmentsDone && r.t >= e.opensMs - HOUR) {
      b.at(e.opensMs - HOUR).checkpoint();
      this.enrolmentsDone = true;
    }
    if (!this.closed && r.t >= e.closesMs) {
      b.at(e.closesMs - 30_000).checkpoint();
      this.closed = true;
    }
    b.at(r.t).append(r.leaves);
    if (++this.sinceCheckpoint >= this.checkpointEvery) {
      b.checkpoint();
      this.sinceCheckpoint = 0;
    }
  }

  /** The checkpoint an hour after the close (the final one comes with finish()). */
  end(): void {
    this.b.at(Math.max(this.b.now, this.b.e.closesMs + HOUR)).checkpoint();
  }
}

/** Appends merged requests to a builder or sink. */
export function appendTimeline(
  b: TimelineSink,
  requests: Iterable<TimedRequest>,
  checkpointEvery = 25,
): void {
  const appender = new TimelineAppender(b, checkpointEvery);
  for (const r of requests) appender.push(r);
  appender.end();
}

/** A whole clean election; call `finish()` on the builder (after planting faults, if any). */
export function simulateElection(e: TestElection, options: SimulationOptions = {}): LogBuilder {
  const b = new LogBuilder(e);
  const n = options.kiosks ?? 3;
  const voters = options.voters ?? e.voters;
  const kiosks = Array.from({ length: n }, (_, i) =>
    b.kiosk(`sim-${i + 1}`, e.officials[i % e.officials.length]),
  );
  const streams = kiosks.map((k, i) => kioskStream(e, k, i, n, voters));
  appendTimeline(b, mergeStreams(streams), options.checkpointEvery);
  return b;
}
