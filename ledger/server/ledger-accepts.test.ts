/**
 * The ledger accepting entries (DESIGN §5, §6): entry 0 is the package; enrolment, check-ins, batches
 * and polls events get `{index, size, checkpoint, proofs}` that verify; identical bytes resent get the
 * same answer; concurrent requests all land once; a restart keeps the tree and the chain state; ballot
 * contents and the tally open only after closes + drainHours.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../protocol/bytes';
import { cosignerKey, verifyNote, type CosignerKey } from '../../protocol/checkpoint';
import { formatTrackingCode, trackingCodeOf } from '../../protocol/entries';
import { leafHash } from '../../protocol/merkle';
import { createLedgerFixture, type LedgerFixture } from '../testing/election-fixture';
import { get, postEntries } from '../testing/http-client';
import { answerProblems, type EntriesAnswer } from '../testing/verify-answer';
import { startLedger, type RunningLedger } from './start-ledger';

let f: LedgerFixture;
let logKey: CosignerKey;
let dir: string;
const HOUR = 3_600_000;

beforeAll(async () => {
  f = await createLedgerFixture({ voters: 30, minBatch: 2 });
  logKey = cosignerKey(f.logKey.origin, f.logKey.signer.publicKey);
  dir = mkdtempSync(join(tmpdir(), 'ogas-ledger-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A settable clock, inside the check-in window by default. */
function clockAt(ms: number) {
  const c = { now: ms, fn: () => c.now };
  return c;
}

async function withLedger<T>(
  run: (ledger: RunningLedger, clock: { now: number }) => Promise<T>,
  db = ':memory:',
): Promise<T> {
  const clock = clockAt(Date.parse(f.election.package.window.opens) + HOUR);
  const ledger = await startLedger({ ...f.ledgerInputs(db), clock: clock.fn, verifyThreads: 2 });
  try {
    return await run(ledger, clock);
  } finally {
    await ledger.close();
  }
}

async function accepted(url: string, leaves: Uint8Array[]): Promise<EntriesAnswer> {
  const r = await postEntries(url, leaves);
  expect(r.status, r.text).toBe(200);
  const answer = r.body as EntriesAnswer;
  expect(answerProblems(answer, leaves, logKey)).toEqual([]);
  return answer;
}

async function size(url: string): Promise<number> {
  const r = await get(url, '/v1/checkpoint');
  const v = verifyNote(r.text, [logKey]);
  if (!v.ok) throw new Error(v.error);
  return v.value.checkpoint.size;
}

