/**
 * A whole demo day through the RPC API (issue 6): two kiosks on emulated devices, one embedded ledger
 * on SQLite with two in-process witnesses, the demo election. Officials provision and open both
 * kiosks; voters come by card and by passport (confirmed by a poll worker); some are refused (not in
 * the sample, not on the roll, expired card, already voted at the other kiosk: the ledger's 409); the
 * ledger goes down and check-ins fail closed, then it comes back and everything drains; polls close
 * with reports; after closes + drainHours the ledger's audit passes and the recount matches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { HttpSource } from '../../ledger/audit/http-source';
import { runAudit } from '../../ledger/audit/run-audit';
import { ensureDemoElection, type DemoElectionFolder } from '../../main/kiosk/demo-election';
import { DemoLedger } from '../../main/kiosk/demo-ledger';
import { presentVoterCard, reviewAndCast, startHarness, HSM_PIN, type Harness } from './kiosk-harness';

const HOUR = 3_600_000;
const T0 = Date.now();
let offset = 0;
const clock = () => T0 + offset;

let dir: string;
let election: DemoElectionFolder;
let ledger: DemoLedger;
let a: Harness;
let b: Harness;
const codes: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-demo-day-'));
  ({ folder: election } = await ensureDemoElection(join(dir, 'election'), new Date(T0), {
    seed: 'kiosk-flow-demo-day',
    perStyle: 3,
    opens: new Date(T0 - HOUR),
    closes: new Date(T0 + 2 * HOUR),
    minBatch: 2,
  }));
  ledger = await DemoLedger.start(election, { dataDir: join(dir, 'ledger'), clock });
  a = await startHarness({ name: 'kiosk-a', dir, election, ledger, clock });
  b = await startHarness({ name: 'kiosk-b', dir, election, ledger, clock });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await ledger?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function provision(h: Harness, official: string): Promise<void> {
  await h.signIn(official);
  const loaded = await h.ok('loadElection', { path: election.dir });
  expect(loaded.step).toBe('package-loaded');
  expect(loaded.election).toMatchObject({
    electionId: election.index.electionId,
    signatures: { valid: 2, required: 2 },
  });
  const keyed = await h.ok('createKioskKey', { hsmPin: HSM_PIN });
  expect(keyed.step).toBe('key-created');
  expect(keyed.kioskId).toMatch(/^[0-9a-f]{64}$/);
  const enrolled = await h.ok('enrolKiosk', {});
  expect(enrolled.step).toBe('ready');
  expect(enrolled.enrolmentIndex).toBeGreaterThan(0);
  const opened = await h.ok('openPolls', {});
  expect(opened.polls).toBe('open');
  expect(opened.report?.report).toMatchObject({ kind: 'zero', totals: { checkins: 0, ballots: 0 } });
  expect(opened.report?.html).toContain('ZERO: no check-in and no ballot');
  await h.signOut();
}

describe('a demo day at two kiosks', () => {
  it('refuses a wrong HSM PIN and a poll-worker card for provisioning', async () => {
    await a.signIn('poll-worker-1');
    const refused = await a.fails('loadElection', { path: election.dir });
    expect(refused.code).toBe('not-permitted');
    await a.signOut();
    await a.signIn('official-1');
    await a.ok('loadElection', { path: election.dir });
    const wrongPin = await a.fails('createKioskKey', { hsmPin: '99999' });
    expect(wrongPin.code).toBe('hsm');
    expect(wrongPin.message).toMatch(/PIN/);
    await a.signOut();
  });

  it('provisions and opens both kiosks (official card, package, HSM-sealed key, enrolment, zero report)', async () => {
    await provision(a, 'official-1');
    await provision(b, 'official-2');
    const s = await a.status();
    expect(s).toMatchObject({ polls: 'open', locked: false, provisioning: { step: 'ready' } });
  });

  it('lets voters vote by card (ECDSA and RSA cards) and gives each a receipt', async () => {
    for (const label of ['voter-1', 'voter-2']) {
      const v = await presentVoterCard(a, label);
      expect(v.phase, JSON.stringify(v)).toBe('ballot');
      codes.push(await reviewAndCast(a));
      const s = await a.waitFor(
        'the receipt to print',
        (x) => x.session.voter.phase === 'cast' && x.session.voter.receipt.printed.ok,
      );
      if (s.session.voter.phase === 'cast') {
        expect(s.session.voter.receipt.qrPayload).toContain(`/v1/lookup?code=${codes.at(-1)}`);
        expect(s.session.voter.receipt.qrSvgDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
      }
      await a.ok('devRemoveCard', {});
      await a.ok('finishVoterSession', {});
    }
    expect(codes.every((c) => /^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/.test(c))).toBe(true);
    const v3 = await presentVoterCard(b, 'voter-3');
    expect(v3.phase).toBe('ballot');
    codes.push(await reviewAndCast(b));
    await b.ok('devRemoveCard', {});
    await b.ok('finishVoterSession', {});
  });

  it('lets passport holders vote once a poll worker confirms the document', async () => {
    const inSample = election.index.documents.filter((d) => d.selected).map((d) => d.holder);
    expect(inSample.length).toBeGreaterThanOrEqual(2);
    for (const holder of inSample.slice(0, 2)) {
      await a.ok('devScanDocument', { name: holder });
      const waiting = await a.waitFor(
        'the document on screen',
        (s) => s.session.voter.phase === 'awaiting-confirmation',
      );
      if (waiting.session.voter.phase === 'awaiting-confirmation') {
        expect(waiting.session.voter.document).toMatchObject({ format: 'mrz-td3', valid: true });
      }
      // A voter cannot confirm their own document: a poll worker must sign in.
      expect((await a.fails('confirmDocument', { matches: true })).code).toBe('not-permitted');
      await a.signIn('poll-worker-1');
      await a.ok('confirmDocument', { matches: true });
      await a.signOut();
      const s = await a.waitFor('the ballot', (x) => x.session.voter.phase === 'ballot');
      expect(s.session.voter.phase).toBe('ballot');
      codes.push(await reviewAndCast(a));
      await a.ok('finishVoterSession', {});
    }
  });

  it('refuses the ineligible with a message, and casts nothing for them', async () => {
    const before = (await a.status()).counts;
    const notInSample = await presentVoterCard(a, 'voter-not-in-sample');
    expect(notInSample).toMatchObject({ phase: 'ineligible', reason: 'not-in-sample' });
    await a.ok('devRemoveCard', {});
    await a.ok('finishVoterSession', {});

    const notOnRoll = await presentVoterCard(a, 'voter-not-on-roll');
    expect(notOnRoll).toMatchObject({ phase: 'ineligible', reason: 'unknown-credential' });
    await a.ok('devRemoveCard', {});
    await a.ok('finishVoterSession', {});

    await presentVoterCard(a, 'voter-expired');
    const expired = await a.status();
    expect(expired.card).toMatchObject({ status: 'failed', reason: 'expired', lockedUntil: null });
    if (expired.card.status === 'failed') expect(expired.card.message).toMatch(/expired/);
    expect(expired.session.voter.phase).toBe('idle');
    await a.ok('devRemoveCard', {});

    const outside = election.index.documents.find((d) => !d.selected)!.holder;
    await a.ok('devScanDocument', { name: outside });
    await a.waitFor('the document on screen', (s) => s.session.voter.phase === 'awaiting-confirmation');
    await a.signIn('poll-worker-1');
    const refused = await a.ok('confirmDocument', { matches: true });
    expect(refused.voter).toMatchObject({ phase: 'ineligible', reason: 'not-in-sample' });
    await a.signOut();
    await a.ok('finishVoterSession', {});
    expect((await a.status()).counts).toEqual(before);
  });

  it('refuses a voter who already voted at the other kiosk (the ledger answers 409)', async () => {
    const v = await presentVoterCard(b, 'voter-1');
    expect(v).toMatchObject({ phase: 'ineligible', reason: 'already-checked-in' });
    if (v.phase === 'ineligible') expect(v.message).toMatch(/already checked in/);
    await b.ok('devRemoveCard', {});
    await b.ok('finishVoterSession', {});
  });

  it('ends a session with nothing cast when the card is pulled out before casting', async () => {
    const before = (await b.status()).counts;
    const v = await presentVoterCard(b, 'voter-4');
    expect(v.phase).toBe('ballot');
    await b.ok('devRemoveCard', {});
    const s = await b.waitFor('the session to end', (x) => x.session.voter.phase === 'ended');
    expect(s.session.voter).toMatchObject({ phase: 'ended', reason: 'card-removed' });
    expect(s.counts).toEqual({ checkins: before.checkins + 1, ballots: before.ballots });
    // Checked in, so not again (the local poll book), and no ballot was left half-cast.
    await b.ok('finishVoterSession', {});
    const again = await presentVoterCard(b, 'voter-4');
    expect(again).toMatchObject({ phase: 'ineligible', reason: 'already-checked-in' });
    await b.ok('devRemoveCard', {});
    await b.ok('finishVoterSession', {});
  });

  it('fails closed on check-in while the ledger is down, keeps cast ballots, and drains when it is back', async () => {
    await a.ok('devSetLedger', { running: false });
    // Ballots already cast wait for the ledger; unconfigure refuses to wipe them.
    expect((await a.status()).ledger.ballotsWaiting).toBeGreaterThan(0);
    await a.signIn('official-1');
    const wipe = await a.fails('unconfigure', {});
    expect(wipe.code).toBe('unacknowledged-ballots');
    expect(wipe.message).toMatch(/override/);
    await a.signOut();
    const holder = election.index.documents.filter((d) => d.selected).map((d) => d.holder)[2]!;
    await a.ok('devScanDocument', { name: holder });
    await a.waitFor('the document on screen', (s) => s.session.voter.phase === 'awaiting-confirmation');
    await a.signIn('poll-worker-1');
    const failed = await a.ok('confirmDocument', { matches: true });
    expect(failed.voter.phase).toBe('check-in-failed');
    if (failed.voter.phase === 'check-in-failed') expect(failed.voter.message).toMatch(/ledger/);
    await a.signOut();
    await a.ok('devSetLedger', { running: true });
    const retried = await a.ok('retryCheckIn', {});
    expect(retried.voter.phase).toBe('ballot');
    codes.push(await reviewAndCast(a));
    await a.ok('finishVoterSession', {});
  });

  it('closes polls with a close report per ballot style; the queue drains to witnessed checkpoints', async () => {
    for (const [h, official] of [
      [a, 'official-1'],
      [b, 'official-2'],
    ] as const) {
      await h.signIn(official);
      const closed = await h.ok('closePolls', {});
      expect(closed.polls).toBe('closed');
      const report = closed.report!.report;
      expect(report.kind).toBe('close');
      const counts = (await h.status()).counts;
      expect(report.totals).toEqual(counts);
      for (const row of report.byStyle) expect(row.ballots).toBeLessThanOrEqual(row.checkins);
      expect(closed.report!.html).toContain('Close report');
      const again = await h.ok('getReport', { kind: 'close' });
      expect(again.report.totals).toEqual(report.totals);
      await h.signOut();
      const drained = await h.waitFor(
        'every ballot and chained entry to be witnessed',
        (x) => x.ledger.ballotsWaiting === 0 && x.ledger.chainedWaiting === 0,
        60_000,
      );
      expect(drained.locked).toBe(true);
      expect(drained.ledger.lastAcknowledgedCheckpoint?.cosignatures).toBeGreaterThanOrEqual(1);
    }
    expect((await a.status()).counts).toEqual({ checkins: 5, ballots: 5 });
    expect((await b.status()).counts).toEqual({ checkins: 2, ballots: 1 });
    // No voter can start once polls are closed.
    const late = await presentVoterCard(a, 'voter-3');
    expect(late).toMatchObject({ phase: 'ineligible', reason: 'kiosk-not-open' });
    await a.ok('devRemoveCard', {});
  });

  it('keeps a hash-chained event log without voter data, exported as NIST SP 1500-101', async () => {
    await a.signIn('technician-1');
    const exported = await a.ok('exportEventLog', {});
    expect(exported.check).toMatchObject({ chainValid: true, firstBroken: null });
    const cdf = exported.cdf as { Device: { Event: { Id: string }[] }[] };
    const ids = new Set(cdf.Device[0]!.Event.map((e) => e.Id));
    for (const id of [
      'kiosk-started',
      'election-loaded',
      'kiosk-enrolled',
      'polls-opened',
      'polls-closed',
      'queue.ballot-cast',
      'voter-ineligible',
    ]) {
      expect(ids, id).toContain(id);
    }
    const diagnostics = await a.ok('getDiagnostics', {});
    expect(diagnostics.devices.map((d) => d.kind).sort()).toEqual([
      'card-reader',
      'hsm',
      'id-scanner',
      'peripheral-controller',
    ]);
    await a.signOut();
    const voters = JSON.parse(await readFile(join(election.dir, 'voters.json'), 'utf8')) as {
      voterRef: string;
      surname: string;
      documentNumber: string;
    }[];
    for (const h of [a, b]) {
      const text = h.emulated.kiosk.ctx.log.texts().join('\n');
      for (const v of voters) {
        expect(text).not.toContain(v.voterRef);
        expect(text).not.toContain(v.documentNumber);
        expect(text).not.toContain(v.surname);
      }
      for (const code of codes) expect(text).not.toContain(code);
    }
  });

  it('after closes + drainHours, the ledger audit passes and the recount has every ballot', async () => {
    offset = 2 * HOUR + 24 * HOUR + 60_000;
    await ledger.current()!.refreshCheckpoint();
    const trustText = await readFile(join(election.dir, election.index.trust), 'utf8');
    let outcome = await runAudit({ source: new HttpSource(ledger.url), trustText, threads: 0 });
    // The witnesses cosign the fresh checkpoint asynchronously: wait for a dated quorum.
    for (let i = 0; i < 50 && !outcome.report.passed; i++) {
      await new Promise((r) => setTimeout(r, 200));
      outcome = await runAudit({ source: new HttpSource(ledger.url), trustText, threads: 0 });
    }
    expect(outcome.report.faults, JSON.stringify(outcome.report.faults.slice(0, 5))).toEqual([]);
    expect(outcome.report.passed).toBe(true);
    expect(outcome.report.kiosks).toBe(2);
    expect(outcome.report.counts).toMatchObject({ checkins: 7, ballots: 6 });
  });
});
