/**
 * PIN failures per card (DESIGN §8): the kiosk counts failed PIN entries per card, keyed by a keyed
 * hash of the card (never its certificate or holder), with a growing lock-out; a good login erases the
 * row. The policy (how long a lock-out lasts) belongs to the auth flow; this only keeps the counts.
 */
import type Database from 'better-sqlite3';

export interface PinFailures {
  readonly failures: number;
  /** Milliseconds since the epoch until which the card is locked out, if it is. */
  readonly lockedUntilMs: number | undefined;
}

export class PinFailureRows {
  constructor(private readonly db: Database.Database) {}

  get(cardKey: string): PinFailures {
    const r = this.db
      .prepare('SELECT failures, locked_until_ms FROM pin_failures WHERE card = ?')
      .get(cardKey) as { failures: number; locked_until_ms: number | null } | undefined;
    return { failures: r?.failures ?? 0, lockedUntilMs: r?.locked_until_ms ?? undefined };
  }

  set(cardKey: string, value: PinFailures): void {
    this.db
      .prepare(
        `INSERT INTO pin_failures (card, failures, locked_until_ms) VALUES (?, ?, ?)
         ON CONFLICT (card) DO UPDATE SET failures = excluded.failures, locked_until_ms = excluded.locked_until_ms`,
      )
      .run(cardKey, value.failures, value.lockedUntilMs ?? null);
  }

  /** After a good login (DESIGN §8: erased). */
  clear(cardKey: string): void {
    this.db.prepare('DELETE FROM pin_failures WHERE card = ?').run(cardKey);
  }
}
