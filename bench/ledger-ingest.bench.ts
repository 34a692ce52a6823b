/**
 * Ledger ingest (issue "Speed"): ballots per second through `POST /v1/entries` on loopback, SQLite
 * storage (WAL, synchronous FULL, a file in os.tmpdir()), against the raw verification rate of the same
 * verifier on all cores. Realistic requests: each kiosk's enrolment, one check-in per voter (one request
 * each), then batch manifests with 500 ballots each, several kiosks sending at once. Everything is signed
 * once and cached under .cache/ledger-ingest/ (signing 16,000 entries with noble takes a minute on two
 * cores); timing starts with the first batch.
 *
 * The ratio ingest ÷ raw verification says what the log adds to the signature checks (goal ≥ 0.8).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { fromBase64, toBase64, utf8 } from '../protocol/bytes';
import { batchRoot, chainLink, entryPurpose, kioskId, parseLeafData, type Entry } from '../protocol/entries';
import { canonicalBytes } from '../protocol/jcs';
import { contextBytes, mlDsaSign } from '../protocol/ml-dsa';
import { createLedgerFixture, entriesBody } from '../ledger/testing/election-fixture';
import { parseLogKeyFile } from '../ledger/server/log-key';
import { openLedgerInputs, startLedgerServer } from '../ledger/server/start-ledger';
import { VerifyPool } from '../ledger/server/verify-pool';
import type { VerifyItem } from '../ledger/server/verify-protocol';
import type { Report } from './report';

const KIOSKS = 4;
const BATCH = 500;
const BATCHES_PER_KIOSK = 4;
const BALLOTS = KIOSKS * BATCH * BATCHES_PER_KIOSK;
const CACHE_VERSION = 1;
const CACHE = join(import.meta.dirname, '..', '.cache', 'ledger-ingest');

interface Fixture {
  readonly version: number;
  readonly createdMs: number;
  readonly ballots: number;
  readonly packageText: string;
  readonly trustText: string;
  readonly rollText: string;
  readonly logKeyText: string;
  readonly opensMs: number;
  /** POST bodies, in the order they must be sent within each list. */
  readonly enrolments: string[];
  readonly checkins: string[];
  /** Per kiosk, its batches in chain order. */
  readonly batches: string[][];
}

