/**
 * `ogas kiosk --demo` stopped and started again on the same data folder keeps its state like a real
 * kiosk (DESIGN §8): the emulated HSM's key file lets the sealed kiosk key be unsealed, the store, ledger
 * database and witness state are kept, and the kiosk comes back LOCKED (polls still open, the earlier
 * ballot still there) until an election official enters the HSM PIN. Also: state that cannot be opened
 * again is refused with a message naming `--fresh`, and `fresh` starts over with the same election.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevFixtures } from '../../main/rpc/api';
import { demoPaths } from '../../main/kiosk/demo-state';
import { demoInstructions, startDemo, type RunningDemo } from '../../main/kiosk/run-demo';
import { connectHarness, presentVoterCard, reviewAndCast, type Harness } from './kiosk-harness';

let dataDir: string;
let demo: RunningDemo | null = null;
let h: Harness;
let fixtures: DevFixtures;
let electionId: string;

async function start(options: { fresh?: boolean } = {}): Promise<Harness> {
  const started = await startDemo({ dataDir, port: 0, version: 'test', staticRoot: null, ...options });
  if (!started.ok) throw new Error(started.error);
  demo = started.value;
  const running = demo;
  h = connectHarness('demo', running.kiosk, running.server, async () => {
    await running.close();
    demo = null;
  });
  fixtures = await h.ok('devFixtures', {});
  return h;
}

const voters = () =>
  fixtures.cards.filter((c) => c.role === 'voter' && /in the sample, may vote/.test(c.description));
const official = () => fixtures.cards.find((c) => c.role === 'official')!;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ogas-demo-restart-'));
});

afterAll(async () => {
  await demo?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a demo kiosk stopped and started again on the same folder', { timeout: 180_000 }, () => {
  let code: string;

  it('first start: provisioned, polls open, and a voter casts a ballot', async () => {
    await start();
    expect(demo!.resumed).toBe(false);
    electionId = demo!.election.index.electionId;
    const s = await h.status();
    expect(s).toMatchObject({ polls: 'open', locked: false, provisioning: { step: 'ready' } });
    // The emulated HSM keeps its key in the demo folder, readable by its owner only.
    const keyFile = demoPaths(dataDir).hsmKeyFile;
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/EMULATED HSM/);
    expect((await demoInstructions(demo!)).join('\n')).toMatch(/comes back locked .* --fresh starts over/s);
    expect((await presentVoterCard(h, voters()[0]!.label)).phase).toBe('ballot');
    code = await reviewAndCast(h);
    await h.ok('devRemoveCard', {});
    await h.ok('finishVoterSession', {});
    expect((await h.status()).counts).toEqual({ checkins: 1, ballots: 1 });
    await h.close();
  });

  it('comes back locked, with polls open and the earlier ballot kept; the instructions say so', async () => {
    await start();
    expect(demo!.resumed).toBe(true);
    expect(demo!.steps).toEqual([]);
    const s = await h.status();
    expect(s).toMatchObject({ locked: true, polls: 'open', counts: { checkins: 1, ballots: 1 } });
    // The ballot waits in the kiosk's queue for a batch of the package's minBatch (5 in the demo).
    expect(s.ledger.ballotsWaiting).toBe(1);
    expect(s.alarms.some((a) => a.kind === 'hsm-locked' && a.blocking)).toBe(true);
    const text = (await demoInstructions(demo!)).join('\n');
    expect(text).toMatch(/Polls open; 1 check-in\(s\) and 1 ballot\(s\) cast/);
    expect(text).toMatch(/LOCKED/);
    expect(text).toContain(
      `insert "${official().label}", enter its PIN ${official().pin}, then enter the HSM PIN ${fixtures.hsmPin}`,
    );
    expect(text).toContain('ogas kiosk --demo --fresh');
    // No voter starts while locked.
    expect(await presentVoterCard(h, voters()[1]!.label)).toMatchObject({
      phase: 'ineligible',
      reason: 'kiosk-not-open',
    });
    await h.ok('devRemoveCard', {});
    await h.ok('finishVoterSession', {});
  });

  it('an official unlocks it with the HSM PIN (a wrong one is refused); voting goes on', async () => {
    await h.signIn(official().label, official().pin);
    expect((await h.fails('unlockHsm', { hsmPin: '11111' })).code).toBe('hsm');
    const unlocked = await h.ok('unlockHsm', { hsmPin: fixtures.hsmPin });
    expect(unlocked).toMatchObject({ locked: false, polls: 'open', counts: { checkins: 1, ballots: 1 } });
    await h.signOut();
    // The voter of the first run is known to the poll book and the ledger; another voter votes.
    expect(await presentVoterCard(h, voters()[0]!.label)).toMatchObject({
      phase: 'ineligible',
      reason: 'already-checked-in',
    });
    await h.ok('devRemoveCard', {});
    await h.ok('finishVoterSession', {});
    expect((await presentVoterCard(h, voters()[1]!.label)).phase).toBe('ballot');
    expect(await reviewAndCast(h)).not.toBe(code);
    await h.ok('devRemoveCard', {});
    await h.ok('finishVoterSession', {});
    expect((await h.status()).counts).toEqual({ checkins: 2, ballots: 2 });
  });

  it('closing the polls sends both ballots, the one from before the restart too, to the ledger', async () => {
    await h.signIn(official().label, official().pin);
    const closed = await h.ok('closePolls', {});
    expect(closed.report!.report.totals).toEqual({ checkins: 2, ballots: 2 });
    await h.signOut();
    const drained = await h.waitFor(
      'every ballot and chained entry to be witnessed',
      (x) => x.ledger.ballotsWaiting === 0 && x.ledger.chainedWaiting === 0,
      60_000,
    );
    expect(drained.ledger.lastAcknowledgedCheckpoint?.cosignatures).toBeGreaterThanOrEqual(1);
    await h.close();
  });

  it('started again after the close: polls closed, nothing to unlock', async () => {
    await start();
    const s = await h.status();
    expect(s).toMatchObject({ polls: 'closed', counts: { checkins: 2, ballots: 2 } });
    expect(s.alarms.some((a) => a.kind === 'hsm-locked')).toBe(false);
    const text = (await demoInstructions(demo!)).join('\n');
    expect(text).toMatch(/Polls are closed at this kiosk/);
    expect(text).not.toMatch(/LOCKED/);
    await h.close();
  });
});

describe('demo state that cannot be opened again', { timeout: 180_000 }, () => {
  it('state of another election is refused, naming both and --fresh', async () => {
    const paths = demoPaths(dataDir);
    const original = readFileSync(paths.stateFile, 'utf8');
    writeFileSync(paths.stateFile, JSON.stringify({ v: 1, electionId: 'an-earlier-election' }));
    const r = await startDemo({ dataDir, port: 0, version: 'test', staticRoot: null });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/belong to the election an-earlier-election/);
      expect(r.error).toContain(electionId);
      expect(r.error).toContain('ogas kiosk --demo --fresh');
    }
    writeFileSync(paths.stateFile, original);
  });

  it('a provisioned kiosk without its HSM key file is refused (its sealed key is lost)', async () => {
    const paths = demoPaths(dataDir);
    const key = readFileSync(paths.hsmKeyFile);
    rmSync(paths.hsmKeyFile);
    const r = await startDemo({ dataDir, port: 0, version: 'test', staticRoot: null });
    expect(!r.ok && r.error).toMatch(/emulated HSM's key file .* is missing.*--fresh/s);
    writeFileSync(paths.hsmKeyFile, key, { mode: 0o600 });
  });

  it('fresh: a new kiosk and ledger for the same election, provisioned and open', async () => {
    const keyBefore = readFileSync(demoPaths(dataDir).hsmKeyFile, 'utf8');
    await start({ fresh: true });
    expect(demo!.resumed).toBe(false);
    expect(demo!.election.index.electionId).toBe(electionId);
    const s = await h.status();
    expect(s).toMatchObject({ polls: 'open', locked: false, counts: { checkins: 0, ballots: 0 } });
    expect(readFileSync(demoPaths(dataDir).hsmKeyFile, 'utf8')).not.toBe(keyBefore);
    // The voter of the earlier runs votes again: the new ledger has never seen them.
    expect((await presentVoterCard(h, voters()[0]!.label)).phase).toBe('ballot');
    await h.ok('cancelVoterSession', {});
    await h.ok('devRemoveCard', {});
    await h.close();
    expect(existsSync(demoPaths(dataDir).stateFile)).toBe(true);
  });
});
