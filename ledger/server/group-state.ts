/**
 * The rules of DESIGN §5 that depend on the log's state and the clock, applied to the requests of one
 * append group in order: each request sees the effects of those accepted before it in the group, and
 * is accepted whole or refused whole (nothing of a refused request enters the group). What the group
 * accepted becomes one storage transaction (appender.ts).
 *
 * Rules here: no leaf, tracker or tracking code twice in the log (409); kiosk enrolled once (409) and
 * before polls close; check-ins inside [opens, closes), by a voter of the sample or roll with that style,
 * once (409 with the first check-in's index); ballots, batches and polls events until closes +
 * drainHours; the kiosk chain (seq already used: 409; gap or wrong prev: 422); one `final`, then only
 * a polls `close`; per kiosk and style, never more ballots than check-ins.
 */
import { toHex } from '../../protocol/bytes';
import { nextChainState, type ChainedEntry } from '../../protocol/entries';
import { sha256 } from '../../protocol/hash';
import type { BallotRecord, CheckinRecord, KioskRecord, StyleCountRecord } from '../storage/types';
import type { ElectionContext } from './election-context';
import { conflict, ruleBroken, type Refusal } from './refusal';
import type { LedgerRequest } from './request-parse';

/** What storage already holds about the group's leaves, trackers, codes and voters (looked up first). */
export interface Preloaded {
  /** hex leaf hash → index. */
  readonly leaves: ReadonlyMap<string, number>;
  /** hex tracker → index, and tracking code → index. */
  readonly trackers: ReadonlyMap<string, number>;
  readonly codes: ReadonlyMap<string, number>;
  /** hex voterRef → index of the check-in. */
  readonly checkins: ReadonlyMap<string, number>;
}

const ZERO_HASH = new Uint8Array(32);
const styleKey = (kiosk: string, style: string) => `${kiosk}\n${style}`;
const iso = (ms: number) => new Date(ms).toISOString();

export class GroupState {
  private next: number;
  readonly kiosks = new Map<string, KioskRecord>();
  readonly styles = new Map<string, StyleCountRecord>();
  private readonly leaves = new Map<string, number>();
  private readonly trackers = new Map<string, number>();
  private readonly codes = new Map<string, number>();
  private readonly voterCheckins = new Map<string, number>();
  readonly checkins: CheckinRecord[] = [];
  readonly ballots: BallotRecord[] = [];

  constructor(
    private readonly ctx: ElectionContext,
    private readonly committedKiosks: ReadonlyMap<string, KioskRecord>,
    private readonly committedStyles: ReadonlyMap<string, StyleCountRecord>,
    private readonly pre: Preloaded,
    /** Index the group's first leaf will have. */
    readonly first: number,
  ) {
    this.next = first;
  }

  /** Index the next accepted leaf will have. */
  get size(): number {
    return this.next;
  }

  kiosk(id: string): KioskRecord | undefined {
    return this.kiosks.get(id) ?? this.committedKiosks.get(id);
  }

  private styleCount(kiosk: string, style: string): StyleCountRecord {
    const key = styleKey(kiosk, style);
    return this.styles.get(key) ?? this.committedStyles.get(key) ?? { kiosk, style, checkins: 0, ballots: 0 };
  }

  private leafIndex(hex: string): number | undefined {
    return this.pre.leaves.get(hex) ?? this.leaves.get(hex);
  }

  /** Applies one request at time `now` (ms): its first leaf index, or the refusal (nothing changed). */
  apply(req: LedgerRequest, now: number): { first: number } | Refusal {
    const refusal = this.check(req, now);
    if (refusal) return refusal;
    const first = this.next;
    this.next += req.entries.length;
    req.entries.forEach((e, i) => this.leaves.set(toHex(e.hash), first + i));
    this.record(req, first);
    return { first };
  }

