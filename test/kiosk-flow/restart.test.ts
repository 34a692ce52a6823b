/**
 * DESIGN §8: after a restart the kiosk is locked until an election official enters the HSM PIN; the
 * sealed kiosk key, the queue, the polls state and the local poll book survive (issue 6 "Provisioning",
 * "a cast ballot is never lost"). Also: the same HSM PIN typed wrong is refused and logged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmulatedHsm } from '../../drivers/pkcs11/emulated-hsm';
import { ensureDemoElection, type DemoElectionFolder } from '../../main/kiosk/demo-election';
import { DemoLedger } from '../../main/kiosk/demo-ledger';
import { presentVoterCard, reviewAndCast, startHarness, HSM_PIN, type Harness } from './kiosk-harness';

const HOUR = 3_600_000;
const T0 = Date.now();
const clock = () => T0;
let dir: string;
let election: DemoElectionFolder;
let ledger: DemoLedger;
const hsm = new EmulatedHsm({ pin: HSM_PIN, id: 'hsm-emulated' });
let kiosk: Harness | null = null;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-restart-'));
  ({ folder: election } = await ensureDemoElection(join(dir, 'election'), new Date(T0), {
    seed: 'kiosk-flow-restart',
    perStyle: 2,
    opens: new Date(T0 - HOUR),
    closes: new Date(T0 + 2 * HOUR),
  }));
  ledger = await DemoLedger.start(election, { dataDir: join(dir, 'ledger'), clock });
});

afterAll(async () => {
  await kiosk?.close();
  await ledger?.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = () => startHarness({ name: 'kiosk', dir, election, ledger, clock, hsm });

describe('a kiosk restarted while polls are open', () => {
  it('is provisioned, opened and takes a ballot', async () => {
    kiosk = await start();
    await kiosk.signIn('official-1');
    await kiosk.ok('loadElection', { path: election.dir });
    await kiosk.ok('createKioskKey', { hsmPin: HSM_PIN });
    await kiosk.ok('enrolKiosk', {});
    await kiosk.ok('openPolls', {});
    await kiosk.signOut();
    expect((await presentVoterCard(kiosk, 'voter-1')).phase).toBe('ballot');
    await reviewAndCast(kiosk);
    await kiosk.ok('devRemoveCard', {});
    await kiosk.ok('finishVoterSession', {});
    await kiosk.close();
    kiosk = null;
  });

  it('comes back locked: polls open, the ballot kept, no voter admitted until the HSM PIN', async () => {
    kiosk = await start();
    const s = await kiosk.status();
    expect(s).toMatchObject({ locked: true, polls: 'open', counts: { checkins: 1, ballots: 1 } });
    expect(s.alarms.some((a) => a.kind === 'hsm-locked' && a.blocking)).toBe(true);
    expect(await presentVoterCard(kiosk, 'voter-2')).toMatchObject({
      phase: 'ineligible',
      reason: 'kiosk-not-open',
    });
    await kiosk.ok('devRemoveCard', {});
    await kiosk.ok('finishVoterSession', {});
  });

  it('refuses a wrong HSM PIN and a poll worker; an official with the PIN unlocks it', async () => {
    const k = kiosk!;
    await k.signIn('poll-worker-1');
    expect((await k.fails('unlockHsm', { hsmPin: HSM_PIN })).code).toBe('not-permitted');
    await k.signOut();
    expect((await k.fails('logOut', {})).code).toBe('wrong-state');
    await k.signIn('official-2');
    const wrong = await k.fails('unlockHsm', { hsmPin: '11111' });
    expect(wrong.code).toBe('hsm');
    const unlocked = await k.ok('unlockHsm', { hsmPin: HSM_PIN });
    expect(unlocked.locked).toBe(false);
    expect(await k.ok('logOut', {})).toEqual({ status: 'signed-out', label: 'official-2' });
    expect((await k.status()).staff).toBeNull();
    expect((await k.fails('openPolls', {})).code).toBe('not-permitted');
    await k.signOut();
    const log = k.emulated.kiosk.ctx.log
      .texts()
      .map((t) => JSON.parse(t) as { eventId: string; disposition: string });
    expect(log.filter((r) => r.eventId === 'hsm-unlocked').map((r) => r.disposition)).toEqual([
      'failure',
      'success',
    ]);
  });

  it('admits voters again, but not one already checked in before the restart (local poll book)', async () => {
    const k = kiosk!;
    expect(await presentVoterCard(k, 'voter-1')).toMatchObject({
      phase: 'ineligible',
      reason: 'already-checked-in',
    });
    await k.ok('devRemoveCard', {});
    await k.ok('finishVoterSession', {});
    expect((await presentVoterCard(k, 'voter-2')).phase).toBe('ballot');
    await reviewAndCast(k);
    await k.ok('devRemoveCard', {});
    await k.ok('finishVoterSession', {});
    expect((await k.status()).counts).toEqual({ checkins: 2, ballots: 2 });
  });
});

describe('the enclosure, the printer, pausing and unconfiguring', () => {
  it('stops voters while the enclosure is open, and logs the tamper', async () => {
    const k = kiosk!;
    await k.ok('devSetLid', { open: true });
    const s = await k.waitFor('the tamper alarm', (x) => x.alarms.some((a) => a.kind === 'tamper'));
    expect(s.alarms.find((a) => a.kind === 'tamper')).toMatchObject({ blocking: true });
    expect(await presentVoterCard(k, 'voter-3')).toMatchObject({
      phase: 'ineligible',
      reason: 'kiosk-not-open',
    });
    await k.ok('devRemoveCard', {});
    await k.ok('finishVoterSession', {});
    await k.ok('devSetLid', { open: false });
    await k.waitFor('the alarm to clear', (x) => !x.alarms.some((a) => a.kind === 'tamper'));
    const ids = k.emulated.kiosk.ctx.log.texts().map((t) => (JSON.parse(t) as { eventId: string }).eventId);
    expect(ids).toContain('tamper-opened');
    expect(ids).toContain('tamper-closed');
  });

  it('still casts when the printer is jammed, and says so on the receipt screen', async () => {
    const k = kiosk!;
    await k.ok('devSetPrinter', { state: 'jammed' });
    await k.waitFor('the printer alarm', (x) => x.alarms.some((a) => a.kind === 'printer'));
    expect((await presentVoterCard(k, 'voter-3')).phase).toBe('ballot');
    await reviewAndCast(k);
    const s = await k.waitFor(
      'the print outcome',
      (x) =>
        x.session.voter.phase === 'cast' &&
        !x.session.voter.receipt.printed.ok &&
        !/Printing/.test(x.session.voter.receipt.printed.message),
    );
    if (s.session.voter.phase === 'cast' && !s.session.voter.receipt.printed.ok) {
      expect(s.session.voter.receipt.printed.message).toMatch(/write down your tracking code/);
    }
    await k.ok('devRemoveCard', {});
    await k.ok('finishVoterSession', {});
    await k.ok('devSetPrinter', { state: 'ready' });
  });

  it('pauses and resumes polls (poll worker); no voter starts while paused', async () => {
    const k = kiosk!;
    await k.signIn('poll-worker-1');
    expect((await k.ok('pausePolls', {})).polls).toBe('paused');
    await k.signOut();
    expect(await presentVoterCard(k, 'voter-4')).toMatchObject({
      phase: 'ineligible',
      reason: 'kiosk-not-open',
    });
    await k.ok('devRemoveCard', {});
    await k.ok('finishVoterSession', {});
    await k.signIn('poll-worker-1');
    expect((await k.ok('resumePolls', {})).polls).toBe('open');
    await k.signOut();
  });

  it('wipes only with an explicit, logged override while ballots still wait for the ledger', async () => {
    const k = kiosk!;
    await k.ok('devSetLedger', { running: false });
    expect((await k.status()).ledger.ballotsWaiting).toBeGreaterThan(0);
    await k.signIn('official-1');
    expect((await k.fails('unconfigure', {})).code).toBe('unacknowledged-ballots');
    const short = await k.call('unconfigure', { override: { reason: 'no' } });
    expect(short).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const wiped = await k.ok('unconfigure', {
      override: { reason: 'kiosk damaged; ballots recovered from backup' },
    });
    expect(wiped).toMatchObject({ step: 'unconfigured', election: null, kioskId: null });
    await k.signOut();
    const s = await k.status();
    expect(s).toMatchObject({ polls: 'not-open', locked: false, counts: { checkins: 0, ballots: 0 } });
    const records = k.emulated.kiosk.ctx.log
      .texts()
      .map((t) => JSON.parse(t) as { eventId: string; message: string });
    expect(records.find((r) => r.eventId === 'unconfigure-override')?.message).toMatch(/kiosk damaged/);
    expect(k.emulated.kiosk.ctx.log.verify().valid).toBe(true);
    await k.ok('devSetLedger', { running: true });
  });
});