/** Signs messages on every core with noble (plain-JS workers: no TypeScript needed for this). */
async function signAll(jobs: { sk: Uint8Array; msg: Uint8Array; ctx: Uint8Array }[]): Promise<Uint8Array[]> {
  const noble = pathToFileURL(createRequire(import.meta.url).resolve('@noble/post-quantum/ml-dsa.js')).href;
  const code = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(noble)}).then(({ ml_dsa65 }) => {
      parentPort.on('message', (jobs) => {
        parentPort.postMessage(jobs.map((j) => ml_dsa65.sign(j.msg, j.sk, { context: j.ctx })));
      });
    });`;
  const n = availableParallelism();
  const workers = Array.from({ length: n }, () => new Worker(code, { eval: true }));
  try {
    const parts = workers.map((w, i) => {
      const mine = jobs.filter((_, j) => j % n === i);
      return new Promise<Uint8Array[]>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        w.postMessage(mine);
      });
    });
    const done = await Promise.all(parts);
    return jobs.map((_, j) => done[j % n]![Math.floor(j / n)]!);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function makeFixture(): Promise<Fixture> {
  const f = await createLedgerFixture({
    voters: BALLOTS,
    minBatch: 20,
    maxBatch: 1000,
    origin: 'ledger.bench/ingest',
  });
  const kiosks = Array.from({ length: KIOSKS }, (_, i) => f.kiosk(`bench-${i}`));
  const enrolments = kiosks.map((k) => entriesBody([k.enrolment()]));
  // Unsigned check-ins and ballots, then one signing pass on all cores.
  const unsigned: { entry: Entry; k: number }[] = [];
  f.voters.forEach((v, i) => {
    const k = i % KIOSKS;
    const base = { v: 1 as const, election: f.electionId as Entry['election'], kiosk: kiosks[k]!.id };
    unsigned.push({ entry: { ...base, type: 'checkin', voterRef: v.voterRef, style: v.style }, k });
    const tracker = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex');
    unsigned.push({
      entry: {
        ...base,
        type: 'ballot',
        style: v.style,
        selections: { proposal: [i % 3 ? 'yes' : 'no'] },
        tracker,
      },
      k,
    });
  });
  const sigs = await signAll(
    unsigned.map(({ entry, k }) => ({
      sk: kiosks[k]!.keys.secretKey,
      msg: canonicalBytes(entry),
      ctx: contextBytes(entryPurpose(entry.type)),
    })),
  );
  const leaves = unsigned.map(({ entry }, i) =>
    canonicalBytes({ entry, signer: entry.kiosk, sig: toBase64(sigs[i]!) }),
  );
  const checkins = leaves
    .filter((_, i) => unsigned[i]!.entry.type === 'checkin')
    .map((l) => entriesBody([l]));
  const batches = kiosks.map((k, ki) => {
    const ballots = leaves.filter((_, i) => unsigned[i]!.entry.type === 'ballot' && unsigned[i]!.k === ki);
    let prev = '0'.repeat(64);
    return Array.from({ length: BATCHES_PER_KIOSK }, (_, b) => {
      const part = ballots.slice(b * BATCH, (b + 1) * BATCH);
      const entry = {
        v: 1 as const,
        type: 'batch' as const,
        election: f.electionId as Entry['election'],
        kiosk: k.id,
        seq: b + 1,
        prev,
        count: part.length,
        root: batchRoot(part),
        final: b === BATCHES_PER_KIOSK - 1,
      };
      const manifest = canonicalBytes({
        entry,
        signer: k.id,
        sig: toBase64(mlDsaSign('batch', k.keys.secretKey, canonicalBytes(entry))),
      });
      prev = chainLink(manifest);
      return entriesBody([manifest, ...part]);
    });
  });
  const { origin, signer } = f.logKey;
  return {
    version: CACHE_VERSION,
    createdMs: Date.now(),
    ballots: BALLOTS,
    packageText: f.packageText,
    trustText: f.trustText,
    rollText: f.rollText,
    logKeyText: JSON.stringify({
      v: 1,
      type: 'ogas-log-key',
      origin,
      publicKey: toBase64(signer.publicKey),
      secretKey: toBase64(signer.secretKey),
    }),
    opensMs: Date.parse(f.election.package.window.opens),
    enrolments,
    checkins,
    batches,
  };
}

/** The cached fixture, or a new one (the official's test certificate is valid a year: renewed after 300 days). */
async function fixture(): Promise<Fixture> {
  const file = join(CACHE, `fixture-${BALLOTS}.json`);
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
    if (cached.version === CACHE_VERSION && Date.now() - cached.createdMs < 300 * 86_400_000) return cached;
  }
  process.stderr.write(
    `  signing the ingest fixture (${BALLOTS} ballots and check-ins, once; cached in ${CACHE})\n`,
  );
  const made = await makeFixture();
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, JSON.stringify(made));
  return made;
}

/**
 * The kiosks' side, in a child process: enrolments, then the check-ins 32 at a time, then each kiosk's
 * batches in chain order, the kiosks at once. It tells when the batches start and end, so that the
 * ledger's CPU (this process) is measured over exactly the batch phase.
 */
const CLIENT = `
const fs = require('node:fs');
const [file, url] = process.argv.slice(1);
const fx = JSON.parse(fs.readFileSync(file, 'utf8'));
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
async function post(body) {
  const res = await fetch(url + '/v1/entries', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  if (res.status !== 200) throw new Error('ledger refused a benchmark request: ' + res.status + ' ' + text.slice(0, 300));
}
async function sendAll(bodies, n) {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < bodies.length) await post(bodies[next++]); }));
}
(async () => {
  for (const e of fx.enrolments) await post(Buffer.from(e));
  const checkins = fx.checkins.map((b) => Buffer.from(b));
  const batches = fx.batches.map((own) => own.map((b) => Buffer.from(b)));
  let t = performance.now();
  await sendAll(checkins, 32);
  say({ checkinMs: performance.now() - t });
  say({ batches: 'start' });
  t = performance.now();
  await Promise.all(batches.map((own) => sendAll(own, 1)));
  say({ batchMs: performance.now() - t });
})().catch((e) => { say({ error: e.message }); process.exit(1); });
`;

async function runClient(
  url: string,
  file: string,
): Promise<{ checkinMs: number; batchMs: number; ledgerCpu: number }> {
  const child = spawn(process.execPath, ['-e', CLIENT, file, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  let checkinMs = NaN;
  let cpu0 = 0;
  for await (const line of lines) {
    const m = JSON.parse(line) as { checkinMs?: number; batches?: string; batchMs?: number; error?: string };
    if (m.error !== undefined) throw new Error(`benchmark client: ${m.error}`);
    if (m.checkinMs !== undefined) checkinMs = m.checkinMs;
    if (m.batches === 'start') cpu0 = cpuMicros();
    if (m.batchMs !== undefined) return { checkinMs, batchMs: m.batchMs, ledgerCpu: cpuMicros() - cpu0 };
  }
  throw new Error('the benchmark client ended without its figures');
}

/** CPU time of the whole process (all threads), in microseconds. */
function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** ML-DSA-65 verifications per second of these ballots on the pool (all cores), and CPU µs per verify. */
async function rawRate(
  pool: VerifyPool,
  items: readonly VerifyItem[],
): Promise<{ rate: number; cpu: number }> {
  await pool.verify(items.slice(0, 500));
  const start = performance.now();
  const cpu0 = cpuMicros();
  const parts: Promise<boolean[]>[] = [];
  for (let i = 0; i < items.length; i += BATCH) parts.push(pool.verify(items.slice(i, i + BATCH)));
  const ok = (await Promise.all(parts)).flat();
  if (!ok.every(Boolean)) throw new Error('a fixture signature does not verify');
  return {
    rate: (items.length * 1000) / (performance.now() - start),
    cpu: (cpuMicros() - cpu0) / items.length,
  };
}

export async function run(report: Report): Promise<void> {
  const fx = await fixture();
  const threads = availableParallelism();
  const items = verifyItemsOf(fx);
  const pool = await VerifyPool.start({ threads });
  // Raw rate before and after the ingest run: the machine may be shared, so take the mean.
  const rawBefore = await rawRate(pool, items);

  const dir = mkdtempSync(join(tmpdir(), 'ogas-ingest-bench-'));
  const logKey = parseLogKeyFile(fx.logKeyText);
  if (!logKey.ok) throw new Error(logKey.error);
  const opened = openLedgerInputs({
    packageText: fx.packageText,
    trustText: fx.trustText,
    rollText: fx.rollText,
    logKey: logKey.value,
    db: join(dir, 'ledger.db'),
  });
  if (!opened.ok) throw new Error(opened.error.join('; '));
  const ledger = await startLedgerServer({
    ...opened.value,
    clock: () => fx.opensMs + 3_600_000,
    verifyThreads: threads,
  });
  let ballotRate: number;
  let ballotCpu: number;
  try {
    // The kiosks are another process (as on a real network): this process's CPU is the ledger's alone.
    const client = await runClient(ledger.url, join(CACHE, `fixture-${BALLOTS}.json`));
    report(
      'check-ins (one per request, 32 in flight)',
      (fx.checkins.length * 1000) / client.checkinMs,
      'requests/s',
      `${fx.checkins.length} check-ins, grouped into shared transactions`,
    );
    ballotCpu = client.ledgerCpu / fx.ballots;
    ballotRate = (fx.ballots * 1000) / client.batchMs;
    report(
      'ingest, batches of 500 (SQLite, loopback)',
      ballotRate,
      'ballots/s',
      `${fx.ballots} ballots from ${KIOSKS} kiosks at once, ${threads} verify threads (${ledger.verifierName})`,
    );
  } finally {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const rawAfter = await rawRate(pool, items);
  await pool.close();
  const raw = (rawBefore.rate + rawAfter.rate) / 2;
  const rawCpu = (rawBefore.cpu + rawAfter.cpu) / 2;
  report(
    'raw ML-DSA-65 verification, all cores',
    raw,
    'verifies/s',
    `${threads} threads, ${pool.verifierName}; mean of before and after`,
  );
  report(
    'ingest ÷ raw verification',
    ballotRate / raw,
    'ratio',
    'goal ≥ 0.8 (wall clock; noisy on a shared machine)',
  );
  report(
    'ledger CPU per ballot ingested (all its threads)',
    ballotCpu,
    'µs',
    `the kiosks run in another process; raw verification costs ${rawCpu.toFixed(0)} µs`,
  );
  report(
    'raw ÷ ingest CPU per ballot',
    rawCpu / ballotCpu,
    'ratio',
    'the ratio an idle machine would give when CPU-bound',
  );
}

/** The ballots of the fixture as verifications, with their kiosks' keys. */
function verifyItemsOf(fx: Fixture): VerifyItem[] {
  const keys = new Map<string, Uint8Array>();
  for (const e of fx.enrolments) {
    const leaf = JSON.parse((JSON.parse(e) as { entries: string[] }).entries[0]!) as {
      entry: { publicKey: string };
    };
    const pk = fromBase64(leaf.entry.publicKey);
    keys.set(kioskId(pk), pk);
  }
  const items: VerifyItem[] = [];
  for (const body of fx.batches.flat()) {
    for (const text of (JSON.parse(body) as { entries: string[] }).entries.slice(1)) {
      const parsed = parseLeafData(utf8(text));
      if (!parsed.ok) throw new Error('fixture entry does not parse');
      items.push({
        level: 65,
        publicKey: keys.get(parsed.value.signer)!,
        message: canonicalBytes(parsed.value.entry),
        signature: fromBase64(parsed.value.sig),
        context: contextBytes('ballot'),
      });
    }
  }
  return items;
}
