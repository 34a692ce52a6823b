/**
 * The batcher trusts only verified answers (DESIGN §6): when the ledger's answer carries a bad log
 * signature, a wrong inclusion proof, or a checkpoint inconsistent with the one seen before, nothing is
 * marked sent, an alarm is raised (status and event log), and the same bytes go again later; once the
 * answers verify, everything drains and is witnessed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../protocol/bytes';
import type { KioskQueue } from './kiosk-queue';
import type { QueueEvent } from './queue-events';
import {
  provisionTestKiosk,
  startTestNetwork,
  waitFor,
  type TestKioskStore,
  type TestNetwork,
} from './test-kiosk';

type Tamper = (path: string, method: string, text: string) => string;

let net: TestNetwork;
let dir: string;
let kiosk: TestKioskStore;
let queue: KioskQueue;
const events: QueueEvent[] = [];
const tamper: { current: Tamper | undefined } = { current: undefined };

const tamperingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const t = tamper.current;
  if (!t) return res;
  const url = new URL(input instanceof Request ? input.url : String(input));
  const text = t(url.pathname, init?.method ?? 'GET', await res.text());
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(text, { status: res.status, headers });
};

function onJson(path: string, method: string, change: (body: Record<string, unknown>) => void): Tamper {
  return (p, m, text) => {
    if (p !== path || m !== method) return text;
    const body = JSON.parse(text) as Record<string, unknown>;
    change(body);
    return JSON.stringify(body);
  };
}

// The inconsistent checkpoint comes first: it needs an answer larger than the checkpoint seen, i.e. an
// entry appended for the first time (the later modes resend an entry the ledger already holds).
const MODES: [string, Tamper, RegExp][] = [
  [
    'an inconsistent checkpoint',
    onJson('/v1/proof/consistency', 'GET', (a) => {
      (a.proof as string[])[0] = toBase64(new Uint8Array(32).fill(3));
    }),
    /is not consistent with the checkpoint of size/,
  ],
  [
    'a bad log signature',
    onJson('/v1/entries', 'POST', (a) => {
      const note = a.checkpoint as string;
      const i = note.length - 30;
      a.checkpoint = note.slice(0, i) + (note[i] === 'A' ? 'B' : 'A') + note.slice(i + 1);
    }),
    /not signed by the log key/,
  ],
  [
    'a wrong inclusion proof',
    onJson('/v1/entries', 'POST', (a) => {
      const proofs = a.proofs as string[][];
      proofs[proofs.length - 1]![0] = toBase64(new Uint8Array(32).fill(9));
    }),
    /is not proven at index/,
  ],
];

beforeAll(async () => {
  net = await startTestNetwork({ voters: 12, minBatch: 2 });
  dir = mkdtempSync(join(tmpdir(), 'ogas-batcher-'));
  kiosk = provisionTestKiosk(net, dir, 'batcher');
  queue = kiosk.openQueue({ fetch: tamperingFetch, log: (e) => events.push(e) });
  expect((await queue.enrol(kiosk.testKiosk.enrolment())).ok).toBe(true);
  expect((await queue.pollsEvent('open')).ok).toBe(true);
  for (const v of net.fixture.voters.slice(0, 4)) {
    expect((await queue.checkIn(v.voterRef, v.style)).ok).toBe(true);
    expect((await queue.cast({ style: v.style, selections: { proposal: ['yes'] } })).ok).toBe(true);
  }
});
afterAll(async () => {
  await queue.stop();
  kiosk.store.close();
  await net.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('batcher with a ledger whose answers do not verify', () => {
  for (const [name, mode, message] of MODES) {
    it(`marks nothing sent and raises an alarm on ${name}`, async () => {
      const before = queue.status();
      tamper.current = mode;
      queue.batcher.retryNow();
      await queue.batcher.step();
      tamper.current = undefined;
      const after = queue.status();
      // One alarm for the send; the witness check may raise one more when its proof is tampered too.
      expect(after.alarms).toBeGreaterThan(before.alarms);
      expect(events.filter((e) => e.id === 'queue.alarm').map((e) => e.message)).toContainEqual(
        expect.stringMatching(message),
      );
      expect(after.lastAlarm?.message).toMatch(/^ALARM/);
      expect(kiosk.store.chain.countByState().appended + kiosk.store.chain.countByState().witnessed).toBe(0);
      expect(after.ballotsWaiting).toBe(4);
      expect(events.filter((e) => e.id === 'queue.alarm' && e.level === 'alarm').length).toBe(after.alarms);
    });
  }

  it('drains once the answers verify again: the same bytes, accepted once', async () => {
    const built = kiosk.store.chain.all().map((e) => e.leaf);
    queue.batcher.retryNow();
    queue.start();
    await waitFor(
      () => queue.status().ballotsWaiting === 2 && queue.status().batchesInFlight === 0,
      'the drain',
    );
    await queue.stop();
    // The entries that went are those built before the alarms, byte for byte.
    const now = kiosk.store.chain.all();
    expect(now.slice(0, built.length).map((e) => e.leaf)).toEqual(built);
    expect(now.every((e) => e.state === 'witnessed')).toBe(true);
    expect(queue.status().lastWitnessed?.size).toBeGreaterThanOrEqual(1 + 1 + 1 + 4 + 3);
  });
});
