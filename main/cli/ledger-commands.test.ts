/**
 * `ogas ledger keygen | serve | export` (DESIGN §10): keygen writes a key file once and prints its
 * vkey; serve runs a real ledger from files (spawned through bin/ogas.mjs, so its verify threads start
 * under the CLI) and stops on SIGTERM; export writes the DESIGN §6 folder, only once entries are
 * readable.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../protocol/bytes';
import { cosignerKey, parseVkey, verifyNote } from '../../protocol/checkpoint';
import { leafHash, MemoryTree } from '../../protocol/merkle';
import { mlDsaKeygen } from '../../protocol/ml-dsa';
import { createLedgerFixture, type LedgerFixture } from '../../ledger/testing/election-fixture';
import { postEntries } from '../../ledger/testing/http-client';
import { startWitnessDouble } from '../../ledger/testing/witness-double';
import { startLedger } from '../../ledger/server/start-ledger';
import { main } from './main';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let f: LedgerFixture;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-ledger-cli-'));
  f = await createLedgerFixture({ voters: 9, minBatch: 2 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return {
    io: { stdout, stderr, stdin: new PassThrough(), stopSignal: new AbortController().signal },
    out: () => out,
    err: () => err,
  };
}

function keyFileText(): string {
  const { origin, signer } = f.logKey;
  return JSON.stringify({
    v: 1,
    type: 'ogas-log-key',
    origin,
    publicKey: toBase64(signer.publicKey),
    secretKey: toBase64(signer.secretKey),
  });
}

describe('ogas ledger keygen', () => {
  it('writes an owner-only key file once and prints its vkey', async () => {
    const file = join(dir, 'log.key.json');
    const a = io();
    expect(await main(['ledger', 'keygen', '--origin', 'ledger.example/e1', '--out', file], a.io)).toBe(0);
    const vkey = parseVkey(a.out().trim());
    expect(vkey.ok && vkey.value.name).toBe('ledger.example/e1');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const b = io();
    expect(await main(['ledger', 'keygen', '--origin', 'x', '--out', file], b.io)).toBe(2);
    expect(b.err()).toMatch(/never overwritten/);
    expect(await main(['ledger', 'keygen', '--out', join(dir, 'k2')], io().io)).toBe(2);
  });
});

describe('ogas ledger serve (spawned)', () => {
  const files = { key: 'log.json', election: 'election.json', authority: 'trust.json', roll: 'roll.jsonl' };
  beforeAll(() => {
    writeFileSync(join(dir, files.key), keyFileText());
    writeFileSync(join(dir, files.election), f.packageText);
    writeFileSync(join(dir, files.authority), f.trustText);
    writeFileSync(join(dir, files.roll), f.rollText);
  });

  it('serves the election from files, verifies on its threads, and stops on SIGTERM', async () => {
    const args = [
      'bin/ogas.mjs',
      'ledger',
      'serve',
      '--port',
      '0',
      '--db',
      join(dir, 'served.db'),
      '--threads',
      '2',
    ];
    for (const [k, v] of Object.entries(files)) args.push(`--${k}`, join(dir, v));
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      for (let i = 0; i < 300 && !/at http:\/\/\S+/.test(stdout); i++)
        await new Promise((r) => setTimeout(r, 100));
      const url = /at (http:\/\/\S+)/.exec(stdout)?.[1];
      expect(url, stderr).toBeDefined();
      const k = f.kiosk('cli');
      expect((await postEntries(url!, [k.enrolment()])).status).toBe(200);
      expect((await postEntries(url!, [k.checkin(f.voters[0]!)])).status).toBe(200);
      const bad = await postEntries(url!, [f.kiosk('cli-stranger').checkin(f.voters[1]!)]);
      expect(bad.status).toBe(422);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/"id":"ledger.started"/);
    expect(stderr).toMatch(/"verifier":"(pqclean-native|noble)"/);
  });

  it('refuses to start with a trust file that the package does not satisfy (exit 1)', async () => {
    const stranger = toBase64(mlDsaKeygen(65).publicKey);
    writeFileSync(join(dir, 'bad-trust.json'), JSON.stringify({ keys: [stranger], m: 1 }));
    const a = io();
    const code = await main(
      [
        'ledger',
        'serve',
        '--key',
        join(dir, 'log.json'),
        '--election',
        join(dir, 'election.json'),
        '--authority',
        join(dir, 'bad-trust.json'),
      ],
      a.io,
    );
    expect(code, a.err()).toBe(1);
    expect(a.err()).toMatch(/refuses to start[\s\S]*only 0 valid signature/);
  });
});

describe('ogas ledger export', () => {
  it('writes election.json, entries.jsonl, checkpoint and checkpoints/ once entries are readable', async () => {
    const clock = { now: Date.parse(f.election.package.window.opens) + 3_600_000 };
    const logKey = cosignerKey(f.logKey.origin, f.logKey.signer.publicKey);
    const witness = await startWitnessDouble(f.witnessSigners[0]!, logKey, () => clock.now);
    const ledger = await startLedger({
      ...f.ledgerInputs(),
      clock: () => clock.now,
      witnesses: [witness.url],
      witnessOptions: { minBackoffMs: 20, maxBackoffMs: 100 },
      verifyThreads: 1,
    });
    try {
      const k = f.kiosk('export');
      const leaves: Uint8Array[] = [f.election.entryBytes, k.enrolment()];
      expect((await postEntries(ledger.url, [leaves[1]!])).status).toBe(200);
      for (const v of f.voters.filter((x) => x.style === 'usa').slice(0, 2)) {
        leaves.push(k.checkin(v));
        expect((await postEntries(ledger.url, [leaves.at(-1)!])).status).toBe(200);
      }
      const batch = k.batch([k.ballot('usa'), k.ballot('usa', { proposal: ['no'] })], true);
      leaves.push(...batch);
      expect((await postEntries(ledger.url, batch)).status).toBe(200);

      const early = io();
      expect(
        await main(['ledger', 'export', '--ledger', ledger.url, '--out', join(dir, 'early')], early.io),
      ).toBe(1);
      expect(early.err()).toMatch(/425.*can be read from/);

      clock.now = ledger.context.drainEndMs + 1000;
      await ledger.refreshCheckpoint();
      for (
        let i = 0;
        i < 200 &&
        !(witness.cosigned.length > 0 && ledger.witnesses[0]!.cosignedNote === ledger.state.latest?.note);
        i++
      ) {
        await new Promise((r) => setTimeout(r, 25));
      }
      const out = join(dir, 'export');
      const a = io();
      expect(await main(['ledger', 'export', '--ledger', ledger.url, '--out', out, '--json'], a.io)).toBe(0);
      expect(JSON.parse(a.out())).toMatchObject({ size: 7 });
      expect(readFileSync(join(out, 'election.json'))).toEqual(Buffer.from(f.election.entryBytes));
      const lines = readFileSync(join(out, 'entries.jsonl'), 'utf8');
      expect(lines).toBe(leaves.map((l) => `${Buffer.from(l).toString()}\n`).join(''));
      const cp = verifyNote(readFileSync(join(out, 'checkpoint'), 'utf8'), [
        logKey,
        cosignerKey(f.witnessSigners[0]!.name, f.witnessSigners[0]!.publicKey),
      ]);
      expect(cp.ok && cp.value.checkpoint.size).toBe(7);
      expect(cp.ok && cp.value.verified.length).toBe(2);
      const root = MemoryTree.fromLeafHashes(leaves.map(leafHash)).root();
      expect(cp.ok && toBase64(cp.value.checkpoint.root)).toBe(toBase64(root));
      expect(readdirSync(join(out, 'checkpoints'))).toContain('7');
      expect(a.err()).toMatch(/entries 7\/7/);
      // A second export into the same folder is refused: nothing is overwritten.
      expect(await main(['ledger', 'export', '--ledger', ledger.url, '--out', out], io().io)).toBe(1);
    } finally {
      await ledger.close();
      await witness.close();
    }
  });
});
