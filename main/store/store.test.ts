/**
 * The kiosk store (DESIGN §2, §3, §9): its settings, the shape of the ballots table (no time, no
 * rowid, nothing joinable to a check-in), secure_delete zeroing freed content, the rows' rules
 * (chain without a gap, a ballot in one batch, an enrolment stored once) and unconfigure.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../protocol/bytes';
import { Store } from './store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(name = 'kiosk.db'): Store {
  const s = Store.open(join(dir, name));
  if (!s.ok) throw new Error(s.error);
  return s.value;
}

function configure(store: Store): void {
  const r = store.kiosk.configure({
    electionId: 'e'.repeat(64),
    packageBytes: utf8('{"v":1}'),
    kioskId: 'a'.repeat(64),
    publicKey: new Uint8Array(1952),
    sealedKey: utf8('sealed'),
  });
  if (!r.ok) throw new Error(r.error);
}

const id = (n: number) => new Uint8Array(16).fill(n);

describe('kiosk store settings', () => {
  it('runs WAL with synchronous FULL, foreign keys and secure_delete on, at the latest schema', () => {
    const store = open();
    expect(store.settings()).toEqual({
      journalMode: 'wal',
      synchronous: 2,
      foreignKeys: true,
      secureDelete: true,
      schemaVersion: 1,
    });
    store.close();
  });

  it('keeps the same settings when reopened', () => {
    open().close();
    const store = open();
    expect(store.settings().secureDelete).toBe(true);
    expect(store.settings().journalMode).toBe('wal');
    store.close();
  });
});

describe('ballots are kept apart (DESIGN §9)', () => {
  it('has no time column and no rowid, and a random 16-byte key', () => {
    const store = open();
    const columns = store.columns('ballots');
    expect(columns).toEqual(['id', 'style', 'leaf', 'batch_seq', 'batch_pos']);
    for (const c of columns) expect(c).not.toMatch(/time|date|_at$|created|voter|checkin/i);
    expect(store.tableSql('ballots')).toMatch(/WITHOUT ROWID/);
    const raw = new Database(join(dir, 'kiosk.db'), { readonly: true });
    expect(() => raw.prepare('SELECT rowid FROM ballots').all()).toThrow(/no such column: rowid/);
    expect(() => raw.prepare('SELECT rowid FROM checkins').all()).toThrow(/no such column: rowid/);
    // The only foreign key of a ballot is its batch; nothing points from or to a check-in.
    const fks = raw.prepare(`SELECT "table", "from" FROM pragma_foreign_key_list('ballots')`).all();
    expect(fks).toEqual([{ table: 'chain', from: 'batch_seq' }]);
    expect(raw.prepare(`SELECT count(*) AS n FROM pragma_foreign_key_list('checkins')`).get()).toEqual({
      n: 0,
    });
    raw.close();
    expect(() => store.ballots.insert(new Uint8Array(8), 's', utf8('x'))).toThrow(/16 random bytes/);
    store.close();
  });

  it('zeroes freed content (secure_delete), where a plain connection leaves it on disk', () => {
    const marker = 'FREED-CONTENT-MARKER-'.repeat(4);
    const store = open();
    store.pinFailures.set(marker, { failures: 3, lockedUntilMs: undefined });
    store.pinFailures.clear(marker);
    store.checkpointWal();
    store.close();
    expect(readFileSync(join(dir, 'kiosk.db')).includes(marker)).toBe(false);

    // Control: the same delete on a connection without secure_delete leaves the bytes behind.
    const plain = new Database(join(dir, 'plain.db'));
    plain.pragma('secure_delete = OFF');
    plain.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
    plain.prepare('INSERT INTO t VALUES (?, 1)').run(marker);
    plain.prepare('DELETE FROM t WHERE k = ?').run(marker);
    plain.close();
    expect(readFileSync(join(dir, 'plain.db')).includes(marker)).toBe(true);
  });
});

describe('rows', () => {
  it('refuses a gap or a repeat in the chain, and a ballot in two batches', () => {
    const store = open();
    expect(() => store.chain.insert({ seq: 2, kind: 'polls', event: 'open', leaf: utf8('a') })).toThrow(
      /does not follow 0/,
    );
    store.chain.insert({ seq: 1, kind: 'polls', event: 'open', leaf: utf8('a') });
    expect(() => store.chain.insert({ seq: 1, kind: 'polls', event: 'open', leaf: utf8('b') })).toThrow();
    store.ballots.insert(id(1), 'deu', utf8('ballot 1'));
    store.ballots.insert(id(2), 'deu', utf8('ballot 2'));
    store.chain.insert({ seq: 2, kind: 'batch', final: false, count: 2, leaf: utf8('manifest') });
    store.transaction(() => store.ballots.assign(2, [id(2), id(1)]));
    expect(store.ballots.leavesOfBatch(2)).toEqual([utf8('ballot 2'), utf8('ballot 1')]);
    expect(store.ballots.queuedCount()).toBe(0);
    store.chain.insert({ seq: 3, kind: 'batch', final: true, count: 1, leaf: utf8('final') });
    expect(() => store.transaction(() => store.ballots.assign(3, [id(1)]))).toThrow(/is not queued/);
    expect(store.chain.head().seq).toBe(3);
    expect(store.chain.finalBatch()?.seq).toBe(3);
    store.close();
  });

  it('rolls a failed transaction back whole', () => {
    const store = open();
    expect(() =>
      store.transaction(() => {
        store.ballots.insert(id(7), 'deu', utf8('kept only if committed'));
        throw new Error('crash in the middle');
      }),
    ).toThrow(/crash/);
    expect(store.ballots.count()).toBe(0);
    store.close();
  });

  it('stores the enrolment once: the same bytes again are fine, other bytes are refused', () => {
    const store = open();
    configure(store);
    expect(store.kiosk.saveEnrolment(utf8('enrolment-1')).ok).toBe(true);
    expect(store.kiosk.saveEnrolment(utf8('enrolment-1')).ok).toBe(true);
    const other = store.kiosk.saveEnrolment(utf8('enrolment-2'));
    expect(other.ok).toBe(false);
    expect(store.kiosk.get()!.enrolment!.leaf).toEqual(utf8('enrolment-1'));
    expect(store.kiosk.configure({ ...store.kiosk.get()!, bundle: utf8('b') }).ok).toBe(false);
    store.close();
  });

  it('keeps one check-in per voter and counts the poll book by style', () => {
    const store = open();
    const v = (n: number) => n.toString(16).padStart(64, '0');
    store.checkins.insert(v(1), 'deu', utf8('c1'), 1);
    store.checkins.insert(v(2), 'deu', utf8('c2'), 1);
    store.checkins.insert(v(3), 'usa', utf8('c3'), 1);
    expect(() => store.checkins.insert(v(1), 'deu', utf8('again'), 1)).toThrow();
    store.checkins.markAcknowledged(v(1), 5);
    store.checkins.markAcknowledged(v(3), 6);
    store.checkins.markRefused(v(2), 'outside the window');
    expect(store.checkins.acknowledgedByStyle()).toEqual(
      new Map([
        ['deu', 1],
        ['usa', 1],
      ]),
    );
    expect(store.checkins.markWitnessedBelow(6)).toBe(1);
    expect(store.checkins.find(v(1))!.state).toBe('witnessed');
    expect(store.checkins.find(v(3))!.state).toBe('appended');
    expect(store.checkins.find(v(2))!.refusal).toBe('outside the window');
    store.close();
  });
});

describe('unconfigure', () => {
  it('refuses while ballots are unacknowledged, unless overridden; then nothing is left', () => {
    const store = open();
    configure(store);
    store.ballots.insert(id(1), 'deu', utf8('WIPE-ME-BALLOT-CONTENT'));
    const refused = store.wipe({ override: false });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toMatch(/1 ballot\(s\)/);
    expect(store.ballots.count()).toBe(1);
    const wiped = store.wipe({ override: true });
    expect(wiped.ok && wiped.value.ballots).toBe(1);
    expect(store.kiosk.get()).toBeUndefined();
    expect(store.ballots.count()).toBe(0);
    store.close();
    expect(readFileSync(join(dir, 'kiosk.db')).includes('WIPE-ME-BALLOT-CONTENT')).toBe(false);
  });
});
