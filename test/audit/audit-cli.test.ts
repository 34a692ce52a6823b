/**
 * `ogas audit` and `ogas tally` as a person runs them: on a demo election (`ogas election demo`), with
 * the text report; the tally of a log whose entries were altered; usage errors.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExport } from '../support/log-builder';
import { simulateElection } from '../support/simulation';
import { createTestElection, loadDemoElection, type TestElection } from '../support/test-election';
import { main } from '../../main/cli/main';
import { bufferIo, envelopeOf } from './audit-harness';

let dir: string;
let e: TestElection;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await main(args, io.io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ogas-audit-cli-'));
  e = await createTestElection({ voters: 12, seed: 'audit-cli' });
  await writeFile(join(dir, 'trust.json'), e.trustText);
  await writeFile(join(dir, 'roll.jsonl'), e.rollText);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ogas audit on a demo election (ogas election demo)', () => {
  it('audits a log built on the demo folder: text report, enrolments per official, results, exit 0', async () => {
    const demo = join(dir, 'demo');
    const made = await run(['election', 'demo', '--out', demo, '--seed', 'audit-test', '--per-style', '2']);
    expect(made.code, made.err).toBe(0);
    const d = await loadDemoElection(demo);
    const b = simulateElection(d, { kiosks: 3, voters: d.voters.slice(0, 24) });
    const folder = join(dir, 'demo-export');
    await writeExport(folder, b.finish());
    const audit = await run([
      'audit',
      '--authority',
      join(demo, 'authority-trust.json'),
      '--election',
      join(demo, 'election.json'),
      '--ledger',
      folder,
      '--roll',
      join(demo, 'roll.jsonl'),
      '--threads',
      '2',
    ]);
    expect(audit.code, audit.out).toBe(0);
    expect(audit.out).toMatch(/AUDIT PASSED: no fault found\./);
    expect(audit.out).toMatch(
      /enrolments per official \(DESIGN §9\):\n {2}CN=[^\n]+, OU=official[^\n]*: 2 kiosk\(s\) at entries 1, 3\n {2}CN=[^\n]+: 1 kiosk\(s\) at entries 2\n/,
    );
    expect(audit.out).toMatch(/24 ballot\(s\) counted/);
    expect(audit.out).toMatch(/verifier +\S+ on 2 thread\(s\)/);
    expect(audit.out).toMatch(/Ballots carry no time/);
  });
});

describe('ogas audit and tally: faults and usage', () => {
  it('prints every fault with its entry index in the text report', async () => {
    const b = simulateElection(e, { kiosks: 1, voters: e.voters.slice(0, 6) });
    // Appended by a kiosk never enrolled, after the checkpoints showed the polls closed.
    const ghost = b.kiosk('ghost');
    const at = [b.append(ghost.checkin(e.voters[7]!)), b.append(ghost.checkin(e.voters[8]!))];
    const folder = join(dir, 'faulty');
    await writeExport(folder, b.finish());
    const audit = await run([
      'audit',
      '--authority',
      join(dir, 'trust.json'),
      '--ledger',
      folder,
      '--roll',
      join(dir, 'roll.jsonl'),
    ]);
    expect(audit.code).toBe(1);
    expect(audit.out).toMatch(/AUDIT FAILED: 4 fault\(s\):/);
    for (const i of at) {
      expect(audit.out).toContain(
        `[entry ${i}] unknown-kiosk: kiosk ${ghost.id} is not enrolled before this entry`,
      );
      expect(audit.out).toContain(
        `[entry ${i}] checkin-window: the check-in was appended after the polls closed`,
      );
    }
  });

  it('tally: exit 0 with results on a clean log, exit 1 when the entries are not the tree the log signed', async () => {
    const b = simulateElection(e, { kiosks: 1, voters: e.voters.slice(0, 6) });
    const log = b.finish();
    const clean = join(dir, 'tally-clean');
    await writeExport(clean, log);
    const ok = await run(['tally', '--ledger', clean, '--authority', join(dir, 'trust.json')]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/6 ballot\(s\) counted/);
    expect(ok.out).toMatch(/NOT CHECKED entry signatures/);
    expect(ok.out).toMatch(/verified +tree: the \d+ entries rebuild the checkpoint's root/);
    const at = log.entries.findIndex((leaf, i) => i > 0 && envelopeOf(leaf).entry.type === 'checkin');
    log.entries[at] = b.kiosks[0]!.sign(envelopeOf(log.entries[at]!).entry);
    const altered = join(dir, 'tally-altered');
    await writeExport(altered, log);
    const bad = await run(['tally', '--ledger', altered]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/FAULT .*root-mismatch/);
    expect(bad.out).toMatch(/did NOT verify/);
  });

  it('exit 2 for bad usage and unreadable input, with the reason', async () => {
    const missing = await run(['audit', '--ledger', dir]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--authority is required/);
    const nofolder = await run([
      'audit',
      '--authority',
      join(dir, 'trust.json'),
      '--ledger',
      join(dir, 'nowhere'),
    ]);
    expect(nofolder.code).toBe(2);
    expect(nofolder.err).toMatch(/cannot read the export folder/);
    await writeFile(join(dir, 'bad-trust.json'), '{"keys": [], "m": 1}');
    const empty = join(dir, 'tally-clean');
    const badTrust = await run(['audit', '--authority', join(dir, 'bad-trust.json'), '--ledger', empty]);
    expect(badTrust.code).toBe(2);
    expect(badTrust.err).toMatch(/trust file is not valid/);
    const unreachable = await run([
      'audit',
      '--authority',
      join(dir, 'trust.json'),
      '--ledger',
      'http://127.0.0.1:9',
    ]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.err).toMatch(/does not answer/);
  });
});
