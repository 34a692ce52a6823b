/**
 * Requests large enough to be parsed on the pool's threads (request-parse.ts: 16 entries or more),
 * where each entry's signature is also checked while it is parsed: the refusals are the ones a small
 * request gets, naming the same entry, in the same order (too big, malformed, rules, then signatures),
 * and a good batch is appended once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../protocol/bytes';
import { cosignerKey, type CosignerKey } from '../../protocol/checkpoint';
import { canonicalJson } from '../../protocol/jcs';
import { createLedgerFixture, type LedgerFixture, type TestKiosk } from '../testing/election-fixture';
import { postEntries, signedSize } from '../testing/http-client';
import { startLedger, type RunningLedger } from './start-ledger';

let f: LedgerFixture;
let logKey: CosignerKey;
let ledger: RunningLedger;
let k: TestKiosk;
let other: TestKiosk;
const BALLOTS = 24;

beforeAll(async () => {
  f = await createLedgerFixture({ voters: BALLOTS + 4, minBatch: 3, maxBatch: 64 });
  logKey = cosignerKey(f.logKey.origin, f.logKey.signer.publicKey);
  const inWindow = Date.parse(f.election.package.window.opens) + 3_600_000;
  ledger = await startLedger({ ...f.ledgerInputs(), clock: () => inWindow, verifyThreads: 2 });
  k = f.kiosk('large');
  other = f.kiosk('other');
  for (const kiosk of [k, other])
    expect((await postEntries(ledger.url, [kiosk.enrolment()])).status).toBe(200);
  for (const v of f.voters.slice(0, BALLOTS))
    expect((await postEntries(ledger.url, [k.checkin(v)])).status).toBe(200);
});
afterAll(async () => {
  await ledger?.close();
});

const size = () => signedSize(ledger.url, logKey);

const ballots = () => f.voters.slice(0, BALLOTS).map((v) => k.ballot(v.style));

/** The batch of `leaves` (manifest signed over them) must be refused as `match`; the chain is rewound. */
async function refusedBatch(leaves: Uint8Array[], status: number, match: Record<string, unknown>) {
  const before = await size();
  const r = await postEntries(ledger.url, k.batch(leaves));
  k.undo();
  expect(r.status, r.text).toBe(status);
  expect(r.body).toMatchObject(match);
  expect(await size()).toBe(before);
}

function withBadSignature(leaf: Uint8Array): Uint8Array {
  const env = JSON.parse(Buffer.from(leaf).toString('utf8')) as { sig: string };
  const sig = fromBase64(env.sig);
  sig[200]! ^= 1;
  return Buffer.from(canonicalJson({ ...env, sig: toBase64(sig) }));
}

describe('ledger: large requests, parsed on the verify threads', () => {
  it('names the entry whose signature fails', async () => {
    const b = ballots();
    b[13] = withBadSignature(b[13]!);
    await refusedBatch(b, 422, { rule: 'signature', field: 'entries[14].sig' });
  });

  it('names a malformed entry before any signature', async () => {
    const b = ballots();
    b[20] = withBadSignature(b[20]!);
    b[7] = Buffer.from(`${Buffer.from(b[7]!).toString('utf8')} `);
    await refusedBatch(b, 400, { field: 'entries[8]', error: expect.stringMatching(/not canonical/) });
  });

  it('refuses an entry over the size limit by its size', async () => {
    const b = ballots();
    b[3] = Buffer.from(`${Buffer.from(b[3]!).toString('utf8')}${' '.repeat(40_000)}`);
    await refusedBatch(b, 413, { field: 'entries[4]' });
  });

  it('applies the batch rules before the signatures: a ballot of another kiosk', async () => {
    const b = ballots();
    b[5] = other.ballot(f.voters[5]!.style);
    await refusedBatch(b, 422, { rule: 'batch-kiosk', field: 'entries[6].entry.kiosk' });
  });

  it('appends a good batch once; the same bytes again get the same answer', async () => {
    const before = await size();
    const batch = k.batch(ballots());
    const first = await postEntries(ledger.url, batch);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ index: before, size: before + BALLOTS + 1 });
    const again = await postEntries(ledger.url, batch);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await size()).toBe(before + BALLOTS + 1);
  });
});
