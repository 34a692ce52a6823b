/**
 * Every refusal class of DESIGN §6 with a request that triggers it: 400 malformed (naming the field),
 * 409 conflict, 413 too big, 422 rule (naming the rule). After each, nothing was appended and the
 * server still answers.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../../protocol/bytes';
import { cosignerKey, verifyNote, type CosignerKey } from '../../protocol/checkpoint';
import { canonicalJson } from '../../protocol/jcs';
import { leafHash, verifyInclusion } from '../../protocol/merkle';
import type { BallotEntry } from '../../protocol/entries';
import { issueCardCertificate } from '../../drivers/pkcs11/test-ca';
import { createLedgerFixture, type LedgerFixture, type TestKiosk } from '../testing/election-fixture';
import { get, postEntries, postRaw, signedSize } from '../testing/http-client';
import { startLedger, type RunningLedger } from './start-ledger';

let f: LedgerFixture;
let logKey: CosignerKey;
let ledger: RunningLedger;
const clock = { now: 0 };
let k: TestKiosk;
let inWindow: number;
const HOUR = 3_600_000;

beforeAll(async () => {
  f = await createLedgerFixture({ voters: 30, minBatch: 3, maxBatch: 12 });
  logKey = cosignerKey(f.logKey.origin, f.logKey.signer.publicKey);
  inWindow = Date.parse(f.election.package.window.opens) + HOUR;
  clock.now = inWindow;
  ledger = await startLedger({ ...f.ledgerInputs(), clock: () => clock.now, verifyThreads: 2 });
  k = f.kiosk('refusals');
  expect((await postEntries(ledger.url, [k.enrolment()])).status).toBe(200);
});
afterAll(async () => {
  await ledger?.close();
});

const size = () => signedSize(ledger.url, logKey);

/** Posts, expects the refusal, and checks that the log did not grow. */
async function refused(body: string | Uint8Array[], status: number, match: Record<string, unknown>) {
  const before = await size();
  const r = typeof body === 'string' ? await postRaw(ledger.url, body) : await postEntries(ledger.url, body);
  expect(r.status, r.text).toBe(status);
  expect(r.body).toMatchObject(match);
  expect(typeof (r.body as { error: unknown }).error).toBe('string');
  expect(await size()).toBe(before);
  return r.body as Record<string, unknown>;
}

const text = (l: Uint8Array) => Buffer.from(l).toString('utf8');
const voter = (style: string, n: number) => f.voters.filter((v) => v.style === style)[n]!;

describe('ledger: 400 malformed', () => {
  it('refuses bodies that are not {entries: [string]}, naming the field', async () => {
    await refused('not json', 400, { error: expect.stringMatching(/not JSON/) });
    await refused('[]', 400, { error: expect.stringMatching(/object \{entries/) });
    await refused('{}', 400, { field: 'entries' });
    await refused('{"entries":[]}', 400, { field: 'entries' });
    await refused('{"entries":[1]}', 400, { field: 'entries[0]' });
    await refused(JSON.stringify({ entries: [text(k.checkin(voter('deu', 0)))], extra: 1 }), 400, {
      field: 'extra',
    });
  });

  it('refuses leaf data that is not canonical JCS or breaks the closed entry schemas', async () => {
    const leaf = JSON.parse(text(k.checkin(voter('deu', 0)))) as {
      entry: Record<string, unknown>;
      sig: string;
      signer: string;
    };
    await refused(JSON.stringify({ entries: [JSON.stringify(leaf, null, 1)] }), 400, {
      field: 'entries[0]',
      error: expect.stringMatching(/not canonical/),
    });
    // A lone surrogate (escaped in the body): JCS has no form for it, and UTF-8 none either.
    const lone = JSON.stringify(leaf).replace('"entry":{', '"entry":{"\\ud800":1,');
    await refused(JSON.stringify({ entries: [lone] }).replace('\\\\ud800', '\\ud800'), 400, {
      field: 'entries[0]',
      error: expect.stringMatching(/lone surrogate/),
    });
    const badSeq = JSON.parse(text(k.polls('open'))) as { entry: { seq: number } };
    k.undo(); // that polls event was never accepted
    badSeq.entry.seq = 0;
    await refused(JSON.stringify({ entries: [canonicalJson(badSeq)] }), 400, {
      field: 'entries[0].entry.seq',
    });
    const extra = { ...leaf, entry: { ...leaf.entry, note: 'x' } };
    await refused(JSON.stringify({ entries: [canonicalJson(extra)] }), 400, {
      field: 'entries[0].entry.note',
    });
  });

  it('refuses requests of the wrong shape', async () => {
    const b = k.ballot('deu');
    await refused([b], 400, { field: 'entries[0]' });
    await refused([k.checkin(voter('deu', 0)), k.checkin(voter('deu', 1))], 400, { field: 'entries' });
    const batch = k.batch([k.ballot('deu'), k.ballot('deu'), k.ballot('deu')]);
    k.undo();
    await refused([batch[0]!, batch[1]!, batch[2]!, k.checkin(voter('deu', 0))], 400, {
      field: 'entries[3].entry.type',
    });
  });
});

describe('ledger: 413 too big', () => {
  it('refuses more than maxBatch entries and bodies over the size cap, and stays up', async () => {
    const many = Array.from({ length: 13 }, () => k.ballot('deu'));
    await refused(many, 413, { field: 'entries' });
    // A 30 MB body is refused from its declared length, before parsing.
    const huge = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${ledger.url}/v1/entries`,
        { method: 'POST', headers: { 'content-length': 30_000_000 } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{"entries":["');
    });
    expect(huge).toBe(413);
    // A body sent without a length (chunked) is cut off at the cap.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${ledger.url}/v1/entries`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (e) =>
        e.message.includes('EPIPE') || e.message.includes('ECONNRESET') ? undefined : reject(e),
      );
      const chunk = 'x'.repeat(1 << 20);
      const pump = (n: number) => {
        if (n === 0) return req.end();
        if (req.write(chunk)) pump(n - 1);
        else req.once('drain', () => pump(n - 1));
      };
      pump(20);
    });
    expect(chunked).toBe(413);
    // Garbage on the socket gets a 400 from Node's parser; the server keeps serving.
    await new Promise<void>((resolve) => {
      const s = connect(ledger.port, '127.0.0.1', () => s.end('NOT HTTP\r\n\r\n'));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
      s.resume();
    });
    expect((await get(ledger.url, '/v1/checkpoint')).status).toBe(200);
  });
});

