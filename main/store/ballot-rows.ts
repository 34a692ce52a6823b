/**
 * Ballots (DESIGN §5, §9). A ballot row is its signed leaf data under a random 16-byte key, its style
 * (for counts), and — once a batch takes it — that batch's seq and its place in the batch. No time, no
 * rowid, nothing shared with a check-in. Queued ballots are those no batch has taken yet.
 */
import type Database from 'better-sqlite3';
import { asBytes } from './rows';

export class BallotRows {
  private readonly insertRow: Database.Statement<[Uint8Array, string, Uint8Array]>;
  private readonly queued: Database.Statement<[], Buffer>;
  private readonly assignRow: Database.Statement<[number, number, Uint8Array]>;
  private readonly inBatch: Database.Statement<[number], Buffer>;
  private readonly leafById: Database.Statement<[Uint8Array], Buffer>;

  constructor(private readonly db: Database.Database) {
    this.insertRow = db.prepare('INSERT INTO ballots (id, style, leaf) VALUES (?, ?, ?)');
    this.queued = db.prepare<[], Buffer>('SELECT id FROM ballots WHERE batch_seq IS NULL').pluck();
    this.assignRow = db.prepare(
      'UPDATE ballots SET batch_seq = ?, batch_pos = ? WHERE id = ? AND batch_seq IS NULL',
    );
    this.inBatch = db
      .prepare<[number], Buffer>('SELECT leaf FROM ballots WHERE batch_seq = ? ORDER BY batch_pos')
      .pluck();
    this.leafById = db.prepare<[Uint8Array], Buffer>('SELECT leaf FROM ballots WHERE id = ?').pluck();
  }

  /** Stores a cast ballot under its random 16-byte id. */
  insert(id: Uint8Array, style: string, leaf: Uint8Array): void {
    if (id.length !== 16) throw new RangeError(`a ballot id is 16 random bytes, got ${id.length}`);
    this.insertRow.run(id, style, leaf);
  }

  /** The ids of the ballots no batch has taken yet (in key order, i.e. random order). */
  queuedIds(): Uint8Array[] {
    return this.queued.all().map(asBytes);
  }

  queuedCount(): number {
    return this.db.prepare('SELECT count(*) FROM ballots WHERE batch_seq IS NULL').pluck().get() as number;
  }

  leaf(id: Uint8Array): Uint8Array | undefined {
    const b = this.leafById.get(id);
    return b ? asBytes(b) : undefined;
  }

  /** Assigns ballots, in this order, to batch `seq` (call inside the transaction that stores it). */
  assign(seq: number, ids: readonly Uint8Array[]): void {
    ids.forEach((id, pos) => {
      if (this.assignRow.run(seq, pos, id).changes !== 1) {
        throw new Error(
          `ballot ${Buffer.from(id).toString('hex')} is not queued: it cannot join batch ${seq}`,
        );
      }
    });
  }

  /** The leaf data of batch `seq`'s ballots, in batch order. */
  leavesOfBatch(seq: number): Uint8Array[] {
    return this.inBatch.all(seq).map(asBytes);
  }

  /** Ballots cast per style (for reports and the cast guard: never more ballots than check-ins). */
  countsByStyle(): Map<string, number> {
    const rows = this.db.prepare('SELECT style, count(*) AS n FROM ballots GROUP BY style').all() as {
      style: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [r.style, r.n]));
  }

  count(style?: string): number {
    return (
      style === undefined
        ? this.db.prepare('SELECT count(*) FROM ballots').pluck().get()
        : this.db.prepare('SELECT count(*) FROM ballots WHERE style = ?').pluck().get(style)
    ) as number;
  }

  /** Ballots not yet covered by a witnessed checkpoint: queued, or in a batch not yet witnessed. */
  unacknowledgedCount(): number {
    return this.db
      .prepare(
        `SELECT count(*) FROM ballots b LEFT JOIN chain c ON c.seq = b.batch_seq
         WHERE b.batch_seq IS NULL OR c.state <> 'witnessed'`,
      )
      .pluck()
      .get() as number;
  }
}
