/**
 * The queue end to end against a real ledger and witness (DESIGN §5, §6): enrol, open, check in, cast,
 * batches formed by the privacy rule, sent, verified and witnessed; close with the final batch; the log
 * holds every ballot once, the chain without a gap. Also the guards and the check-in outcomes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../protocol/bytes';
import { parseLeafData, trackingCodeOf, type Envelope } from '../../protocol/entries';
import { leafHash } from '../../protocol/merkle';
import type { KioskQueue } from './kiosk-queue';
import { provisionTestKiosk, startTestNetwork, waitFor, type TestNetwork } from './test-kiosk';

let net: TestNetwork;
let dir: string;
const HOUR = 3_600_000;

beforeAll(async () => {
  net = await startTestNetwork({ voters: 40, minBatch: 2, maxBatch: 4 });
  dir = mkdtempSync(join(tmpdir(), 'ogas-queue-'));
});
afterAll(async () => {
  await net.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every entry of the log, once the ledger's clock is past closes + drainHours. */
async function readLog(): Promise<{ data: Uint8Array; envelope: Envelope | undefined }[]> {
  const cp = await fetch(`${net.url}/v1/checkpoint`).then((r) => r.text());
  const size = Number(cp.split('\n')[1]);
  const text = await fetch(`${net.url}/v1/entries?start=0&end=${size}`).then((r) => r.text());
  return text
    .split('\n')
    .slice(0, size)
    .map((line) => {
      const data = new TextEncoder().encode(line);
      const parsed = parseLeafData(data);
      return { data, envelope: parsed.ok ? parsed.value : undefined };
    });
}

async function checkInAndCast(queue: KioskQueue, voterIndex: number): Promise<string> {
  const voter = net.fixture.voters[voterIndex]!;
  const checkin = await queue.checkIn(voter.voterRef, voter.style);
  expect(checkin.ok, JSON.stringify(checkin)).toBe(true);
  const cast = await queue.cast({ style: voter.style, selections: { proposal: ['yes'] } });
  if (!cast.ok) throw new Error(cast.error.message);
  return cast.value.code;
}

describe('kiosk queue against a ledger', () => {
  it('enrols, batches by the privacy rule, closes with a final batch, and every ballot lands once', async () => {
    const kiosk = provisionTestKiosk(net, dir, 'queue-main');
    const queue = kiosk.openQueue();
    const enrolled = await queue.enrol(kiosk.testKiosk.enrolment());
    expect(enrolled.ok).toBe(true);
    expect((await queue.pollsEvent('open')).ok).toBe(true);
    queue.start();
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) codes.push(await checkInAndCast(queue, i));
    // minBatch 2, maxBatch 4 (3 ballots a request): 7 cast → batches leave at least 2 queued.
    await waitFor(() => queue.status().ballotsQueued <= 3 && queue.status().batchesInFlight === 0, 'batches');
    const mid = queue.status();
    expect(mid.ballotsQueued).toBeGreaterThanOrEqual(2);
    expect(mid.ballotsQueued).toBeLessThan(4);
    const close = await queue.closePolls();
    if (!close.ok) throw new Error(close.error.message);
    expect(close.value.finalCount).toBe(mid.ballotsQueued);
    expect(close.value.counts).toEqual({ checkins: 7, ballots: 7 });
    await waitFor(() => queue.status().ballotsWaiting === 0 && queue.status().batchesInFlight === 0, 'drain');
    const status = queue.status();
    expect(status.closed).toBe(true);
    expect(status.lastWitnessed?.size).toBe(status.lastSeen?.size);
    expect(kiosk.store.kiosk.get()!.enrolment!.state).toBe('witnessed');
    await queue.stop();

    // Re-closing reports the same entries and builds nothing.
    const again = await queue.closePolls();
    expect(again.ok && again.value.closeSeq).toBe(close.value.closeSeq);

    net.clock.now = Date.parse(net.fixture.election.package.window.closes) + 25 * HOUR;
    const log = await readLog();
    const mine = log.filter((e) => e.envelope?.signer === queue.kiosk);
    const ballots = mine.filter((e) => e.envelope!.entry.type === 'ballot');
    expect(ballots.map((b) => trackingCodeOf(leafHash(b.data))).sort()).toEqual([...codes].sort());
    const chained = mine.flatMap((e) => {
      const entry = e.envelope!.entry;
      return entry.type === 'batch' || entry.type === 'polls' ? [entry] : [];
    });
    expect(chained.map((c) => c.seq)).toEqual(chained.map((_, i) => i + 1));
    const last = chained.at(-1)!;
    expect(last.type === 'polls' && last.event).toBe('close');
    const batches = chained.filter((c) => c.type === 'batch');
    expect(batches.filter((b) => b.final)).toHaveLength(1);
    for (const b of batches) if (!b.final) expect(b.count).toBeGreaterThanOrEqual(2);
    expect(fromUtf8(log[0]!.data)).toBe(fromUtf8(net.fixture.election.entryBytes));
    net.clock.now = Date.parse(net.fixture.election.package.window.opens) + 60_000;
  });
});