  private check(req: LedgerRequest, now: number): Refusal | null {
    for (const [i, e] of req.entries.entries()) {
      const index = this.leafIndex(toHex(e.hash));
      if (index !== undefined) {
        return conflict(
          'duplicate-leaf',
          `entries[${i}] is already in the log at index ${index}`,
          `entries[${i}]`,
          {
            index,
          },
        );
      }
    }
    const { ctx } = this;
    switch (req.kind) {
      case 'enrolment':
        if (this.kiosk(req.kiosk)) {
          const at = this.kiosk(req.kiosk)!.enrolledAt;
          return conflict(
            'kiosk-enrolled',
            `kiosk ${req.kiosk} is already enrolled (index ${at})`,
            'entries[0].entry.kiosk',
            {
              index: at,
            },
          );
        }
        if (now >= ctx.closesMs) {
          return ruleBroken(
            'enrolment-window',
            `polls closed at ${iso(ctx.closesMs)}: no kiosk can be enrolled now`,
          );
        }
        return null;
      case 'checkin':
        return this.checkCheckin(req, now);
      case 'polls':
      case 'batch':
        return this.checkChained(req, now);
    }
  }

  private checkCheckin(req: LedgerRequest & { kind: 'checkin' }, now: number): Refusal | null {
    const { ctx } = this;
    const c = req.checkin;
    if (this.kiosk(c.kiosk)?.finalSeen) {
      return ruleBroken(
        'after-final',
        `kiosk ${c.kiosk} has sent its final batch: it cannot check voters in any more`,
      );
    }
    if (now < ctx.opensMs) {
      return ruleBroken('checkin-window', `check-ins open at ${iso(ctx.opensMs)}`, undefined, {
        opens: iso(ctx.opensMs),
      });
    }
    if (now >= ctx.closesMs) {
      return ruleBroken('checkin-window', `check-ins closed at ${iso(ctx.closesMs)}`, undefined, {
        closes: iso(ctx.closesMs),
      });
    }
    const voter = ctx.voters.get(c.voterRef);
    if (!voter) {
      const where = ctx.pkg.qualifications.voters.mode === 'sample' ? 'the sample (selected)' : 'the roll';
      return ruleBroken(
        'voter-eligible',
        `voterRef ${c.voterRef} is not in ${where}`,
        'entries[0].entry.voterRef',
      );
    }
    if (voter.style !== c.style) {
      return ruleBroken(
        'voter-style',
        `this voter votes on ballot style "${voter.style}", not "${c.style}"`,
        'entries[0].entry.style',
      );
    }
    const index = this.pre.checkins.get(c.voterRef) ?? this.voterCheckins.get(c.voterRef);
    if (index !== undefined) {
      return conflict(
        'voter-checked-in',
        `voter ${c.voterRef} has already checked in (index ${index})`,
        'entries[0].entry.voterRef',
        {
          index,
        },
      );
    }
    return null;
  }

