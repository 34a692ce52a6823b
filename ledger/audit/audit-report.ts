/**
 * The audit report as text for people (`ogas audit` without --json): what was checked and found, the
 * enrolments per official (DESIGN §9), the results, what could not be checked, and every fault with its
 * entry index (DESIGN §6).
 */
import type { ElectionPackage } from '../../protocol/election';
import { formatFault } from './faults';
import { formatResults } from './results-format';
import type { AuditReport } from './run-audit';

/** What the audit can say about time (DESIGN §9: ballots carry none), printed with every report. */
export const TIMING_NOTE =
  'Ballots carry no time (DESIGN §9). The audit bounds when each entry was appended by the checkpoints ' +
  'around it (the last one without it, the first one with it): it checks check-ins against [opens, closes) ' +
  'and ballots, batches and polls events against closes + drainHours wherever those bounds decide, and that ' +
  'each kiosk never has more ballots of a style than check-ins of that style. It cannot tell when a ballot was ' +
  'cast, only that it was appended in time and matched by a check-in made in the window.';

export function formatAuditReport(report: AuditReport, pkg: ElectionPackage | undefined): string[] {
  const lines: string[] = [`OGAS audit of ${report.source}`];
  if (report.electionId) lines.push(`election     ${report.title ?? ''} (${report.electionId})`);
  if (report.signatures) {
    lines.push(
      `package      ${report.signatures.valid} valid authority signature(s), ${report.signatures.required} required`,
    );
  }
  lines.push(`log          ${report.entries} entries, rebuilt root ${report.root}`);
  if (report.checkpoint) {
    const w = report.checkpoint.witnesses.map((x) => `${x.name} at ${x.time}`).join(', ') || 'no witness';
    lines.push(
      `checkpoint   size ${report.checkpoint.size}, signed by the log at ${report.checkpoint.logTime}; cosigned by ${w}`,
    );
  }
  lines.push(`checkpoints  ${report.checkpointsChecked} checked`);
  if (report.counts) {
    const c = report.counts;
    lines.push(
      `entries      ${c.enrolments} enrolments, ${c.checkins} check-ins, ${c.batches} batches, ${c.ballots} ballots, ` +
        `${c.polls} polls events${c.malformed > 0 ? `, ${c.malformed} malformed` : ''}; ${report.kiosks} kiosks`,
    );
  }
  for (const k of report.kiosksWithoutFinal) lines.push(`notice       kiosk ${k} sent no final batch`);
  if (report.officials.length > 0) {
    lines.push('enrolments per official (DESIGN §9):');
    for (const o of report.officials) {
      lines.push(
        `  ${o.official}: ${o.kiosks.length} kiosk(s) at entries ${o.kiosks.map((k) => k.index).join(', ')}`,
      );
    }
  }
  if (report.results && pkg) {
    lines.push('recount (DESIGN §4 counting rules):');
    lines.push(...formatResults(pkg, report.results).map((l) => `  ${l}`));
    if (!report.passed)
      lines.push('  (faults were found: these counts leave out every ballot with a fault of its own)');
  }
  for (const n of report.notChecked) lines.push(`NOT CHECKED  ${n}`);
  lines.push(`timing       ${TIMING_NOTE}`);
  lines.push(
    `verifier     ${report.verifier} on ${report.threads} thread(s), ${report.seconds.toFixed(1)} s`,
  );
  if (report.passed) {
    lines.push('AUDIT PASSED: no fault found.');
  } else {
    lines.push(`AUDIT FAILED: ${report.faults.length} fault(s):`);
    for (const f of report.faults) lines.push(`  ${formatFault(f)}`);
  }
  return lines;
}
