/**
 * Check-ins (DESIGN §5) and the kiosk's local poll book. One row per voter: the check-in leaf data is
 * signed once and stored before it is sent; a retry for the same voter resends those bytes, which the
 * ledger answers as it did the first time. The voters whose check-in the ledger acknowledged
 * (`appended` or `witnessed`) form the poll book the kiosk consults first (DESIGN §5 voter session).
 * Nothing here names or points to a ballot (DESIGN §9).
 */
import type Database from 'better-sqlite3';
import { asBytes } from './rows';

/**
 * `pending`: stored, no answer yet (unreachable, or the answer was lost); `appended`/`witnessed`:
 * acknowledged; `refused`: the ledger refused it (window, eligibility…; `refusal` says why; nothing
 * was appended); `elsewhere`: the ledger holds an earlier check-in of this voter (409), verified.
 */
export type CheckinState = 'pending' | 'appended' | 'witnessed' | 'refused' | 'elsewhere';

export interface StoredCheckin {
  readonly voterRef: string;
  readonly style: string;
  readonly leaf: Uint8Array;
  readonly state: CheckinState;
  /** Acknowledged: the leaf's index; elsewhere: the index of the voter's first check-in. */
  readonly ledgerIndex: number | undefined;
  readonly refusal: string | undefined;
  /** Log size verified when it was stored: if it is on the log, it is at this index or later. */
  readonly logSizeBefore: number;
}

interface Row {
  voter_ref: string;
  style: string;
  leaf: Buffer;
  state: CheckinState;
  ledger_index: number | null;
  refusal: string | null;
  log_size_before: number;
}

function fromRow(r: Row): StoredCheckin {
  return {
    voterRef: r.voter_ref,
    style: r.style,
    leaf: asBytes(r.leaf),
    state: r.state,
    ledgerIndex: r.ledger_index ?? undefined,
    refusal: r.refusal ?? undefined,
    logSizeBefore: r.log_size_before,
  };
}

const ACKNOWLEDGED = `state IN ('appended', 'witnessed')`;

export class CheckinRows {
  private readonly byVoter: Database.Statement<[string], Row>;
  private readonly insertRow: Database.Statement<[string, string, Uint8Array, number]>;
  private readonly update: Database.Statement<[string, number | null, string | null, string]>;

  constructor(private readonly db: Database.Database) {
    this.byVoter = db.prepare('SELECT * FROM checkins WHERE voter_ref = ?');
    this.insertRow = db.prepare(
      `INSERT INTO checkins (voter_ref, style, leaf, state, log_size_before) VALUES (?, ?, ?, 'pending', ?)`,
    );
    this.update = db.prepare(
      'UPDATE checkins SET state = ?, ledger_index = ?, refusal = ? WHERE voter_ref = ?',
    );
  }

  find(voterRef: string): StoredCheckin | undefined {
    const r = this.byVoter.get(voterRef);
    return r ? fromRow(r) : undefined;
  }

  /**
   * Stores a freshly signed check-in (state `pending`); a voter has at most one row. `logSizeBefore`:
   * the size of the largest checkpoint verified so far (0 if none).
   */
  insert(voterRef: string, style: string, leaf: Uint8Array, logSizeBefore: number): void {
    this.insertRow.run(voterRef, style, leaf, logSizeBefore);
  }

  /** Check-ins sent (or about to be) whose answer never came. */
  pending(): StoredCheckin[] {
    return (this.db.prepare(`SELECT * FROM checkins WHERE state = 'pending'`).all() as Row[]).map(fromRow);
  }

  markAcknowledged(voterRef: string, ledgerIndex: number): void {
    this.update.run('appended', ledgerIndex, null, voterRef);
  }

  markRefused(voterRef: string, why: string): void {
    this.update.run('refused', null, why, voterRef);
  }

  markElsewhere(voterRef: string, firstIndex: number): void {
    this.update.run('elsewhere', firstIndex, null, voterRef);
  }

  /** Returns to `pending` (a refused check-in retried: its same bytes go out again). */
  markPending(voterRef: string): void {
    this.update.run('pending', null, null, voterRef);
  }

  /** Acknowledged check-ins inside a witnessed tree of `size` leaves become `witnessed`. */
  markWitnessedBelow(size: number): number {
    return this.db
      .prepare(`UPDATE checkins SET state = 'witnessed' WHERE state = 'appended' AND ledger_index < ?`)
      .run(size).changes;
  }

  /** The largest ledger index of an acknowledged but not yet witnessed check-in. */
  maxUnwitnessedIndex(): number | undefined {
    const v = this.db
      .prepare(`SELECT max(ledger_index) FROM checkins WHERE state = 'appended'`)
      .pluck()
      .get() as number | null;
    return v ?? undefined;
  }

  /** Acknowledged check-ins per ballot style (the poll book's counts, for reports and the cast guard). */
  acknowledgedByStyle(): Map<string, number> {
    const rows = this.db
      .prepare(`SELECT style, count(*) AS n FROM checkins WHERE ${ACKNOWLEDGED} GROUP BY style`)
      .all() as { style: string; n: number }[];
    return new Map(rows.map((r) => [r.style, r.n]));
  }

  acknowledgedCount(style?: string): number {
    return (
      style === undefined
        ? this.db.prepare(`SELECT count(*) FROM checkins WHERE ${ACKNOWLEDGED}`).pluck().get()
        : this.db
            .prepare(`SELECT count(*) FROM checkins WHERE ${ACKNOWLEDGED} AND style = ?`)
            .pluck()
            .get(style)
    ) as number;
  }

  countByState(): Record<CheckinState, number> {
    const out: Record<CheckinState, number> = {
      pending: 0,
      appended: 0,
      witnessed: 0,
      refused: 0,
      elsewhere: 0,
    };
    const rows = this.db.prepare('SELECT state, count(*) AS n FROM checkins GROUP BY state').all() as {
      state: CheckinState;
      n: number;
    }[];
    for (const r of rows) out[r.state] = r.n;
    return out;
  }
}