  private checkChained(req: LedgerRequest & { kind: 'polls' | 'batch' }, now: number): Refusal | null {
    const { ctx } = this;
    const entry: ChainedEntry = req.kind === 'batch' ? req.batch : req.polls;
    if (now >= ctx.drainEndMs) {
      return ruleBroken(
        'drain-closed',
        `ballots, batches and polls events were accepted until ${iso(ctx.drainEndMs)} (closes + drainHours)`,
      );
    }
    const k = this.kiosk(entry.kiosk)!;
    if (k.closed)
      return ruleBroken(
        'kiosk-closed',
        `kiosk ${k.kiosk} has closed its polls after its final batch: nothing more is accepted from it`,
      );
    if (k.finalSeen && (req.kind === 'batch' || req.polls.event !== 'close')) {
      return ruleBroken(
        'after-final',
        req.kind === 'batch'
          ? `kiosk ${k.kiosk} already sent its final batch: no second final, no batch after it`
          : `after its final batch a kiosk may only send its polls close event, not "${req.polls.event}"`,
      );
    }
    const chain = nextChainState(
      { seq: k.lastSeq, head: toHex(k.lastChainHash) },
      entry,
      req.entries[0]!.data,
    );
    if (!chain.ok) {
      if (entry.seq <= k.lastSeq)
        return conflict('seq-used', chain.error, 'entries[0].entry.seq', { lastSeq: k.lastSeq });
      return entry.seq !== k.lastSeq + 1
        ? ruleBroken('chain-seq', chain.error, 'entries[0].entry.seq', { lastSeq: k.lastSeq })
        : ruleBroken('chain-prev', chain.error, 'entries[0].entry.prev');
    }
    if (req.kind === 'polls') return null;

    const perStyle = new Map<string, number>();
    for (const [i, b] of req.ballots.entries()) {
      const field = `entries[${i + 1}].entry.tracker`;
      const t = this.pre.trackers.get(b.tracker) ?? this.trackers.get(b.tracker);
      if (t !== undefined)
        return conflict(
          'duplicate-tracker',
          `ballot tracker ${b.tracker} is already used at index ${t}`,
          field,
          { index: t },
        );
      const c = this.pre.codes.get(b.code) ?? this.codes.get(b.code);
      if (c !== undefined) {
        return conflict(
          'duplicate-tracking-code',
          `ballot ${i + 1} has the tracking code of the ballot at index ${c}`,
          `entries[${i + 1}]`,
          {
            index: c,
          },
        );
      }
      perStyle.set(b.entry.style, (perStyle.get(b.entry.style) ?? 0) + 1);
    }
    for (const [style, n] of perStyle) {
      const counts = this.styleCount(k.kiosk, style);
      if (counts.ballots + n > counts.checkins) {
        return ruleBroken(
          'ballots-exceed-checkins',
          `kiosk ${k.kiosk} would have ${counts.ballots + n} ballots of style "${style}" for ${counts.checkins} check-ins`,
          undefined,
          { style, checkins: counts.checkins, ballots: counts.ballots, batch: n },
        );
      }
    }
    return null;
  }

  private record(req: LedgerRequest, first: number): void {
    switch (req.kind) {
      case 'enrolment':
        this.kiosks.set(req.kiosk, {
          kiosk: req.kiosk,
          publicKey: Buffer.from(req.enrolment.publicKey, 'base64'),
          enrolledAt: first,
          lastSeq: 0,
          lastChainHash: ZERO_HASH,
          finalSeen: false,
          closed: false,
        });
        return;
      case 'checkin': {
        const c = req.checkin;
        this.voterCheckins.set(c.voterRef, first);
        this.checkins.push({ voterRef: Buffer.from(c.voterRef, 'hex'), index: first });
        const counts = this.styleCount(c.kiosk, c.style);
        this.styles.set(styleKey(c.kiosk, c.style), { ...counts, checkins: counts.checkins + 1 });
        return;
      }
      case 'polls':
      case 'batch': {
        const k = this.kiosk(req.kiosk)!;
        const entry = req.kind === 'batch' ? req.batch : req.polls;
        const final = k.finalSeen || (req.kind === 'batch' && req.batch.final);
        this.kiosks.set(k.kiosk, {
          ...k,
          lastSeq: entry.seq,
          lastChainHash: sha256(req.entries[0]!.data),
          finalSeen: final,
          closed: req.kind === 'polls' && req.polls.event === 'close' && k.finalSeen,
        });
        if (req.kind === 'polls') return;
        req.ballots.forEach((b, i) => {
          const index = first + 1 + i;
          this.trackers.set(b.tracker, index);
          this.codes.set(b.code, index);
          this.ballots.push({ tracker: Buffer.from(b.tracker, 'hex'), code: b.code, index });
          const counts = this.styleCount(k.kiosk, b.entry.style);
          this.styles.set(styleKey(k.kiosk, b.entry.style), { ...counts, ballots: counts.ballots + 1 });
        });
        return;
      }
    }
  }
}
