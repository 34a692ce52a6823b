/**
 * Child process of the audit benchmark: runs `ogas audit … --json` in this process and prints one JSON
 * line `{code, seconds, maxRssMb, entries, faults, threads, verifier}`. maxRSS (getrusage ru_maxrss) is
 * the high-water mark of the whole process, worker threads included: what the audit needed at its peak.
 *
 *   node --import tsx test/support/measure-audit.ts <ogas audit arguments…>
 */
import { PassThrough } from 'node:stream';
import { main } from '../../main/cli/main';
import type { AuditReport } from '../../ledger/audit/run-audit';

const stdout = new PassThrough();
const chunks: Buffer[] = [];
stdout.on('data', (c: Buffer) => chunks.push(c));
const started = performance.now();
const code = await main(['audit', ...process.argv.slice(2), '--json'], {
  stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  stopSignal: new AbortController().signal,
});
const seconds = (performance.now() - started) / 1000;
const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AuditReport;
process.stdout.write(
  `${JSON.stringify({
    code,
    seconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    entries: report.entries,
    ballots: report.counts?.ballots ?? 0,
    faults: report.faults.length,
    threads: report.threads,
    verifier: report.verifier,
  })}\n`,
);
process.exit(0);
