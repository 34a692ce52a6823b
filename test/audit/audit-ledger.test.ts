/**
 * The whole chain over HTTP on 127.0.0.1: a real ledger (ledger/server) pushing its checkpoints to two
 * real witnesses (`ogas witness`'s startWitness), kiosks appending an election, then, once closes +
 * drainHours have passed on the shared clock, `ogas audit`, `ogas tally` and `ogas receipt` against the
 * ledger's URL, and `ogas audit` of the folder `ogas ledger export` writes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignerKey, parseSignedNote, verifyCheckpointQuorum } from '../../protocol/checkpoint';
import { formatTrackingCode, trackingCodeOf } from '../../protocol/entries';
import { exportLedger } from '../../ledger/export/export-ledger';
import { startLedger, type RunningLedger } from '../../ledger/server/start-ledger';
import { createLedgerFixture, type LedgerFixture } from '../../ledger/testing/election-fixture';
import { postEntries } from '../../ledger/testing/http-client';
import { encodeVkey } from '../../protocol/checkpoint';
import { startWitness, type RunningWitness } from '../../ledger/witness/witness-server';
import { main } from '../../main/cli/main';
import type { AuditReport } from '../../ledger/audit/run-audit';
import { bufferIo, HOUR } from './audit-harness';

let f: LedgerFixture;
let dir: string;
let ledger: RunningLedger;
const witnesses: RunningWitness[] = [];
const clock = { now: 0 };
let trustPath: string;
let rollPath: string;
let packagePath: string;

async function accept(leaves: Uint8Array[]): Promise<void> {
  const r = await postEntries(ledger.url, leaves);
  if (r.status !== 200) throw new Error(`ledger refused: ${r.status} ${r.text}`);
}

/** Waits (bounded) until the ledger serves a checkpoint of `size` with a quorum dated at or after `after`. */
async function witnessed(size: number, afterMs: number): Promise<string> {
  const pkg = f.election.package;
  const trust = {
    log: cosignerKey(f.logKey.origin, f.logKey.signer.publicKey),
    witnesses: f.witnessSigners.map((w) => cosignerKey(w.name, w.publicKey)),
    quorum: pkg.ledger.quorum,
  };
  for (let i = 0; i < 400; i++) {
    const note = await (await fetch(`${ledger.url}/v1/checkpoint`)).text();
    const v = verifyCheckpointQuorum(note, trust);
    if (
      v.ok &&
      v.value.checkpoint.size === size &&
      v.value.witnesses.every((w) => w.timestamp * 1000 >= afterMs)
    ) {
      return note;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no witnessed checkpoint of size ${size} after ${new Date(afterMs).toISOString()}`);
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await main(args, io.io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ogas-audit-ledger-'));
  const now = Date.now();
  f = await createLedgerFixture({
    voters: 12,
    minBatch: 2,
    witnesses: 2,
    quorum: 2,
    opensMs: now - HOUR,
    closesMs: now + 2 * HOUR,
    drainHours: 1,
  });
  clock.now = now;
  for (const [i, signer] of f.witnessSigners.entries()) {
    witnesses.push(
      await startWitness({
        key: { signer, vkey: encodeVkey(signer.name, signer.publicKey) },
        logs: [cosignerKey(f.logKey.origin, f.logKey.signer.publicKey)],
        statePath: join(dir, `witness-${i + 1}.json`),
        clock: () => clock.now,
      }),
    );
  }
  ledger = await startLedger({
    ...f.ledgerInputs(join(dir, 'ledger.sqlite')),
    clock: () => clock.now,
    witnesses: witnesses.map((w) => w.url),
    witnessOptions: { minBackoffMs: 20, maxBackoffMs: 200 },
    verifyThreads: 1,
  });
  trustPath = join(dir, 'trust.json');
  rollPath = join(dir, 'roll.jsonl');
  packagePath = join(dir, 'election.json');
  await writeFile(trustPath, f.trustText);
  await writeFile(rollPath, f.rollText);
  await writeFile(packagePath, f.packageText);

  // Two kiosks, six voters each; batches of 2 (minBatch 2), then final batches and polls close.
  for (const [n, label] of ['k1', 'k2'].entries()) {
    const k = f.kiosk(label);
    await accept([k.enrolment()]);
    await accept([k.polls('open')]);
    const queue: Uint8Array[] = [];
    for (const voter of f.voters.slice(6 * n, 6 * n + 6)) {
      await accept([k.checkin(voter)]);
      queue.push(k.ballot(voter.style));
      if (queue.length >= 4) await accept(k.batch(queue.splice(0, 2)));
    }
    await accept(k.batch(queue.splice(0), true));
    await accept([k.polls('close', { checkins: 6, ballots: 6 })]);
  }
}, 120_000);

afterAll(async () => {
  await ledger?.close();
  await Promise.all(witnesses.map((w) => w.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('audit, tally and receipt against a running ledger and its witnesses', () => {
  it('a voter checks a receipt before the drain deadline (package given), in any case, without dashes', async () => {
    const size = Number((await (await fetch(`${ledger.url}/v1/checkpoint`)).text()).split('\n')[1]);
    await witnessed(size, 0);
    const leaves = (await (await fetch(`${ledger.url}/v1/leaves?start=0&end=${size}`)).json()) as {
      leaves: string[];
    };
    // The last ballot of kiosk k2's final batch: the entry before its polls close.
    const hash = Buffer.from(leaves.leaves[size - 2]!, 'base64');
    const code = trackingCodeOf(hash);
    const yes = await run([
      'receipt',
      '--ledger',
      ledger.url,
      '--code',
      code.toLowerCase(),
      '--election',
      packagePath,
      '--authority',
      trustPath,
    ]);
    expect(yes.code, yes.out + yes.err).toBe(0);
    expect(yes.out).toMatch(
      new RegExp(`YES: the ballot ${formatTrackingCode(code)} is on the log \\(entry ${size - 2}\\)`),
    );
    expect(yes.out).toMatch(/ok {3}inclusion/);
    expect(yes.out).toMatch(/can be read only after closes \+ drainHours/);
    const no = await run([
      'receipt',
      '--ledger',
      ledger.url,
      '--code',
      'AAAA-AAAA-AAAA-AAAA',
      '--election',
      packagePath,
    ]);
    expect(no.code).toBe(1);
    expect(no.out).toMatch(/^NO/);
    const bad = await run(['receipt', '--ledger', ledger.url, '--code', 'not-a-code']);
    expect(bad.code).toBe(2);
    // Without a copy of the package: the ledger serves entry 0 (the package) before the deadline too.
    const early = await run(['receipt', '--ledger', ledger.url, '--code', code]);
    expect(early.code, early.out + early.err).toBe(0);
    expect(early.out).toMatch(/^YES/);
    expect(early.out).toMatch(/ok {3}election/);
  });

  it('after closes + drainHours: the audit of the ledger URL passes and recounts', async () => {
    const pkg = f.election.package;
    const drainEnd = Date.parse(pkg.window.closes) + pkg.window.drainHours * HOUR;
    clock.now = drainEnd + 60_000;
    await ledger.refreshCheckpoint();
    const size = Number((await (await fetch(`${ledger.url}/v1/checkpoint`)).text()).split('\n')[1]);
    await witnessed(size, drainEnd);
    const audit = await run([
      'audit',
      '--authority',
      trustPath,
      '--ledger',
      ledger.url,
      '--roll',
      rollPath,
      '--json',
      '--threads',
      '1',
    ]);
    const report = JSON.parse(audit.out) as AuditReport;
    expect(report.faults).toEqual([]);
    expect(audit.code).toBe(0);
    expect(report.entries).toBe(size);
    expect(report.counts).toMatchObject({ enrolments: 2, checkins: 12, ballots: 12 });
    expect(report.results?.ballots).toBe(12);
    expect(report.checkpointsChecked).toBeGreaterThan(2);

    const tally = await run(['tally', '--ledger', ledger.url, '--election', packagePath, '--json']);
    expect(tally.code, tally.err).toBe(0);
    expect((JSON.parse(tally.out) as { results: unknown }).results).toEqual(report.results);

    // After the deadline the receipt also shows the ballot itself, and needs no package file.
    const leaves = (await (await fetch(`${ledger.url}/v1/leaves?start=0&end=${size}`)).json()) as {
      leaves: string[];
    };
    const code = trackingCodeOf(Buffer.from(leaves.leaves[size - 2]!, 'base64'));
    const receipt = await run(['receipt', '--ledger', ledger.url, '--code', formatTrackingCode(code)]);
    expect(receipt.code, receipt.out).toBe(0);
    expect(receipt.out).toMatch(/ballot style \w+/);
  });

  it('the folder `ogas ledger export` writes passes the audit too', async () => {
    const out = join(dir, 'export');
    const exported = await exportLedger({ url: ledger.url, out });
    expect(exported.ok, exported.ok ? '' : exported.error).toBe(true);
    const audit = await run([
      'audit',
      '--authority',
      trustPath,
      '--ledger',
      out,
      '--roll',
      rollPath,
      '--json',
    ]);
    const report = JSON.parse(audit.out) as AuditReport;
    expect(report.faults).toEqual([]);
    expect(audit.code).toBe(0);
    const note = parseSignedNote(await (await fetch(`${ledger.url}/v1/checkpoint`)).text());
    expect(note.ok).toBe(true);
  });
});