describe('ledger: 422 rules', () => {
  it('refuses a bad signature, a signature for another purpose and an unenrolled kiosk', async () => {
    const leaf = JSON.parse(text(k.checkin(voter('deu', 0)))) as { sig: string };
    const sig = fromBase64(leaf.sig);
    sig[100]! ^= 1;
    await refused(JSON.stringify({ entries: [canonicalJson({ ...leaf, sig: toBase64(sig) })] }), 422, {
      rule: 'signature',
      field: 'entries[0].sig',
    });
    const stranger = f.kiosk('not-enrolled');
    await refused([stranger.checkin(voter('deu', 0))], 422, { rule: 'kiosk-enrolled' });
  });

  it('refuses an enrolment by a card that is not an official', async () => {
    const worker = await issueCardCertificate(f.officialsCa, {
      commonName: 'Poll worker',
      role: 'poll-worker',
    });
    await refused([f.kiosk('by-worker').enrolment(worker)], 422, { rule: 'enrolment-official' });
  });

  it('refuses check-ins outside the window, of voters not on the roll, or with the wrong style', async () => {
    clock.now = ledger.context.opensMs - 1;
    await refused([k.checkin(voter('deu', 0))], 422, { rule: 'checkin-window' });
    clock.now = ledger.context.closesMs;
    await refused([k.checkin(voter('deu', 0))], 422, { rule: 'checkin-window' });
    clock.now = inWindow;
    await refused([k.checkin({ voterRef: 'ab'.repeat(32) as never, style: 'deu' })], 422, {
      rule: 'voter-eligible',
    });
    await refused([k.checkin({ voterRef: voter('deu', 0).voterRef, style: 'usa' })], 422, {
      rule: 'voter-style',
    });
  });

  it('refuses wrong batches: count, root, size below minBatch, invalid ballot, more ballots than check-ins', async () => {
    for (let i = 0; i < 3; i++)
      expect((await postEntries(ledger.url, [k.checkin(voter('deu', i))])).status).toBe(200);
    const three = () => [k.ballot('deu'), k.ballot('deu'), k.ballot('deu')];
    const good = k.batch(three());
    k.undo();
    await refused(good.slice(0, 3), 422, { rule: 'batch-count' });
    const otherRoot = k.batch(three());
    k.undo();
    await refused([otherRoot[0]!, ...three()], 422, { rule: 'batch-root' });
    await refused(k.batch([k.ballot('deu'), k.ballot('deu')]), 422, { rule: 'min-batch' });
    k.undo();
    await refused(
      k.batch([k.ballot('deu'), k.ballot('deu'), k.ballot('deu', { proposal: ['maybe'] })]),
      422,
      {
        rule: 'ballot-selections',
      },
    );
    k.undo();
    await refused(k.batch([k.ballot('deu'), k.ballot('deu'), k.ballot('deu'), k.ballot('deu')]), 422, {
      rule: 'ballots-exceed-checkins',
      style: 'deu',
    });
    k.undo();
    expect((await postEntries(ledger.url, k.batch(three()))).status).toBe(200);
  });

  it('refuses chain gaps and a wrong prev', async () => {
    const here = k.mark();
    k.restore({ seq: here.seq + 1, head: here.head });
    await refused([k.polls('pause')], 422, { rule: 'chain-seq' });
    k.restore({ seq: here.seq, head: 'ab'.repeat(32) });
    await refused([k.polls('pause')], 422, { rule: 'chain-prev' });
    k.restore(here);
  });

  it('after a final batch accepts only the polls close event, and after the drain nothing', async () => {
    const kf = f.kiosk('final');
    expect((await postEntries(ledger.url, [kf.enrolment()])).status).toBe(200);
    expect((await postEntries(ledger.url, kf.batch([], true))).status).toBe(200);
    await refused(kf.batch([], true), 422, { rule: 'after-final' });
    kf.undo();
    await refused([kf.polls('pause')], 422, { rule: 'after-final' });
    kf.undo();
    await refused([kf.checkin(voter('usa', 5))], 422, { rule: 'after-final' });
    expect((await postEntries(ledger.url, [kf.polls('close')])).status).toBe(200);
    await refused([kf.polls('close')], 422, { rule: 'kiosk-closed' });
    kf.undo();
    clock.now = ledger.context.drainEndMs;
    await refused([k.polls('close')], 422, { rule: 'drain-closed' });
    k.undo();
    clock.now = ledger.context.closesMs;
    await refused([f.kiosk('late').enrolment()], 422, { rule: 'enrolment-window' });
    clock.now = inWindow;
  });

  it('refuses an entry of another election', async () => {
    const other = new (k.constructor as typeof TestKiosk)('cd'.repeat(32), k.keys, f.official);
    await refused([other.checkin(voter('deu', 9))], 422, { rule: 'election' });
  });
});

