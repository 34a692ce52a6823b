/**
 * Witnessing (DESIGN §6, C2SP tlog-witness): the ledger pushes each new checkpoint with a consistency
 * proof, recovers from a 409 by proving from the witness's size, serves the cosignatures with the
 * checkpoint, lists cosigned sizes for export, ignores keys the package does not name, and never lets a
 * failing witness block an append.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignerKey, verifyCheckpointQuorum, type CheckpointTrust } from '../../protocol/checkpoint';
import { mlDsaKeygen } from '../../protocol/ml-dsa';
import { createLedgerFixture, type LedgerFixture } from '../testing/election-fixture';
import { get, postEntries } from '../testing/http-client';
import { startWitnessDouble, type WitnessDouble } from '../testing/witness-double';
import { startLedger, type RunningLedger } from './start-ledger';

let f: LedgerFixture;
let trust: CheckpointTrust;
let dir: string;
const fast = { minBackoffMs: 20, maxBackoffMs: 200, timeoutMs: 5_000 };

beforeAll(async () => {
  f = await createLedgerFixture({ voters: 12, witnesses: 2, quorum: 2 });
  trust = {
    log: cosignerKey(f.logKey.origin, f.logKey.signer.publicKey),
    witnesses: f.witnessSigners.map((w) => cosignerKey(w.name, w.publicKey)),
    quorum: 2,
  };
  dir = mkdtempSync(join(tmpdir(), 'ogas-ledger-witness-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function witnesses(): Promise<WitnessDouble[]> {
  return Promise.all(f.witnessSigners.map((w) => startWitnessDouble(w, trust.log)));
}

async function ledgerWith(urls: string[], db = ':memory:'): Promise<RunningLedger> {
  return startLedger({ ...f.ledgerInputs(db), witnesses: urls, witnessOptions: fast, verifyThreads: 1 });
}

describe('ledger: witnesses', () => {
  it('gathers a quorum of cosignatures and serves them with the checkpoint', async () => {
    const ws = await witnesses();
    const ledger = await ledgerWith(ws.map((w) => w.url));
    try {
      const k = f.kiosk('w1');
      expect((await postEntries(ledger.url, [k.enrolment()])).status).toBe(200);
      expect((await postEntries(ledger.url, [k.checkin(f.voters[0]!)])).status).toBe(200);
      await until('both witnesses at size 3', () => ws.every((w) => w.latest?.size === 3));
      await until('cosignatures stored', async () => {
        const note = (await get(ledger.url, '/v1/checkpoint')).text;
        return verifyCheckpointQuorum(note, trust).ok;
      });
      const checked = verifyCheckpointQuorum((await get(ledger.url, '/v1/checkpoint')).text, trust);
      expect(checked.ok && checked.value.witnesses.map((w) => w.name).sort()).toEqual([
        'witness-1',
        'witness-2',
      ]);
      const sizes = (await get(ledger.url, '/v1/checkpoints')).body as { sizes: number[] };
      expect(sizes.sizes).toContain(3);
      const old = await get(ledger.url, `/v1/checkpoint?size=${sizes.sizes[0]}`);
      expect(old.status).toBe(200);
      expect((await get(ledger.url, '/v1/checkpoint?size=2000')).status).toBe(404);
    } finally {
      await ledger.close();
      await Promise.all(ws.map((w) => w.close()));
    }
  });

  it('after a restart, learns the witness size from its 409 and proves consistency from there', async () => {
    const ws = await witnesses();
    const db = join(dir, 'restart.db');
    const k = f.kiosk('w2');
    let ledger = await ledgerWith(
      ws.map((w) => w.url),
      db,
    );
    try {
      expect((await postEntries(ledger.url, [k.enrolment()])).status).toBe(200);
      await until('cosigned size 2', () => ws.every((w) => w.latest?.size === 2));
      await ledger.close();
      ledger = await ledgerWith(
        ws.map((w) => w.url),
        db,
      );
      expect((await postEntries(ledger.url, [k.checkin(f.voters[1]!)])).status).toBe(200);
      await until('cosigned size 3', () => ws.every((w) => w.latest?.size === 3));
      await until('the ledger to store them', () => ledger.witnesses.every((w) => w.knownSize === 3));
      expect(ws.every((w) => w.conflicts >= 1)).toBe(true);
      expect(ledger.witnesses.every((w) => w.knownSize === 3 && w.lastError === undefined)).toBe(true);
    } finally {
      await ledger.close();
      await Promise.all(ws.map((w) => w.close()));
    }
  });

  it('keeps appending while a witness fails, and catches it up when it is back', async () => {
    const ws = await witnesses();
    ws[1]!.fail = true;
    const ledger = await ledgerWith(ws.map((w) => w.url));
    try {
      const k = f.kiosk('w3');
      expect((await postEntries(ledger.url, [k.enrolment()])).status).toBe(200);
      for (const v of f.voters.slice(2, 5))
        expect((await postEntries(ledger.url, [k.checkin(v)])).status).toBe(200);
      await until('the failure to be seen', () => ledger.witnesses[1]!.lastError !== undefined);
      expect(ledger.witnesses[1]!.lastError).toMatch(/HTTP 500/);
      ws[1]!.fail = false;
      await until('the witness to catch up', () => ws[1]!.latest?.size === 5);
    } finally {
      await ledger.close();
      await Promise.all(ws.map((w) => w.close()));
    }
  });

  it('ignores a cosignature from a key the package does not name', async () => {
    const k44 = mlDsaKeygen(44);
    const stranger = await startWitnessDouble({ name: 'witness-1', ...k44 }, trust.log);
    const ledger = await ledgerWith([stranger.url]);
    try {
      await until('a push', () => stranger.cosigned.length > 0);
      await until('the refusal to be noted', () => ledger.witnesses[0]!.lastError !== undefined);
      expect(ledger.witnesses[0]!.lastError).toMatch(
        /no cosignature from a witness the election package names/,
      );
      expect((await get(ledger.url, '/v1/checkpoints')).body).toEqual({ sizes: [] });
    } finally {
      await ledger.close();
      await stranger.close();
    }
  });
});
