/**
 * Starting a ledger (DESIGN §4, §6, §10): the package must carry m valid authority signatures from the
 * trust file and name this log key and origin; in roll mode the roll must hash to `rollRoot`; a database
 * belongs to one election. Each refusal says what is wrong. Sample mode admits exactly the sample.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../protocol/bytes';
import { mlDsaKeygen } from '../../protocol/ml-dsa';
import { voterRef } from '../../protocol/voters';
import { createLedgerFixture, type LedgerFixture } from '../testing/election-fixture';
import { postEntries } from '../testing/http-client';
import { generateLogKey, parseLogKeyFile } from './log-key';
import { startLedger } from './start-ledger';

let f: LedgerFixture;
let dir: string;

beforeAll(async () => {
  f = await createLedgerFixture({ voters: 9 });
  dir = mkdtempSync(join(tmpdir(), 'ogas-ledger-start-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ledger: refusing to start', () => {
  it('refuses a package without m valid signatures from the trust file', async () => {
    const strangers = [mlDsaKeygen(65), mlDsaKeygen(65)].map((k) => toBase64(k.publicKey));
    const trustText = JSON.stringify({ keys: strangers, m: 1 });
    await expect(startLedger({ ...f.ledgerInputs(), trustText })).rejects.toThrow(
      /valid signature.*required|refused/,
    );
    const tampered = f.packageText.replace('"Test election"', '"Changed election"');
    await expect(startLedger({ ...f.ledgerInputs(), packageText: tampered })).rejects.toThrow(
      /does NOT verify/,
    );
  });

  it('refuses a log key that is not the package ledger key', async () => {
    const other = generateLogKey(f.logKey.origin);
    expect(other.ok).toBe(true);
    if (!other.ok) return;
    await expect(startLedger({ ...f.ledgerInputs(), logKey: other.value.key })).rejects.toThrow(
      /is not this log key/,
    );
    const renamed = generateLogKey('another.origin');
    if (!renamed.ok) throw new Error(renamed.error);
    await expect(startLedger({ ...f.ledgerInputs(), logKey: renamed.value.key })).rejects.toThrow(
      /ledger\.origin/,
    );
  });

  it('in roll mode, refuses to start without the roll or with an altered one', async () => {
    const { rollText: _roll, ...noRoll } = f.ledgerInputs();
    await expect(startLedger(noRoll)).rejects.toThrow(/--roll FILE/);
    const lines = f.rollText.trimEnd().split('\n');
    await expect(startLedger({ ...f.ledgerInputs(), rollText: lines.slice(1).join('\n') })).rejects.toThrow(
      /not the package's rollRoot/,
    );
    await expect(startLedger({ ...f.ledgerInputs(), rollText: `${lines[0]}\nnot json\n` })).rejects.toThrow(
      /line 2/,
    );
  });

  it('refuses a database that holds another election', async () => {
    const db = join(dir, 'one.db');
    const first = await startLedger({ ...f.ledgerInputs(db), verifyThreads: 1 });
    await first.close();
    const other = await createLedgerFixture({ voters: 3, origin: 'ledger.test/other' });
    await expect(startLedger({ ...other.ledgerInputs(db), verifyThreads: 1 })).rejects.toThrow(
      /another election/,
    );
  });
});

describe('ledger: log key files', () => {
  it('round-trips a generated key and refuses damaged files', () => {
    const made = generateLogKey('ledger.example/log');
    if (!made.ok) throw new Error(made.error);
    const back = parseLogKeyFile(made.value.fileText);
    expect(back.ok && back.value.vkey).toBe(made.value.key.vkey);
    expect(made.value.key.vkey).toMatch(/^ledger\.example\/log\+[0-9a-f]{8}\+/);
    const json = JSON.parse(made.value.fileText) as Record<string, string>;
    const other = mlDsaKeygen(44);
    expect(parseLogKeyFile(JSON.stringify({ ...json, publicKey: toBase64(other.publicKey) }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/does not belong/),
    });
    expect(parseLogKeyFile('{}')).toMatchObject({ ok: false });
    expect(parseLogKeyFile('nope')).toMatchObject({ ok: false, error: expect.stringMatching(/not JSON/) });
    expect(generateLogKey('has space').ok).toBe(false);
  });
});

describe('ledger: sample mode', () => {
  it('admits a check-in only for a voter of the sample', async () => {
    const s = await createLedgerFixture({ mode: 'sample', origin: 'ledger.test/sample' });
    const ledger = await startLedger({ ...s.ledgerInputs(), verifyThreads: 1 });
    try {
      const k = s.kiosk('sample');
      expect((await postEntries(ledger.url, [k.enrolment()])).status).toBe(200);
      expect((await postEntries(ledger.url, [k.checkin(s.voters[0]!)])).status).toBe(200);
      const outsider = voterRef(new Uint8Array(32), 'not-sampled');
      const r = await postEntries(ledger.url, [k.checkin({ voterRef: outsider, style: 'deu' })]);
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ rule: 'voter-eligible', error: expect.stringMatching(/sample/) });
    } finally {
      await ledger.close();
    }
  });
});
