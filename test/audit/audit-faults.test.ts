/**
 * `ogas audit` on logs built by the log builder (test/support): a clean log passes with the right
 * recount; each kind of fault DESIGN §6 "Audit" lists, planted alone, is reported with the index of the
 * entry at fault, and the audit exits 1. Where a planted fault necessarily causes others (an invalid
 * enrolment makes its kiosk's entries unacceptable), the test says which.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../protocol/bytes';
import { canonicalJson } from '../../protocol/jcs';
import { parseLeafData, type BallotEntry } from '../../protocol/entries';
import { tallyElection } from '../../protocol/tally';
import { simulateElection } from '../support/simulation';
import { createTestElection, type TestElection } from '../support/test-election';
import { LogBuilder, type ExportLog } from '../support/log-builder';
import {
  auditLog,
  envelopeOf,
  faultsOf,
  HOUR,
  MINUTE,
  miniLog,
  voteAll,
  withBrokenSignature,
  type AuditRun,
} from './audit-harness';

let e: TestElection;
let sample: TestElection;

beforeAll(async () => {
  e = await createTestElection({ mode: 'roll', voters: 24, minBatch: 3, witnesses: 2, quorum: 2 });
  sample = await createTestElection({ mode: 'sample', voters: 12, minBatch: 3, seed: 'sample-mode' });
});

function kinds(run: AuditRun): string[] {
  return [...new Set(run.report.faults.map((f) => f.kind))].sort();
}

function expectFault(run: AuditRun, kind: Parameters<typeof faultsOf>[1], index: number): void {
  expect(run.code, run.stdout.slice(0, 2000)).toBe(1);
  expect(run.report.passed).toBe(false);
  expect(
    faultsOf(run, kind).map((f) => f.index),
    JSON.stringify(run.report.faults, null, 1).slice(0, 3000),
  ).toContain(index);
}

/** The recount of every ballot in the log, by protocol/tally directly. */
function expectedResults(t: TestElection, log: ExportLog) {
  const ballots: BallotEntry[] = [];
  for (const leaf of log.entries.slice(1)) {
    const env = parseLeafData(leaf);
    if (env.ok && env.value.entry.type === 'ballot') ballots.push(env.value.entry);
  }
  return tallyElection(t.election.package, ballots);
}

describe('ogas audit: clean logs', () => {
  it('passes a clean roll-mode election (exit 0) and recounts it exactly', async () => {
    const log = simulateElection(e, {
      kiosks: 2,
      voters: e.voters.slice(0, 14),
      checkpointEvery: 4,
    }).finish();
    const run = await auditLog(e, log);
    expect(run.report.faults).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.report.passed).toBe(true);
    expect(run.report.entries).toBe(log.entries.length);
    expect(run.report.counts).toMatchObject({ enrolments: 2, checkins: 14, ballots: 14 });
    expect(run.report.results).toEqual(expectedResults(e, log));
    expect(run.report.results?.ballots).toBe(14);
    expect(run.report.officials.map((o) => o.kiosks.length).sort()).toEqual([1, 1]);
    expect(run.report.notChecked).toEqual([]);
  });

  it('passes a clean sample-mode election, checking voters against `selected`', async () => {
    const log = simulateElection(sample, { kiosks: 2, voters: sample.voters.slice(0, 8) }).finish();
    const run = await auditLog(sample, log, { roll: true });
    expect(run.report.faults).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.report.results?.ballots).toBe(8);
  });

  it('says what it could not check: roll mode without --roll', async () => {
    const log = simulateElection(e, { kiosks: 1, voters: e.voters.slice(0, 6) }).finish();
    const run = await auditLog(e, log, { roll: false });
    expect(run.code).toBe(0);
    expect(run.report.notChecked.join(' ')).toMatch(/voter eligibility.*--roll/);
  });
});

