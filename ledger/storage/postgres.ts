/**
 * PostgreSQL storage (DESIGN §6: at scale, with a synchronous streaming replica and Patroni failover),
 * through postgres.js. Each append is one transaction that first takes a transaction-scoped advisory
 * lock, then checks the tree size: two ledger processes on one database can never interleave appends
 * (the second gets a StorageConflictError and reloads). With `synchronous_commit` on and a synchronous
 * standby, COMMIT returns only once the replica has the WAL, so an acknowledged append survives the loss
 * of the primary. postgres.js reconnects by itself; with a multi-host URL and
 * `target_session_attrs=read-write` it finds the new primary after a failover.
 */
import postgres from 'postgres';
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

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL)',
  'CREATE TABLE IF NOT EXISTS leaves (idx bigint PRIMARY KEY, hash bytea NOT NULL UNIQUE, data bytea NOT NULL)',
  `CREATE TABLE IF NOT EXISTS nodes (level int NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL,
     PRIMARY KEY (level, idx))`,
  'CREATE TABLE IF NOT EXISTS tree (id int PRIMARY KEY CHECK (id = 1), size bigint NOT NULL, range bytea NOT NULL)',
  'CREATE TABLE IF NOT EXISTS checkins (voter_ref bytea PRIMARY KEY, leaf bigint NOT NULL)',
  'CREATE TABLE IF NOT EXISTS ballots (tracker bytea PRIMARY KEY, code text NOT NULL UNIQUE, leaf bigint NOT NULL)',
  `CREATE TABLE IF NOT EXISTS kiosks (kiosk text PRIMARY KEY, public_key bytea NOT NULL, enrolled_leaf bigint NOT NULL,
     last_seq bigint NOT NULL, last_hash bytea NOT NULL, final_seen boolean NOT NULL, closed boolean NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS kiosk_styles (kiosk text NOT NULL, style text NOT NULL, checkins bigint NOT NULL,
     ballots bigint NOT NULL, PRIMARY KEY (kiosk, style))`,
  `CREATE TABLE IF NOT EXISTS requests (key bytea PRIMARY KEY, first bigint NOT NULL, count bigint NOT NULL,
     size bigint NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS checkpoints (size bigint PRIMARY KEY, root bytea NOT NULL, timestamp bigint NOT NULL,
     note text NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS cosignatures (size bigint NOT NULL, name text NOT NULL, timestamp bigint NOT NULL,
     line text NOT NULL, PRIMARY KEY (size, name))`,
];

/** The advisory lock every append takes (an arbitrary constant: "ogas" in ASCII). */
const APPEND_LOCK = 0x6f676173;
/** Rows per multi-row INSERT: well under the protocol's 65,535 parameters. */
const CHUNK = 2000;

type Row = Record<string, unknown>;
type Sql = postgres.Sql;

const num = (v: unknown): number => Number(v);

