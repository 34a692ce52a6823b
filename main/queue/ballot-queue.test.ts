/**
 * Casting (DESIGN §5, §9): the receipt's code is the stored ballot's tracking code; a ballot is refused
 * — and nothing stored — when the kiosk is locked, the ballot does not fit the package, no check-in
 * waits for it, polls are closed, or the signer misbehaves; batches take ballots in CSPRNG order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTrackingCode, trackingCodeOf, type Entry } from '../../protocol/entries';
import { leafHash } from '../../protocol/merkle';
import { mlDsaKeygen } from '../../protocol/ml-dsa';
import { memorySigner, type KioskSigner } from './kiosk-signer';
import { provisionTestKiosk, startTestNetwork, type TestKioskStore, type TestNetwork } from './test-kiosk';
import type { KioskQueue } from './kiosk-queue';

let net: TestNetwork;
let dir: string;
let kiosk: TestKioskStore;
let queue: KioskQueue;
let nextVoter = 0;

beforeAll(async () => {
  net = await startTestNetwork({ voters: 60, minBatch: 10, maxBatch: 100 });
  dir = mkdtempSync(join(tmpdir(), 'ogas-cast-'));
  kiosk = provisionTestKiosk(net, dir, 'cast');
  queue = kiosk.openQueue();
  expect((await queue.enrol(kiosk.testKiosk.enrolment())).ok).toBe(true);
});
afterAll(async () => {
  await queue.stop();
  kiosk.store.close();
  await net.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Checks in the next voter of the fixture; returns their style. */
async function admit(): Promise<string> {
  const voter = net.fixture.voters[nextVoter++]!;
  const r = await queue.checkIn(voter.voterRef, voter.style);
  if (!r.ok) throw new Error(r.error.message);
  return voter.style;
}

describe('cast', () => {
  it('stores the ballot durably and returns its tracking code and QR payload', async () => {
    const style = await admit();
    const r = await queue.cast({ style, selections: { proposal: ['no'] } });
    if (!r.ok) throw new Error(r.error.message);
    const ids = kiosk.store.ballots.queuedIds();
    expect(ids).toHaveLength(1);
    const leaf = kiosk.store.ballots.leaf(ids[0]!)!;
    expect(r.value.code).toBe(trackingCodeOf(leafHash(leaf)));
    expect(r.value.trackingCode).toBe(formatTrackingCode(r.value.code));
    expect(r.value.trackingCode).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    expect(r.value.qrPayload).toBe(`${net.url}/v1/lookup?code=${r.value.trackingCode}`);
  });

  it('refuses a ballot without a waiting check-in of its style', async () => {
    const before = kiosk.store.ballots.count();
    const style = net.fixture.voters[nextVoter]!.style;
    const r = await queue.cast({ style, selections: { proposal: ['yes'] } });
    expect(!r.ok && r.error.kind).toBe('no-checkin');
    expect(kiosk.store.ballots.count()).toBe(before);
  });

  it('refuses selections the package does not allow, naming the contest', async () => {
    const style = await admit();
    const r = await queue.cast({ style, selections: { proposal: ['maybe'] } });
    expect(!r.ok && r.error.kind).toBe('invalid');
    expect(!r.ok && r.error.message).toMatch(/contest "proposal" has no option "maybe"/);
    const unknownStyle = await queue.cast({ style: 'atlantis', selections: {} });
    expect(!unknownStyle.ok && unknownStyle.error.kind).toBe('invalid');
    // The check-in still waits: a valid ballot goes through.
    expect((await queue.cast({ style, selections: { proposal: ['yes'] } })).ok).toBe(true);
  });

  it('refuses to cast while locked, and refuses a key that is not this kiosk’s', async () => {
    const style = await admit();
    queue.lock();
    const r = await queue.cast({ style, selections: {} });
    expect(!r.ok && r.error.kind).toBe('locked');
    const other = queue.unlock(memorySigner(mlDsaKeygen(65)));
    expect(!other.ok && other.error).toMatch(/not this kiosk/);
    expect(queue.unlock(memorySigner(kiosk.keys)).ok).toBe(true);
    expect((await queue.cast({ style, selections: {} })).ok).toBe(true);
  });

  it('stores nothing when the signer returns a bad leaf', async () => {
    const style = await admit();
    const honest = memorySigner(kiosk.keys);
    const liar: KioskSigner = {
      publicKey: kiosk.keys.publicKey,
      // Signs another ballot than the one asked for.
      sign: (entry: Entry) =>
        honest.sign(entry.type === 'ballot' ? { ...entry, selections: { proposal: ['no'] } } : entry),
    };
    expect(queue.unlock(liar).ok).toBe(true);
    const before = kiosk.store.ballots.count();
    const r = await queue.cast({ style, selections: { proposal: ['yes'] } });
    expect(!r.ok && r.error.kind).toBe('signer');
    expect(kiosk.store.ballots.count()).toBe(before);
    expect(queue.unlock(honest).ok).toBe(true);
    expect((await queue.cast({ style, selections: { proposal: ['yes'] } })).ok).toBe(true);
  });

  it('puts ballots into batches in CSPRNG order, not cast order', async () => {
    const codes: string[] = [];
    while (kiosk.store.ballots.queuedCount() < 30) {
      const style = await admit();
      const r = await queue.cast({ style, selections: { proposal: ['yes'] } });
      if (!r.ok) throw new Error(r.error.message);
      codes.push(r.value.code);
    }
    const formed = await queue.chain.formBatches();
    expect(formed).toEqual({ ok: true, value: 1 });
    const batch = kiosk.store.chain.all().find((e) => e.kind === 'batch')!;
    expect(batch.count).toBe(20);
    expect(kiosk.store.ballots.queuedCount()).toBe(10);
    const order = kiosk.store.ballots
      .leavesOfBatch(batch.seq)
      .map((l) => trackingCodeOf(leafHash(l)))
      .filter((c) => codes.includes(c));
    const castOrder = codes.filter((c) => order.includes(c));
    // Those in the batch, in batch order, are not in cast order (chance of that: 1 in n!).
    expect(order.length).toBeGreaterThanOrEqual(8);
    expect(order).not.toEqual(castOrder);
  });

  it('refuses to cast once polls are closed (the final batch is built)', async () => {
    const style = await admit();
    const closed = await queue.closePolls();
    expect(closed.ok).toBe(true);
    const r = await queue.cast({ style, selections: {} });
    expect(!r.ok && r.error.kind).toBe('closed');
    const c = await queue.checkIn(
      net.fixture.voters[nextVoter]!.voterRef,
      net.fixture.voters[nextVoter]!.style,
    );
    expect(!c.ok && c.error.kind).toBe('closed');
    expect((await queue.pollsEvent('resume')).ok).toBe(false);
  });
});
