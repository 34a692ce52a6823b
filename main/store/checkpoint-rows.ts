/**
 * The checkpoints the kiosk verified (DESIGN §6): `seen`, the largest log-signed checkpoint it accepted
 * (each new one must be consistent with it), and `witnessed`, the largest with a witness quorum (what
 * "acknowledged" means, and what the UI shows).
 */
import type Database from 'better-sqlite3';
import { asBytes } from './rows';

export type CheckpointKind = 'seen' | 'witnessed';

export interface StoredCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  /** The signed note as the ledger served it. */
  readonly note: string;
  /** The log's signature time (POSIX seconds, from the note). */
  readonly logTimestamp: number;
  /** When this kiosk verified it (ISO 8601). */
  readonly verifiedAt: string;
}

interface Row {
  size: number;
  root: Buffer;
  note: string;
  log_timestamp: number;
  verified_at: string;
}

export class CheckpointRows {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {}

  get(kind: CheckpointKind): StoredCheckpoint | undefined {
    const r = this.db.prepare('SELECT * FROM checkpoints WHERE kind = ?').get(kind) as Row | undefined;
    return r
      ? {
          size: r.size,
          root: asBytes(r.root),
          note: r.note,
          logTimestamp: r.log_timestamp,
          verifiedAt: r.verified_at,
        }
      : undefined;
  }

  /** Records a verified checkpoint of `kind` (the caller checked it is consistent with the last). */
  put(kind: CheckpointKind, cp: Omit<StoredCheckpoint, 'verifiedAt'>): void {
    this.db
      .prepare(
        `INSERT INTO checkpoints (kind, size, root, note, log_timestamp, verified_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kind) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note,
           log_timestamp = excluded.log_timestamp, verified_at = excluded.verified_at`,
      )
      .run(kind, cp.size, cp.root, cp.note, cp.logTimestamp, this.now().toISOString());
  }
}
