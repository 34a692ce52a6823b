/**
 * Check-ins (DESIGN §5): sent at once; acknowledged only on a verified answer; the local poll book
 * refuses a second check-in here; a voter checked in at another kiosk gets a verified "elsewhere";
 * a rule refusal is named; an unreachable ledger fails closed, and the retry resends the same bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { voterRef } from '../../protocol/voters';
import { FIXTURE_ROLL_SALT } from '../../protocol/election/test-fixture';
import {
  provisionTestKiosk,
  startTestNetwork,
  waitFor,
  type TestKioskStore,
  type TestNetwork,
} from './test-kiosk';
import type { KioskQueue } from './kiosk-queue';
import type { QueueEvent } from './queue-events';

let net: TestNetwork;
let dir: string;
let a: TestKioskStore;
let b: TestKioskStore;
let qa: KioskQueue;
let qb: KioskQueue;
const events: QueueEvent[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-checkin-'));
  net = await startTestNetwork({ voters: 12, minBatch: 2, ledgerDb: join(dir, 'ledger.db') });
  a = provisionTestKiosk(net, dir, 'desk-a');
  b = provisionTestKiosk(net, dir, 'desk-b');
  qa = a.openQueue({ log: (e) => events.push(e) });
  qb = b.openQueue();
  expect((await qa.enrol(a.testKiosk.enrolment())).ok).toBe(true);
  expect((await qb.enrol(b.testKiosk.enrolment())).ok).toBe(true);
});
afterAll(async () => {
  a.store.close();
  b.store.close();
  await net.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('check-in', () => {
  it('is acknowledged with its index, and the local poll book refuses it a second time here', async () => {
    const v = net.fixture.voters[0]!;
    const r = await qa.checkIn(v.voterRef, v.style);
    if (!r.ok) throw new Error(r.error.message);
    expect(a.store.checkins.find(v.voterRef)).toMatchObject({
      state: 'appended',
      ledgerIndex: r.value.index,
    });
    const again = await qa.checkIn(v.voterRef, v.style);
    expect(!again.ok && again.error.kind).toBe('already-here');
  });

  it('at a second kiosk: refused as "elsewhere", with the first check-in’s proof verified', async () => {
    const v = net.fixture.voters[1]!;
    const first = await qa.checkIn(v.voterRef, v.style);
    if (!first.ok) throw new Error(first.error.message);
    const second = await qb.checkIn(v.voterRef, v.style);
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.kind).toBe('elsewhere');
    expect(second.error.kind === 'elsewhere' && second.error.index).toBe(first.value.index);
    expect(b.store.checkins.find(v.voterRef)).toMatchObject({
      state: 'elsewhere',
      ledgerIndex: first.value.index,
    });
    expect(b.store.checkins.acknowledgedCount()).toBe(0);
  });

  it('names the rule when the ledger refuses (a voter not on the roll)', async () => {
    const stranger = voterRef(FIXTURE_ROLL_SALT, 'not-on-the-roll');
    const r = await qa.checkIn(stranger, 'deu');
    expect(!r.ok && r.error.kind).toBe('refused');
    expect(!r.ok && r.error.kind === 'refused' && r.error.rule).toBe('voter-eligible');
    expect(a.store.checkins.find(stranger)?.state).toBe('refused');
    const bad = await qa.checkIn('XYZ', 'deu');
    expect(!bad.ok && bad.error.kind).toBe('invalid');
    const style = await qa.checkIn(net.fixture.voters[5]!.voterRef, 'no-such-style');
    expect(!style.ok && style.error.message).toMatch(/no ballot style "no-such-style"/);
  });

  it('fails closed while the ledger is down, and the retry sends the very same bytes', async () => {
    const v = net.fixture.voters[2]!;
    await net.stopLedger();
    try {
      const r = await qa.checkIn(v.voterRef, v.style);
      expect(!r.ok && r.error.kind).toBe('unreachable');
      expect(!r.ok && r.error.message).toMatch(/cannot be checked in now.*cannot be reached.*network cable/);
    } finally {
      await net.startLedger();
    }
    const stored = a.store.checkins.find(v.voterRef)!;
    expect(stored.state).toBe('pending');
    const cast = await qa.cast({ style: v.style, selections: {} });
    expect(!cast.ok && cast.error.kind).toBe('no-checkin');
    const retry = await qa.checkIn(v.voterRef, v.style);
    if (!retry.ok) throw new Error(retry.error.message);
    expect(a.store.checkins.find(v.voterRef)!.leaf).toEqual(stored.leaf);
    expect((await qa.cast({ style: v.style, selections: {} })).ok).toBe(true);
  });

  it('at close, finds on the log a check-in whose answer was lost, and counts only what the log holds', async () => {
    // A kiosk whose network loses answers: 'after' lets the request reach the ledger, 'before' does not.
    const lose: { mode: 'after' | 'before' | undefined } = { mode: undefined };
    const lossy: typeof fetch = async (input, init) => {
      const post = init?.method === 'POST';
      if (post && lose.mode === 'before')
        throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      const res = await fetch(input, init);
      if (post && lose.mode === 'after')
        throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return res;
    };
    const c = provisionTestKiosk(net, dir, 'desk-c');
    const qc = c.openQueue({ fetch: lossy });
    expect((await qc.enrol(c.testKiosk.enrolment())).ok).toBe(true);
    const [arrived, lost, normal] = [net.fixture.voters[6]!, net.fixture.voters[7]!, net.fixture.voters[8]!];
    lose.mode = 'after';
    expect((await qc.checkIn(arrived.voterRef, arrived.style)).ok).toBe(false);
    lose.mode = 'before';
    expect((await qc.checkIn(lost.voterRef, lost.style)).ok).toBe(false);
    lose.mode = undefined;
    expect((await qc.checkIn(normal.voterRef, normal.style)).ok).toBe(true);
    expect(c.store.checkins.pending()).toHaveLength(2);
    const closed = await qc.closePolls();
    if (!closed.ok) throw new Error(closed.error.message);
    expect(closed.value.counts).toEqual({ checkins: 2, ballots: 0 });
    expect(closed.value.finalCount).toBe(0);
    expect(c.store.checkins.find(arrived.voterRef)!.state).toBe('appended');
    expect(c.store.checkins.find(lost.voterRef)!.state).toBe('pending');
    // The voter whose check-in never arrived is not on the log: another kiosk can check them in.
    expect((await qb.checkIn(lost.voterRef, lost.style)).ok).toBe(true);
    // An empty final batch (count 0) and the close event are accepted by the ledger and witnessed.
    qc.start();
    await waitFor(() => qc.status().batchesInFlight === 0, 'the final batch and close sent');
    await qc.stop();
    const final = c.store.chain.finalBatch()!;
    expect(final).toMatchObject({ count: 0, state: 'witnessed' });
    expect(c.store.chain.get(closed.value.closeSeq)!.state).toBe('witnessed');
    c.store.close();
  });

  it('logs no voterRef, nor a check-in index, in any event', () => {
    expect(events.length).toBeGreaterThan(3);
    const text = JSON.stringify(events);
    for (const v of net.fixture.voters) expect(text).not.toContain(v.voterRef);
    expect(text).not.toContain(voterRef(FIXTURE_ROLL_SALT, 'not-on-the-roll'));
    // Nor a check-in's leaf index, which the public log maps to its voterRef.
    for (const e of events.filter((x) => x.id.startsWith('checkin.')))
      expect(e.fields?.index).toBeUndefined();
  });
});
