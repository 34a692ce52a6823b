/**
 * Helpers for the audit tests: write a log to a temporary export folder, run `ogas audit` on it through
 * the CLI (exit code and --json report), and script small logs with one planted fault.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fromBase64, fromUtf8, toBase64 } from '../../protocol/bytes';
import { canonicalBytes } from '../../protocol/jcs';
import type { Envelope } from '../../protocol/entries';
import type { RollRecord } from '../../protocol/voters';
import type { AuditReport } from '../../ledger/audit/run-audit';
import type { Fault, FaultKind } from '../../ledger/audit/faults';
import { main } from '../../main/cli/main';
import type { CliIo } from '../../main/cli/command';
import { LogBuilder, writeExport, type ExportLog } from '../support/log-builder';
import type { SimKiosk } from '../support/sim-kiosk';
import type { TestElection } from '../support/test-election';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export function bufferIo(): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (errText += c.toString()));
  return {
    io: { stdout, stderr, stdin: new PassThrough(), stopSignal: new AbortController().signal },
    out: () => out,
    err: () => errText,
  };
}

export interface AuditRun {
  readonly code: number;
  readonly report: AuditReport;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ogas audit --json` through the CLI on an export folder or URL. */
export async function auditCli(
  e: TestElection,
  ledger: string,
  extra: readonly string[] = [],
  options: { readonly roll?: boolean; readonly threads?: string } = {},
): Promise<AuditRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ogas-audit-inputs-'));
  try {
    const trust = join(dir, 'trust.json');
    await writeFile(trust, e.trustText);
    const args = [
      'audit',
      '--authority',
      trust,
      '--ledger',
      ledger,
      '--json',
      '--threads',
      options.threads ?? '0',
    ];
    if (options.roll ?? e.election.package.qualifications.voters.mode === 'roll') {
      const roll = join(dir, 'roll.jsonl');
      await writeFile(roll, e.rollText);
      args.push('--roll', roll);
    }
    const io = bufferIo();
    const code = await main([...args, ...extra], io.io);
    const report = (io.out().trim() ? JSON.parse(io.out()) : undefined) as AuditReport;
    return { code, report, stdout: io.out(), stderr: io.err() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes `log` to a fresh temporary folder, audits it, removes the folder. */
export async function auditLog(
  e: TestElection,
  log: ExportLog,
  options: { readonly roll?: boolean; readonly threads?: string; readonly extra?: readonly string[] } = {},
): Promise<AuditRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ogas-audit-log-'));
  try {
    await writeExport(dir, log);
    return await auditCli(e, dir, options.extra ?? [], options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The faults of a kind in a report. */
export function faultsOf(run: AuditRun, kind: FaultKind): Fault[] {
  return run.report.faults.filter((f) => f.kind === kind);
}

/** The parsed envelope of a leaf. */
export function envelopeOf(leaf: Uint8Array): Envelope {
  return JSON.parse(fromUtf8(leaf)) as Envelope;
}

/** A leaf with one bit of its signature flipped (still canonical JSON, still valid base64). */
export function withBrokenSignature(leaf: Uint8Array): Uint8Array {
  const env = envelopeOf(leaf);
  const sig = fromBase64(env.sig);
  sig[100] = sig[100]! ^ 0x01;
  return canonicalBytes({ ...env, sig: toBase64(sig) });
}

/**
 * A one-kiosk election for planting faults: the kiosk is enrolled two hours before the polls open (a
 * checkpoint an hour later), opens its polls a minute after they open, then `body` runs with the
 * clock inside the window; then (unless `body` did) a final batch and the polls close half an hour
 * after the close, a checkpoint, and the final one after closes + drainHours (finish()).
 */
export function miniLog(
  e: TestElection,
  body: (b: LogBuilder, k: SimKiosk) => void,
  options: { readonly close?: boolean } = {},
): LogBuilder {
  const b = new LogBuilder(e);
  const k = b.kiosk('mini-1');
  b.at(e.opensMs - 2 * HOUR).append(k.enrolment());
  b.at(e.opensMs - HOUR).checkpoint();
  b.at(e.opensMs + MINUTE).append(k.polls('open'));
  b.at(e.opensMs + 2 * MINUTE);
  body(b, k);
  if (options.close ?? true) {
    b.at(e.closesMs + HOUR / 2).append(k.finalBatch());
    b.append(k.polls('close'));
  }
  b.at(e.closesMs + HOUR).checkpoint();
  return b;
}

/** Checks in `voters` at kiosk k and casts one ballot each; returns the check-in indexes. */
export function voteAll(b: LogBuilder, k: SimKiosk, voters: readonly RollRecord[]): number[] {
  const at: number[] = [];
  for (const v of voters) {
    b.now += MINUTE;
    at.push(b.append(k.checkin(v)));
    k.cast(v.style, { proposal: ['yes'] });
  }
  return at;
}
