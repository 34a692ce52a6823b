/**
 * The storage conformance suite (DESIGN §6 "Storage"): the same appends against SQLite and PostgreSQL
 * must give the same roots and proofs (equal to protocol/merkle's MemoryTree), survive a reopen, keep
 * every append all-or-nothing, and refuse a second writer or a database of another log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../protocol/bytes';
import { sha256 } from '../../protocol/hash';
import { leafHash, MemoryTree } from '../../protocol/merkle';
import { StoredTree } from '../log/stored-tree';
import { startTestPostgres, type TestPostgres } from '../testing/postgres-cluster';
import { PostgresStorage } from './postgres';
import { SqliteStorage } from './sqlite';
import { StorageConflictError, type AppendBatch, type LedgerStorage } from './types';

const LOG = { electionId: 'aa'.repeat(32), origin: 'ledger.test/conformance' };
const BATCHES = [1, 1, 2, 3, 7, 16, 64, 100, 1, 250, 5, 33];

let dir: string;
let pg: TestPostgres;
let dbCount = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-storage-'));
  pg = await startTestPostgres();
});

afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Backend {
  readonly name: string;
  /** A new empty database; `reopen` gives a second connection to the same one. */
  make(): Promise<{ storage: LedgerStorage; reopen: () => LedgerStorage }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    make() {
      const file = join(dir, `log-${++dbCount}.db`);
      return Promise.resolve({ storage: new SqliteStorage(file), reopen: () => new SqliteStorage(file) });
    },
  },
  {
    name: 'postgres',
    async make() {
      const url = await pg.createDatabase(`log_${++dbCount}`);
      return { storage: new PostgresStorage(url), reopen: () => new PostgresStorage(url) };
    },
  },
];

const leafData = (i: number) => utf8(`{"leaf":${i}}`);
const kioskId = (k: number) => toHex(sha256(utf8(`kiosk ${k}`)));

/** One group append with index rows that depend only on the leaf positions, so both backends match. */
function batchFor(
  tree: StoredTree,
  first: number,
  count: number,
): { batch: AppendBatch; commit: () => void } {
  const leaves = Array.from({ length: count }, (_, j) => {
    const data = leafData(first + j);
    return { hash: leafHash(data), data };
  });
  const staged = tree.stage(leaves.map((l) => l.hash));
  const size = first + count;
  const batch: AppendBatch = {
    fromSize: first,
    leaves,
    nodes: staged.nodes,
    tree: { size, range: staged.range.serialize() },
    checkpoint: { size, root: staged.root, timestamp: 1_700_000_000 + size, note: `log\n${size}\n` },
    checkins: leaves.map((_, j) => ({ voterRef: sha256(utf8(`voter ${first + j}`)), index: first + j })),
    ballots: leaves.map((l, j) => ({
      tracker: sha256(utf8(`tracker ${first + j}`)).slice(0, 16),
      code: toHex(l.hash).slice(0, 16).toUpperCase(),
      index: first + j,
    })),
    kiosks: [
      {
        kiosk: kioskId(first % 3),
        publicKey: utf8(`pk ${first % 3}`),
        enrolledAt: first,
        lastSeq: size,
        lastChainHash: sha256(leaves[0]!.data),
        finalSeen: count % 2 === 0,
        closed: false,
      },
    ],
    styleCounts: [{ kiosk: kioskId(first % 3), style: `style-${first % 2}`, checkins: size, ballots: first }],
    requests: [{ key: sha256(utf8(`request ${first}`)), first, count, size }],
  };
  return { batch, commit: () => tree.commit(staged) };
}

/** Everything observable after the standard appends, for comparing backends. */
async function transcript(storage: LedgerStorage, tree: StoredTree): Promise<unknown> {
  const size = tree.size;
  const proofs: string[][] = [];
  for (const [i, n] of [
    [0, 1],
    [0, size],
    [5, 17],
    [size - 1, size],
    [200, 401],
  ] as const) {
    const p = await tree.inclusionProof(i, n);
    if (!p.ok) throw new Error(p.error);
    proofs.push(p.value.map(toHex));
  }
  for (const [a, b] of [
    [1, size],
    [7, 8],
    [100, 483],
    [size, size],
  ] as const) {
    const p = await tree.consistencyProof(a, b);
    if (!p.ok) throw new Error(p.error);
    proofs.push(p.value.map(toHex));
  }
  const roots: string[] = [];
  for (const n of [1, 2, 3, 100, size]) {
    const r = await tree.rootAt(n);
    if (!r.ok) throw new Error(r.error);
    roots.push(toHex(r.value));
  }
  return {
    size,
    roots,
    proofs,
    kiosks: (await storage.kiosks()).map((k) => ({
      ...k,
      publicKey: toHex(k.publicKey),
      lastChainHash: toHex(k.lastChainHash),
    })),
    styles: await storage.styleCounts(),
    latest: await storage.latestCheckpoint().then((c) => c && { ...c, root: toHex(c.root) }),
  };
}

