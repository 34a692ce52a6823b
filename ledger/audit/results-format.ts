/**
 * Election results as text for people (`ogas audit`, `ogas tally`): per contest the cast ballots,
 * blank votes, votes per option and the outcome by its rule (DESIGN §4), then the per-district
 * breakdown (per country for a global contest, per district below the scope otherwise).
 */
import type { ElectionPackage } from '../../protocol/election';
import type { ContestResult, ElectionResult } from '../../protocol/tally';

function votes(pkg: ElectionPackage, contestId: string, counts: Readonly<Record<string, number>>): string {
  const contest = pkg.contests.find((c) => c.id === contestId);
  return (contest?.options ?? []).map((o) => `${o.id} ${counts[o.id] ?? 0}`).join(', ');
}

function outcome(c: ContestResult): string {
  const o = c.outcome;
  if (o.kind === 'majority') {
    return o.winners.length > 0
      ? `wins: ${o.winners.join(', ')} (more than half of ${c.cast} cast)`
      : `no option has more than half of the ${c.cast} cast ballots`;
  }
  const approving = o.countries.filter((x) => x.approves).map((x) => x.country);
  return (
    `${o.passed ? 'PASSES' : 'does NOT pass'}: ${o.approving} of ${o.countryCount} countries approve` +
    (approving.length > 0 ? ` (${approving.join(', ')})` : '')
  );
}

export function formatResults(pkg: ElectionPackage, result: ElectionResult): string[] {
  const lines = [`${result.ballots} ballot(s) counted`];
  for (const c of result.contests) {
    const rule = pkg.contests.find((x) => x.id === c.contest)?.rule.kind ?? '?';
    lines.push(
      `  ${c.contest} [scope ${c.scope}, ${rule}]: ${c.cast} cast, ${c.blank} blank; ${votes(pkg, c.contest, c.votes)}`,
    );
    lines.push(`      → ${outcome(c)}`);
    for (const d of c.districts) {
      if (d.cast === 0) continue;
      let extra = '';
      if (c.outcome.kind === 'country-supermajority') {
        const v = c.outcome.countries.find((x) => x.country === d.district);
        if (v) extra = `; base ${v.base}: ${v.approves ? 'approves' : 'does not approve'}`;
      }
      lines.push(
        `      ${d.district}: ${d.cast} cast, ${d.blank} blank; ${votes(pkg, c.contest, d.votes)}${extra}`,
      );
    }
  }
  return lines;
}