describe('ogas audit: each kind of fault, reported with its entry index, exit 1', () => {
  it('bad signature', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 6));
      at = b.append([withBrokenSignature(k.checkin(e.voters[6]!)[0]!)]);
      k.checkins--; // the kiosk's own count: the broken check-in is not one it signed
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'bad-signature', at);
    expect(kinds(run)).toEqual(['bad-signature']);
  });

  it('wrong context (a check-in signed as a ballot)', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 6));
      const entry = envelopeOf(k.checkin(e.voters[6]!)[0]!).entry;
      k.checkins--;
      at = b.append([k.signWithContext(entry, 'ballot')]);
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'wrong-context', at);
    expect(faultsOf(run, 'wrong-context')[0]!.message).toMatch(/context of a ballot/);
    expect(kinds(run)).toEqual(['wrong-context']);
  });

  it('unknown kiosk (entries from a kiosk never enrolled)', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 6));
      const ghost = b.kiosk('ghost');
      at = b.append(ghost.checkin(e.voters[7]!));
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'unknown-kiosk', at);
    expect(kinds(run)).toEqual(['unknown-kiosk']);
  });

  it('bad enrolment (the official card signature is by another card)', async () => {
    const b = miniLog(e, (bb, k) => void voteAll(bb, k, e.voters.slice(0, 6)));
    const k = b.kiosks[0]!;
    b.entries[1] = k.enrolment(e.officials[0], e.officials[1])[0]!;
    const run = await auditLog(e, b.finish());
    expectFault(run, 'bad-enrolment', 1);
    expect(faultsOf(run, 'bad-enrolment')[0]!.message).toMatch(
      /signature on this kiosk enrolment does not verify/,
    );
    // Its kiosk is then not validly enrolled: each of its later entries is refused too.
    expect(kinds(run)).toEqual(['bad-enrolment', 'unknown-kiosk']);
  });

  it('voter not in the sample', async () => {
    let at = 0;
    const log = miniLog(sample, (b, k) => {
      voteAll(b, k, sample.voters.slice(0, 6));
      at = b.append(k.checkin(sample.outsiders[0]!));
    }).finish();
    const run = await auditLog(sample, log);
    expectFault(run, 'voter-not-eligible', at);
    expect(faultsOf(run, 'voter-not-eligible')[0]!.message).toMatch(/not in the sample/);
    expect(kinds(run)).toEqual(['voter-not-eligible']);
  });

  it('wrong style (an eligible voter checked in on another style)', async () => {
    let at = 0;
    const voter = e.voters[8]!;
    const other = voter.style === 'deu' ? 'usa' : 'deu';
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 6));
      at = b.append(k.checkin({ voterRef: voter.voterRef, style: other }));
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'wrong-style', at);
    expect(kinds(run)).toEqual(['wrong-style']);
  });

  it('voter twice (a second check-in of the same voter, at another kiosk)', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 6));
      const k2 = b.kiosk('second');
      b.append(k2.enrolment());
      at = b.append(k2.checkin(e.voters[2]!));
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'voter-twice', at);
    expect(faultsOf(run, 'voter-twice')[0]!.message).toMatch(/already checked in at entry/);
    expect(kinds(run)).toEqual(['voter-twice']);
  });

  it('seq gap in a kiosk chain', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 5));
      k.seq += 1;
      at = b.append(k.polls('pause'));
      b.append(k.polls('resume'));
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'chain-seq', at);
    expect(kinds(run)).toEqual(['chain-seq']);
  });

  it('wrong prev in a kiosk chain', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 5));
      k.head = 'ab'.repeat(32);
      at = b.append(k.polls('pause'));
      b.append(k.polls('resume'));
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'chain-prev', at);
    expect(kinds(run)).toEqual(['chain-prev']);
  });

  it('wrong batch root', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 5));
      at = b.append(k.batch(k.queue.splice(0, 3), { root: '00'.repeat(32) }));
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'batch-root', at);
    expect(kinds(run)).toEqual(['batch-root']);
  });

  it('wrong batch count (the manifest announces one ballot more than follow)', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 5));
      at = b.append(k.batch(k.queue.splice(0, 3), { count: 4 }));
      b.append(k.polls('pause'));
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'batch-count', at);
    expect(kinds(run)).toEqual(['batch-count']);
  });

  it('small non-final batch (fewer than minBatch)', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 4));
      at = b.append(k.batch(k.queue.splice(0, 2)));
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'small-batch', at);
    expect(kinds(run)).toEqual(['small-batch']);
  });

  it('second final batch', async () => {
    let at = 0;
    const log = miniLog(
      e,
      (b, k) => {
        voteAll(b, k, e.voters.slice(0, 5));
        b.at(e.closesMs + HOUR / 4).append(k.finalBatch());
        k.cast(e.voters[0]!.style, { proposal: ['no'] });
        at = b.append(k.finalBatch());
        b.append(k.polls('close'));
      },
      { close: false },
    ).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'second-final', at);
    // Its ballot also has no check-in of its own.
    expect(kinds(run)).toEqual(['ballots-exceed-checkins', 'second-final']);
  });

  it('entries after the final batch', async () => {
    let at = 0;
    const log = miniLog(
      e,
      (b, k) => {
        voteAll(b, k, e.voters.slice(0, 5));
        b.append(k.finalBatch());
        b.now += MINUTE;
        at = b.append(k.checkin(e.voters[9]!));
        b.at(e.closesMs + HOUR / 2).append(k.polls('close'));
      },
      { close: false },
    ).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'after-final', at);
    expect(kinds(run)).toEqual(['after-final']);
  });

  it('more ballots than check-ins (per kiosk and style)', async () => {
    let at = 0;
    const log = miniLog(
      e,
      (b, k) => {
        voteAll(b, k, e.voters.slice(0, 4));
        k.cast(e.voters[0]!.style, { proposal: ['no'] }); // a ballot without its check-in
        b.at(e.closesMs + HOUR / 2);
        at = b.append(k.finalBatch());
        b.append(k.polls('close'));
      },
      { close: false },
    ).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'ballots-exceed-checkins', at);
    expect(kinds(run)).toEqual(['ballots-exceed-checkins']);
  });

  it('duplicate tracker', async () => {
    let first: Uint8Array = new Uint8Array();
    let second: Uint8Array = new Uint8Array();
    const b = miniLog(e, (bb, k) => {
      voteAll(bb, k, e.voters.slice(0, 4));
      const [v1, v2] = [e.voters[4]!, e.voters[5]!];
      bb.append(k.checkin(v1));
      first = k.cast(v1.style, { proposal: ['yes'] }, 'aa'.repeat(16));
      bb.append(k.checkin(v2));
      second = k.cast(v2.style, { proposal: ['no'] }, 'aa'.repeat(16));
    });
    const log = b.finish();
    const positions = [first, second].map((leaf) =>
      log.entries.findIndex((x) => fromUtf8(x) === fromUtf8(leaf)),
    );
    const run = await auditLog(e, log);
    expectFault(run, 'duplicate-tracker', Math.max(...positions));
    expect(kinds(run)).toEqual(['duplicate-tracker']);
  });

  it('duplicate leaf (the same check-in bytes twice)', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 5));
      const leaf = k.checkin(e.voters[10]!);
      b.append(leaf);
      at = b.append(leaf);
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'duplicate-leaf', at);
    // The same check-in twice is also the same voter twice.
    expect(kinds(run)).toEqual(['duplicate-leaf', 'polls-counts', 'voter-twice']);
  });

  it('tampered entry: the tree rebuilt from the entries is not the one the log signed', async () => {
    const b = simulateElection(e, { kiosks: 2, voters: e.voters.slice(0, 12), checkpointEvery: 4 });
    const log = b.finish();
    // Entry 9 re-signed by its own kiosk: same content, valid signature, other bytes than the log signed.
    const at = log.entries.findIndex((leaf, i) => i >= 9 && envelopeOf(leaf).entry.type === 'checkin');
    const entry = envelopeOf(log.entries[at]!).entry;
    const kiosk = b.kiosks.find((k) => k.id === entry.kiosk)!;
    log.entries[at] = kiosk.sign(entry);
    const run = await auditLog(e, log);
    expect(run.code).toBe(1);
    const [mismatch] = faultsOf(run, 'root-mismatch');
    expect(mismatch).toBeDefined();
    const [from, to] = mismatch!.range!;
    expect(from).toBeLessThanOrEqual(at);
    expect(to).toBeGreaterThan(at);
    expect(mismatch!.index).toBe(from);
    expect(kinds(run)).toEqual(['root-mismatch']);
  });

  it('latest checkpoint without the witness quorum', async () => {
    const b = simulateElection(e, { kiosks: 1, voters: e.voters.slice(0, 6) });
    b.at(e.drainEndMs + 10 * MINUTE).checkpoint({ witnesses: [0] });
    const log = b.finish({ finalCheckpoint: false });
    const run = await auditLog(e, log);
    expectFault(run, 'checkpoint-quorum', log.entries.length - 1);
    expect(faultsOf(run, 'checkpoint-quorum')[0]!.message).toMatch(
      /1 valid witness cosignature.*quorum is 2/,
    );
  });

  it('a published checkpoint inconsistent with the final tree', async () => {
    const b = simulateElection(e, { kiosks: 2, voters: e.voters.slice(0, 12), checkpointEvery: 4 });
    const plan = b.plans[2]!;
    plan.root = new Uint8Array(32).fill(7);
    const run = await auditLog(e, b.finish());
    expectFault(run, 'checkpoint-inconsistent', plan.size - 1);
    expect(kinds(run)).toEqual(['checkpoint-inconsistent']);
  });

  it('last checkpoint dated before closes + drainHours', async () => {
    const b = simulateElection(e, { kiosks: 1, voters: e.voters.slice(0, 6) });
    const log = b.finish({ finalCheckpoint: false });
    const run = await auditLog(e, log);
    expectFault(run, 'checkpoint-early', log.entries.length - 1);
    expect(kinds(run)).toEqual(['checkpoint-early']);
  });

  it('package signatures short of m', async () => {
    const short = await createTestElection({ voters: 12, signedBy: 1, seed: 'short-of-m' });
    const log = simulateElection(short, { kiosks: 1, voters: short.voters.slice(0, 6) }).finish();
    const run = await auditLog(short, log);
    expectFault(run, 'package-signatures', 0);
    expect(faultsOf(run, 'package-signatures')[0]!.message).toMatch(
      /1 valid authority signature.*requires 2/,
    );
    expect(kinds(run)).toEqual(['package-signatures']);
  });

  it('entry 0 is not the package', async () => {
    const b = simulateElection(e, { kiosks: 1, voters: e.voters.slice(0, 6) });
    // Another package (its title changed) as entry 0; election.json is the real one.
    b.entries[0] = utf8(canonicalJson({ ...e.source, title: { en: 'Another election', fr: 'Une autre' } }));
    const log = b.finish();
    log.electionJson = e.election.entryBytes;
    const run = await auditLog(e, log);
    expectFault(run, 'entry0-mismatch', 0);
    expect(kinds(run)).toEqual(['entry0-mismatch']);
  });
});

