/**
 * Schema versions (issue "Store": migrations that never drop data, a refusal — not a wipe — when the
 * database is newer than the code): upgrades keep every row, a failing migration leaves the database
 * at its previous version, and newer, foreign or divergent databases are refused byte for byte intact.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../protocol/bytes';
import { MIGRATIONS, type Migration } from './schema';
import { Store } from './store';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-migrate-'));
  path = join(dir, 'kiosk.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A later version as a future release would add it: a column with a default, a table, a backfill. */
const V2: Migration = {
  version: 2,
  name: 'test-receipts',
  sql: `
    ALTER TABLE chain ADD COLUMN note TEXT NOT NULL DEFAULT '';
    CREATE TABLE receipts_printed (n INTEGER NOT NULL) STRICT;
    INSERT INTO receipts_printed (n) SELECT count(*) FROM ballots;
  `,
};

function openWith(migrations: readonly Migration[]): Store {
  const s = Store.open(path, { migrations });
  if (!s.ok) throw new Error(s.error);
  return s.value;
}

/** The bytes of the database and its WAL, to prove a refusal changed nothing. */
function fingerprint(): string {
  const h = createHash('sha256');
  for (const f of [path, `${path}-wal`]) if (existsSync(f)) h.update(readFileSync(f));
  return h.digest('hex');
}

function fillV1(store: Store): void {
  store.ballots.insert(new Uint8Array(16).fill(1), 'deu', utf8('ballot leaf 1'));
  store.ballots.insert(new Uint8Array(16).fill(2), 'usa', utf8('ballot leaf 2'));
  store.chain.insert({ seq: 1, kind: 'polls', event: 'open', leaf: utf8('open event') });
  store.checkins.insert('c'.repeat(64), 'deu', utf8('check-in leaf'), 1);
}

describe('migrations', () => {
  it('upgrade an older database and keep every row', () => {
    const v1 = openWith(MIGRATIONS);
    fillV1(v1);
    v1.close();
    const v2 = openWith([...MIGRATIONS, V2]);
    expect(v2.settings().schemaVersion).toBe(2);
    expect(v2.ballots.count()).toBe(2);
    expect(v2.ballots.countsByStyle()).toEqual(
      new Map([
        ['deu', 1],
        ['usa', 1],
      ]),
    );
    expect(v2.chain.get(1)!.leaf).toEqual(utf8('open event'));
    expect(v2.checkins.find('c'.repeat(64))!.leaf).toEqual(utf8('check-in leaf'));
    expect(v2.columns('chain')).toContain('note');
    v2.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT n FROM receipts_printed').pluck().get()).toBe(2);
    expect(raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'kiosk-store' },
      { version: 2, name: 'test-receipts' },
    ]);
    raw.close();
  });

  it('leave the database at its previous version, data intact, when a migration fails', () => {
    const v1 = openWith(MIGRATIONS);
    fillV1(v1);
    v1.close();
    const broken: Migration = {
      version: 2,
      name: 'broken',
      sql: `ALTER TABLE chain ADD COLUMN half TEXT; INSERT INTO no_such_table VALUES (1);`,
    };
    const r = Store.open(path, { migrations: [...MIGRATIONS, broken] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/no such table/);
    const again = openWith(MIGRATIONS);
    expect(again.settings().schemaVersion).toBe(1);
    expect(again.columns('chain')).not.toContain('half');
    expect(again.ballots.count()).toBe(2);
    again.close();
  });

  it('refuse a database newer than the code, and change nothing', () => {
    const v2 = openWith([...MIGRATIONS, V2]);
    fillV1(v2);
    v2.close();
    const before = fingerprint();
    const r = Store.open(path);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(
      /schema version 2, newer than this kiosk software \(which knows up to 1\)/,
    );
    expect(fingerprint()).toBe(before);
    const back = openWith([...MIGRATIONS, V2]);
    expect(back.ballots.count()).toBe(2);
    back.close();
  });

  it('refuse a database whose schema history differs', () => {
    openWith([...MIGRATIONS, V2]).close();
    const before = fingerprint();
    const r = Store.open(path, { migrations: [...MIGRATIONS, { ...V2, name: 'another-branch' }] });
    expect(!r.ok && r.error).toMatch(/migration 2 "test-receipts", which this software does not have/);
    expect(fingerprint()).toBe(before);
  });

  it("refuse another program's database and a database that is not a kiosk store", () => {
    const foreign = new Database(path);
    foreign.pragma('application_id = 1234');
    foreign.exec('CREATE TABLE x (a INTEGER)');
    foreign.close();
    const r = Store.open(path);
    expect(!r.ok && r.error).toMatch(/belongs to another program/);
    const other = join(dir, 'other.db');
    const plain = new Database(other);
    plain.exec('CREATE TABLE ballots (a INTEGER)');
    plain.close();
    const r2 = Store.open(other);
    expect(!r2.ok && r2.error).toMatch(/is not an OGAS kiosk store/);
  });

  it('never drop, delete or rename anything (migrations only add)', () => {
    for (const m of MIGRATIONS) {
      expect(m.sql).not.toMatch(/\b(DROP|DELETE|RENAME|REPLACE|TRUNCATE)\b/i);
    }
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});