describe('ledger: accepting entries', () => {
  it('starts with the package as entry 0 and a log-signed checkpoint of size 1', async () => {
    await withLedger(async (ledger) => {
      expect(await size(ledger.url)).toBe(1);
      const leaves = await get(ledger.url, '/v1/leaves?start=0&end=1');
      expect(leaves.body).toEqual({ leaves: [toBase64(leafHash(f.election.entryBytes))] });
      expect(['pqclean-native', 'noble']).toContain(ledger.verifierName);
    });
  });

  it('appends enrolment, check-ins, a batch and polls events with answers that verify', async () => {
    await withLedger(async (ledger) => {
      const k = f.kiosk('accept-1');
      expect((await accepted(ledger.url, [k.enrolment()])).index).toBe(1);
      expect((await accepted(ledger.url, [k.polls('open')])).index).toBe(2);
      const deu = f.voters.filter((v) => v.style === 'deu').slice(0, 3);
      for (const v of deu) await accepted(ledger.url, [k.checkin(v)]);
      const ballots = [k.ballot('deu'), k.ballot('deu', { proposal: ['no'] }), k.ballot('deu', {})];
      const batch = k.batch(ballots);
      const answer = await accepted(ledger.url, batch);
      expect(answer).toMatchObject({ index: 6, size: 10 });
      // The tracking code of a ballot finds it.
      const code = formatTrackingCode(trackingCodeOf(leafHash(ballots[1]!)));
      expect((await get(ledger.url, `/v1/lookup?code=${code.toLowerCase()}`)).body).toEqual({ index: 8 });
      await accepted(ledger.url, k.batch([], true));
      await accepted(ledger.url, [k.polls('close', { checkins: 3, ballots: 3 })]);
      expect(await size(ledger.url)).toBe(12);
      // Proofs served later verify against later checkpoints too.
      const p = await get(ledger.url, '/v1/proof/inclusion?index=3&size=12');
      expect((p.body as { proof: string[] }).proof.length).toBeGreaterThan(0);
      const c = await get(ledger.url, '/v1/proof/consistency?from=5&to=12');
      expect((c.body as { proof: string[] }).proof.length).toBeGreaterThan(0);
    });
  });

  it('answers identical bytes resent with the same answer and appends nothing', async () => {
    await withLedger(async (ledger) => {
      const k = f.kiosk('accept-2');
      const enrol = [k.enrolment()];
      const first = await accepted(ledger.url, enrol);
      const checkin = [k.checkin(f.voters[0]!)];
      const a = await accepted(ledger.url, checkin);
      const again = await postEntries(ledger.url, checkin);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(a);
      expect((await postEntries(ledger.url, enrol)).body).toEqual(first);
      expect(await size(ledger.url)).toBe(3);
    });
  });

  it('takes concurrent requests (grouped into shared transactions) each exactly once', async () => {
    await withLedger(async (ledger) => {
      const kiosks = [f.kiosk('conc-1'), f.kiosk('conc-2')];
      for (const k of kiosks) await accepted(ledger.url, [k.enrolment()]);
      const checkins = f.voters.slice(0, 20).map((v, i) => [kiosks[i % 2]!.checkin(v)]);
      // Every request twice at once: the copies must share one answer.
      const replies = await Promise.all([...checkins, ...checkins].map((l) => postEntries(ledger.url, l)));
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
      const answers = replies.map((r) => r.body as EntriesAnswer);
      for (let i = 0; i < 20; i++) expect(answers[i + 20]).toEqual(answers[i]);
      const indexes = answers.slice(0, 20).map((a) => a.index);
      expect(new Set(indexes).size).toBe(20);
      expect([...indexes].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 3 + i));
      checkins.forEach((l, i) => expect(answerProblems(answers[i]!, l, logKey)).toEqual([]));
      expect(await size(ledger.url)).toBe(23);
    });
  });

  it('keeps the tree, the chain and the voters across a restart', async () => {
    const db = join(dir, 'restart.db');
    const k = f.kiosk('restart');
    const voters = f.voters.filter((v) => v.style === 'usa').slice(0, 3);
    const before = await withLedger(async (ledger) => {
      await accepted(ledger.url, [k.enrolment()]);
      for (const v of voters.slice(0, 2)) await accepted(ledger.url, [k.checkin(v)]);
      await accepted(ledger.url, k.batch([k.ballot('usa'), k.ballot('usa')]));
      return (await get(ledger.url, '/v1/checkpoint')).text;
    }, db);
    await withLedger(async (ledger) => {
      const after = verifyNote((await get(ledger.url, '/v1/checkpoint')).text, [logKey]);
      const old = verifyNote(before, [logKey]);
      expect(after.ok && old.ok && toBase64(after.value.checkpoint.root)).toBe(
        old.ok && toBase64(old.value.checkpoint.root),
      );
      // The chain continues at seq 2; a used voter is still used; a new one is welcome.
      expect((await postEntries(ledger.url, [k.checkin(voters[0]!)])).status).toBe(409);
      await accepted(ledger.url, [k.checkin(voters[2]!)]);
      await accepted(ledger.url, k.batch([k.ballot('usa')], true));
      expect(await size(ledger.url)).toBe(10);
    }, db);
  });

  it('keeps ballot contents and the tally closed until closes + drainHours, then serves them', async () => {
    await withLedger(async (ledger, clock) => {
      const k = f.kiosk('drain');
      const voters = f.voters.filter((v) => v.style === 'deu').slice(0, 2);
      const leaves: Uint8Array[] = [f.election.entryBytes, k.enrolment()];
      await accepted(ledger.url, [leaves[1]!]);
      for (const v of voters) {
        const l = k.checkin(v);
        leaves.push(l);
        await accepted(ledger.url, [l]);
      }
      const batch = k.batch(
        [k.ballot('deu', { proposal: ['yes'] }), k.ballot('deu', { proposal: ['no'] })],
        true,
      );
      leaves.push(...batch);
      await accepted(ledger.url, batch);

      // After polls close but within the drain: still closed (425), while hashes and proofs stay public.
      clock.now = ledger.context.closesMs + HOUR;
      const early = await get(ledger.url, '/v1/entries?start=0&end=7');
      expect(early.status).toBe(425);
      expect(early.body).toMatchObject({ opens: new Date(ledger.context.drainEndMs).toISOString() });
      expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await get(ledger.url, '/v1/tally')).status).toBe(425);
      expect((await get(ledger.url, '/v1/leaves?start=0&end=7')).status).toBe(200);
      // Entry 0 is the election package: public from the start.
      const pkg = await get(ledger.url, '/v1/entries?start=0&end=1');
      expect(pkg.status).toBe(200);
      expect(pkg.text).toBe(`${Buffer.from(leaves[0]!).toString('utf8')}\n`);
      expect((await get(ledger.url, '/v1/entries?start=1&end=2')).status).toBe(425);

      clock.now = ledger.context.drainEndMs;
      const entries = await get(ledger.url, '/v1/entries?start=0&end=7');
      expect(entries.status).toBe(200);
      expect(entries.text).toBe(leaves.map((l) => `${Buffer.from(l).toString('utf8')}\n`).join(''));
      const tally = await get(ledger.url, '/v1/tally');
      expect(tally.status).toBe(200);
      const proposal = (
        tally.body as { ballots: number; contests: { contest: string; votes: Record<string, number> }[] }
      ).contests.find((c) => c.contest === 'proposal');
      expect((tally.body as { ballots: number }).ballots).toBe(2);
      expect(proposal?.votes).toEqual({ yes: 1, no: 1 });

      // A fresh checkpoint dated at or after the deadline, for witnesses to cosign (DESIGN §6 audit).
      await ledger.refreshCheckpoint();
      const cp = verifyNote((await get(ledger.url, '/v1/checkpoint')).text, [logKey]);
      expect(cp.ok && cp.value.verified[0]!.timestamp * 1000).toBeGreaterThanOrEqual(
        ledger.context.drainEndMs,
      );
    });
  });
});