describe('ogas audit: more of what it checks', () => {
  it('reports every fault, not just the first', async () => {
    const ats: number[] = [];
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 6));
      for (const v of e.outsiders) ats.push(b.append(k.checkin(v)));
    }).finish();
    const run = await auditLog(e, log);
    expect(faultsOf(run, 'voter-not-eligible').map((f) => f.index)).toEqual(ats);
    expect(ats.length).toBe(3);
  });

  it('a malformed line and an entry of another election', async () => {
    let bad = 0;
    let foreign = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 6));
      bad = b.append([utf8('{"entry": "not canonical"}')]);
      const entry = { ...envelopeOf(k.checkin(e.voters[11]!)[0]!).entry, election: 'ee'.repeat(32) };
      k.checkins--;
      foreign = b.append([k.sign(entry as never)]);
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'malformed', bad);
    expectFault(run, 'wrong-election', foreign);
  });

  it('a check-in appended after the polls closed, as the checkpoints show', async () => {
    let at = 0;
    const log = miniLog(
      e,
      (b, k) => {
        voteAll(b, k, e.voters.slice(0, 6));
        b.at(e.closesMs + MINUTE).checkpoint();
        b.now += MINUTE;
        at = b.append(k.checkin(e.voters[12]!));
        b.append(k.finalBatch());
        b.append(k.polls('close'));
      },
      { close: false },
    ).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'checkin-window', at);
    expect(faultsOf(run, 'checkin-window')[0]!.message).toMatch(/after the polls closed/);
  });

  it('a check-in in the log before the polls opened, as a checkpoint shows', async () => {
    const b = new LogBuilder(e);
    const k = b.kiosk('early');
    b.at(e.opensMs - 2 * HOUR).append(k.enrolment());
    const at = b.append(k.checkin(e.voters[0]!));
    k.cast(e.voters[0]!.style, { proposal: ['yes'] });
    b.at(e.opensMs - HOUR).checkpoint();
    b.at(e.opensMs + MINUTE).append(k.polls('open'));
    b.at(e.closesMs + HOUR / 2).append(k.finalBatch());
    b.append(k.polls('close'));
    const run = await auditLog(e, b.finish());
    expectFault(run, 'checkin-window', at);
    expect(faultsOf(run, 'checkin-window')[0]!.message).toMatch(/before the polls opened/);
    expect(kinds(run)).toEqual(['checkin-window']);
  });

  it('a batch appended after closes + drainHours, as a checkpoint shows', async () => {
    let at = 0;
    const log = miniLog(
      e,
      (b, k) => {
        voteAll(b, k, e.voters.slice(0, 5));
        b.at(e.drainEndMs + MINUTE).checkpoint();
        b.now += MINUTE;
        at = b.append(k.finalBatch());
        b.append(k.polls('close'));
      },
      { close: false },
    ).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'after-drain', at);
    expect(kinds(run)).toEqual(['after-drain']);
  });

  it('a kiosk enrolled after the polls closed, as a checkpoint shows', async () => {
    let at = 0;
    const log = miniLog(e, (b, k) => {
      voteAll(b, k, e.voters.slice(0, 5));
      b.at(e.closesMs + MINUTE).checkpoint();
      b.now += MINUTE;
      at = b.append(b.kiosk('late').enrolment());
    }).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'enrolment-late', at);
    expect(kinds(run)).toEqual(['enrolment-late']);
  });

  it('a polls close whose counts are not what the log holds', async () => {
    let at = 0;
    const log = miniLog(
      e,
      (b, k) => {
        voteAll(b, k, e.voters.slice(0, 6));
        b.at(e.closesMs + HOUR / 2).append(k.finalBatch());
        at = b.append(k.polls('close', { checkins: 7, ballots: 6 }));
      },
      { close: false },
    ).finish();
    const run = await auditLog(e, log);
    expectFault(run, 'polls-counts', at);
    expect(kinds(run)).toEqual(['polls-counts']);
  });

  it('is refused with exit 2 when an input cannot be used', async () => {
    const log = simulateElection(e, { kiosks: 1, voters: e.voters.slice(0, 3) }).finish();
    const other = await createTestElection({ voters: 5, seed: 'other-roll' });
    const run = await auditLog({ ...e, rollText: other.rollText }, log);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not the package's rollRoot/);
  });
});
