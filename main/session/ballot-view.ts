/**
 * The ballot of one style as the voter sees it (DESIGN §4: a style lists its contests; human strings
 * keyed by language), and the check of a voter's selections against it before review, naming each
 * field at fault, so a UI bug shows on screen and never at the queue or the ledger.
 */
import type { ElectionPackage } from '../../protocol/election';
import { err, ok, type Result } from '../../protocol/result';
import type { BallotView, RpcIssue, Selections } from '../rpc/api';

export function ballotView(pkg: ElectionPackage, styleId: string): BallotView {
  const style = pkg.ballotStyles.find((s) => s.id === styleId);
  if (!style)
    throw new Error(`ballot style "${styleId}" is not in the package (a bug: eligibility checks it)`);
  const contests = style.contests.map((id) => {
    const c = pkg.contests.find((x) => x.id === id);
    if (!c) throw new Error(`contest "${id}" of style "${styleId}" is not in the package`);
    return {
      id: c.id,
      question: c.question,
      maxChoices: c.maxChoices,
      options: c.options.map((o) => ({ id: o.id, label: o.label })),
      scope: c.scope,
    };
  });
  return { styleId, languages: pkg.languages, contests };
}

/**
 * Checks selections against the ballot: every contest is on it, every option is one of its options,
 * no option twice, at most maxChoices. A contest left out or empty is a blank vote (DESIGN §4). The
 * result lists every contest of the ballot (blank ones as []), in ballot order.
 */
export function checkSelections(ballot: BallotView, selections: Selections): Result<Selections, RpcIssue[]> {
  const issues: RpcIssue[] = [];
  const byId = new Map(ballot.contests.map((c) => [c.id, c]));
  for (const [contestId, chosen] of Object.entries(selections)) {
    const contest = byId.get(contestId);
    const path = `selections.${contestId}`;
    if (!contest) {
      issues.push({ path, message: 'is not a contest on this ballot' });
      continue;
    }
    const options = new Set(contest.options.map((o) => o.id));
    const seen = new Set<string>();
    for (const [i, option] of chosen.entries()) {
      if (!options.has(option))
        issues.push({ path: `${path}.${i}`, message: `"${option}" is not an option of this contest` });
      else if (seen.has(option))
        issues.push({ path: `${path}.${i}`, message: `"${option}" is chosen twice` });
      seen.add(option);
    }
    if (chosen.length > contest.maxChoices) {
      issues.push({
        path,
        message: `at most ${contest.maxChoices} choice(s) in this contest, got ${chosen.length}`,
      });
    }
  }
  if (issues.length > 0) return err(issues);
  return ok(Object.fromEntries(ballot.contests.map((c) => [c.id, [...(selections[c.id] ?? [])]])));
}
