/**
 * Crash test (issue 6 "Proof it holds"): a kiosk process is killed with SIGKILL at a random moment of
 * casting or batching, at least 200 times, and started again on the same store; at the end it closes
 * polls and drains. Then, on the log (one ledger and witness for all runs, the ledger's clock moved past
 * closes + drainHours so entries can be read):
 * - every ballot a voter was told was cast (the worker prints its code only after `cast()` resolved)
 *   is on the log exactly once, and every ballot the store holds is on the log (none lost, none doubled);
 * - the kiosk chain runs seq 1, 2, 3… without a gap, with one final batch and then the polls close, whose
 *   counts are the log's; batch roots, signatures, minBatch, ballots ≤ check-ins (kiosk-log-check.ts);
 * - the store agrees: every chained entry witnessed, nothing waiting;
 * - the audit (ledger/audit, what `ogas audit` runs) passes over the whole log.
 *
 * `OGAS_CRASH_RUNS` changes the number of kills (default 200).
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../protocol/bytes';
import { trackingCodeOf } from '../../protocol/entries';
import { leafHash } from '../../protocol/merkle';
import { nobleVerifier } from '../../protocol/ml-dsa';
import { fastestMlDsaVerifier } from '../../native/ml-dsa';
import { ledgerTrustOf } from '../../main/ledger-client';
import { Store } from '../../main/store';
import {
  provisionTestKiosk,
  startTestNetwork,
  type TestKioskStore,
  type TestNetwork,
} from '../../main/queue/test-kiosk';
import { auditAfterDrain } from './audit-after-drain';
import { checkKioskLog } from './kiosk-log-check';
import type { WorkerJob } from './kiosk-worker';
import { bundleWorker } from './worker-bundle';

const KILLS = Number(process.env['OGAS_CRASH_RUNS'] ?? '200');
const VOTERS_PER_RUN = 2;
/** Runs that end by themselves before their kill do not count; this bounds the whole test. */
const MAX_RUNS = KILLS * 4;
const HOUR = 3_600_000;

let dir: string;
let net: TestNetwork;
let kiosk: TestKioskStore;
let worker: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ogas-crash-'));
  net = await startTestNetwork({
    voters: MAX_RUNS * VOTERS_PER_RUN + 10,
    minBatch: 2,
    maxBatch: 8,
    ledgerDb: join(dir, 'ledger.db'),
  });
  kiosk = provisionTestKiosk(net, dir, 'crash');
  const queue = kiosk.openQueue();
  const enrolled = await queue.enrol(kiosk.testKiosk.enrolment());
  if (!enrolled.ok) throw new Error(enrolled.error.message);
  expect((await queue.pollsEvent('open')).ok).toBe(true);
  kiosk.store.close();
  worker = await bundleWorker(dir);
});
afterAll(async () => {
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface RunResult {
  readonly lines: string[];
  readonly killed: boolean;
  readonly code: number | null;
}

/**
 * When to kill: `after` lines of output (0: READY, n: the n-th CAST), then `delayMs` more. Anchoring on
 * what the worker said, rather than on the clock alone, spreads the kills over check-in, signing, the
 * cast transaction and batching whatever the load of the machine.
 */
interface KillPlan {
  readonly after: number;
  readonly delayMs: number;
}

/** Starts the worker and kills it as `plan` says (if it is still running then). */
function run(job: WorkerJob, plan: KillPlan | undefined, limitMs = 120_000): Promise<RunResult> {
  const jobFile = join(dir, 'job.json');
  writeFileSync(jobFile, JSON.stringify(job));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, jobFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let casts = 0;
    let buffer = '';
    let killed = false;
    let stderr = '';
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    const limit = setTimeout(kill, limitMs);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.startsWith('CAST ')) casts++;
        const reached = line === 'READY' ? 0 : line.startsWith('CAST ') ? casts : -1;
        if (plan && reached === plan.after) setTimeout(kill, plan.delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', (code) => {
      clearTimeout(limit);
      // A partial last line was never fully written: it does not count as said.
      if (stderr) lines.push(`STDERR ${stderr.slice(0, 2000)}`);
      resolve({ lines, killed, code });
    });
  });
}

async function readLog(): Promise<{ leaves: Uint8Array[]; note: string }> {
  const note = await fetch(`${net.url}/v1/checkpoint`).then((r) => r.text());
  const size = Number(note.split('\n')[1]);
  const leaves: Uint8Array[] = [];
  for (let start = 0; start < size; start += 10_000) {
    const end = Math.min(size, start + 10_000);
    const text = await fetch(`${net.url}/v1/entries?start=${start}&end=${end}`).then((r) => r.text());
    leaves.push(
      ...text
        .split('\n')
        .slice(0, end - start)
        .map((l) => utf8(l)),
    );
  }
  return { leaves, note };
}

