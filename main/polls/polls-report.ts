/**
 * Polls reports (issue 6 "Polls"): the zero report at open (no ballots, counts zero) and the close
 * report (check-ins and ballots per ballot style), each tied to its signed polls entry (seq and leaf
 * hash, DESIGN §5), as JSON, as a printable HTML document for the browser's print dialog, and as
 * receipt lines for the enclosure's 58 mm printer (firmware-bridge RECEIPT_LIMITS).
 *
 * Pure functions: no clock (the time is given), no I/O.
 */
import type { CheckpointView, HumanString, PollsReport, StyleCount } from '../rpc/api';

export interface ReportInput {
  readonly kind: 'zero' | 'close';
  readonly electionId: string;
  readonly electionTitle: HumanString;
  readonly kioskId: string;
  readonly generatedAt: Date;
  readonly byStyle: readonly StyleCount[];
  readonly pollsEntry: PollsReport['pollsEntry'];
  readonly ballotsWaiting: number;
  readonly lastAcknowledgedCheckpoint: CheckpointView | null;
}

export function buildPollsReport(input: ReportInput): PollsReport {
  const totals = input.byStyle.reduce(
    (t, s) => ({ checkins: t.checkins + s.checkins, ballots: t.ballots + s.ballots }),
    { checkins: 0, ballots: 0 },
  );
  return {
    kind: input.kind,
    electionId: input.electionId,
    kioskId: input.kioskId,
    generatedAt: input.generatedAt.toISOString(),
    totals,
    byStyle: [...input.byStyle].sort((a, b) => (a.style < b.style ? -1 : a.style > b.style ? 1 : 0)),
    pollsEntry: input.pollsEntry,
    ballotsWaiting: input.ballotsWaiting,
    lastAcknowledgedCheckpoint: input.lastAcknowledgedCheckpoint,
  };
}

/** Zero report check (issue 6): a zero report must show no check-in and no ballot. */
export function isZero(report: PollsReport): boolean {
  return report.totals.checkins === 0 && report.totals.ballots === 0;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function firstString(s: HumanString): string {
  return s.en ?? Object.values(s)[0] ?? '';
}

function title(kind: PollsReport['kind']): string {
  return kind === 'zero' ? 'Zero report (polls opened)' : 'Close report (polls closed)';
}

/** A complete HTML document (no script, no external resource) to print from the browser. */
export function reportHtml(report: PollsReport, electionTitle: HumanString): string {
  const rows = report.byStyle
    .map((s) => `<tr><td>${escapeHtml(s.style)}</td><td>${s.checkins}</td><td>${s.ballots}</td></tr>`)
    .join('\n');
  const cp = report.lastAcknowledgedCheckpoint;
  const zero =
    report.kind === 'zero'
      ? `<p class="verdict">${isZero(report) ? 'ZERO: no check-in and no ballot are stored at this kiosk.' : 'NOT ZERO: this kiosk already holds check-ins or ballots. Do not open polls; call an election official.'}</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title(report.kind))}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #000; }
h1 { font-size: 1.4rem; } table { border-collapse: collapse; margin: 1rem 0; }
td, th { border: 1px solid #000; padding: 0.25rem 0.75rem; text-align: left; }
.mono { font-family: ui-monospace, monospace; word-break: break-all; }
.verdict { font-weight: bold; border: 2px solid #000; padding: 0.5rem; }
.sign { margin-top: 3rem; } .sign div { border-top: 1px solid #000; width: 18rem; margin-top: 2.5rem; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>${escapeHtml(title(report.kind))}</h1>
<p>${escapeHtml(firstString(electionTitle))}</p>
<table>
<tr><th>Election</th><td class="mono">${escapeHtml(report.electionId)}</td></tr>
<tr><th>Kiosk</th><td class="mono">${escapeHtml(report.kioskId)}</td></tr>
<tr><th>Generated</th><td>${escapeHtml(report.generatedAt)}</td></tr>
<tr><th>Polls entry</th><td>seq ${report.pollsEntry.seq}, leaf hash <span class="mono">${escapeHtml(report.pollsEntry.leafHash)}</span>, ${report.pollsEntry.acknowledged ? 'acknowledged by the ledger' : 'waiting for the ledger'}</td></tr>
<tr><th>Ballots waiting for the ledger</th><td>${report.ballotsWaiting}</td></tr>
<tr><th>Last acknowledged checkpoint</th><td>${cp ? `size ${cp.size}, verified ${escapeHtml(cp.verifiedAt)}` : 'none yet'}</td></tr>
</table>
${zero}
<table>
<tr><th>Ballot style</th><th>Check-ins</th><th>Ballots</th></tr>
${rows}
<tr><th>Total</th><th>${report.totals.checkins}</th><th>${report.totals.ballots}</th></tr>
</table>
<div class="sign"><div>Election official</div><div>Witness</div></div>
</body>
</html>
`;
}

/** The report as receipt lines (32 columns) for the enclosure printer. */
export function reportReceiptLines(report: PollsReport): string[] {
  const short = (hex: string) => `${hex.slice(0, 16)}…`;
  const lines = [
    report.kind === 'zero' ? 'ZERO REPORT - POLLS OPENED' : 'CLOSE REPORT - POLLS CLOSED',
    `election ${short(report.electionId)}`,
    `kiosk    ${short(report.kioskId)}`,
    report.generatedAt.slice(0, 19).replace('T', ' ') + ' UTC',
    `polls entry seq ${report.pollsEntry.seq}`,
    '--------------------------------',
    'style            checkins ballots',
  ];
  const shown = report.byStyle.slice(0, 24);
  for (const s of shown) {
    lines.push(
      `${s.style.slice(0, 16).padEnd(16)} ${String(s.checkins).padStart(8)} ${String(s.ballots).padStart(7)}`,
    );
  }
  if (report.byStyle.length > shown.length)
    lines.push(`(+${report.byStyle.length - shown.length} more styles)`);
  lines.push('--------------------------------');
  lines.push(
    `${'total'.padEnd(16)} ${String(report.totals.checkins).padStart(8)} ${String(report.totals.ballots).padStart(7)}`,
  );
  if (report.kind === 'zero')
    lines.push(isZero(report) ? 'ZERO: nothing stored' : 'NOT ZERO: call an official');
  lines.push(`waiting for ledger: ${report.ballotsWaiting}`);
  return lines;
}
