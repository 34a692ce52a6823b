/**
 * The kiosk chain (DESIGN §5): batch manifests and polls events, `seq` from 1 without a gap, each
 * `prev` the hash of the previous entry's leaf data. A chained entry is stored (`built`) before its
 * first send, with its batch's ballots assigned in the same transaction (ballot-rows.ts), and sent in
 * seq order; resends send the stored bytes (DESIGN §3).
 */
import type Database from 'better-sqlite3';
import { chainLink, FIRST_PREV, type KioskChainState, type PollsEvent } from '../../protocol/entries';
import { asBytes } from './rows';

export type ChainState = 'built' | 'appended' | 'witnessed';

export interface StoredChainEntry {
  readonly seq: number;
  readonly kind: 'batch' | 'polls';
  /** Polls events only. */
  readonly event: PollsEvent | undefined;
  readonly final: boolean;
  /** Ballots in a batch (0 for a polls event). */
  readonly count: number;
  /** The manifest's or the polls event's leaf data. */
  readonly leaf: Uint8Array;
  readonly state: ChainState;
  readonly ledgerIndex: number | undefined;
  readonly ledgerSize: number | undefined;
}

export type NewChainEntry =
  | { readonly seq: number; readonly kind: 'polls'; readonly event: PollsEvent; readonly leaf: Uint8Array }
  | {
      readonly seq: number;
      readonly kind: 'batch';
      readonly final: boolean;
      readonly count: number;
      readonly leaf: Uint8Array;
    };

interface Row {
  seq: number;
  kind: 'batch' | 'polls';
  event: PollsEvent | null;
  final: number;
  count: number;
  leaf: Buffer;
  state: ChainState;
  ledger_index: number | null;
  ledger_size: number | null;
}

function fromRow(r: Row): StoredChainEntry {
  return {
    seq: r.seq,
    kind: r.kind,
    event: r.event ?? undefined,
    final: r.final === 1,
    count: r.count,
    leaf: asBytes(r.leaf),
    state: r.state,
    ledgerIndex: r.ledger_index ?? undefined,
    ledgerSize: r.ledger_size ?? undefined,
  };
}

export class ChainRows {
  private readonly last: Database.Statement<[], Row>;
  private readonly firstBuilt: Database.Statement<[], Row>;
  private readonly bySeq: Database.Statement<[number], Row>;

  constructor(private readonly db: Database.Database) {
    this.last = db.prepare('SELECT * FROM chain ORDER BY seq DESC LIMIT 1');
    this.firstBuilt = db.prepare(`SELECT * FROM chain WHERE state = 'built' ORDER BY seq LIMIT 1`);
    this.bySeq = db.prepare('SELECT * FROM chain WHERE seq = ?');
  }

  /** Where the chain stands: the last seq and the `prev` the next entry needs. */
  head(): KioskChainState {
    const r = this.last.get();
    return r ? { seq: r.seq, head: chainLink(asBytes(r.leaf)) } : { seq: 0, head: FIRST_PREV };
  }

  get(seq: number): StoredChainEntry | undefined {
    const r = this.bySeq.get(seq);
    return r ? fromRow(r) : undefined;
  }

  /** Every chained entry, in seq order. */
  all(): StoredChainEntry[] {
    return (this.db.prepare('SELECT * FROM chain ORDER BY seq').all() as Row[]).map(fromRow);
  }

  /** Inserts the next entry; its seq must follow the head (a gap or a repeat is a bug and throws). */
  insert(e: NewChainEntry): void {
    const head = this.head();
    if (e.seq !== head.seq + 1) throw new Error(`chain seq ${e.seq} does not follow ${head.seq}`);
    this.db
      .prepare(
        `INSERT INTO chain (seq, kind, event, final, count, leaf, state) VALUES (?, ?, ?, ?, ?, ?, 'built')`,
      )
      .run(
        e.seq,
        e.kind,
        e.kind === 'polls' ? e.event : null,
        e.kind === 'batch' && e.final ? 1 : 0,
        e.kind === 'batch' ? e.count : 0,
        e.leaf,
      );
  }

  /** The lowest-seq entry not yet accepted by the ledger: the next to send. */
  nextToSend(): StoredChainEntry | undefined {
    const r = this.firstBuilt.get();
    return r ? fromRow(r) : undefined;
  }

  markAppended(seq: number, ledgerIndex: number, ledgerSize: number): void {
    this.db
      .prepare(
        `UPDATE chain SET state = 'appended', ledger_index = ?, ledger_size = ? WHERE seq = ? AND state = 'built'`,
      )
      .run(ledgerIndex, ledgerSize, seq);
  }

  /**
   * Appended entries whose batch lies wholly inside a witnessed tree of `size` leaves become
   * `witnessed` (a batch's last ballot is at index + count).
   */
  markWitnessedBelow(size: number): number {
    return this.db
      .prepare(`UPDATE chain SET state = 'witnessed' WHERE state = 'appended' AND ledger_index + count < ?`)
      .run(size).changes;
  }

  /** The index of the last leaf of any appended, not yet witnessed entry. */
  maxUnwitnessedIndex(): number | undefined {
    const v = this.db
      .prepare(`SELECT max(ledger_index + count) FROM chain WHERE state = 'appended'`)
      .pluck()
      .get() as number | null;
    return v ?? undefined;
  }

  countByState(): Record<ChainState, number> {
    const out: Record<ChainState, number> = { built: 0, appended: 0, witnessed: 0 };
    const rows = this.db.prepare('SELECT state, count(*) AS n FROM chain GROUP BY state').all() as {
      state: ChainState;
      n: number;
    }[];
    for (const r of rows) out[r.state] = r.n;
    return out;
  }

  /** The final batch, once built (DESIGN §5: after it, only the polls close event). */
  finalBatch(): StoredChainEntry | undefined {
    const r = this.db.prepare(`SELECT * FROM chain WHERE kind = 'batch' AND final = 1`).get() as
      Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** The last polls event built (open, pause, resume or close), if any. */
  lastPollsEvent(): StoredChainEntry | undefined {
    const r = this.db.prepare(`SELECT * FROM chain WHERE kind = 'polls' ORDER BY seq DESC LIMIT 1`).get() as
      Row | undefined;
    return r ? fromRow(r) : undefined;
  }
}