describe('kiosk crash test', () => {
  it(
    `SIGKILL at a random moment, ${KILLS} times: every ballot told cast reaches the ledger exactly once`,
    async () => {
      const job = (r: number, close: boolean): WorkerJob => ({
        db: join(dir, 'crash.db'),
        ledgerUrl: net.url,
        publicKey: toHex(kiosk.keys.publicKey),
        secretKey: toHex(kiosk.keys.secretKey),
        voters: net.fixture.voters.slice(r * VOTERS_PER_RUN, (r + 1) * VOTERS_PER_RUN),
        close,
      });
      const told: string[] = [];
      let kills = 0;
      let runs = 0;
      // When kills landed: before the first cast of a run, between its casts, after its last (batching).
      const phases = [0, 0, 0];
      // How long after its anchor a kill may come: READY is followed by a check-in and a cast (the
      // slowest step, first signatures of a fresh process), a cast by the next voter or by batching.
      // The windows adapt to the machine: a run that ends before its kill narrows its phase's window,
      // a kill that lands widens it a little, so on a fast or a loaded machine most runs are killed
      // while still at work, anywhere in the phase.
      const windows = [1200, 600, 300];
      while (kills < KILLS) {
        expect(runs, 'too many runs ended before their kill').toBeLessThan(MAX_RUNS);
        const after = randomInt(VOTERS_PER_RUN + 1);
        const result = await run(job(runs, false), { after, delayMs: randomInt(windows[after]!) });
        runs++;
        for (const line of result.lines) {
          if (line.startsWith('CAST ')) told.push(line.slice(5));
          expect(line, line).not.toMatch(/^(FATAL|CASTFAIL|STDERR)/);
        }
        windows[after] = Math.max(20, Math.round(windows[after]! * (result.killed ? 1.05 : 0.7)));
        if (result.killed) {
          kills++;
          const casts = result.lines.filter((l) => l.startsWith('CAST ')).length;
          phases[casts === 0 ? 0 : casts < VOTERS_PER_RUN ? 1 : 2]!++;
        } else {
          expect(result.code, result.lines.join('\n')).toBe(0);
        }
      }
      const final = await run(job(runs, true), undefined);
      expect(final.code, final.lines.join('\n')).toBe(0);
      for (const line of final.lines) if (line.startsWith('CAST ')) told.push(line.slice(5));
      expect(final.lines).toContain('IDLE');

      // The store: everything witnessed, nothing waiting.
      const opened = Store.open(join(dir, 'crash.db'));
      if (!opened.ok) throw new Error(opened.error);
      const store = opened.value;
      const stored = store.ballots.count();
      const chain = store.chain.all();
      expect(store.pendingWork()).toEqual({ ballots: 0, chainEntries: 0, checkins: 0 });
      expect(chain.every((e) => e.state === 'witnessed')).toBe(true);
      store.close();

      // The log, read after closes + drainHours.
      net.clock.now = Date.parse(net.fixture.election.package.window.closes) + 25 * HOUR;
      const { leaves, note } = await readLog();
      const trust = ledgerTrustOf(net.fixture.election.package);
      if (!trust.ok) throw new Error(trust.error);
      const verifier = fastestMlDsaVerifier(nobleVerifier).verifier;
      const summary = checkKioskLog(
        leaves,
        note,
        net.fixture.election,
        trust.value,
        {
          id: kiosk.testKiosk.id,
          publicKey: kiosk.keys.publicKey,
        },
        verifier,
      );
      expect(summary.problems).toEqual([]);
      const onLog = summary.ballots.map((b) => trackingCodeOf(leafHash(b)));
      const counts = new Map<string, number>();
      for (const c of onLog) counts.set(c, (counts.get(c) ?? 0) + 1);
      for (const code of told) expect(counts.get(code), `ballot ${code} told cast`).toBe(1);
      expect(new Set(onLog).size).toBe(onLog.length);
      expect(onLog.length).toBe(stored);
      expect(summary.chainLength).toBe(chain.length);
      // And the audit of the whole log (ledger/audit, as `ogas audit` runs it) passes, every ballot recounted.
      const audit = await auditAfterDrain(net);
      expect(audit.faults, JSON.stringify(audit.faults.slice(0, 5))).toEqual([]);
      expect(audit.passed).toBe(true);
      expect(audit.counts?.ballots).toBe(stored);
      // The kills hit every phase of a run (with enough runs for chance not to miss one).
      if (KILLS >= 100) for (const p of phases) expect(p).toBeGreaterThan(KILLS / 20);
      console.log(
        `crash test: ${kills} kills in ${runs + 1} runs (before the first cast ${phases[0]}, between casts ` +
          `${phases[1]}, after the last ${phases[2]}); ${told.length} ballots told cast, ${stored} stored, ` +
          `${onLog.length} on the log; chain of ${chain.length}; ${summary.checkins} check-ins`,
      );
    },
    30 * 60_000,
  );
});
