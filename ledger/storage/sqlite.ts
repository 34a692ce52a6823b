/**
 * SQLite storage (DESIGN §6: the embedded default, one file). WAL with `synchronous = FULL`, so an
 * acknowledged append survives a power cut: every commit is fsynced before the ledger answers.
 * `BEGIN IMMEDIATE` takes the write lock before reading the tree size, so two processes on one file
 * cannot interleave appends (the second sees a conflict and reloads).
 */
import Database from 'better-sqlite3';
import { toHex } from '../../protocol/bytes';
import {
  StorageConflictError,
  type AppendBatch,
  type BallotRecord,
  type CheckpointRecord,
  type CosignatureRecord,
  type KioskRecord,
  type LedgerStorage,
  type RequestRecord,
  type StyleCountRecord,
  type TreeRecord,
} from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leaves (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tree (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, range BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS checkins (voter_ref BLOB PRIMARY KEY, leaf INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ballots (tracker BLOB PRIMARY KEY, code TEXT NOT NULL UNIQUE, leaf INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kiosks (kiosk TEXT PRIMARY KEY, public_key BLOB NOT NULL, enrolled_leaf INTEGER NOT NULL,
  last_seq INTEGER NOT NULL, last_hash BLOB NOT NULL, final_seen INTEGER NOT NULL, closed INTEGER NOT NULL)
  WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kiosk_styles (kiosk TEXT NOT NULL, style TEXT NOT NULL, checkins INTEGER NOT NULL,
  ballots INTEGER NOT NULL, PRIMARY KEY (kiosk, style)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS requests (key BLOB PRIMARY KEY, first INTEGER NOT NULL, count INTEGER NOT NULL,
  size INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, timestamp INTEGER NOT NULL,
  note TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cosignatures (size INTEGER NOT NULL, name TEXT NOT NULL, timestamp INTEGER NOT NULL,
  line TEXT NOT NULL, PRIMARY KEY (size, name)) WITHOUT ROWID;
`;

type Row = Record<string, unknown>;

/** Runs synchronous database work as a promise, so callers see its errors as rejections. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function bytes(v: unknown): Uint8Array {
  const b = v as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

const num = (v: unknown): number => Number(v);

function kioskFrom(r: Row): KioskRecord {
  return {
    kiosk: String(r.kiosk),
    publicKey: bytes(r.public_key),
    enrolledAt: num(r.enrolled_leaf),
    lastSeq: num(r.last_seq),
    lastChainHash: bytes(r.last_hash),
    finalSeen: num(r.final_seen) === 1,
    closed: num(r.closed) === 1,
  };
}

function checkpointFrom(r: Row): CheckpointRecord {
  return { size: num(r.size), root: bytes(r.root), timestamp: num(r.timestamp), note: String(r.note) };
}

/** Placeholders for an IN list, chunked under SQLite's variable limit by the callers. */
const marks = (n: number): string => Array.from({ length: n }, () => '?').join(',');
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function prepare(db: Database.Database) {
  return {
    treeSize: db.prepare('SELECT size FROM tree WHERE id = 1').pluck(),
    tree: db.prepare('SELECT size, range FROM tree WHERE id = 1'),
    putTree: db.prepare('INSERT OR REPLACE INTO tree (id, size, range) VALUES (1, ?, ?)'),
    putLeaf: db.prepare('INSERT INTO leaves (idx, hash, data) VALUES (?, ?, ?)'),
    putNode: db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
    putCheckin: db.prepare('INSERT INTO checkins (voter_ref, leaf) VALUES (?, ?)'),
    putBallot: db.prepare('INSERT INTO ballots (tracker, code, leaf) VALUES (?, ?, ?)'),
    putKiosk: db.prepare(
      `INSERT OR REPLACE INTO kiosks (kiosk, public_key, enrolled_leaf, last_seq, last_hash, final_seen, closed)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    putStyle: db.prepare(
      'INSERT OR REPLACE INTO kiosk_styles (kiosk, style, checkins, ballots) VALUES (?, ?, ?, ?)',
    ),
    putRequest: db.prepare('INSERT INTO requests (key, first, count, size) VALUES (?, ?, ?, ?)'),
    putCheckpoint: db.prepare(
      'INSERT OR REPLACE INTO checkpoints (size, root, timestamp, note) VALUES (?, ?, ?, ?)',
    ),
    leafHashes: db.prepare('SELECT hash FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx').pluck(),
    leafData: db.prepare('SELECT data FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx').pluck(),
    leafHash: db.prepare('SELECT hash FROM leaves WHERE idx = ?').pluck(),
    node: db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck(),
    checkin: db.prepare('SELECT leaf FROM checkins WHERE voter_ref = ?').pluck(),
    ballotByCode: db.prepare('SELECT tracker, code, leaf FROM ballots WHERE code = ?'),
    request: db.prepare('SELECT key, first, count, size FROM requests WHERE key = ?'),
    kiosks: db.prepare('SELECT * FROM kiosks ORDER BY kiosk'),
    styles: db.prepare('SELECT * FROM kiosk_styles ORDER BY kiosk, style'),
    checkpoint: db.prepare('SELECT * FROM checkpoints WHERE size = ?'),
    latest: db.prepare('SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1'),
    cosign: db.prepare(
      `INSERT INTO cosignatures (size, name, timestamp, line) VALUES (?, ?, ?, ?)
       ON CONFLICT (size, name) DO UPDATE SET timestamp = excluded.timestamp, line = excluded.line
       WHERE excluded.timestamp >= cosignatures.timestamp`,
    ),
    cosignatures: db.prepare('SELECT * FROM cosignatures WHERE size = ? ORDER BY name'),
    cosignedSizes: db.prepare('SELECT DISTINCT size FROM cosignatures ORDER BY size').pluck(),
    meta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
    putMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)'),
  };
}

export class SqliteStorage implements LedgerStorage {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly stmts: ReturnType<typeof prepare>;
  private readonly write: Database.Transaction<(b: AppendBatch) => void>;

  /** Opens (creating if needed) the database file; `:memory:` for a throwaway log. */
  constructor(readonly file: string) {
    this.db = new Database(file);
    // 16 KiB pages hold a whole entry (an ML-DSA-65 envelope is ~4.7 KB) without overflow pages; this
    // takes effect only when the file is created (before WAL), which is when it matters.
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.stmts = prepare(this.db);
    this.write = this.writer();
  }

  open(log: { readonly electionId: string; readonly origin: string }): Promise<void> {
    return settle(() => {
      const bind = this.db.transaction(() => {
        for (const [key, value] of [
          ['electionId', log.electionId],
          ['origin', log.origin],
        ] as const) {
          const have = this.stmts.meta.get(key) as string | undefined;
          if (have === undefined) this.stmts.putMeta.run(key, value);
          else if (have !== value) {
            throw new Error(
              `the database ${this.file} holds the log of another election (${key} ${have}, not ${value}): ` +
                'use one database per election',
            );
          }
        }
      });
      bind.immediate();
    });
  }

  append(batch: AppendBatch): Promise<void> {
    return settle(() => this.write.immediate(batch));
  }

  private writer(): Database.Transaction<(b: AppendBatch) => void> {
    const s = this.stmts;
    return this.db.transaction((b: AppendBatch) => {
      const size = num(s.treeSize.get() ?? 0);
      if (size !== b.fromSize) {
        throw new StorageConflictError(`the log has ${size} leaves, this writer expected ${b.fromSize}`);
      }
      b.leaves.forEach((l, i) => s.putLeaf.run(b.fromSize + i, buf(l.hash), buf(l.data)));
      for (const n of b.nodes) s.putNode.run(n.level, n.index, buf(n.hash));
      s.putTree.run(b.tree.size, buf(b.tree.range));
      for (const c of b.checkins) s.putCheckin.run(buf(c.voterRef), c.index);
      for (const x of b.ballots) s.putBallot.run(buf(x.tracker), x.code, x.index);
      for (const k of b.kiosks) {
        s.putKiosk.run(
          k.kiosk,
          buf(k.publicKey),
          k.enrolledAt,
          k.lastSeq,
          buf(k.lastChainHash),
          k.finalSeen ? 1 : 0,
          k.closed ? 1 : 0,
        );
      }
      for (const c of b.styleCounts) s.putStyle.run(c.kiosk, c.style, c.checkins, c.ballots);
      for (const r of b.requests) s.putRequest.run(buf(r.key), r.first, r.count, r.size);
      const cp = b.checkpoint;
      s.putCheckpoint.run(cp.size, buf(cp.root), cp.timestamp, cp.note);
    });
  }

  tree(): Promise<TreeRecord | null> {
    return settle(() => {
      const r = this.stmts.tree.get() as Row | undefined;
      return r ? { size: num(r.size), range: bytes(r.range) } : null;
    });
  }

  leafHashes(start: number, end: number): Promise<Uint8Array[]> {
    return settle(() => this.stmts.leafHashes.all(start, end).map(bytes));
  }

  leafData(start: number, end: number): Promise<Uint8Array[]> {
    return settle(() => this.stmts.leafData.all(start, end).map(bytes));
  }

  nodeHashes(ids: readonly { readonly level: number; readonly index: number }[]): Promise<Uint8Array[]> {
    return settle(() =>
      ids.map(({ level, index }) => {
        const v = level === 0 ? this.stmts.leafHash.get(index) : this.stmts.node.get(level, index);
        if (v === undefined) throw new Error(`node (${level}, ${index}) is not in the database`);
        return bytes(v);
      }),
    );
  }

  findLeaves(hashes: readonly Uint8Array[]): Promise<Map<string, number>> {
    return settle(() => {
      const found = new Map<string, number>();
      for (const part of chunks(hashes)) {
        const rows = this.db
          .prepare(`SELECT idx, hash FROM leaves WHERE hash IN (${marks(part.length)})`)
          .all(...part.map(buf)) as Row[];
        for (const r of rows) found.set(toHex(bytes(r.hash)), num(r.idx));
      }
      return found;
    });
  }

  findCheckin(voterRef: Uint8Array): Promise<number | undefined> {
    return settle(() => {
      const v = this.stmts.checkin.get(buf(voterRef));
      return v === undefined ? undefined : num(v);
    });
  }

  findBallots(trackers: readonly Uint8Array[], codes: readonly string[]): Promise<BallotRecord[]> {
    return settle(() => {
      const byCode = new Map<string, BallotRecord>();
      const add = (rows: Row[]) => {
        for (const r of rows) {
          byCode.set(String(r.code), { tracker: bytes(r.tracker), code: String(r.code), index: num(r.leaf) });
        }
      };
      for (const part of chunks(trackers)) {
        const sql = `SELECT tracker, code, leaf FROM ballots WHERE tracker IN (${marks(part.length)})`;
        add(this.db.prepare(sql).all(...part.map(buf)) as Row[]);
      }
      for (const part of chunks(codes)) {
        const sql = `SELECT tracker, code, leaf FROM ballots WHERE code IN (${marks(part.length)})`;
        add(this.db.prepare(sql).all(...part) as Row[]);
      }
      return [...byCode.values()].sort((a, b) => a.index - b.index);
    });
  }

  findBallotByCode(code: string): Promise<BallotRecord | undefined> {
    return settle(() => {
      const r = this.stmts.ballotByCode.get(code) as Row | undefined;
      return r ? { tracker: bytes(r.tracker), code: String(r.code), index: num(r.leaf) } : undefined;
    });
  }

  findRequest(key: Uint8Array): Promise<RequestRecord | undefined> {
    return settle(() => {
      const r = this.stmts.request.get(buf(key)) as Row | undefined;
      return r
        ? { key: bytes(r.key), first: num(r.first), count: num(r.count), size: num(r.size) }
        : undefined;
    });
  }

  kiosks(): Promise<KioskRecord[]> {
    return settle(() => (this.stmts.kiosks.all() as Row[]).map(kioskFrom));
  }

  styleCounts(): Promise<StyleCountRecord[]> {
    return settle(() =>
      (this.stmts.styles.all() as Row[]).map((r) => ({
        kiosk: String(r.kiosk),
        style: String(r.style),
        checkins: num(r.checkins),
        ballots: num(r.ballots),
      })),
    );
  }

  checkpoint(size: number): Promise<CheckpointRecord | undefined> {
    return settle(() => {
      const r = this.stmts.checkpoint.get(size) as Row | undefined;
      return r ? checkpointFrom(r) : undefined;
    });
  }

  latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return settle(() => {
      const r = this.stmts.latest.get() as Row | undefined;
      return r ? checkpointFrom(r) : undefined;
    });
  }

  replaceCheckpoint(cp: CheckpointRecord): Promise<void> {
    return settle(() => {
      this.stmts.putCheckpoint.run(cp.size, buf(cp.root), cp.timestamp, cp.note);
    });
  }

  addCosignature(c: CosignatureRecord): Promise<void> {
    return settle(() => {
      this.stmts.cosign.run(c.size, c.name, c.timestamp, c.line);
    });
  }

  cosignatures(size: number): Promise<CosignatureRecord[]> {
    return settle(() =>
      (this.stmts.cosignatures.all(size) as Row[]).map((r) => ({
        size: num(r.size),
        name: String(r.name),
        timestamp: num(r.timestamp),
        line: String(r.line),
      })),
    );
  }

  cosignedSizes(): Promise<number[]> {
    return settle(() => this.stmts.cosignedSizes.all().map(num));
  }

  close(): Promise<void> {
    return settle(() => {
      if (this.db.open) this.db.close();
    });
  }
}
