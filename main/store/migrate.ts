/**
 * Schema versions and migrations. The database records every migration it went through (table
 * `schema_migrations`: version, name, when) and the latest version in `PRAGMA user_version`. Opening:
 * - a database of a NEWER version than this code, or whose recorded history differs from this code's
 *   (another branch of the schema), is refused with a message, and left exactly as it was;
 * - an older one is brought up to date, one migration per transaction (all of a migration or none).
 */
import type Database from 'better-sqlite3';
import { err, ok, type Result } from '../../protocol/result';
import { STORE_APPLICATION_ID, type Migration } from './schema';

const HISTORY_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`;

interface AppliedMigration {
  readonly version: number;
  readonly name: string;
}

/** What a database says about its schema, read without changing anything. */
export interface SchemaState {
  readonly applicationId: number;
  readonly userVersion: number;
  /** Migrations recorded in the database, by version. */
  readonly applied: readonly AppliedMigration[];
  /** Whether it holds any table at all (a fresh file holds none). */
  readonly empty: boolean;
}

export function readSchemaState(db: Database.Database): SchemaState {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .pluck()
    .all() as string[];
  const applied = tables.includes('schema_migrations')
    ? (db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as AppliedMigration[])
    : [];
  return { applicationId, userVersion, applied, empty: tables.length === 0 };
}

/** The latest version of a migration list, checking that it counts 1, 2, 3… (a gap is a bug). */
export function latestVersion(migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  return migrations.length;
}

/**
 * Whether this code can open a database in `state`: the error says why not, in words an official or a
 * technician can act on (install the newer kiosk software; this is not a kiosk database).
 */
export function checkOpenable(
  state: SchemaState,
  migrations: readonly Migration[],
  path: string,
): Result<void, string> {
  const latest = latestVersion(migrations);
  if (state.applicationId !== 0 && state.applicationId !== STORE_APPLICATION_ID) {
    return err(
      `${path} belongs to another program (SQLite application_id 0x${state.applicationId.toString(16)}), not an OGAS kiosk store: it was not opened and nothing was changed`,
    );
  }
  if (!state.empty && state.applicationId === 0 && state.applied.length === 0) {
    return err(
      `${path} holds tables but is not an OGAS kiosk store (no schema history): it was not opened and nothing was changed`,
    );
  }
  const recorded = Math.max(state.userVersion, ...state.applied.map((a) => a.version));
  if (recorded > latest) {
    return err(
      `${path} has schema version ${recorded}, newer than this kiosk software (which knows up to ${latest}): ` +
        'it was written by a newer version. Install that version or newer; the database was not opened and nothing was changed',
    );
  }
  for (const a of state.applied) {
    const mine = migrations[a.version - 1];
    if (!mine || mine.name !== a.name) {
      return err(
        `${path} went through migration ${a.version} "${a.name}", which this software does not have ` +
          `(it has "${mine?.name ?? 'none'}"): a different schema history; nothing was changed`,
      );
    }
  }
  return ok(undefined);
}

/**
 * Applies every migration above the database's version, each in its own IMMEDIATE transaction with
 * its history row and `user_version`, so a crash or a failing statement leaves the database at the
 * previous version with its data. Returns the versions applied.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], now: () => Date): number[] {
  const latest = latestVersion(migrations);
  const done: number[] = [];
  const current = () => readSchemaState(db).userVersion;
  for (let v = current() + 1; v <= latest; v++) {
    const m = migrations[v - 1]!;
    const step = db.transaction(() => {
      if (current() !== v - 1) throw new Error(`another process migrated the database to ${current()}`);
      if (v === 1) db.pragma(`application_id = ${STORE_APPLICATION_ID}`);
      db.exec(HISTORY_TABLE);
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now().toISOString(),
      );
      db.pragma(`user_version = ${m.version}`);
    });
    step.immediate();
    done.push(v);
  }
  return done;
}
