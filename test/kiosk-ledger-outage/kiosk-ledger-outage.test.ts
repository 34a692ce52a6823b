/**
 * Ledger down, then back (issue 6 "Proof it holds"; DESIGN §5): voters are checked in, then the ledger
 * stops. Casting goes on — the voter never waits for the ledger — while the batcher builds batches and
 * fails to send them, saying why in words a poll worker can act on, and backs off. A new check-in fails
 * closed. Polls close: the final batch is built at once; the close event waits until the ledger can say
 * whether that failed check-in arrived. The ledger starts again on the same database and port: closing
 * again completes, everything drains, every ballot is on the log exactly once, the chain has no gap, and
 * the log passes the kiosk log check and the audit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../protocol/bytes';
import { trackingCodeOf } from '../../protocol/entries';
import { leafHash } from '../../protocol/merkle';
import { nobleVerifier } from '../../protocol/ml-dsa';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { ledgerTrustOf } from '../../main/ledger-client';
import type { QueueEvent } from '../../main/queue';
import {
  provisionTestKiosk,
  startTestNetwork,
  waitFor,
  type TestKioskStore,
  type TestNetwork,
} from '../../main/queue/test-kiosk';
import { auditAfterDrain } from '../kiosk-crash/audit-after-drain';
import { checkKioskLog } from '../kiosk-crash/kiosk-log-check';

const HOUR = 3_600_000;
const VOTERS = 30;
let dir: string;
let net: TestNetwork;
let kiosk: TestKioskStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-outage-'));
  net = await startTestNetwork({
    voters: VOTERS + 1,
    minBatch: 3,
    maxBatch: 5,
    ledgerDb: join(dir, 'ledger.db'),
  });
  kiosk = provisionTestKiosk(net, dir, 'outage');
});
afterAll(async () => {
  kiosk?.store.close();
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ledger down, then back', () => {
  it('casts while the ledger is down, then drains everything once it returns, nothing doubled', async () => {
    const events: QueueEvent[] = [];
    const verifier = fastestMlDsaVerifier(nobleVerifier).verifier;
    const queue = kiosk.openQueue({
      log: (e) => events.push(e),
      verifier,
      backoff: { baseMs: 50, maxMs: 400 },
      timeouts: { readMs: 2_000, postMs: 2_000, checkinMs: 2_000 },
    });
    expect((await queue.enrol(kiosk.testKiosk.enrolment())).ok).toBe(true);
    expect((await queue.pollsEvent('open')).ok).toBe(true);
    const voters = net.fixture.voters.slice(0, VOTERS);
    const latecomer = net.fixture.voters[VOTERS]!;
    for (const v of voters) expect((await queue.checkIn(v.voterRef, v.style)).ok).toBe(true);
    queue.start();
    await waitFor(() => queue.status().entriesUnsent === 0, 'the open event sent');

    await net.stopLedger();
    const codes: string[] = [];
    for (const v of voters) {
      const r = await queue.cast({ style: v.style, selections: { proposal: ['no'] } });
      if (!r.ok) throw new Error(r.error.message);
      codes.push(r.value.code);
    }
    // Batches are built (the privacy rule holds minBatch back) but cannot be sent.
    await waitFor(() => queue.status().sendFailures > 0 && queue.status().entriesUnsent > 0, 'a failed send');
    const down = queue.status();
    expect(down.ballotsCast).toBe(VOTERS);
    expect(down.ballotsWaiting).toBe(VOTERS);
    expect(down.lastError?.message).toMatch(
      /The state ledger cannot be reached .*check the network cable; ballots already cast are safe/,
    );
    expect(down.lastError?.alarm).toBe(false);
    expect(down.sendFailures).toBeGreaterThan(0);
    // A check-in fails closed meanwhile, with a message for the poll worker.
    const late = await queue.checkIn(latecomer.voterRef, latecomer.style);
    expect(!late.ok && late.error.kind).toBe('unreachable');
    expect(!late.ok && late.error.message).toMatch(/cannot be checked in now/);

    // Polls close while it is down: the final batch at once; the close event waits for the ledger.
    const closing = await queue.closePolls();
    expect(!closing.ok && closing.error.kind).toBe('unreachable');
    expect(!closing.ok && closing.error.message).toMatch(/The final batch is built/);
    expect(queue.status().closed).toBe(true);
    expect((await queue.cast({ style: voters[0]!.style, selections: {} })).ok).toBe(false);
    const unsentBefore = queue.status().entriesUnsent;
    expect(unsentBefore).toBeGreaterThanOrEqual(VOTERS / 4);
    const failures = events.filter((e) => e.id === 'queue.send-failed').length;
    expect(failures).toBeGreaterThan(0);

    await net.startLedger();
    const closed = await queue.closePolls();
    if (!closed.ok) throw new Error(closed.error.message);
    expect(closed.value.counts).toEqual({ checkins: VOTERS, ballots: VOTERS });
    await waitFor(
      () => queue.status().ballotsWaiting === 0 && queue.status().batchesInFlight === 0,
      'the queue to drain',
      120_000,
    );
    await queue.stop();
    const after = queue.status();
    expect(after.alarms).toBe(0);
    expect(after.sendFailures).toBe(0);
    expect(kiosk.store.chain.all().every((e) => e.state === 'witnessed')).toBe(true);

    net.clock.now = Date.parse(net.fixture.election.package.window.closes) + 25 * HOUR;
    const note = await fetch(`${net.url}/v1/checkpoint`).then((r) => r.text());
    const size = Number(note.split('\n')[1]);
    const text = await fetch(`${net.url}/v1/entries?start=0&end=${size}`).then((r) => r.text());
    const leaves = text.split('\n').slice(0, size).map(utf8);
    const trust = ledgerTrustOf(net.fixture.election.package);
    if (!trust.ok) throw new Error(trust.error);
    const summary = checkKioskLog(
      leaves,
      note,
      net.fixture.election,
      trust.value,
      { id: kiosk.testKiosk.id, publicKey: kiosk.keys.publicKey },
      verifier,
    );
    expect(summary.problems).toEqual([]);
    const onLog = summary.ballots.map((b) => trackingCodeOf(leafHash(b)));
    expect([...onLog].sort()).toEqual([...codes].sort());
    expect(summary.checkins).toBe(VOTERS);
    expect(summary.chainLength).toBe(kiosk.store.chain.all().length);
    const audit = await auditAfterDrain(net);
    expect(audit.faults, JSON.stringify(audit.faults.slice(0, 5))).toEqual([]);
    expect(audit.passed).toBe(true);
    expect(audit.counts).toMatchObject({ checkins: VOTERS, ballots: VOTERS });
  });
});