async function appendStandard(storage: LedgerStorage, tree: StoredTree): Promise<void> {
  let first = 0;
  for (const count of BATCHES) {
    const { batch, commit } = batchFor(tree, first, count);
    await storage.append(batch);
    commit();
    first += count;
  }
}

const reference = MemoryTree.fromLeafHashes(
  Array.from({ length: BATCHES.reduce((a, b) => a + b, 0) }, (_, i) => leafHash(leafData(i))),
);

const transcripts = new Map<string, unknown>();

describe.each(backends)('$name storage', (backend) => {
  it('appends in groups and proves like the in-memory reference tree, before and after a reopen', async () => {
    const { storage, reopen } = await backend.make();
    try {
      await storage.open(LOG);
      const tree = new StoredTree(storage);
      await tree.load();
      expect(tree.size).toBe(0);
      await appendStandard(storage, tree);
      expect(tree.size).toBe(reference.size);
      expect(toHex(tree.root())).toBe(toHex(reference.root()));

      // Proofs and roots at several sizes equal the reference's.
      for (const [i, n] of [
        [0, 1],
        [3, 4],
        [200, 401],
        [reference.size - 1, reference.size],
      ] as const) {
        const p = await tree.inclusionProof(i, n);
        const want = reference.inclusionProof(i, n);
        expect(p.ok && p.value.map(toHex)).toEqual(want.ok && want.value.map(toHex));
      }
      const many = await tree.inclusionProofs(400, 83, reference.size);
      many.forEach((p, j) => {
        const want = reference.inclusionProof(400 + j, reference.size);
        expect(want.ok && p.map(toHex)).toEqual(want.ok && want.value.map(toHex));
      });
      // The encoded form the ledger answers with, at sizes with and without an ephemeral right border.
      for (const [first, count, size] of [
        [0, 7, 7],
        [300, 183, 483],
        [470, 13, 483],
        [64, 64, 128],
      ] as const) {
        const encoded = await tree.inclusionProofsWith(first, count, size, toHex);
        encoded.forEach((p, j) => {
          const want = reference.inclusionProof(first + j, size);
          expect(want.ok && p).toEqual(want.ok && want.value.map(toHex));
        });
      }
      const c = await tree.consistencyProof(100, 483);
      const cw = reference.consistencyProof(100, 483);
      expect(c.ok && c.value.map(toHex)).toEqual(cw.ok && cw.value.map(toHex));

      // A second process (or a restart) restores the same tree from storage alone, proofs read from disk.
      const again = reopen();
      try {
        await again.open(LOG);
        const restored = new StoredTree(again, 0);
        await restored.load();
        expect(restored.size).toBe(reference.size);
        expect(toHex(restored.root())).toBe(toHex(reference.root()));
        const first = await transcript(storage, tree);
        expect(await transcript(again, restored)).toEqual(first);
        transcripts.set(backend.name, first);
      } finally {
        await again.close();
      }
    } finally {
      await storage.close();
    }
  });

  it('reads leaves, index rows, requests and checkpoints back as written', async () => {
    const { storage } = await backend.make();
    try {
      await storage.open(LOG);
      const tree = new StoredTree(storage);
      await tree.load();
      await appendStandard(storage, tree);
      const hashes = await storage.leafHashes(10, 20);
      expect(hashes.map(toHex)).toEqual(
        Array.from({ length: 10 }, (_, j) => toHex(reference.leafHash(10 + j))),
      );
      const data = await storage.leafData(480, 500);
      expect(data.map((d) => Buffer.from(d).toString())).toEqual(
        Array.from({ length: 3 }, (_, j) => `{"leaf":${480 + j}}`),
      );
      const found = await storage.findLeaves([
        reference.leafHash(7),
        leafHash(utf8('absent')),
        reference.leafHash(0),
      ]);
      expect([...found.entries()].sort((a, b) => a[1] - b[1])).toEqual([
        [toHex(reference.leafHash(0)), 0],
        [toHex(reference.leafHash(7)), 7],
      ]);
      expect(await storage.findCheckin(sha256(utf8('voter 42')))).toBe(42);
      expect(await storage.findCheckin(sha256(utf8('voter 9999')))).toBeUndefined();
      const code = toHex(reference.leafHash(13)).slice(0, 16).toUpperCase();
      expect((await storage.findBallotByCode(code))?.index).toBe(13);
      expect(await storage.findBallotByCode('AAAAAAAAAAAAAAAA')).toBeUndefined();
      const conflicts = await storage.findBallots(
        [sha256(utf8('tracker 3')).slice(0, 16)],
        [code, 'ZZZZZZZZZZZZZZZZ'],
      );
      expect(conflicts.map((b) => b.index)).toEqual([3, 13]);
      const req = await storage.findRequest(sha256(utf8('request 14')));
      expect(req && { first: req.first, count: req.count, size: req.size }).toEqual({
        first: 14,
        count: 16,
        size: 30,
      });
      expect(await storage.findRequest(sha256(utf8('request 15')))).toBeUndefined();
      expect((await storage.checkpoint(30))?.note).toBe('log\n30\n');
      expect(await storage.checkpoint(29)).toBeUndefined();
      expect((await storage.latestCheckpoint())?.size).toBe(reference.size);
      await storage.replaceCheckpoint({
        size: 30,
        root: reference.root(30),
        timestamp: 1_800_000_000,
        note: 'new',
      });
      expect((await storage.checkpoint(30))?.note).toBe('new');
    } finally {
      await storage.close();
    }
  });

  it('keeps the newest cosignature per witness and lists cosigned sizes', async () => {
    const { storage } = await backend.make();
    try {
      await storage.open(LOG);
      await storage.addCosignature({ size: 5, name: 'w1', timestamp: 10, line: '— w1 a' });
      await storage.addCosignature({ size: 5, name: 'w1', timestamp: 12, line: '— w1 b' });
      await storage.addCosignature({ size: 5, name: 'w1', timestamp: 11, line: '— w1 old' });
      await storage.addCosignature({ size: 5, name: 'w0', timestamp: 3, line: '— w0 x' });
      await storage.addCosignature({ size: 2, name: 'w0', timestamp: 1, line: '— w0 y' });
      expect((await storage.cosignatures(5)).map((c) => c.line)).toEqual(['— w0 x', '— w1 b']);
      expect(await storage.cosignatures(4)).toEqual([]);
      expect(await storage.cosignedSizes()).toEqual([2, 5]);
    } finally {
      await storage.close();
    }
  });

  it('refuses a writer that built on an old size, and rolls back a failing append entirely', async () => {
    const { storage } = await backend.make();
    try {
      await storage.open(LOG);
      const tree = new StoredTree(storage);
      await tree.load();
      const first = batchFor(tree, 0, 4);
      await storage.append(first.batch);
      first.commit();
      // A second writer that still thinks the log is empty.
      const stale = new StoredTree(storage);
      const late = batchFor(stale, 0, 2);
      await expect(storage.append(late.batch)).rejects.toBeInstanceOf(StorageConflictError);
      // A batch whose second leaf repeats an existing leaf fails at insert: nothing of it stays.
      const bad = batchFor(tree, 4, 2);
      const dup = {
        ...bad.batch,
        leaves: [bad.batch.leaves[0]!, { hash: reference.leafHash(1), data: leafData(1) }],
      };
      await expect(storage.append(dup)).rejects.toThrow();
      expect((await storage.tree())?.size).toBe(4);
      expect(await storage.leafHashes(0, 10)).toHaveLength(4);
      expect(await storage.findCheckin(sha256(utf8('voter 4')))).toBeUndefined();
      expect((await storage.latestCheckpoint())?.size).toBe(4);
    } finally {
      await storage.close();
    }
  });

  it('refuses a database that holds another log', async () => {
    const { storage } = await backend.make();
    try {
      await storage.open(LOG);
      await expect(storage.open({ ...LOG, electionId: 'bb'.repeat(32) })).rejects.toThrow(/another election/);
      await expect(storage.open({ ...LOG, origin: 'other' })).rejects.toThrow(/another election/);
      await storage.open(LOG);
    } finally {
      await storage.close();
    }
  });
});

describe('both backends', () => {
  it('give identical roots, proofs and records for the same appends', () => {
    expect(transcripts.size).toBe(2);
    expect(transcripts.get('postgres')).toEqual(transcripts.get('sqlite'));
  });
});
