/**
 * The kiosk's SQLite store (DESIGN §2, §3, §9) on better-sqlite3:
 * - `journal_mode = WAL` with `synchronous = FULL`: a committed transaction has been fsynced, so a
 *   ballot the voter was told is cast survives a power cut;
 * - `foreign_keys = ON`; `secure_delete = ON` so that freed pages and cells are zeroed and cannot
 *   reveal what a row held or when it changed (DESIGN §9);
 * - `journal_size_limit = 0`: the WAL file is truncated whenever it is reset, so old frames (which are
 *   in write order) do not linger on disk longer than needed;
 * - schema versions with migrations (migrate.ts); a newer or foreign database is refused untouched.
 *
 * One process drives a store at a time (the kiosk backend); its writes are synchronous and short.
 */
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { err, ok, type Result } from '../../protocol/result';
import { BallotRows } from './ballot-rows';
import { ChainRows } from './chain-rows';
import { CheckinRows } from './checkin-rows';
import { CheckpointRows } from './checkpoint-rows';
import { KioskConfigRows } from './kiosk-config-rows';
import { checkOpenable, latestVersion, migrate, readSchemaState } from './migrate';
import { PinFailureRows } from './pin-failure-rows';
import { MIGRATIONS, type Migration } from './schema';

export interface StoreOptions {
  /** Clock for the few times the store records (configuration, migrations, checkpoint checks). */
  readonly now?: () => Date;
  /** Only tests pass another list, to exercise upgrades and refusals. */
  readonly migrations?: readonly Migration[];
}

/** The settings in force on the connection (diagnostics, and the tests that prove them). */
export interface StoreSettings {
  readonly journalMode: string;
  /** 2 = FULL. */
  readonly synchronous: number;
  readonly foreignKeys: boolean;
  readonly secureDelete: boolean;
  readonly schemaVersion: number;
}

/** What has not yet been acknowledged under a witnessed checkpoint. */
export interface PendingWork {
  readonly ballots: number;
  readonly chainEntries: number;
  readonly checkins: number;
}

export class Store {
  readonly kiosk: KioskConfigRows;
  readonly checkins: CheckinRows;
  readonly chain: ChainRows;
  readonly ballots: BallotRows;
  readonly checkpoints: CheckpointRows;
  readonly pinFailures: PinFailureRows;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
    now: () => Date,
  ) {
    this.kiosk = new KioskConfigRows(db, now);
    this.checkins = new CheckinRows(db);
    this.chain = new ChainRows(db);
    this.ballots = new BallotRows(db);
    this.checkpoints = new CheckpointRows(db, now);
    this.pinFailures = new PinFailureRows(db);
  }

  /**
   * Opens (creating if needed) the store at `path` and brings its schema up to date. Refused, with the
   * file left exactly as it was: a database newer than this code, another program's database, one
   * with a different schema history, or one that fails SQLite's quick check.
   */
  static open(path: string, options: StoreOptions = {}): Result<Store, string> {
    const migrations = options.migrations ?? MIGRATIONS;
    const now = options.now ?? (() => new Date());
    latestVersion(migrations);
    if (existsSync(path) && statSync(path).size > 0) {
      const probe = probeReadOnly(path, migrations);
      if (!probe.ok) return probe;
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma('busy_timeout = 5000');
      const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
      if (mode !== 'wal') throw new Error(`SQLite refused WAL mode (got ${mode})`);
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('secure_delete = ON');
      db.pragma('journal_size_limit = 0');
      const openable = checkOpenable(readSchemaState(db), migrations, path);
      if (!openable.ok) {
        db.close();
        return openable;
      }
      migrate(db, migrations, now);
      return ok(new Store(path, db, now));
    } catch (e) {
      db?.close();
      return err(`the kiosk store ${path} cannot be opened: ${(e as Error).message}`);
    }
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (the write lock is taken at BEGIN, so the check and the
   * write inside cannot interleave with another writer); a throw rolls everything back.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  settings(): StoreSettings {
    return {
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) === 1,
      secureDelete: this.db.pragma('secure_delete', { simple: true }) === 1,
      schemaVersion: this.db.pragma('user_version', { simple: true }) as number,
    };
  }

  /** Column names of a table (the tests prove what the ballots table does not hold). */
  columns(table: string): string[] {
    return (this.db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]).map(
      (c) => c.name,
    );
  }

  /** The CREATE statement of a table, as SQLite stores it. */
  tableSql(table: string): string | undefined {
    return this.db
      .prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`)
      .pluck()
      .get(table) as string | undefined;
  }

  pendingWork(): PendingWork {
    const chain = this.chain.countByState();
    return {
      ballots: this.ballots.unacknowledgedCount(),
      chainEntries: chain.built + chain.appended,
      checkins: this.checkins.countByState().appended,
    };
  }

  /**
   * Unconfigure (DESIGN §8 provisioning): erases the election's data and keys, only when every ballot
   * and chained entry is acknowledged under a witnessed checkpoint, unless `override` (which the
   * caller logs). secure_delete zeroes the freed content; VACUUM and a WAL truncation follow.
   */
  wipe(options: { readonly override: boolean }): Result<PendingWork, string> {
    const pending = this.pendingWork();
    if (!options.override && (pending.ballots > 0 || pending.chainEntries > 0)) {
      return err(
        `${pending.ballots} ballot(s) and ${pending.chainEntries} batch or polls entries are not yet acknowledged by the ledger: ` +
          'wait until they are sent, or unconfigure with the explicit override (it is logged)',
      );
    }
    this.transaction(() => {
      for (const t of ['ballots', 'chain', 'checkins', 'checkpoints', 'pin_failures', 'kiosk_config'])
        this.db.prepare(`DELETE FROM ${t}`).run();
    });
    this.db.exec('VACUUM');
    this.checkpointWal();
    return ok(pending);
  }

  /** Copies the WAL into the database and truncates it (after batches are acknowledged, at close). */
  checkpointWal(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** Reads the schema state through a read-only connection, so that a refusal changes nothing. */
function probeReadOnly(path: string, migrations: readonly Migration[]): Result<void, string> {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const state = readSchemaState(db);
    const openable = checkOpenable(state, migrations, path);
    if (!openable.ok) return openable;
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') {
      return err(
        `${path} fails SQLite's integrity check (${check}): it was not opened and nothing was changed`,
      );
    }
    return ok(undefined);
  } catch (e) {
    return err(`${path} cannot be read as a kiosk store: ${(e as Error).message}; nothing was changed`);
  } finally {
    db?.close();
  }
}
