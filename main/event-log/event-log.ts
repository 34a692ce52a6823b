/**
 * The kiosk's event log (DESIGN §8): hash-chained records, append-only, in their own SQLite file
 * (WAL, synchronous FULL), so that unconfiguring the kiosk, which wipes election data, keeps the log of
 * what happened to the machine (as VxSuite keeps its logs across elections). Triggers refuse UPDATE and
 * DELETE: only a person editing the file by hand can change it, and the chain then shows where.
 */
import Database from 'better-sqlite3';
import type { Disposition, EventId } from './event-ids';
import {
  GENESIS_PREV,
  makeRecord,
  verifyChain,
  type ChainVerdict,
  type EventInput,
  type EventRecord,
} from './event-record';

/** What other modules get: one call, synchronous, durable when it returns. */
export interface EventLogger {
  log(input: EventInput): EventRecord;
  /** Shorthand: `log.event('polls-opened', 'success', 'Polls opened', {details})`. */
  event(
    eventId: EventId,
    disposition: Disposition,
    message: string,
    rest?: Omit<EventInput, 'eventId' | 'disposition' | 'message'>,
  ): EventRecord;
}

export interface EventLogOptions {
  /** Defaults to the system clock. */
  readonly clock?: () => Date;
  /** Called with each record after it is stored (e.g. JSON lines on stderr, status revision bumps). */
  readonly onAppend?: (record: EventRecord) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS event_log (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS event_log_no_update BEFORE UPDATE ON event_log
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS event_log_no_delete BEFORE DELETE ON event_log
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
`;

export class EventLog implements EventLogger {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[number, string, string]>;
  private seq: number;
  private head: string;
  private readonly listeners = new Set<(record: EventRecord) => void>();

  constructor(
    path: string,
    private readonly options: EventLogOptions = {},
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare('INSERT INTO event_log (seq, hash, record) VALUES (?, ?, ?)');
    const last = this.db.prepare('SELECT seq, hash FROM event_log ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    this.seq = last?.seq ?? 0;
    this.head = last?.hash ?? GENESIS_PREV;
    if (options.onAppend) this.listeners.add(options.onAppend);
  }

  /** Appends one record; the declarations are checked (a wrong id, disposition or detail throws). */
  log(input: EventInput): EventRecord {
    const time = (this.options.clock?.() ?? new Date()).toISOString();
    const record = makeRecord(input, this.seq + 1, time, this.head);
    this.insert.run(record.seq, record.hash, JSON.stringify(record));
    this.seq = record.seq;
    this.head = record.hash;
    for (const l of this.listeners) l(record);
    return record;
  }

  event(
    eventId: EventId,
    disposition: Disposition,
    message: string,
    rest: Omit<EventInput, 'eventId' | 'disposition' | 'message'> = {},
  ): EventRecord {
    return this.log({ eventId, disposition, message, ...rest });
  }

  subscribe(listener: (record: EventRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.seq;
  }

  /** The stored record texts in order (what verification and export read). */
  texts(): string[] {
    return (this.db.prepare('SELECT record FROM event_log ORDER BY seq').all() as { record: string }[]).map(
      (r) => r.record,
    );
  }

  verify(): ChainVerdict {
    return verifyChain(this.texts());
  }

  close(): void {
    this.listeners.clear();
    this.db.close();
  }
}