describe('ledger: 409 conflicts', () => {
  it('refuses a second check-in of a voter with the inclusion proof of the first', async () => {
    const v = voter('usa', 0);
    const first = await postEntries(ledger.url, [k.checkin(v)]);
    expect(first.status).toBe(200);
    const index = (first.body as { index: number }).index;
    const body = await refused([f.kiosk('refusals').checkin(v)], 409, { rule: 'voter-checked-in', index });
    const cp = verifyNote(body.checkpoint as string, [logKey]);
    expect(cp.ok).toBe(true);
    if (!cp.ok) return;
    const leaves = (await get(ledger.url, `/v1/leaves?start=${index}&end=${index + 1}`)).body as {
      leaves: string[];
    };
    const hash = leaves.leaves[0];
    expect(hash).toBeDefined();
    expect(
      verifyInclusion(
        index,
        body.size as number,
        fromBase64(hash!),
        (body.proof as string[]).map(fromBase64),
        cp.value.checkpoint.root,
      ).ok,
    ).toBe(true);
  });

  it('refuses a used seq, a duplicate leaf, a reused tracker and a second enrolment', async () => {
    for (let i = 0; i < 3; i++)
      expect((await postEntries(ledger.url, [k.checkin(voter('fra-par', i))])).status).toBe(200);
    const ballots = [k.ballot('fra-par'), k.ballot('fra-par'), k.ballot('fra-par')];
    const before = k.mark();
    const batch = k.batch(ballots);
    expect((await postEntries(ledger.url, batch)).status).toBe(200);
    const after = k.mark();
    // The same seq again, with new ballots.
    k.restore(before);
    await refused(k.batch([k.ballot('fra-par'), k.ballot('fra-par'), k.ballot('fra-par')]), 409, {
      rule: 'seq-used',
    });
    k.restore(after);
    // A ballot already in the log, in a new batch.
    const dup = await refused(k.batch([ballots[0]!, k.ballot('fra-par'), k.ballot('fra-par')]), 409, {
      rule: 'duplicate-leaf',
    });
    expect(typeof dup.index).toBe('number');
    k.undo();
    // A new ballot reusing a tracker.
    const reused = JSON.parse(text(ballots[1]!)) as { entry: BallotEntry };
    const copy = k.sign({ ...reused.entry, selections: { proposal: ['no'] } });
    await refused(k.batch([copy, k.ballot('fra-par'), k.ballot('fra-par')]), 409, {
      rule: 'duplicate-tracker',
    });
    k.undo();
    await refused([k.enrolment()], 409, { rule: 'kiosk-enrolled' });
    expect(leafHash(copy)).not.toEqual(leafHash(ballots[1]!));
  });
});