function bytes(v: unknown): Uint8Array {
  const b = v as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

function kioskFrom(r: Row): KioskRecord {
  return {
    kiosk: String(r.kiosk),
    publicKey: bytes(r.public_key),
    enrolledAt: num(r.enrolled_leaf),
    lastSeq: num(r.last_seq),
    lastChainHash: bytes(r.last_hash),
    finalSeen: r.final_seen === true,
    closed: r.closed === true,
  };
}

function checkpointFrom(r: Row): CheckpointRecord {
  return { size: num(r.size), root: bytes(r.root), timestamp: num(r.timestamp), note: String(r.note) };
}

export interface PostgresStorageOptions {
  /** Connections in the pool (default 4: appends are serial; reads run beside them). */
  readonly max?: number;
  /** Seconds to wait for a connection (default 10). */
  readonly connectTimeout?: number;
}

export class PostgresStorage implements LedgerStorage {
  readonly kind = 'postgres';
  private readonly sql: Sql;

  /** `url`: a postgres:// URL; several hosts (`host1:p1,host2:p2`) with `target_session_attrs=read-write`. */
  constructor(url: string, options: PostgresStorageOptions = {}) {
    this.sql = postgres(url, {
      max: options.max ?? 4,
      connect_timeout: options.connectTimeout ?? 10,
      onnotice: () => {},
      // bigint columns come back as strings by default; every value here is a safe integer.
      types: { bigint: postgres.BigInt },
    });
  }

  async open(log: { readonly electionId: string; readonly origin: string }): Promise<void> {
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`;
      for (const statement of SCHEMA) await tx.unsafe(statement);
      for (const [key, value] of [
        ['electionId', log.electionId],
        ['origin', log.origin],
      ] as const) {
        const rows = await tx<Row[]>`SELECT value FROM meta WHERE key = ${key}`;
        const have = rows[0]?.value as string | undefined;
        if (have === undefined) await tx`INSERT INTO meta (key, value) VALUES (${key}, ${value})`;
        else if (have !== value) {
          throw new Error(
            `the database holds the log of another election (${key} ${have}, not ${value}): ` +
              'use one database per election',
          );
        }
      }
    });
  }

  async append(b: AppendBatch): Promise<void> {
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`;
      const rows = await tx<Row[]>`SELECT size FROM tree WHERE id = 1`;
      const size = num(rows[0]?.size ?? 0);
      if (size !== b.fromSize) {
        throw new StorageConflictError(`the log has ${size} leaves, this writer expected ${b.fromSize}`);
      }
      const leaves = b.leaves.map((l, i) => ({ idx: b.fromSize + i, hash: buf(l.hash), data: buf(l.data) }));
      for (const part of chunks(leaves)) await tx`INSERT INTO leaves ${tx(part, 'idx', 'hash', 'data')}`;
      const nodes = b.nodes.map((n) => ({ level: n.level, idx: n.index, hash: buf(n.hash) }));
      for (const part of chunks(nodes)) await tx`INSERT INTO nodes ${tx(part, 'level', 'idx', 'hash')}`;
      await tx`INSERT INTO tree (id, size, range) VALUES (1, ${b.tree.size}, ${buf(b.tree.range)})
               ON CONFLICT (id) DO UPDATE SET size = excluded.size, range = excluded.range`;
      const checkins = b.checkins.map((c) => ({ voter_ref: buf(c.voterRef), leaf: c.index }));
      for (const part of chunks(checkins)) await tx`INSERT INTO checkins ${tx(part, 'voter_ref', 'leaf')}`;
      const ballots = b.ballots.map((x) => ({ tracker: buf(x.tracker), code: x.code, leaf: x.index }));
      for (const part of chunks(ballots))
        await tx`INSERT INTO ballots ${tx(part, 'tracker', 'code', 'leaf')}`;
      for (const k of b.kiosks) {
        await tx`INSERT INTO kiosks (kiosk, public_key, enrolled_leaf, last_seq, last_hash, final_seen, closed)
                 VALUES (${k.kiosk}, ${buf(k.publicKey)}, ${k.enrolledAt}, ${k.lastSeq}, ${buf(k.lastChainHash)},
                         ${k.finalSeen}, ${k.closed})
                 ON CONFLICT (kiosk) DO UPDATE SET public_key = excluded.public_key,
                   enrolled_leaf = excluded.enrolled_leaf, last_seq = excluded.last_seq,
                   last_hash = excluded.last_hash, final_seen = excluded.final_seen, closed = excluded.closed`;
      }
      for (const c of b.styleCounts) {
        await tx`INSERT INTO kiosk_styles (kiosk, style, checkins, ballots)
                 VALUES (${c.kiosk}, ${c.style}, ${c.checkins}, ${c.ballots})
                 ON CONFLICT (kiosk, style) DO UPDATE SET checkins = excluded.checkins, ballots = excluded.ballots`;
      }
      const requests = b.requests.map((r) => ({
        key: buf(r.key),
        first: r.first,
        count: r.count,
        size: r.size,
      }));
      for (const part of chunks(requests)) {
        await tx`INSERT INTO requests ${tx(part, 'key', 'first', 'count', 'size')}`;
      }
      await this.putCheckpoint(tx, b.checkpoint);
    });
  }

  private async putCheckpoint(tx: Sql | postgres.TransactionSql, cp: CheckpointRecord): Promise<void> {
    await tx`INSERT INTO checkpoints (size, root, timestamp, note)
             VALUES (${cp.size}, ${buf(cp.root)}, ${cp.timestamp}, ${cp.note})
             ON CONFLICT (size) DO UPDATE SET root = excluded.root, timestamp = excluded.timestamp,
               note = excluded.note`;
  }

  async tree(): Promise<TreeRecord | null> {
    const [r] = await this.sql<Row[]>`SELECT size, range FROM tree WHERE id = 1`;
    return r ? { size: num(r.size), range: bytes(r.range) } : null;
  }

  async leafHashes(start: number, end: number): Promise<Uint8Array[]> {
    const rows = await this.sql<
      Row[]
    >`SELECT hash FROM leaves WHERE idx >= ${start} AND idx < ${end} ORDER BY idx`;
    return rows.map((r) => bytes(r.hash));
  }

  async leafData(start: number, end: number): Promise<Uint8Array[]> {
    const rows = await this.sql<
      Row[]
    >`SELECT data FROM leaves WHERE idx >= ${start} AND idx < ${end} ORDER BY idx`;
    return rows.map((r) => bytes(r.data));
  }

  async nodeHashes(
    ids: readonly { readonly level: number; readonly index: number }[],
  ): Promise<Uint8Array[]> {
    if (ids.length === 0) return [];
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const inner = ids.filter((id) => id.level > 0);
    const found = new Map<string, Uint8Array>();
    if (leaves.length > 0) {
      const rows = await this.sql<
        Row[]
      >`SELECT idx, hash FROM leaves WHERE idx = ANY(${this.sql.array(leaves)}::bigint[])`;
      for (const r of rows) found.set(`0/${num(r.idx)}`, bytes(r.hash));
    }
    if (inner.length > 0) {
      const levels = this.sql.array(inner.map((id) => id.level));
      const indexes = this.sql.array(inner.map((id) => id.index));
      const rows = await this.sql<Row[]>`
        SELECT n.level, n.idx, n.hash FROM nodes n
        JOIN unnest(${levels}::int[], ${indexes}::bigint[]) AS want(level, idx)
          ON n.level = want.level AND n.idx = want.idx`;
      for (const r of rows) found.set(`${num(r.level)}/${num(r.idx)}`, bytes(r.hash));
    }
    return ids.map(({ level, index }) => {
      const h = found.get(`${level}/${index}`);
      if (!h) throw new Error(`node (${level}, ${index}) is not in the database`);
      return h;
    });
  }

  async findLeaves(hashes: readonly Uint8Array[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const part of chunks(hashes)) {
      const rows = await this.sql<Row[]>`
        SELECT idx, hash FROM leaves WHERE hash = ANY(${this.sql.array(part.map(buf))}::bytea[])`;
      for (const r of rows) found.set(toHex(bytes(r.hash)), num(r.idx));
    }
    return found;
  }

  async findCheckin(voterRef: Uint8Array): Promise<number | undefined> {
    const [r] = await this.sql<Row[]>`SELECT leaf FROM checkins WHERE voter_ref = ${buf(voterRef)}`;
    return r ? num(r.leaf) : undefined;
  }

  async findBallots(trackers: readonly Uint8Array[], codes: readonly string[]): Promise<BallotRecord[]> {
    const rows = await this.sql<Row[]>`
      SELECT tracker, code, leaf FROM ballots
      WHERE tracker = ANY(${this.sql.array(trackers.map(buf))}::bytea[])
         OR code = ANY(${this.sql.array([...codes])}::text[])
      ORDER BY leaf`;
    return rows.map((r) => ({ tracker: bytes(r.tracker), code: String(r.code), index: num(r.leaf) }));
  }

  async findBallotByCode(code: string): Promise<BallotRecord | undefined> {
    const [r] = await this.sql<Row[]>`SELECT tracker, code, leaf FROM ballots WHERE code = ${code}`;
    return r ? { tracker: bytes(r.tracker), code: String(r.code), index: num(r.leaf) } : undefined;
  }

  async findRequest(key: Uint8Array): Promise<RequestRecord | undefined> {
    const [r] = await this.sql<Row[]>`SELECT key, first, count, size FROM requests WHERE key = ${buf(key)}`;
    return r ? { key: bytes(r.key), first: num(r.first), count: num(r.count), size: num(r.size) } : undefined;
  }

  async kiosks(): Promise<KioskRecord[]> {
    const rows = await this.sql<Row[]>`SELECT * FROM kiosks ORDER BY kiosk COLLATE "C"`;
    return rows.map(kioskFrom);
  }

  async styleCounts(): Promise<StyleCountRecord[]> {
    const rows = await this.sql<
      Row[]
    >`SELECT * FROM kiosk_styles ORDER BY kiosk COLLATE "C", style COLLATE "C"`;
    return rows.map((r) => ({
      kiosk: String(r.kiosk),
      style: String(r.style),
      checkins: num(r.checkins),
      ballots: num(r.ballots),
    }));
  }

  async checkpoint(size: number): Promise<CheckpointRecord | undefined> {
    const [r] = await this.sql<Row[]>`SELECT * FROM checkpoints WHERE size = ${size}`;
    return r ? checkpointFrom(r) : undefined;
  }

  async latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    const [r] = await this.sql<Row[]>`SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1`;
    return r ? checkpointFrom(r) : undefined;
  }

  async replaceCheckpoint(cp: CheckpointRecord): Promise<void> {
    await this.putCheckpoint(this.sql, cp);
  }

  async addCosignature(c: CosignatureRecord): Promise<void> {
    await this.sql`INSERT INTO cosignatures (size, name, timestamp, line)
                   VALUES (${c.size}, ${c.name}, ${c.timestamp}, ${c.line})
                   ON CONFLICT (size, name) DO UPDATE SET timestamp = excluded.timestamp, line = excluded.line
                   WHERE excluded.timestamp >= cosignatures.timestamp`;
  }

  async cosignatures(size: number): Promise<CosignatureRecord[]> {
    const rows = await this.sql<
      Row[]
    >`SELECT * FROM cosignatures WHERE size = ${size} ORDER BY name COLLATE "C"`;
    return rows.map((r) => ({
      size: num(r.size),
      name: String(r.name),
      timestamp: num(r.timestamp),
      line: String(r.line),
    }));
  }

  async cosignedSizes(): Promise<number[]> {
    const rows = await this.sql<Row[]>`SELECT DISTINCT size FROM cosignatures ORDER BY size`;
    return rows.map((r) => num(r.size));
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
